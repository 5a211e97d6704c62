#!/usr/bin/env bash
# tests/bench/run.sh - time tether's benchmark workloads natively and under each
# leak checker, side by side, and print Markdown tables (see README.md here).
#
# usage: tests/bench/run.sh [options] [BUILD_DIR]        BUILD_DIR defaults to "build"
#   -r REPS    native/tool pairs per cell (default 5); pairs alternate A B, B A, ...
#   -R REPS    pairs per cell for the slow tools, valgrind and heaptrack (default 3,
#              or REPS when that is smaller)
#   -o FILE    also write the Markdown to FILE
#   -t TOOLS   tools to compare with native (default:
#              "tether tether-nq tether-ld valgrind lsan heaptrack"; tether is the
#              tether command, tether-nq the same with --freelist-vol=0, i.e. without
#              its quarantine of freed blocks, tether-ld libtether.so preloaded with
#              LD_PRELOAD alone: no supervisor, the report on stderr)
#   -w NAMES   workloads (default: all of them, see WORKLOADS below)
#   -T LIMIT   time limit of one run, in seconds: a number for every tool, or a list
#              like "valgrind=120,heaptrack=300,default=240" (default 240 for all);
#              a run over it is killed, and its cell shows "timeout"
#   -s SCALE   multiply every workload size by SCALE (e.g. 0.2 for a quick try)
#   -k         keep the per-run logs (their directory is printed)
#   -h         this help
# Environment: TETHER=path of the tether command (default BUILD_DIR/bin/tether),
#   TETHER_PRELOAD=path of libtether.so (default BUILD_DIR/lib/libtether.so), used
#   with LD_PRELOAD only when the command is missing; HEAPTRACK_MANYLIVE=1 runs
#   heaptrack on manylive too (skipped by default: heaptrack_interpret needs many
#   GiB and minutes for millions of live blocks); BENCH_PYTHON, BENCH_PERL,
#   BENCH_SQLITE3: the interpreters of the real-program workloads (default
#   /usr/bin/python3, else the python3 on PATH resolved through any shim; perl
#   and sqlite3 from PATH); TETHER_REV=the tether revision the report names
#   (default: git rev-parse --short HEAD of this tree, flagged when lib/, include/
#   or tools/ have uncommitted changes), for a build of another tree.
#
# Needs /usr/bin/time (Debian package "time"), timeout (coreutils) and python3.
# A tool that is not installed (or tether when it is not built) is skipped with a
# message, and so is a real-program workload whose interpreter is missing; a run
# that dies by a signal or does not finish its output is shown as CRASHED.
set -u -o pipefail

ALL_WORKLOADS="churn-d2-nofp churn-d2-fp churn-d10-nofp churn-d10-fp churn-d30-nofp churn-d30-fp churn-t2-d10 churn-t4-d10 realloc manylive-500k manylive-2M py-dicts perl-hash sqlite-inserts"
WORKLOADS=$ALL_WORKLOADS
REPS=5
SLOWREPS=
OUTFILE=
TOOLS="tether tether-nq tether-ld valgrind lsan heaptrack"
LIMITS="default=240"
SCALE=1
KEEP=0

usage() { sed -n '2,/^set -u/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
while getopts "r:R:o:t:w:T:s:kh" opt; do
  case $opt in
    r) REPS=$OPTARG;;
    R) SLOWREPS=$OPTARG;;
    T) LIMITS=$OPTARG;;
    o) OUTFILE=$OPTARG;;
    t) TOOLS=${OPTARG//,/ };;
    w) WORKLOADS=${OPTARG//,/ };;
    s) SCALE=$OPTARG;;
    k) KEEP=1;;
    h) usage; exit 0;;
    *) usage >&2; exit 2;;
  esac
done
shift $((OPTIND - 1))
BUILD=${1:-build}
[ $# -le 1 ] || { usage >&2; exit 2; }
case $REPS in ''|*[!0-9]*|0) echo "run.sh: -r needs a positive integer" >&2; exit 2;; esac
if [ -z "$SLOWREPS" ]; then SLOWREPS=$(( REPS < 3 ? REPS : 3 )); fi
case $SLOWREPS in *[!0-9]*|0) echo "run.sh: -R needs a positive integer" >&2; exit 2;; esac
case $LIMITS in *[!0-9]*) ;; *) LIMITS="default=$LIMITS";; esac
for l in ${LIMITS//,/ }; do
  case $l in *=[0-9]*) case ${l#*=} in *[!0-9]*) echo "run.sh: bad -T item '$l'" >&2; exit 2;; esac;;
    *) echo "run.sh: bad -T item '$l' (want SECONDS or TOOL=SECONDS,...)" >&2; exit 2;; esac
