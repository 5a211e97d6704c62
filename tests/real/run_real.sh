#!/usr/bin/env bash
# tests/real/run_real.sh - run real programs (that nobody here wrote) natively and
# under tether, and check that tether changes nothing and checks them to the end.
#
# usage: run_real.sh [options] PROGRAM TETHER_CMD [TETHER_ARGS...]
#        run_real.sh [options] [all] TETHER_CMD [TETHER_ARGS...]     (every program)
#   PROGRAM: python3 python3-malloc perl git sqlite3 bash make cmake
#            cmake-project sort awk openssl gcc g++ xz jq rust jemalloc gdb java
#   TETHER_CMD: the tether command (build/bin/tether); it is run as
#       TETHER_CMD [TETHER_ARGS...] --log-file=DIR/r.%p.txt PROGRAM ARGS...
#   --no-report-check  skip the report-file checks and do not pass --log-file
#                      (to try the script with a stand-in such as "env")
#   --keep             keep the work directory (printed)
# Environment: TETHER_REAL_SCALE=F multiplies the workload sizes (default 1).
#
# For each program a small but real workload runs natively and under tether.
# PASS when: stdout and exit status are identical; the tether run did not die
# by a signal; every report file exists and contains "HEAP SUMMARY" and "ERROR
# SUMMARY" (the process was checked to the end, Debian's sh, which ends with
# _exit, included); no report and no stderr line says
# "tether: internal error".  A program that is not installed prints
# "SKIP: <program> not installed" and exits 0.
set -u -o pipefail

PROGRAMS="python3 python3-malloc perl git sqlite3 bash make cmake cmake-project sort awk openssl gcc g++ xz jq rust jemalloc gdb java"
# The programs whose every process Valgrind finds nothing definitely or
# indirectly lost in: tether must not either.
ZERO_LOST="python3 python3-malloc sqlite3 cmake awk openssl xz rust jemalloc"
REPORT_CHECK=1
KEEP=0
usage() { sed -n '2,/^set -u/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case $1 in
    --no-report-check) REPORT_CHECK=0; shift;;
    --keep) KEEP=1; shift;;
    -h|--help) usage; exit 0;;
    --) shift; break;;
    -*) echo "run_real.sh: unknown option $1" >&2; usage >&2; exit 2;;
    *) break;;
  esac
