#!/usr/bin/env bash
# tests/real/run_real.sh - run real programs (that nobody here wrote) natively and
# under tether, and check that tether changes nothing and checks them to the end.
#
# usage: run_real.sh [options] PROGRAM TETHER_CMD [TETHER_ARGS...]
#        run_real.sh [options] [all] TETHER_CMD [TETHER_ARGS...]     (every program)
#   PROGRAM: python3 python3-malloc perl git sqlite3 bash make cmake sort awk
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
# SUMMARY" (the process was checked to the end); no report and no stderr line
# says "tether: internal error".  A program that is not installed prints
# "SKIP: <program> not installed" and exits 0.
set -u -o pipefail

PROGRAMS="python3 python3-malloc perl git sqlite3 bash make cmake sort awk openssl"
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

wl_git() {
  local n i
  n=$(sz 60)
  export GIT_AUTHOR_DATE="2024-01-02T03:04:05Z" GIT_COMMITTER_DATE="2024-01-02T03:04:05Z"
  run "$GIT" -c init.defaultBranch=main init -q repo; st
  cd repo || return 1
  for i in $(seq 1 "$n"); do seq "$i" $((i + 200)) | sed "s/^/file $i line /" >"f$i.txt"; done
  mkdir -p sub && printf 'hello\nworld\n' >sub/readme
  run "$GIT" add -A; st
  run "$GIT" commit -q -m "first commit"; st
  for i in $(seq 1 3 "$n"); do echo "changed $i" >>"f$i.txt"; done
  rm -f f2.txt && mv f3.txt f3-renamed.txt && echo new >sub/new.txt
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

# ---- one program: native run, tether run, comparison and report checks ------
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
    *) echo "FAIL: unknown program '$name' (known: $PROGRAMS)"; return 1;;
  esac
  local prog=${name%-malloc}
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
      if grep -q 'tether: internal error' "$f"; then
        why+=("report $(basename "$f") says: $(grep -m1 'tether: internal error' "$f")")
      fi
      if grep -q 'terminating with default action of signal' "$f"; then
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