done

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
if [ ! -d "$BUILD" ] && [ -d "$ROOT/$BUILD" ]; then BUILD=$ROOT/$BUILD; fi
[ -d "$BUILD" ] && BUILD=$(cd "$BUILD" && pwd)

msg() { echo "run.sh: $*" >&2; }
die() { msg "$*"; exit 1; }

[ -x /usr/bin/time ] || die "/usr/bin/time is missing (apt-get install time)"
command -v timeout >/dev/null || die "timeout (coreutils) is missing"
command -v python3 >/dev/null || die "python3 is missing"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tether-bench.XXXXXX") || die "mktemp failed"
cleanup() { if [ "$KEEP" = 1 ]; then msg "logs kept in $WORK"; else rm -rf "$WORK"; fi; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the workload programs --------------------------------------------------
BIN=$BUILD/tests/bench
if [ ! -x "$BIN/churn-nofp" ] || [ ! -x "$BIN/churn-fp" ] || [ ! -x "$BIN/manylive-nofp" ] ||
   [ ! -x "$BIN/realloc-nofp" ]; then
  msg "benchmark programs not found in $BIN (build them with cmake); compiling them with ${CC:-cc} instead"
  BIN=$WORK/bin
  mkdir -p "$BIN"
  for p in churn manylive realloc; do
    ${CC:-cc} -std=gnu11 -O2 -g -fomit-frame-pointer -I"$ROOT/include" -o "$BIN/$p-nofp" "$HERE/$p.c" -pthread &&
      ${CC:-cc} -std=gnu11 -O2 -g -fno-omit-frame-pointer -I"$ROOT/include" -o "$BIN/$p-fp" "$HERE/$p.c" -pthread ||
      die "cannot compile $HERE/$p.c"
  done
fi

# The interpreters of the real-program workloads.  They are run by their real
# path: a wrapper script (a pyenv shim, say) would be what the tool traces.
PYTHON_BIN=${BENCH_PYTHON:-}
if [ -z "$PYTHON_BIN" ]; then
  if [ -x /usr/bin/python3 ]; then PYTHON_BIN=/usr/bin/python3
  else PYTHON_BIN=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null); fi
fi
PERL_BIN=${BENCH_PERL:-$(command -v perl || true)}
SQLITE_BIN=${BENCH_SQLITE3:-$(command -v sqlite3 || true)}

# ---- the tools ---------------------------------------------------------------
TETHER=${TETHER:-$BUILD/bin/tether}
TETHER_PRELOAD=${TETHER_PRELOAD:-$BUILD/lib/libtether.so}
LSAN_LIB=
find_lsan() {
  local f
  f=$(/sbin/ldconfig -p 2>/dev/null | awk '$1 == "liblsan.so.0" && /x86-64|64bit/ { print $NF; exit }')
  [ -z "$f" ] && f=$(/sbin/ldconfig -p 2>/dev/null | awk '$1 == "liblsan.so.0" { print $NF; exit }')
  for c in "$f" /usr/lib/x86_64-linux-gnu/liblsan.so.0 /usr/lib64/liblsan.so.0 /usr/lib/liblsan.so.0; do
    if [ -n "$c" ] && [ -e "$c" ]; then LSAN_LIB=$c; return 0; fi
  done
  return 1
}

# The tether revision, read without writing anything in the repository (no
# index refresh): the commit, and whether tether's own sources differ from it.
if [ -z "${TETHER_REV:-}" ]; then   # (a caller building another tree names it itself)
  TETHER_REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unversioned)
  if [ "$TETHER_REV" != unversioned ] &&
     [ -n "$(GIT_OPTIONAL_LOCKS=0 git -C "$ROOT" status --porcelain --untracked-files=no -- lib include tools CMakeLists.txt 2>/dev/null)" ]; then
    TETHER_REV="$TETHER_REV (with uncommitted changes in lib/include/tools)"
  fi
fi