done
[ $# -ge 1 ] || { usage >&2; exit 2; }
SELECT=all
case " all $PROGRAMS " in
  *" $1 "*) if [ $# -ge 2 ]; then SELECT=$1; shift; fi;;
esac
if [ "$SELECT" = all ] && [ $# -ge 2 ] && ! command -v "$1" >/dev/null 2>&1; then
  echo "FAIL: unknown program '$1' (known: $PROGRAMS)" >&2
  exit 2
fi
TETHER=("$@")
[ ${#TETHER[@]} -ge 1 ] || { usage >&2; exit 2; }
if ! command -v "${TETHER[0]}" >/dev/null 2>&1; then
  echo "FAIL: tether command '${TETHER[0]}' not found or not executable" >&2
  exit 1
fi
# The workloads cd around: make a relative tether path absolute.
case ${TETHER[0]} in
  /*) ;;
  */*) TETHER[0]=$(cd "$(dirname "${TETHER[0]}")" && pwd)/$(basename "${TETHER[0]}");;
esac
SCALE=${TETHER_REAL_SCALE:-1}
sz() { awk -v a="$1" -v s="$SCALE" 'BEGIN { n = int(a * s); if (n < 10) n = 10; print n }'; }

# A quiet, reproducible environment, the same for the native and the tether run.
export LC_ALL=C TZ=UTC
export PYTHONHASHSEED=0 PYTHONDONTWRITEBYTECODE=1 PERL_HASH_SEED=0 PERL_PERTURB_KEYS=0
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_PAGER=cat PAGER=cat
export GIT_AUTHOR_NAME="Real Test" GIT_AUTHOR_EMAIL=real@example.invalid
export GIT_COMMITTER_NAME="Real Test" GIT_COMMITTER_EMAIL=real@example.invalid
unset MAKEFLAGS MFLAGS MAKELEVEL PYTHONMALLOC PYTHONPATH PYTHONSTARTUP LD_PRELOAD

# Locate a program; prefer the distribution's copy in /usr/bin (a pyenv-style
# shim is a shell script that would make the checked process bash).
prog_path() {
  if [ -x "/usr/bin/$1" ]; then echo "/usr/bin/$1"; else command -v "$1" 2>/dev/null; fi
}

# jemalloc's shared library (Debian: libjemalloc2), or nothing.
jemalloc_lib() {
  local f
  for f in /usr/lib/*-linux-gnu/libjemalloc.so.2 /usr/lib64/libjemalloc.so.2 /usr/lib/libjemalloc.so.2 \
      /usr/local/lib/libjemalloc.so.2; do
    [ -e "$f" ] && { echo "$f"; return; }
  done
  ldconfig -p 2>/dev/null | awk '$1 == "libjemalloc.so.2" { print $NF; exit }'
}

# In the workloads, "run CMD ARGS..." runs a real program natively or under
# tether (RUN_PREFIX); everything else (input generation) always runs natively.
RUN_PREFIX=()
run() { "${RUN_PREFIX[@]}" "$@"; }
# Several commands in one workload: print each command's exit status into stdout.
st() { echo "[exit $?]"; }

# ---- the workloads: wl_NAME, run in a fresh empty directory; $IN holds inputs --
PY_SCRIPT='
import sys, json, re, collections
n = int(sys.argv[1])
people = {}
for i in range(n):
    key = "user%06d" % i
    people[key] = {"id": i, "name": key.upper(), "age": i % 90,
                   "tags": ["t%d" % (i % 13), "g%d" % (i % 7)],
                   "score": (i * 7919) % 10007 / 7.0}
by_age = collections.defaultdict(list)
for k, v in people.items():
    by_age[v["age"]].append(k)
top = sorted(people.values(), key=lambda p: (-p["score"], p["id"]))[:5]
hits = sum(1 for i in range(0, 2 * n, 3) if "user%06d" % i in people)
tags = collections.Counter(t for p in people.values() for t in p["tags"])
pat = re.compile(r"USER0*(\d+)7$")
matched = sum(1 for p in people.values() if pat.match(p["name"]))
blob = json.dumps([people[k] for k in list(people)[: n // 10]], sort_keys=True)
back = json.loads(blob)
for k in list(people)[::2]:
    del people[k]
sets = [frozenset(range(i % 50)) for i in range(n // 10)]
words = " ".join(p["name"].lower() for p in people.values()).split()
print(n, len(people), len(by_age), [p["id"] for p in top], hits)
print(sorted(tags.items())[:6], matched, len(blob), len(back))
print(sum(len(s) for s in set(sets)), len(words), max(words), min(words))
'
wl_python3() { run "$PY" -c "$PY_SCRIPT" "$(sz 60000)"; }
wl_python3-malloc() { PYTHONMALLOC=malloc run "$PY" -c "$PY_SCRIPT" "$(sz 60000)"; }

PERL_SCRIPT='
use strict; use warnings;
my $n = shift;
my %h;
for my $i (0 .. $n - 1) {
    my $k = sprintf("key%06d", $i);
    $h{$k} = { id => $i, name => uc $k, list => [ map { $_ * $i } 1 .. 5 ], text => "x" x ($i % 40) };
}
my %by;
push @{ $by{ $h{$_}{id} % 97 } }, $_ for keys %h;
my @top = (sort { $h{$b}{list}[4] % 1009 <=> $h{$a}{list}[4] % 1009 or $a cmp $b } keys %h)[0 .. 4];
my $hits = grep { exists $h{ sprintf("key%06d", $_) } } map { $_ * 3 } 0 .. int($n * 2 / 3);
my $m = grep { /KEY0*\d*7$/ } map { $h{$_}{name} } keys %h;
my $joined = join ",", map { $h{$_}{id} } sort keys %h;
(my $letters = $joined) =~ tr/0-9/a-j/;
my %words; $words{$_}++ for split /,/, $letters;
delete $h{$_} for grep { $h{$_}{id} % 2 } keys %h;
my $textlen = 0; $textlen += length $h{$_}{text} for keys %h;
print join(" ", $n, scalar(keys %h), scalar(keys %by), "@top", $hits, $m, length $joined, scalar(keys %words), $textlen), "\n";
'
wl_perl() { run "$PERL" -e "$PERL_SCRIPT" "$(sz 40000)"; }

# Files written in the second the index is written are "racily clean" to git,
# which then re-reads them: how much a later command does would depend on how
# fast the earlier ones ran. Dating the work tree in the past makes the work
# the same natively, under tether and under Valgrind.
age_files() { find . -path ./.git -prune -o -type f -exec touch -d '2024-01-01 00:00:00 UTC' {} +; }
wl_git() {
  local n i
  n=$(sz 60)
  export GIT_AUTHOR_DATE="2024-01-02T03:04:05Z" GIT_COMMITTER_DATE="2024-01-02T03:04:05Z"
  run "$GIT" -c init.defaultBranch=main init -q repo; st
  cd repo || return 1
  for i in $(seq 1 "$n"); do seq "$i" $((i + 200)) | sed "s/^/file $i line /" >"f$i.txt"; done
  mkdir -p sub && printf 'hello\nworld\n' >sub/readme
  age_files
  run "$GIT" add -A; st
  run "$GIT" commit -q -m "first commit"; st
  for i in $(seq 1 3 "$n"); do echo "changed $i" >>"f$i.txt"; done
  rm -f f2.txt && mv f3.txt f3-renamed.txt && echo new >sub/new.txt
  age_files
  export GIT_AUTHOR_DATE="2024-01-03T03:04:05Z" GIT_COMMITTER_DATE="2024-01-03T03:04:05Z"
  run "$GIT" add -A; st
  run "$GIT" commit -q -m "second commit"; st
  run "$GIT" log --stat --format='%H %an <%ae> %ad %s' --date=iso-strict; st
  run "$GIT" diff --stat -M HEAD~1 HEAD; st
  run "$GIT" status --porcelain; st
  run "$GIT" rev-list --count HEAD; st
  run "$GIT" ls-tree -r HEAD sub; st
  run "$GIT" grep -c "line 17" HEAD; st
  run "$GIT" cat-file -p HEAD; st
  run "$GIT" fsck --no-progress; st
}

wl_sqlite3() {
  local n
  n=$(sz 10000)
  awk -v n="$n" 'BEGIN {
    print "CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT, grp INTEGER, price REAL, note TEXT);"
    print "CREATE TABLE grp(id INTEGER PRIMARY KEY, label TEXT);"
    for (g = 0; g < 50; g++) printf "INSERT INTO grp VALUES(%d, %cgroup-%d%c);\n", g, 39, g, 39
    print "BEGIN;"
    x = 12345
    for (i = 1; i <= n; i++) {
      x = (x * 1103515245 + 12345) % 2147483648
      printf "INSERT INTO item(name, grp, price, note) VALUES(%citem%d%c, %d, %d.%02d, %c%s%c);\n", \
        39, int(x / 64) % 100000, 39, int(x / 65536) % 50, int(x / 256) % 1000, i % 100, 39, substr("abcdefghijklmnopqrstuvwxyz", 1 + i % 26), 39
    }
    print "COMMIT;"
    print "CREATE INDEX item_grp ON item(grp, price);"
    print "SELECT count(*), sum(price), min(name), max(name) FROM item;"
    print "SELECT g.label, count(*), round(avg(i.price), 3) FROM item i JOIN grp g ON g.id = i.grp GROUP BY g.id ORDER BY g.id LIMIT 10;"
    print "SELECT name, price FROM item WHERE grp = 7 ORDER BY price DESC, id LIMIT 5;"
    print "SELECT count(*) FROM item WHERE note LIKE \047%xyz\047;"
    print "UPDATE item SET price = price * 1.1 WHERE grp % 3 = 0;"
    print "DELETE FROM item WHERE id % 7 = 0;"
    print "SELECT count(*), round(sum(price), 2) FROM item;"
    print "SELECT grp, group_concat(id, \047,\047) FROM (SELECT grp, id FROM item WHERE id < 60 ORDER BY id) GROUP BY grp ORDER BY grp LIMIT 5;"
    print "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000) SELECT sum(x) FROM c;"
    print "CREATE TABLE copy AS SELECT * FROM item ORDER BY name;"
    print "SELECT count(DISTINCT name), length(group_concat(note, \047\047)) FROM copy;"
  }' >"$IN/db.sql"
  run "$SQLITE3" -batch :memory: <"$IN/db.sql"
}

wl_bash() {
  cat >"$IN/script.sh" <<'EOF'
n=$1
declare -A seen
total=0 s="" ones=0
for ((i = 0; i < n; i++)); do
  key="k$((i % 997))"
  seen[$key]=$(( ${seen[$key]:-0} + i ))
  s+="${i: -1}"
  (( total += i * i % 7 ))
  [[ $key == k1* ]] && (( ones++ ))
done
arr=()
for ((i = 0; i < n / 10; i++)); do arr+=("item$i"); done
twice() { local x=$1; echo $((x * 2)); }
echo "${#seen[@]} $total ${#s} $ones ${#arr[@]} ${arr[*]: -3}"
r=$(twice 21); echo "subshell: $r"
printf '%s\n' "${!seen[@]}" | sort | tr '\n' ' ' | cut -c 1-12
echo "${s:0:20}" | tr 0-9 a-j
x=${s//[0-4]/}; echo "${#x}"
EOF
  run "$BASH_BIN" "$IN/script.sh" "$(sz 20000)"
}

wl_make() {
  cat >b.h <<'EOF'
unsigned long mix(unsigned long x);
EOF
  cat >a.c <<'EOF'
#include <stdio.h>
#include "b.h"
int main(void) { unsigned long h = 0; for (unsigned long i = 0; i < 1000; i++) h ^= mix(i); printf("%lu\n", h); return 0; }
EOF
  cat >b.c <<'EOF'
#include "b.h"
unsigned long mix(unsigned long x) { x ^= x >> 13; x *= 0x9E3779B97F4A7C15ul; return x ^ (x >> 29); }
EOF
  printf '%s\n' 'CFLAGS = -O1' 'prog: a.o b.o' '	$(CC) $(CFLAGS) -o $@ a.o b.o' \
    '%.o: %.c b.h' '	$(CC) $(CFLAGS) -c $<' 'clean:' '	rm -f prog a.o b.o' >Makefile
  run "$MAKE_BIN"; st
  ./prog; st
  run "$MAKE_BIN"; st
  touch b.h
  run "$MAKE_BIN" -j2 prog; st
  run "$MAKE_BIN" -n clean; st
  run "$MAKE_BIN" clean; st
}

wl_cmake() {
  cat >"$IN/script.cmake" <<'EOF'
set(acc "")
set(total 0)
set(sevens "")
foreach(i RANGE 1 ${N})
  math(EXPR total "${total} + ${i} * 3 % 17")
  list(APPEND acc "item${i}")
  if(i MATCHES "7$")
    string(APPEND sevens "${i},")
  endif()
endforeach()
list(LENGTH acc len)
list(REVERSE acc)
list(SUBLIST acc 0 3 head)
list(FILTER acc INCLUDE REGEX "9$")
list(LENGTH acc nines)
string(LENGTH "${sevens}" slen)
string(REGEX REPLACE "([0-9]+)," "<\\1>" wrapped "${sevens}")
string(MD5 md5 "${wrapped}")
string(TOUPPER "${head}" upper)
file(WRITE "${CMAKE_CURRENT_BINARY_DIR}/out.txt" "${wrapped}")
file(READ "${CMAKE_CURRENT_BINARY_DIR}/out.txt" back)
string(LENGTH "${back}" blen)
message(STATUS "total=${total} len=${len} nines=${nines} slen=${slen} blen=${blen}")
message(STATUS "head=${upper} md5=${md5}")
EOF
  run "$CMAKE_BIN" -DN="$(sz 6000)" -P "$IN/script.cmake"
}

wl_sort() {
  awk -v n="$(sz 200000)" 'BEGIN { x = 1; for (i = 0; i < n; i++) {
      x = (x * 1103515245 + 12345) % 2147483648
      printf "w%x %d %s\n", x % 65536, x % 1000, substr("qwertyuiopasdfghjkl", 1 + x % 19) } }' >"$IN/in.txt"
  run "$SORT_BIN" -k2,2n -k1,1 -o sorted.txt "$IN/in.txt"; st
  cksum <sorted.txt
  run "$SORT_BIN" -u -k1,1 -o uniq.txt "$IN/in.txt"; st
  cksum <uniq.txt
  run "$SORT_BIN" -S 1M -T . -r -o rev.txt "$IN/in.txt"; st
  cksum <rev.txt
  run "$SORT_BIN" -c -k2,2n -k1,1 sorted.txt; st
  run "$SORT_BIN" -m -k2,2n -k1,1 sorted.txt sorted.txt -o merged.txt; st
  cksum <merged.txt
}

wl_awk() {
  awk -v n="$(sz 150000)" 'BEGIN { x = 7; for (i = 0; i < n; i++) {
      x = (x * 1103515245 + 12345) % 2147483648
      printf "%s%d %d", (i % 11 ? "word" : "Term"), x % 5000, x % 97
      if (i % 8 == 7) printf "\n"; else printf " " } print "" }' >"$IN/text.txt"
  cat >"$IN/prog.awk" <<'EOF'
{ for (i = 1; i <= NF; i++) { cnt[$i]++; total++; if ($i ~ /^Term/) terms++; len += length($i) } }
END {
  distinct = 0; best = ""; bestn = 0
  for (w in cnt) { distinct++; if (cnt[w] > bestn || (cnt[w] == bestn && w < best)) { best = w; bestn = cnt[w] } }
  s = ""; for (i = 0; i < 2000; i++) s = s sprintf("%d;", i * i % 1013)
  n = split(s, parts, ";")
  printf "%d %d %d %d %s %d %d %d\n", NR, total, distinct, terms, best, bestn, len, n
}
EOF
  run "$AWK_BIN" -f "$IN/prog.awk" "$IN/text.txt"
}

# OpenSSL: digests and a symmetric round trip. Its clean-up at exit tears down
# libcrypto; tether once crashed it there (libdw's debuginfod client brought
# libcurl, and with it a second start of the TLS libraries, into the program).
wl_openssl() {
  head -c "$(sz 2000000)" /dev/zero | tr '\0' 'x' >"$IN/data.bin"
  run "$OPENSSL_BIN" dgst -sha256 "$IN/data.bin" | sed 's|.*= ||'
  run "$OPENSSL_BIN" dgst -sha512 "$IN/data.bin" | sed 's|.*= ||'
  run "$OPENSSL_BIN" enc -aes-256-cbc -pbkdf2 -pass pass:tether -in "$IN/data.bin" -out enc.bin; st
  run "$OPENSSL_BIN" enc -d -aes-256-cbc -pbkdf2 -pass pass:tether -in enc.bin | cksum
}

# gcc: one C file compiled (gcc, cc1 and as: three processes), linked (gcc,
# collect2 and ld), preprocessed and compiled to assembly; the program then
# runs natively and its output and the generated code are compared.
CALC_C='#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
struct entry { char key[24]; unsigned long count; struct entry *next; };
#define NBUCKET 1024
static struct entry *table[NBUCKET];
static unsigned long hash(const char *s) {
  unsigned long h = 1469598103934665603ul;
  while (*s) h = (h ^ (unsigned char)*s++) * 1099511628211ul;
  return h;
}
static struct entry *lookup(const char *k) {
  unsigned long b = hash(k) % NBUCKET;
  for (struct entry *e = table[b]; e; e = e->next)
    if (strcmp(e->key, k) == 0) return e;
  struct entry *e = calloc(1, sizeof *e);
  snprintf(e->key, sizeof e->key, "%s", k);
  e->next = table[b];
  table[b] = e;
  return e;
}
static int cmp(const void *a, const void *b) {
  const struct entry *x = *(struct entry *const *)a, *y = *(struct entry *const *)b;
  if (x->count != y->count) return x->count < y->count ? 1 : -1;
  return strcmp(x->key, y->key);
}
int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1000;
  char k[24];
  double acc = 0;
  for (int i = 0; i < n; i++) {
    snprintf(k, sizeof k, "w%d", (i * 7919) % 997);
    lookup(k)->count += i % 13;
    acc += sqrt((double)i);
  }
  size_t m = 0, j = 0;
  for (int b = 0; b < NBUCKET; b++) for (struct entry *e = table[b]; e; e = e->next) m++;
  struct entry **all = malloc(m * sizeof *all);
  for (int b = 0; b < NBUCKET; b++) for (struct entry *e = table[b]; e; e = e->next) all[j++] = e;
  qsort(all, m, sizeof *all, cmp);
  printf("%zu distinct, top %s=%lu %s=%lu, acc %.3f\n", m, all[0]->key, all[0]->count,
         all[1]->key, all[1]->count, acc);
  for (size_t i = 0; i < m; i++) free(all[i]);
  free(all);
  return 0;
}
'
wl_gcc() {
  printf '%s' "$CALC_C" >calc.c
  run "$GCC_BIN" -O2 -Wall -c calc.c -o calc.o; st
  run "$GCC_BIN" -O1 -o calc calc.o -lm; st
  ./calc "$(sz 20000)"; st
  run "$GCC_BIN" -E -P calc.c | grep -c 'extern'; st
  run "$GCC_BIN" -O2 -S -o calc.s calc.c; st
  grep -c 'call' calc.s
}

# g++: a C++ file with the standard library's containers, strings, streams,
# algorithms and exceptions (g++, cc1plus and as; then g++, collect2 and ld).
WORDS_CPP='#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>
struct Shape { virtual ~Shape() = default; virtual double area() const = 0; virtual std::string name() const = 0; };
struct Rect : Shape { double w, h; Rect(double a, double b) : w(a), h(b) {}
  double area() const override { return w * h; } std::string name() const override { return "rect"; } };
struct Tri : Shape { double b, h; Tri(double x, double y) : b(x), h(y) {}
  double area() const override { return b * h / 2; } std::string name() const override { return "tri"; } };
static int parse(const std::string &s) {
  if (s.empty() || s[0] == 0x78) throw std::invalid_argument("bad: " + s);
  return std::stoi(s);
}
int main(int argc, char **argv) {
  int n = argc > 1 ? std::stoi(argv[1]) : 1000;
  std::unordered_map<std::string, int> freq;
  std::map<int, std::vector<std::string>> byLen;
  std::ostringstream text;
  for (int i = 0; i < n; i++) text << "w" << (i * 7919) % 1009 << (i % 5 ? " " : "\n");
  std::istringstream in(text.str());
  std::string w;
  while (in >> w) if (freq[w]++ == 0) byLen[(int)w.size()].push_back(w);
  std::vector<std::pair<std::string, int>> v(freq.begin(), freq.end());
  std::sort(v.begin(), v.end(), [](const auto &a, const auto &b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
  std::vector<std::unique_ptr<Shape>> shapes;
  for (int i = 0; i < 100; i++) {
    if (i % 3) shapes.push_back(std::make_unique<Rect>(i, i + 1));
    else shapes.push_back(std::make_unique<Tri>(i, 2 * i));
  }
  double total = 0; int rects = 0;
  for (const auto &s : shapes) { total += s->area(); rects += s->name() == "rect"; }
  int bad = 0, sum = 0;
  for (std::string s : {"12", "x3", "40", "", "7"}) {
    try { sum += parse(s); } catch (const std::exception &e) { bad++; }
  }
  std::cout << v.size() << " distinct; top " << v[0].first << "=" << v[0].second
            << "; lengths " << byLen.size() << "; area " << total << " rects " << rects
            << "; parsed " << sum << " bad " << bad << std::endl;
  return 0;
}
'
wl_g++() {
  printf '%s' "$WORDS_CPP" >words.cpp
  run "$GXX_BIN" -O1 -std=c++17 -Wall -c words.cpp -o words.o; st
  run "$GXX_BIN" -o words words.o; st
  ./words "$(sz 30000)"; st
}

# cmake configuring a small C project: compiler detection and try_compile runs
# (make, gcc, cc1, as, collect2 and ld under tether too), checks and
# configure_file; then the project is built and run natively. Paths are
# printed relative to the work directory.
wl_cmake-project() {
  mkdir -p proj
  cat >proj/CMakeLists.txt <<'END_CMAKE'
cmake_minimum_required(VERSION 3.13)
project(realproj VERSION 1.2.3 LANGUAGES C)
include(CheckIncludeFile)
include(CheckFunctionExists)
include(CheckCSourceCompiles)
check_include_file(stdint.h HAVE_STDINT_H)
check_include_file(no/such/header.h HAVE_NO_SUCH_HEADER)
check_function_exists(strdup HAVE_STRDUP)
check_c_source_compiles("int main(void) { return __builtin_popcount(3) - 2; }" HAVE_POPCOUNT)
option(WITH_EXTRA "extra" ON)
set(NAMES "")
foreach(i RANGE 1 40)
  list(APPEND NAMES "n${i}")
endforeach()
list(JOIN NAMES "," NAME_LIST)
configure_file(config.h.in config.h)
add_library(util STATIC util.c)
add_executable(app main.c)
target_include_directories(app PRIVATE ${CMAKE_CURRENT_BINARY_DIR})
target_link_libraries(app PRIVATE util)
message(STATUS "have: stdint=${HAVE_STDINT_H} nosuch=${HAVE_NO_SUCH_HEADER} strdup=${HAVE_STRDUP} popcount=${HAVE_POPCOUNT}")
END_CMAKE
  printf '%s\n' '#define VERSION "@PROJECT_VERSION@"' '#define NAMES "@NAME_LIST@"' \
    '#cmakedefine HAVE_STRDUP 1' '#cmakedefine01 WITH_EXTRA' >proj/config.h.in
  printf '%s\n' 'int twice(int x) { return 2 * x; }' >proj/util.c
  printf '%s\n' '#include <stdio.h>' '#include "config.h"' 'int twice(int);' \
    'int main(void) { printf("%s %d %d %s\n", VERSION, twice(21), WITH_EXTRA, NAMES); return 0; }' >proj/main.c
  run "$CMAKE_BIN" -S proj -B build -G "Unix Makefiles" -DCMAKE_BUILD_TYPE=Release |
    sed -e "s|$PWD|.|g" -e 's/ ([0-9.]*s)$//'; st
  grep -E '^(HAVE_[A-Z_]*|WITH_EXTRA|CMAKE_BUILD_TYPE):' build/CMakeCache.txt
  cat build/config.h
  "$CMAKE_BIN" --build build >/dev/null; st
  ./build/app; st
}

# xz with two threads: multi-threaded compression (several blocks), listing,
# testing and multi-threaded decompression.
wl_xz() {
  awk -v n="$(sz 60000)" 'BEGIN { x = 3; for (i = 0; i < n; i++) {
      x = (x * 1103515245 + 12345) % 2147483648
      printf "%08d %s %d %x\n", i, substr("lorem ipsum dolor sit amet consectetur", 1 + x % 20), x % 1000, x } }' >"$IN/data.txt"
  run "$XZ_BIN" -T2 -3 --block-size=256KiB -k -c "$IN/data.txt" >data.txt.xz; st
  cksum <data.txt.xz
  run "$XZ_BIN" -T2 -l --robot data.txt.xz | cut -f 1-6; st
  run "$XZ_BIN" -T2 -t data.txt.xz; st
  run "$XZ_BIN" -T2 -d -c data.txt.xz | cksum; st
  cksum <"$IN/data.txt"
}

# jq: grouping, selection, regular expressions, string interpolation, object
# building and reductions on generated JSON.
wl_jq() {
  awk -v n="$(sz 8000)" 'BEGIN { x = 5; printf "["; for (i = 0; i < n; i++) {
      x = (x * 1103515245 + 12345) % 2147483648
      printf "%s{\"id\":%d,\"name\":\"item%d\",\"g\":%d,\"v\":%d.%02d,\"tags\":[\"t%d\",\"u%d\"]}", \
        (i ? "," : ""), i, x % 100000, x % 37, x % 1000, i % 100, x % 7, i % 3 } print "]" }' >"$IN/data.json"
  run "$JQ_BIN" -c 'group_by(.g) | map({g: .[0].g, n: length, s: (map(.v) | add | floor)}) | .[0:5]' "$IN/data.json"; st
  run "$JQ_BIN" '[.[] | select(.name | test("7$"))] | length' "$IN/data.json"; st
  run "$JQ_BIN" -r '.[] | "\(.id)\t\(.name)\t\(.tags | join(","))"' "$IN/data.json" | cksum; st
  run "$JQ_BIN" -S -c 'map(select(.id % 500 == 0) | {name, id, up: (.name | ascii_upcase)})' "$IN/data.json"; st
  run "$JQ_BIN" -c '[.[].tags[]] | group_by(.) | map({key: .[0], value: length}) | from_entries' "$IN/data.json"; st
  run "$JQ_BIN" -n '[range(0; 20000)] | map(. * .) | add, (reduce range(0; 5000) as $i ({}; .["k\($i % 97)"] += 1) | length)'; st
}

# A Rust program built with rustc (natively, once): collections, strings,
# formatting, trait objects, Rc/RefCell, threads with a channel and a mutex.
RUST_SRC='use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
trait Shape { fn area(&self) -> f64; fn name(&self) -> String; }
struct Sq(f64);
struct Circle(f64);
impl Shape for Sq { fn area(&self) -> f64 { self.0 * self.0 } fn name(&self) -> String { "sq".to_string() } }
impl Shape for Circle { fn area(&self) -> f64 { 3.0 * self.0 * self.0 } fn name(&self) -> String { format!("circle{}", self.0 as i64 % 3) } }
struct Node { val: i64, kids: Vec<Rc<RefCell<Node>>> }
fn sum(n: &Rc<RefCell<Node>>) -> i64 { let b = n.borrow(); b.val + b.kids.iter().map(sum).sum::<i64>() }
fn main() {
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let mut freq: HashMap<String, usize> = HashMap::new();
    for i in 0..n { *freq.entry(format!("w{}", (i * 7919) % 1009)).or_insert(0) += i % 7; }
    let mut by: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (k, v) in &freq { by.entry(*v % 50).or_default().push(k.clone()); }
    for v in by.values_mut() { v.sort(); }
    let mut top: Vec<(&String, &usize)> = freq.iter().collect();
    top.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let shapes: Vec<Box<dyn Shape>> = (0..200).map(|i| if i % 2 == 0 { Box::new(Sq(i as f64)) as Box<dyn Shape> } else { Box::new(Circle(i as f64)) }).collect();
    let area: f64 = shapes.iter().map(|s| s.area()).sum();
    let names = shapes.iter().filter(|s| s.name().starts_with("circle1")).count();
    let root = Rc::new(RefCell::new(Node { val: 0, kids: vec![] }));
    for i in 1..100 {
        let kid = Rc::new(RefCell::new(Node { val: i, kids: vec![] }));
        root.borrow_mut().kids.push(kid.clone());
        if i % 10 == 0 { kid.borrow_mut().kids.push(Rc::new(RefCell::new(Node { val: -i, kids: vec![] }))); }
    }
    let total = Arc::new(Mutex::new(0u64));
    let (tx, rx) = mpsc::channel();
    let workers: Vec<_> = (0..4u64).map(|t| {
        let tx = tx.clone();
        let total = Arc::clone(&total);
        thread::spawn(move || {
            let mut v: Vec<u64> = (0..(n as u64 / 4)).map(|x| (x * 31 + t) % 1000).collect();
            v.sort_unstable();
            *total.lock().unwrap() += v.iter().sum::<u64>();
            tx.send(format!("t{}:{}", t, v[v.len() / 2])).unwrap();
        })
    }).collect();
    drop(tx);
    for w in workers { w.join().unwrap(); }
    let mut msgs: Vec<String> = rx.iter().collect();
    msgs.sort();
    println!("{} distinct, top {}={}, {} buckets", freq.len(), top[0].0, top[0].1, by.len());
    println!("area {} circle1 {} tree {}", area, names, sum(&root));
    println!("threads {} {}", msgs.join(" "), *total.lock().unwrap());
}
'
# And one that overflows its stack: Rust's handler (on the thread's small
# alternate signal stack) reports it and aborts, status 134 natively. Under
# tether it died of SIGSEGV (139) while tether's SIGABRT handler, nested on
# that stack, had a function bound lazily (libtether.so is now linked -z now).
RUST_OVERFLOW_SRC='use std::hint::black_box;
fn rec(n: u64) -> u64 { let a = black_box([n; 256]); if black_box(n) == u64::MAX { 0 } else { rec(n + 1) + a[5] } }
fn main() { println!("deep"); println!("{}", rec(1)); }
'
wl_rust() {
  if [ ! -x "$IN/rsprog" ]; then   # built natively, once (the native run comes first)
    printf '%s' "$RUST_SRC" >"$IN/rsprog.rs"
    printf '%s' "$RUST_OVERFLOW_SRC" >"$IN/rsover.rs"
    { "$RUSTC_BIN" -O -o "$IN/rsprog" "$IN/rsprog.rs" && "$RUSTC_BIN" -O -o "$IN/rsover" "$IN/rsover.rs"; } \
      >"$IN/rustc.log" 2>&1 || { cat "$IN/rustc.log" >&2; echo "rustc failed"; return 1; }
  fi
  run "$IN/rsprog" "$(sz 200000)"; st
  (ulimit -c 0; ulimit -s 8192 2>/dev/null; run "$IN/rsover"); echo "[rsover: status $?]" # 134 expected: not "[exit" (a failure)
}

# A Java program on the JVM (C++, a dozen threads of its own, its own
# SIGSEGV handlers), compiled with javac natively, once: collections,
# strings, a NullPointerException, a thread pool. Each JVM thread asks for its
# stack (pthread_getattr_np) before it allocates anything: java hung at
# start under tether until 6d62a21.
JAVA_SRC='import java.util.*;
import java.util.concurrent.*;
public class Work {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Map<String, List<Integer>> m = new TreeMap<>();
        for (int i = 0; i < n; i++) m.computeIfAbsent("k" + (i % 997), k -> new ArrayList<>()).add(i);
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, List<Integer>> e : m.entrySet()) if (e.getValue().size() % 7 == 0) sb.append(e.getKey()).append(",");
        Object none = args.length > 5 ? args : null;
        try { none.hashCode(); } catch (NullPointerException e) { System.out.println("npe caught"); }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Long>> parts = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            final int id = t;
            parts.add(pool.submit(() -> { long s = 0; for (int i = id; i < n; i += 4) s += Integer.toString(i).hashCode() % 1000; return s; }));
        }
        long total = 0;
        for (Future<Long> f : parts) total += f.get();
        pool.shutdown();
        System.out.println(m.size() + " keys, " + sb.length() + " chars, total " + total);
    }
}
'
wl_java() {
  if [ ! -f "$IN/Work.class" ]; then   # compiled natively, once (the native run comes first)
    printf '%s' "$JAVA_SRC" >"$IN/Work.java"
    "$JAVAC_BIN" -d "$IN" "$IN/Work.java" >"$IN/javac.log" 2>&1 ||
      { cat "$IN/javac.log" >&2; echo "javac failed"; return 1; }
  fi
  run "$JAVA_BIN" -XX:+UseSerialGC -Xmx256m -cp "$IN" Work "$(sz 200000)"; st
}

# A program that brings its own allocator: jemalloc preloaded. The tether
# command puts libtether.so first in LD_PRELOAD and keeps jemalloc after it,
# so tether sits on top of jemalloc. python3 with PYTHONMALLOC=malloc (every
# object from malloc, so from jemalloc) prints jemalloc's version (mallctl)
# and LD_PRELOAD's last library, then runs the dict/list workload; sqlite3
# runs a table of inserts, an index and queries.
JE_PY='
import ctypes, os
libc = ctypes.CDLL(None)
ver = ctypes.c_char_p()
size = ctypes.c_size_t(ctypes.sizeof(ver))
rc = libc.mallctl(b"version", ctypes.byref(ver), ctypes.byref(size), None, ctypes.c_size_t(0))
print("mallctl", rc, ver.value.decode().split("-")[0], os.path.basename(os.environ["LD_PRELOAD"].split()[-1]))
'
wl_jemalloc() {
  LD_PRELOAD=$JEMALLOC_LIB PYTHONMALLOC=malloc run "$PY" -c "$JE_PY"; st
  LD_PRELOAD=$JEMALLOC_LIB PYTHONMALLOC=malloc run "$PY" -c "$PY_SCRIPT" "$(sz 30000)"; st
  LD_PRELOAD=$JEMALLOC_LIB run "$SQLITE3" -batch :memory: "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < $(sz 20000))
  INSERT INTO t(b) SELECT printf('row%06d', x * 7 % 10007) FROM c;
SELECT count(*), min(b), max(b), count(DISTINCT b) FROM t;
CREATE INDEX tb ON t(b);
SELECT group_concat(a) FROM t WHERE b = 'row000700';"; st
}

# gdb (C++, with CPython embedded) reading a program's debug information, not
# running it (ptrace may be denied in CI containers), and a Python workload
# inside gdb. CPython's arenas there sit next to glibc's lone mmapped chunks
# and the kernel merges the mappings (the case root_merged_mapping): this is
# where tether once read 482 KB as definitely lost (Valgrind: 11,245 bytes).
GDB_PROG_SRC='
#include <stdio.h>
#include <stdlib.h>
struct node { struct node *next; int value; const char *name; };
static struct node *push(struct node *head, int v) {
  struct node *n = malloc(sizeof *n);
  if (!n) exit(1);
  n->next = head; n->value = v; n->name = "node";
  return n;
}
int work(int n) { struct node *h = NULL; for (int i = 0; i < n; i++) h = push(h, i); return h ? h->value : 0; }
int main(int argc, char **argv) { printf("%d\n", work(argc > 1 ? atoi(argv[1]) : 10)); return 0; }
'
GDB_PY='python
import json, collections
n = NNN
d = {str(i): list(range(i % 50)) for i in range(n)}
c = collections.Counter(len(v) for v in d.values())
s = json.dumps(d, sort_keys=True)
print(len(s), sum(len(v) for v in json.loads(s).values()), sorted(c.items())[:3])
print(gdb.lookup_type("struct node").sizeof, [f.name for f in gdb.lookup_type("struct node").fields()])
end'
wl_gdb() {
  if [ ! -x "$IN/gprog" ]; then   # built natively, once (the native run comes first)
    printf '%s' "$GDB_PROG_SRC" >"$IN/gprog.c"
    cc -g -O0 -o "$IN/gprog" "$IN/gprog.c" || { echo "cc failed"; return 1; }
    printf '%s\n' "$GDB_PY" | sed "s/NNN/$(sz 20000)/" >"$IN/work.gdb"
  fi
  run "$GDB_BIN" -batch -nx -q -x "$IN/work.gdb" -ex "file \"$IN/gprog\"" -ex 'info line work' \
    -ex 'ptype struct node' -ex 'info functions ^(work|push|main)$' -ex 'list push' \
    -ex 'print sizeof(struct node) * 3' -ex 'info scope work'; st
}

# ---- one program: native run, tether run, comparison and report checks ------
# A report without HEAP SUMMARY is a process that was not checked to the end.
# Debian's /bin/sh (dash) ends with _exit, which tether checks as it checks
# exit (cmake runs "sh -c" for its probes: those reports count like any).
now() { date +%s.%N; }

check_one() { # NAME -> 0 pass / 1 fail; prints PASS/FAIL/SKIP
  local name=$1 need
  case $name in
    python3|python3-malloc) PY=$(prog_path python3); need=$PY;;
    perl) PERL=$(prog_path perl); need=$PERL;;
    git) GIT=$(prog_path git); need=$GIT;;
    sqlite3) SQLITE3=$(prog_path sqlite3); need=$SQLITE3;;
    bash) BASH_BIN=$(prog_path bash); need=$BASH_BIN;;
    make) MAKE_BIN=$(prog_path make); need=$MAKE_BIN
      if [ -n "$need" ] && ! command -v "${CC:-cc}" >/dev/null 2>&1; then
        echo "SKIP: make needs a C compiler (${CC:-cc}), not installed"; return 0; fi;;
    cmake) CMAKE_BIN=$(prog_path cmake); need=$CMAKE_BIN;;
    sort) SORT_BIN=$(prog_path sort); need=$SORT_BIN;;
    awk) AWK_BIN=$(prog_path awk); need=$AWK_BIN;;
    openssl) OPENSSL_BIN=$(prog_path openssl); need=$OPENSSL_BIN;;
    cmake-project) CMAKE_BIN=$(prog_path cmake); need=$CMAKE_BIN
      if [ -n "$need" ] && ! command -v cc >/dev/null 2>&1; then
        echo "SKIP: cmake-project needs a C compiler (cc), not installed"; return 0; fi;;
    gcc) GCC_BIN=$(prog_path gcc); need=$GCC_BIN;;
    g++) GXX_BIN=$(prog_path g++); need=$GXX_BIN;;
    xz) XZ_BIN=$(prog_path xz); need=$XZ_BIN;;
    jq) JQ_BIN=$(prog_path jq); need=$JQ_BIN;;
    rust) # rustup's rustc is a proxy that needs the real HOME: use the toolchain's own
      RUSTC_BIN=$(rustc --print sysroot 2>/dev/null)/bin/rustc
      [ -x "$RUSTC_BIN" ] || RUSTC_BIN=$(prog_path rustc)
      need=$RUSTC_BIN
      if [ -n "$need" ] && ! command -v cc >/dev/null 2>&1; then
        echo "SKIP: rust needs a C compiler (cc) to link, not installed"; return 0; fi;;
    gdb) GDB_BIN=$(prog_path gdb); need=$GDB_BIN
      if [ -n "$need" ] && ! command -v cc >/dev/null 2>&1; then
        echo "SKIP: gdb needs a C compiler (cc), not installed"; return 0; fi;;
    java) JAVA_BIN=$(prog_path java); JAVAC_BIN=$(prog_path javac); need=$JAVA_BIN
      if [ -n "$need" ] && [ -z "$JAVAC_BIN" ]; then
        echo "SKIP: java needs javac (a JDK), not installed"; return 0; fi;;
    jemalloc) JEMALLOC_LIB=$(jemalloc_lib); need=$JEMALLOC_LIB
      PY=$(prog_path python3); SQLITE3=$(prog_path sqlite3)
      if [ -n "$need" ] && { [ -z "$PY" ] || [ -z "$SQLITE3" ]; }; then
        echo "SKIP: jemalloc needs python3 and sqlite3, not installed"; return 0; fi;;
    *) echo "FAIL: unknown program '$name' (known: $PROGRAMS)"; return 1;;
  esac
  local prog
  case $name in
    python3-malloc) prog=python3;; cmake-project) prog=cmake;; rust) prog=rustc;;
    jemalloc) prog=libjemalloc.so.2;; *) prog=$name;;
  esac
  if [ -z "$need" ]; then echo "SKIP: $prog not installed"; return 0; fi

  local W
  W=$(mktemp -d "${TMPDIR:-/tmp}/tether-real-$name.XXXXXX") || { echo "FAIL: mktemp"; return 1; }
  mkdir -p "$W/in" "$W/native" "$W/tether" "$W/reports" "$W/home"
  local t0 t1 t2 t3 rc_n rc_t fail=0
  IN=$W/in

  # Both runs: same environment, same relative layout, inputs in $IN.
  t0=$(now)
  ( cd "$W/native" && export HOME="$W/home" && RUN_PREFIX=() && "wl_$name" ) >"$W/native.out" 2>"$W/native.err"
  rc_n=$?
  t1=$(now)
  t2=$(now)
  ( cd "$W/tether" && export HOME="$W/home" &&
    RUN_PREFIX=("${TETHER[@]}") &&
    if [ "$REPORT_CHECK" = 1 ]; then RUN_PREFIX+=("--log-file=$W/reports/r.%p.txt"); fi &&
    "wl_$name" ) >"$W/tether.out" 2>"$W/tether.err"
  rc_t=$?
  t3=$(now)

  local why=() D=$W/details
  : >"$D"
  if [ "$rc_n" -ne 0 ] || grep -q '^\[exit [1-9]' "$W/native.out"; then
    why+=("the native run itself failed (exit $rc_n): the workload is broken here")
    sed -n '1,15p' "$W/native.err" | sed 's/^/  native stderr: /' >>"$D"
  fi
  if [ "$rc_t" -ne "$rc_n" ]; then
    if [ "$rc_t" -ge 128 ]; then why+=("under tether it died by signal $((rc_t - 128)) (native exit $rc_n)")
    else why+=("exit status differs: native $rc_n, tether $rc_t"); fi
  fi
  if ! cmp -s "$W/native.out" "$W/tether.out"; then
    why+=("stdout differs")
    diff "$W/native.out" "$W/tether.out" | head -n 20 | sed 's/^/  diff: /' >>"$D"
  fi
  if grep -q 'tether: internal error' "$W/tether.err"; then
    why+=("tether: internal error on stderr")
    grep 'tether: internal error' "$W/tether.err" | head -n 5 | sed 's/^/  /' >>"$D"
  fi
  local nrep=0 f
  if [ "$REPORT_CHECK" = 1 ]; then
    for f in "$W"/reports/r.*.txt; do
      [ -e "$f" ] || continue
      nrep=$((nrep + 1))
      if ! grep -q 'HEAP SUMMARY' "$f" || ! grep -q 'ERROR SUMMARY' "$f"; then
        why+=("report $(basename "$f") is incomplete (no HEAP SUMMARY/ERROR SUMMARY: not checked to the end)")
        tail -n 5 "$f" | sed 's/^/  report: /' >>"$D"
      fi
      # Where Valgrind finds nothing lost in any process (docs/real-programs.md),
      # a definitely or indirectly lost block is a false leak: a root missed.
      case " $ZERO_LOST " in *" $name "*)
        local kind
        for kind in definitely indirectly; do
          if grep -q "$kind lost: " "$f" && ! grep -q "$kind lost: 0 bytes in 0 blocks" "$f"; then
            why+=("report $(basename "$f") ($(sed -n 's/^==[0-9]*== Command: //p' "$f" | head -n 1 | cut -c1-40)): $(grep -m1 "$kind lost: " "$f" | sed 's/^==[0-9]*== *//'), where Valgrind finds none")
          fi
        done;;
      esac
      if grep -q 'tether: internal error' "$f"; then
        why+=("report $(basename "$f") says: $(grep -m1 'tether: internal error' "$f")")
      fi
      if grep -q 'terminating with default action of signal' "$f" &&
          ! { grep -q '^==[0-9]*== Command: .*/rsover$' "$f" &&
              grep -q 'default action of signal 6 (SIGABRT)' "$f"; }; then # rsover aborts, as natively
        why+=("report $(basename "$f"): the process died by a signal: $(grep -m1 'terminating with default action of signal' "$f")")
      fi
    done
    [ "$nrep" -gt 0 ] || why+=("no report file was written ($W/reports/r.%p.txt)")
  fi
  if ! cmp -s "$W/native.err" "$W/tether.err"; then
    { echo "  note: stderr differs (not a failure):"
      diff "$W/native.err" "$W/tether.err" | head -n 6 | sed 's/^/    /'; } >>"$D"
  fi

  local tn tt
  tn=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
  tt=$(awk -v a="$t2" -v b="$t3" 'BEGIN { printf "%.2f", b - a }')
  if [ ${#why[@]} -eq 0 ]; then
    echo "PASS: $name ($prog): exit $rc_t, stdout identical ($(wc -c <"$W/tether.out") bytes), $nrep reports checked; native ${tn}s, tether ${tt}s"
  else
    fail=1
    echo "FAIL: $name ($prog): native ${tn}s, tether ${tt}s; work dir $W"
    printf '  - %s\n' "${why[@]}"
    KEEP_THIS=1
  fi
  cat "$D"
  if [ "$KEEP" = 1 ] || [ "${KEEP_THIS:-0}" = 1 ]; then echo "  kept: $W"; else rm -rf "$W"; fi
  KEEP_THIS=0
  return $fail
}

if [ "$SELECT" = all ]; then
  failed=()
  for p in $PROGRAMS; do check_one "$p" || failed+=("$p"); done
  if [ ${#failed[@]} -gt 0 ]; then echo "FAILED: ${failed[*]}"; exit 1; fi
  echo "all passed (or skipped)"
  exit 0
fi
check_one "$SELECT"