ACTIVE=
SKIPPED=()
VERSIONS=()
for tool in $TOOLS; do
  case $tool in
    tether|tether-nq)
      if [ -x "$TETHER" ]; then TETHER_MODE=cli
        [ "$tool" = tether ] && VERSIONS+=("tether $TETHER_REV")
      elif [ -e "$TETHER_PRELOAD" ]; then TETHER_MODE=preload
        [ "$tool" = tether ] && VERSIONS+=("tether (LD_PRELOAD) $TETHER_REV")
      else
        msg "tether not built ($TETHER and $TETHER_PRELOAD missing): skipped"
        SKIPPED+=("$tool (not built)"); continue
      fi;;
    tether-ld)
      [ -e "$TETHER_PRELOAD" ] || { msg "$TETHER_PRELOAD missing: tether-ld skipped"; SKIPPED+=("tether-ld (not built)"); continue; };;
    valgrind)
      command -v valgrind >/dev/null || { msg "valgrind not installed: skipped"; SKIPPED+=("valgrind (not installed)"); continue; }
      VERSIONS+=("$(valgrind --version)");;
    lsan)
      find_lsan || { msg "liblsan.so.0 not found (apt-get install liblsan0): skipped"; SKIPPED+=("lsan (liblsan0 not installed)"); continue; }
      VERSIONS+=("lsan $(dpkg-query -W -f '${Package} ${Version}' liblsan0 2>/dev/null || basename "$(readlink -f "$LSAN_LIB")")");;
    heaptrack)
      command -v heaptrack >/dev/null || { msg "heaptrack not installed: skipped"; SKIPPED+=("heaptrack (not installed)"); continue; }
      VERSIONS+=("$(heaptrack --version 2>/dev/null | head -n 1)");;
    *) die "unknown tool '$tool' (known: tether tether-nq tether-ld valgrind lsan heaptrack)";;
  esac
  ACTIVE="$ACTIVE $tool"
done

# ---- workload commands ---------------------------------------------------------
# Valgrind is 20-50x slower: it runs churn, realloc and the real programs at
# 1/4 of the size ("slow" tier), paired with native at that same size.
# Everything else runs the full size (manylive always does: it measures the
# exit scan of a given number of blocks).
scale_f() { awk -v a="$1" -v s="$SCALE" 'BEGIN { printf "%g", a * s }'; }
scale_n() { # N [MIN=1000]
  awk -v a="$1" -v s="$SCALE" -v m="${2:-1000}" 'BEGIN { n = int(a * s); if (n < m) n = m; printf "%d", n }'; }
scale_i() { scale_n "$1" 1000; }
# SQL scripts of sqlite-inserts, generated once per size into the work directory.
sql_file() { # ROWS -> path
  local f=$WORK/sqlite-$1.sql
  [ -s "$f" ] || python3 "$HERE/real/gen_sql.py" "$1" "$f" || die "cannot generate $f"
  echo "$f"
}
is_real() { case $1 in py-*|perl-*|sqlite-*) return 0;; esac; return 1; }
# The interpreter a real-program workload needs, if it is missing: "" when all is there.
wl_missing() {
  case $1 in
    py-*) [ -n "$PYTHON_BIN" ] && [ -x "$PYTHON_BIN" ] || echo python3;;
    perl-*) [ -n "$PERL_BIN" ] && [ -x "$PERL_BIN" ] || echo perl;;
    sqlite-*) [ -n "$SQLITE_BIN" ] && [ -x "$SQLITE_BIN" ] || echo sqlite3;;
  esac
}
# Environment the workload runs with (natively and under every tool).  It is
# exported, never put in the command: "env VAR=x prog" under valgrind would
# trace env, not prog.
wl_env() {
  case $1 in py-*) echo "PYTHONMALLOC=malloc";; esac
}
wl_cmd() { # WORKLOAD TIER -> "program args..."  (a program without a / is in $BIN)
  local m f=1
  if [ "$2" = slow ]; then m=$(scale_f 0.5); f=4; else m=$(scale_f 2); fi
  case $1 in
    churn-d10-nofp) echo "churn-nofp $m 10";;
    churn-d10-fp)   echo "churn-fp $m 10";;
    churn-d2-nofp)  echo "churn-nofp $m 2";;
    churn-d2-fp)    echo "churn-fp $m 2";;
    churn-d30-nofp) echo "churn-nofp $m 30";;
    churn-d30-fp)   echo "churn-fp $m 30";;
    churn-t2-d10)   echo "churn-nofp $m 10 100000 2";;
    churn-t4-d10)   echo "churn-nofp $m 10 100000 4";;
    realloc)        echo "realloc-nofp $(scale_n $((120 / f)) 1)";;
    manylive-500k)  echo "manylive-nofp $(scale_i 500000)";;
    manylive-2M)    echo "manylive-nofp $(scale_i 2000000)";;
    py-dicts)       echo "$PYTHON_BIN $HERE/real/py_dicts.py $(scale_i $((60000 / f)))";;
    perl-hash)      echo "$PERL_BIN $HERE/real/perl_hash.pl $(scale_i $((50000 / f)))";;
    sqlite-inserts) echo "$SQLITE_BIN -batch -init $(sql_file "$(scale_i $((60000 / f)))") :memory: .quit";;
    *) return 1;;
  esac
}
for w in $WORKLOADS; do
  case " $ALL_WORKLOADS " in *" $w "*) ;; *) die "unknown workload '$w' (known: $ALL_WORKLOADS)";; esac
done

tool_tier() { if [ "$1" = valgrind ]; then echo slow; else echo fast; fi; }
tool_reps() { case $1 in valgrind|heaptrack) echo "$SLOWREPS";; *) echo "$REPS";; esac; }
tool_limit() { # TOOL -> seconds
  local l d=240
  for l in ${LIMITS//,/ }; do
    case $l in "$1="*) echo "${l#*=}"; return;; default=*) d=${l#*=};; esac
  done
  echo "$d"
}

# The command words put in front of the workload for TOOL in run directory DIR.
# LEAKCHECK=no asks for the tool without its exit-time leak check.
tool_prefix() { # TOOL DIR [LEAKCHECK]
  local lc=${3:-yes}
  case $1 in
    tether|tether-nq)
      local fv=
      if [ "$1" = tether-nq ]; then fv=--freelist-vol=0; fi
      if [ "$TETHER_MODE" = cli ]; then
        if [ "$lc" = no ]; then echo "$TETHER $fv --leak-check=no --log-file=$2/tether.%p.log"
        else echo "$TETHER $fv --log-file=$2/tether.%p.log"; fi
      else echo "env LD_PRELOAD=$TETHER_PRELOAD${fv:+ TETHER_OPTIONS=freelist-vol=0}"; fi;;
    tether-ld)
      if [ "$lc" = no ]; then echo "env LD_PRELOAD=$TETHER_PRELOAD TETHER_OPTIONS=leak-check=no"
      else echo "env LD_PRELOAD=$TETHER_PRELOAD"; fi;;
    valgrind)
      if [ "$lc" = no ]; then echo "valgrind --leak-check=no"; else echo "valgrind --leak-check=full"; fi;;
    lsan)
      if [ "$lc" = no ]; then echo "env LD_PRELOAD=$LSAN_LIB LSAN_OPTIONS=detect_leaks=0"
      else echo "env LD_PRELOAD=$LSAN_LIB LSAN_OPTIONS=detect_leaks=1:exitcode=0"; fi;;
    heaptrack) echo "heaptrack -o $2/ht";;
  esac
}

# One timed run, under a time limit: DIR LABEL LIMIT words... -> prints
# "wall rss status"; status is ok, rcN (finished its output, non-zero exit),
# sigN (killed by signal N), timeout (killed at the time limit) or noend (no
# PLANTED or END line: did not run to the end).  The workload's environment
# (RUN_ENV) is exported here: this always runs in a $( ) subshell.
timed() {
  local d=$1 lab=$2 lim=$3; shift 3
  # shellcheck disable=SC2086
  [ -n "${RUN_ENV:-}" ] && export ${RUN_ENV?}
  local t0=${EPOCHREALTIME:-} t1
  /usr/bin/time -f '%e %M' -o "$d/$lab.time" timeout -k 10 "$lim" "$@" >"$d/$lab.out" 2>"$d/$lab.err" </dev/null
  local rc=$? st=ok wall rss sig
  t1=${EPOCHREALTIME:-}
  read -r wall rss < <(tail -n 1 "$d/$lab.time" 2>/dev/null)
  # GNU time's %e has 10 ms resolution; bash's EPOCHREALTIME (no fork) gives us.
  if [ -n "$t0" ] && [ -n "$t1" ]; then wall=$(awk -v a="${t0/,/.}" -v b="${t1/,/.}" 'BEGIN { printf "%.4f", b - a }'); fi
  case $wall in ''|*[!0-9.]*) wall=nan;; esac
  case $rss in ''|*[!0-9]*) rss=nan;; esac
  sig=$(sed -n 's/.*terminated by signal \([0-9]*\).*/\1/p' "$d/$lab.time" 2>/dev/null | head -n 1)
  if [ "$rc" -eq 124 ] || { [ "$rc" -eq 137 ] || [ "$sig" = 9 ]; } &&
     awk -v w="$wall" -v l="$lim" 'BEGIN { exit !(w + 0 >= l) }'; then st=timeout
  elif [ -n "$sig" ]; then st=sig$sig
  elif [ "$rc" -gt 128 ] && [ "$rc" -lt 160 ]; then st=sig$((rc - 128))   # timeout passes a signal death on as 128+N
  elif ! grep -Eq '^(PLANTED|END) ' "$d/$lab.out"; then st=noend
  elif [ "$rc" -ne 0 ]; then st=rc$rc; fi
  echo "$wall $rss $st"
}

# Leaks a tool reported -> "def_blocks def_bytes ind_blocks ind_bytes poss_blocks poss_bytes",
# or "none" when its output holds no leak report at all.
parse_valgrind_style() { # files...  (tether and valgrind: "definitely lost: 4,800 bytes in 100 blocks")
  cat "$@" 2>/dev/null | awk '
    function grab(line,   s, f) {
      if (!match(line, /lost: [0-9,]+ bytes in [0-9,]+ block/)) return
      s = substr(line, RSTART, RLENGTH); gsub(/,/, "", s); split(s, f, " "); by = f[2]; bl = f[5] }
    /definitely lost: / { grab($0); db += by; dk += bl; seen = 1 }
    /indirectly lost: / { grab($0); ib += by; ik += bl; seen = 1 }
    /possibly lost: /   { grab($0); pb += by; pk += bl; seen = 1 }
    /All heap blocks were freed|no leaks are possible/ { seen = 1 }
    END { if (seen) print dk + 0, db + 0, ik + 0, ib + 0, pk + 0, pb + 0; else print "none" }'
}
parse_lsan() { # file  ("Direct leak of 4800 byte(s) in 100 object(s) allocated from:")
  awk '
    /^(Direct|Indirect) leak of [0-9]+ byte/ {
      n = $4; k = $7; if ($1 == "Direct") { db += n; dk += k } else { ib += n; ik += k } }
    /LeakSanitizer/ { seen = 1 }
    END { print dk + 0, db + 0, ik + 0, ib + 0, 0, 0 }' "$1"
}
leaks_found() { # TOOL DIR
  case $1 in
    tether|tether-nq)
      if [ "$TETHER_MODE" = cli ]; then parse_valgrind_style "$2"/tether.*.log
      else parse_valgrind_style "$2/tool.err"; fi;;
    tether-ld) parse_valgrind_style "$2/tool.err";;
    valgrind) parse_valgrind_style "$2/tool.err";;
    lsan) parse_lsan "$2/tool.err";;
    heaptrack) # no reachability analysis: only "unfreed at exit"
      local n b
      n=$(sed -n 's/^[[:space:]]*leaked allocations:[[:space:]]*\([0-9]*\).*/\1/p' "$2/tool.out" "$2/tool.err" | head -n 1)
      b=$(heaptrack_print -f "$2"/ht*.zst 2>/dev/null | sed -n 's/^total memory leaked: *//p' | head -n 1)
      echo "heaptrack ${n:-?} ${b:-?}";;
  esac
}
planted() { # DIR LABEL -> "def_blocks def_bytes ind_blocks ind_bytes 0 0"
  sed -n 's/^PLANTED definitely=\([0-9]*\)\/\([0-9]*\) indirectly=\([0-9]*\)\/\([0-9]*\).*/\1 \2 \3 \4 0 0/p' "$1/$2.out" | tail -n 1
}

RAW=$WORK/raw.tsv
SCAN=$WORK/scan.tsv
: >"$RAW"; : >"$SCAN"

nat_ok() { # DIR STATUS : a failing native run means the workload itself is broken
  [ "$2" = ok ] || die "native run failed ($2): $(head -n 5 "$1/native.err")"
}

LOAD_START=$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null)
msg "REPS=$REPS (valgrind, heaptrack: $SLOWREPS) limits: $LIMITS scale=$SCALE workloads: $WORKLOADS"
msg "tools:${ACTIVE:- (none besides native)}  logs: $WORK"

# ---- the main matrix: workload x tool, native and tool paired --------------
# RAW columns: workload tool tier pair native_wall native_rss tool_wall tool_rss
#              status verdict command limit
raw_row() { local IFS=$'\t'; echo "$*" >>"$RAW"; }
prog_path() { case $1 in */*) echo "$1";; *) echo "$BIN/$1";; esac; }
for w in $WORKLOADS; do
  miss=$(wl_missing "$w")
  if [ -n "$miss" ]; then
    msg "$w: skipped ($miss not found)"
    SKIPPED+=("$w ($miss not installed)")
    continue
  fi
  RUN_ENV=$(wl_env "$w")
  for t in $ACTIVE; do
    if [ "$t" = heaptrack ] && [ "${w#manylive}" != "$w" ] && [ "${HEAPTRACK_MANYLIVE:-0}" != 1 ]; then
      msg "$w / heaptrack: skipped (heaptrack_interpret blows up on millions of live blocks; HEAPTRACK_MANYLIVE=1 forces it)"
      raw_row "$w" "$t" - - nan nan nan nan skipped skipped - -
      continue
    fi
    tier=$(tool_tier "$t")
    reps=$(tool_reps "$t")
    lim=$(tool_limit "$t")
    read -r prog args <<<"$(wl_cmd "$w" "$tier")"
    prog=$(prog_path "$prog")
    for rep in $(seq 1 "$reps"); do
      d=$WORK/$w/$t/$rep; mkdir -p "$d"
      # shellcheck disable=SC2046,SC2086
      if [ $((rep % 2)) -eq 1 ]; then
        n=$(timed "$d" native "$lim" "$prog" $args)
        r=$(timed "$d" tool "$lim" $(tool_prefix "$t" "$d") "$prog" $args)
      else
        r=$(timed "$d" tool "$lim" $(tool_prefix "$t" "$d") "$prog" $args)
        n=$(timed "$d" native "$lim" "$prog" $args)
      fi
      read -r nw nr ns <<<"$n"; read -r tw tr ts <<<"$r"
      nat_ok "$d" "$ns"
      want=$(planted "$d" native)
      case $ts in
        ok|rc*)
          if [ "$t" != heaptrack ] || [ "$rep" -eq "$reps" ]; then
            got=$(leaks_found "$t" "$d")
          else got="heaptrack - -"; fi
          if [ -z "$want" ]; then verdict="rep $got"     # a real program: no planted leak
          elif [ "$got" = "$want" ]; then verdict=OK
          else verdict="got $got want $want"; fi;;
        *) verdict="-";;
      esac
      raw_row "$w" "$t" "$tier" "$rep" "$nw" "$nr" "$tw" "$tr" "$ts" "$verdict" "$prog $args" "$lim"
      msg "$w / $t [$tier] pair $rep/$reps: native ${nw}s ${nr}KB, $t ${tw}s ${tr}KB, $ts, leaks: $verdict"
      rm -f "$d"/ht*.zst
      if [ "$ts" = timeout ]; then
        msg "$w / $t: over the ${lim}s limit, the other pairs of this cell are not run"
        break
      fi
    done
  done
done
RUN_ENV=

# ---- exit-scan cost: manylive with the leak check on vs off, paired -----------
for w in $WORKLOADS; do
  case $w in manylive-*) ;; *) continue;; esac
  read -r prog args <<<"$(wl_cmd "$w" fast)"
  prog=$(prog_path "$prog")
  for t in $ACTIVE; do
    case $t in
      tether) [ "$TETHER_MODE" = cli ] || { msg "$w scan cost / tether: needs the tether command (--leak-check=no), skipped"; continue; };;
      tether-ld|valgrind|lsan) ;;
      *) continue;;
    esac
    reps=$(tool_reps "$t")
    lim=$(tool_limit "$t")
    for rep in $(seq 1 "$reps"); do
      d=$WORK/scan-$w/$t/$rep; mkdir -p "$d"
      # shellcheck disable=SC2046,SC2086
      if [ $((rep % 2)) -eq 1 ]; then
        on=$(timed "$d" on "$lim" $(tool_prefix "$t" "$d" yes) "$prog" $args)
        off=$(timed "$d" off "$lim" $(tool_prefix "$t" "$d" no) "$prog" $args)
      else
        off=$(timed "$d" off "$lim" $(tool_prefix "$t" "$d" no) "$prog" $args)
        on=$(timed "$d" on "$lim" $(tool_prefix "$t" "$d" yes) "$prog" $args)
      fi
      read -r onw _ ons <<<"$on"; read -r offw _ offs <<<"$off"
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$w" "$t" "$rep" "$onw" "$offw" "$ons" "$offs" "${args%% *}" >>"$SCAN"
      msg "$w scan cost / $t pair $rep/$reps: check on ${onw}s ($ons), off ${offw}s ($offs)"
    done
  done
done

# ---- the report ------------------------------------------------------------------
cpu=$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo | head -n 1)
glibc=$(getconf GNU_LIBC_VERSION 2>/dev/null | sed 's/^glibc //')
debian=$(cat /etc/debian_version 2>/dev/null)
mem=$(awk '/^MemTotal:/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null)
MACHINE="nproc $(nproc), ${cpu:-unknown CPU}, ${mem:-? GiB}, ${debian:+Debian $debian, }Linux $(uname -r), glibc ${glibc:-?}"
LOAD_END=$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null)
MACHINE="$MACHINE; load average (1, 5, 15 min) ${LOAD_START:-?} at the start, ${LOAD_END:-?} at the end"
VERS=$(IFS=';'; echo "${VERSIONS[*]:-}")
SKIPS=$(IFS=';'; echo "${SKIPPED[*]:-}")

report() {
  python3 - "$RAW" "$SCAN" "$MACHINE" "$REPS" "$SLOWREPS" "$SCALE" "$VERS" "$SKIPS" \
    "$(date -u +%Y-%m-%d)" "$TETHER_REV" "$ACTIVE" "$WORKLOADS" <<'PY'
import re, statistics as st, sys
(raw, scan, machine, reps, slowreps, scale, vers, skips, date, rev, active,
 workloads) = sys.argv[1:13]
tools = active.split()

def rows(path):
    with open(path) as f:
        return [l.rstrip("\n").split("\t") for l in f if l.strip()]

def num(x):
    try: return float(x)
    except ValueError: return float("nan")

def human(v):  # 4800 -> "4,800"
    return f"{int(v):,}"

def short(cmd):  # drop the directories of the program and of its files
    return re.sub(r"\S*/", "", cmd)

def leakfmt(t):
    b = t.split()
    if b[0] == "none": return "no leak report"
    if b[0] == "heaptrack": return f"n/a: {b[1]} unfreed ({b[2]})" if b[1] != "-" else "n/a"
    b = list(map(int, b))
    s = f"def {human(b[0])}/{human(b[1])} B, ind {human(b[2])}/{human(b[3])} B"
    if b[4] or b[5]: s += f", poss {human(b[4])}/{human(b[5])} B"
    return s

def verdict(vs):
    real = [v for v in vs if v != "-" and "heaptrack - -" not in v]
    if not real: return "-"
    reported = [v[4:] for v in real if v.startswith("rep ")]
    if reported:  # a real program: what the tool reported, nothing to compare with
        kinds = sorted(set(reported), key=reported.index)
        s = "no planted leak; reported " + leakfmt(kinds[0])
        return s + (f" (varies: {len(kinds)} different reports)" if len(kinds) > 1 else "")
    bad = [v for v in real if v != "OK"]
    if not bad: return "OK (exact)"
    got, want = bad[0][4:].split(" want ")
    if got.startswith("heaptrack"): return leakfmt(got)
    return f"**WRONG** {leakfmt(got)} (want {leakfmt(want)})" + (f" in {len(bad)}/{len(real)} runs" if len(real) > 1 else "")

def leak_wrong(vs):
    return verdict(vs).startswith("**WRONG**")

groups = {}
for r in rows(raw):
    groups.setdefault((r[0], r[1]), []).append(r)

def failed(rs):
    return [r for r in rs if r[8] != "ok" and not r[8].startswith("rc")]

def cell_short(rs):
    """The slowdown in the summary matrix."""
    if rs[0][8] == "skipped": return "skipped"
    bad = failed(rs)
    if bad:
        kinds = sorted(set(r[8] for r in bad))
        if kinds == ["timeout"]: return f"timeout (>{rs[0][11]} s)"
        return f"**CRASHED** ({', '.join(kinds)})"
    ratios = [num(r[6]) / max(num(r[4]), 0.001) for r in rs]
    mark = " †" if leak_wrong([r[9] for r in rs]) else ""
    small = " ¼" if rs[0][2] == "slow" else ""
    return f"{st.median(ratios):.2f}x{small}{mark}"

out = []
out.append(f"Machine: {machine}. tether {rev}. {date}.")
out.append(f"Pairs per cell: {reps} (valgrind and heaptrack: {slowreps})"
           + (f"; sizes x{scale}" if scale not in ("1", "1.0") else "") + ".")
if vers: out.append(f"Tools: {', '.join(v for v in vers.split(';') if v)}.")
out.append("")
out.append("Slowdown against native: the median of the paired ratios (tool wall / native wall).")
out.append("")
names = {"tether-nq": "tether --freelist-vol=0", "tether-ld": "tether LD_PRELOAD"}
out.append("| workload | native wall (s) | " + " | ".join(names.get(t, t) for t in tools) + " |")
out.append("|---|---|" + "---|" * len(tools))
for w in workloads.split():
    cells = [groups.get((w, t)) for t in tools]
    if not any(cells): continue
    nat = [num(r[4]) for c in cells if c for r in c if r[2] == "fast"]
    nat = [x for x in nat if x == x]
    line = f"| {w} | {st.median(nat):.3f} | " if nat else f"| {w} | - | "
    line += " | ".join(cell_short(c) if c else "" for c in cells) + " |"
    out.append(line)
out.append("")
out.append("¼: run at a quarter of the size (valgrind on churn, realloc and the real programs), "
           "paired with native at that size. †: the planted leak was not reported exactly "
           "(see the leak column below). timeout: a run went over the per-run time limit and "
           "the cell's other pairs were not run.")
out.append("")
out.append("| workload | tool | pairs | command | native wall (s) | tool wall (s) | slowdown median (min..max) | peak RSS ratio | leaks reported |")
out.append("|---|---|---|---|---|---|---|---|---|")
for (w, t), rs in groups.items():
    tn = names.get(t, t)
    if rs[0][8] == "skipped":
        out.append(f"| {w} | {tn} | | | | | skipped | | |"); continue
    cmd = short(rs[0][10])
    bad = failed(rs)
    nat = st.median(num(r[4]) for r in rs)
    if bad:
        kinds = sorted(set(r[8] for r in bad))
        if kinds == ["timeout"]:
            what = f"timeout (over {rs[0][11]} s; {len(bad)}/{len(rs)} runs)"
        else:
            what = f"**CRASHED** ({', '.join(kinds)}; {len(bad)}/{len(rs)} runs)"
        out.append(f"| {w} | {tn} | {len(rs)} | `{cmd}` | {nat:.3f} | - | {what} | - | - |")
        continue
    tw = st.median(num(r[6]) for r in rs)
    ratios = [num(r[6]) / max(num(r[4]), 0.001) for r in rs]
    rss = st.median(num(r[7]) / max(num(r[5]), 1) for r in rs)
    rcs = sorted(set(r[8] for r in rs if r[8] != "ok"))
    note = f" (exit {', '.join(rcs)})" if rcs else ""
    out.append(f"| {w} | {tn} | {len(rs)} | `{cmd}` | {nat:.3f} | {tw:.3f} | {st.median(ratios):.2f}x ({min(ratios):.2f}..{max(ratios):.2f}){note} | {rss:.2f}x | {verdict([r[9] for r in rs])} |")

srows = rows(scan)
if srows:
    out.append("")
    out.append("Exit-time leak scan cost (manylive, the same tool with its leak check on vs off, paired):")
    out.append("")
    out.append("| workload | tool | live blocks | wall, check on (s) | wall, check off (s) | scan cost, median of pairs (s) | ns per live block |")
    out.append("|---|---|---|---|---|---|---|")
    g = {}
    for r in srows: g.setdefault((r[0], r[1]), []).append(r)
    for (w, t), rs in g.items():
        bad = [r for r in rs if r[5] not in ("ok",) and not r[5].startswith("rc") or r[6] not in ("ok",) and not r[6].startswith("rc")]
        n = int(rs[0][7])
        if bad:
            out.append(f"| {w} | {names.get(t, t)} | {n:,} | - | - | **CRASHED** ({len(bad)}/{len(rs)} pairs) | - |"); continue
        on = st.median(num(r[3]) for r in rs); off = st.median(num(r[4]) for r in rs)
        d = st.median(num(r[3]) - num(r[4]) for r in rs)
        out.append(f"| {w} | {names.get(t, t)} | {n:,} | {on:.3f} | {off:.3f} | {d:.3f} | {d * 1e9 / n:.0f} |")
if skips:
    out.append("")
    out.append("Not run: " + ", ".join(s for s in skips.split(";") if s) + ".")
print("\n".join(out))
PY
}
if [ -n "$OUTFILE" ]; then report | tee "$OUTFILE"; else report; fi
