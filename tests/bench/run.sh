#!/usr/bin/env bash
# tests/bench/run.sh - time tether's benchmark workloads natively and under each
# leak checker, side by side, and print a Markdown table (see README.md here).
#
# usage: tests/bench/run.sh [options] [BUILD_DIR]        BUILD_DIR defaults to "build"
#   -r REPS    native/tool pairs per cell (default 5); pairs alternate A B, B A, ...
#   -o FILE    also write the Markdown to FILE
#   -t TOOLS   tools to compare with native (default: "tether valgrind lsan heaptrack")
#   -w NAMES   workloads (default: all of them, see WORKLOADS below)
#   -s SCALE   multiply every workload size by SCALE (e.g. 0.2 for a quick try)
#   -k         keep the per-run logs (their directory is printed)
#   -h         this help
# Environment: TETHER=path of the tether command (default BUILD_DIR/bin/tether),
#   TETHER_PRELOAD=path of libtether.so (default BUILD_DIR/lib/libtether.so), used
#   with LD_PRELOAD only when the command is missing; HEAPTRACK_MANYLIVE=1 runs
#   heaptrack on manylive too (skipped by default: heaptrack_interpret needs many
#   GiB and minutes for millions of live blocks).
#
# Needs /usr/bin/time (Debian package "time") and python3.  A tool that is not
# installed (or tether when it is not built) is skipped with a message; a run
# that dies by a signal or does not finish its output is shown as CRASHED.
set -u -o pipefail

WORKLOADS="churn-d10-nofp churn-d10-fp churn-d2-nofp churn-d30-nofp churn-t2-d10 churn-t4-d10 manylive-500k manylive-2M"
REPS=5
OUTFILE=
TOOLS="tether valgrind lsan heaptrack"
SCALE=1
KEEP=0

usage() { sed -n '2,/^set -u/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
while getopts "r:o:t:w:s:kh" opt; do
  case $opt in
    r) REPS=$OPTARG;;
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

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
if [ ! -d "$BUILD" ] && [ -d "$ROOT/$BUILD" ]; then BUILD=$ROOT/$BUILD; fi
[ -d "$BUILD" ] && BUILD=$(cd "$BUILD" && pwd)

msg() { echo "run.sh: $*" >&2; }
die() { msg "$*"; exit 1; }

[ -x /usr/bin/time ] || die "/usr/bin/time is missing (apt-get install time)"
command -v python3 >/dev/null || die "python3 is missing"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tether-bench.XXXXXX") || die "mktemp failed"
cleanup() { if [ "$KEEP" = 1 ]; then msg "logs kept in $WORK"; else rm -rf "$WORK"; fi; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the workload programs --------------------------------------------------
BIN=$BUILD/tests/bench
if [ ! -x "$BIN/churn-nofp" ] || [ ! -x "$BIN/churn-fp" ] || [ ! -x "$BIN/manylive-nofp" ]; then
  msg "benchmark programs not found in $BIN (build them with cmake); compiling them with ${CC:-cc} instead"
  BIN=$WORK/bin
  mkdir -p "$BIN"
  for p in churn manylive; do
    ${CC:-cc} -std=gnu11 -O2 -g -fomit-frame-pointer -o "$BIN/$p-nofp" "$HERE/$p.c" -pthread &&
      ${CC:-cc} -std=gnu11 -O2 -g -fno-omit-frame-pointer -o "$BIN/$p-fp" "$HERE/$p.c" -pthread ||
      die "cannot compile $HERE/$p.c"
  done
fi

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

ACTIVE=
SKIPPED=()
VERSIONS=()
for tool in $TOOLS; do
  case $tool in
    tether)
      if [ -x "$TETHER" ]; then TETHER_MODE=cli
        VERSIONS+=("tether $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo 'unversioned')")
      elif [ -e "$TETHER_PRELOAD" ]; then TETHER_MODE=preload
        VERSIONS+=("tether (LD_PRELOAD) $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo 'unversioned')")
      else
        msg "tether not built ($TETHER and $TETHER_PRELOAD missing): skipped"
        SKIPPED+=("tether (not built)"); continue
      fi;;
    valgrind)
      command -v valgrind >/dev/null || { msg "valgrind not installed: skipped"; SKIPPED+=("valgrind (not installed)"); continue; }
      VERSIONS+=("$(valgrind --version)");;
    lsan)
      find_lsan || { msg "liblsan.so.0 not found (apt-get install liblsan0): skipped"; SKIPPED+=("lsan (liblsan0 not installed)"); continue; }
      VERSIONS+=("lsan $(dpkg-query -W -f '${Package} ${Version}' liblsan0 2>/dev/null || basename "$(readlink -f "$LSAN_LIB")")");;
    heaptrack)
      command -v heaptrack >/dev/null || { msg "heaptrack not installed: skipped"; SKIPPED+=("heaptrack (not installed)"); continue; }
      VERSIONS+=("$(heaptrack --version 2>/dev/null | head -n 1)");;
    *) die "unknown tool '$tool' (known: tether valgrind lsan heaptrack)";;
  esac
  ACTIVE="$ACTIVE $tool"
done

# ---- workload commands ---------------------------------------------------------
# Valgrind is 20-50x slower: it runs churn at 1/4 of the size ("slow" tier),
# paired with native at that same size.  Everything else runs the full size.
scale_f() { awk -v a="$1" -v s="$SCALE" 'BEGIN { printf "%g", a * s }'; }
scale_i() { awk -v a="$1" -v s="$SCALE" 'BEGIN { n = int(a * s); if (n < 1000) n = 1000; printf "%d", n }'; }
wl_cmd() { # WORKLOAD TIER -> "program args..."
  local m
  if [ "$2" = slow ]; then m=$(scale_f 0.5); else m=$(scale_f 2); fi
  case $1 in
    churn-d10-nofp) echo "churn-nofp $m 10";;
    churn-d10-fp)   echo "churn-fp $m 10";;
    churn-d2-nofp)  echo "churn-nofp $m 2";;
    churn-d30-nofp) echo "churn-nofp $m 30";;
    churn-t2-d10)   echo "churn-nofp $m 10 100000 2";;
    churn-t4-d10)   echo "churn-nofp $m 10 100000 4";;
    manylive-500k)  echo "manylive-nofp $(scale_i 500000)";;
    manylive-2M)    echo "manylive-nofp $(scale_i 2000000)";;
    *) return 1;;
  esac
}
for w in $WORKLOADS; do wl_cmd "$w" fast >/dev/null || die "unknown workload '$w' (known: churn-d10-nofp churn-d10-fp churn-d2-nofp churn-d30-nofp churn-t2-d10 churn-t4-d10 manylive-500k manylive-2M)"; done

tool_tier() { if [ "$1" = valgrind ]; then echo slow; else echo fast; fi; }

# The command words put in front of the workload for TOOL in run directory DIR.
# LEAKCHECK=no asks for the tool without its exit-time leak check.
tool_prefix() { # TOOL DIR [LEAKCHECK]
  local lc=${3:-yes}
  case $1 in
    tether)
      if [ "$TETHER_MODE" = cli ]; then
        if [ "$lc" = no ]; then echo "$TETHER --leak-check=no --log-file=$2/tether.%p.log"
        else echo "$TETHER --log-file=$2/tether.%p.log"; fi
      else echo "env LD_PRELOAD=$TETHER_PRELOAD"; fi;;
    valgrind)
      if [ "$lc" = no ]; then echo "valgrind --leak-check=no"; else echo "valgrind --leak-check=full"; fi;;
    lsan)
      if [ "$lc" = no ]; then echo "env LD_PRELOAD=$LSAN_LIB LSAN_OPTIONS=detect_leaks=0"
      else echo "env LD_PRELOAD=$LSAN_LIB LSAN_OPTIONS=detect_leaks=1:exitcode=0"; fi;;
    heaptrack) echo "heaptrack -o $2/ht";;
  esac
}

# One timed run: DIR LABEL words... -> prints "wall rss status"; status is ok,
# rcN (finished its output, non-zero exit), sigN (killed by signal N) or
# noend (no PLANTED line: did not run to the end).
timed() {
  local d=$1 lab=$2; shift 2
  local t0=${EPOCHREALTIME:-} t1
  /usr/bin/time -f '%e %M' -o "$d/$lab.time" "$@" >"$d/$lab.out" 2>"$d/$lab.err" </dev/null
  local rc=$? st=ok wall rss sig
  t1=${EPOCHREALTIME:-}
  read -r wall rss < <(tail -n 1 "$d/$lab.time" 2>/dev/null)
  # GNU time's %e has 10 ms resolution; bash's EPOCHREALTIME (no fork) gives us.
  if [ -n "$t0" ] && [ -n "$t1" ]; then wall=$(awk -v a="${t0/,/.}" -v b="${t1/,/.}" 'BEGIN { printf "%.4f", b - a }'); fi
  case $wall in ''|*[!0-9.]*) wall=nan;; esac
  case $rss in ''|*[!0-9]*) rss=nan;; esac
  sig=$(sed -n 's/.*terminated by signal \([0-9]*\).*/\1/p' "$d/$lab.time" 2>/dev/null | head -n 1)
  if [ -n "$sig" ]; then st=sig$sig
  elif ! grep -q '^PLANTED ' "$d/$lab.out"; then st=noend
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
    tether)
      if [ "$TETHER_MODE" = cli ]; then parse_valgrind_style "$2"/tether.*.log
      else parse_valgrind_style "$2/tool.err"; fi;;
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
  [ "$2" = ok ] || die "native run failed ($2): $(cat "$1/native.err" | head -n 5)"
}

total_cells=0
for w in $WORKLOADS; do for t in $ACTIVE; do total_cells=$((total_cells + 1)); done; done
msg "REPS=$REPS scale=$SCALE workloads: $WORKLOADS"
msg "tools:${ACTIVE:- (none besides native)}  logs: $WORK"

# ---- the main matrix: workload x tool, native and tool paired --------------
for w in $WORKLOADS; do
  for t in $ACTIVE; do
    if [ "$t" = heaptrack ] && [ "${w#manylive}" != "$w" ] && [ "${HEAPTRACK_MANYLIVE:-0}" != 1 ]; then
      msg "$w / heaptrack: skipped (heaptrack_interpret blows up on millions of live blocks; HEAPTRACK_MANYLIVE=1 forces it)"
      printf '%s\t%s\t-\t-\tnan\tnan\tnan\tnan\tskipped\tskipped\t-\n' "$w" "$t" >>"$RAW"
      continue
    fi
    tier=$(tool_tier "$t")
    read -r prog args <<<"$(wl_cmd "$w" "$tier")"
    for rep in $(seq 1 "$REPS"); do
      d=$WORK/$w/$t/$rep; mkdir -p "$d"
      # shellcheck disable=SC2046,SC2086
      if [ $((rep % 2)) -eq 1 ]; then
        n=$(timed "$d" native "$BIN/$prog" $args)
        r=$(timed "$d" tool $(tool_prefix "$t" "$d") "$BIN/$prog" $args)
      else
        r=$(timed "$d" tool $(tool_prefix "$t" "$d") "$BIN/$prog" $args)
        n=$(timed "$d" native "$BIN/$prog" $args)
      fi
      read -r nw nr ns <<<"$n"; read -r tw tr ts <<<"$r"
      nat_ok "$d" "$ns"
      want=$(planted "$d" native)
      case $ts in
        ok|rc*)
          if [ "$t" != heaptrack ] || [ "$rep" -eq "$REPS" ]; then
            got=$(leaks_found "$t" "$d")
          else got="heaptrack - -"; fi
          if [ "$got" = "$want" ]; then verdict=OK; else verdict="got $got want $want"; fi;;
        *) verdict="-";;
      esac
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$w" "$t" "$tier" "$rep" \
        "$nw" "$nr" "$tw" "$tr" "$ts" "$verdict" "$prog $args" >>"$RAW"
      msg "$w / $t [$tier] pair $rep/$REPS: native ${nw}s ${nr}KB, $t ${tw}s ${tr}KB, $ts, leaks: $verdict"
      rm -f "$d"/ht*.zst
    done
  done
done

# ---- exit-scan cost: manylive with the leak check on vs off, paired -----------
for w in $WORKLOADS; do
  case $w in manylive-*) ;; *) continue;; esac
  read -r prog args <<<"$(wl_cmd "$w" fast)"
  for t in $ACTIVE; do
    case $t in
      tether) [ "$TETHER_MODE" = cli ] || { msg "$w scan cost / tether: needs the tether command (--leak-check=no), skipped"; continue; };;
      valgrind|lsan) ;;
      *) continue;;
    esac
    for rep in $(seq 1 "$REPS"); do
      d=$WORK/scan-$w/$t/$rep; mkdir -p "$d"
      # shellcheck disable=SC2046,SC2086
      if [ $((rep % 2)) -eq 1 ]; then
        on=$(timed "$d" on $(tool_prefix "$t" "$d" yes) "$BIN/$prog" $args)
        off=$(timed "$d" off $(tool_prefix "$t" "$d" no) "$BIN/$prog" $args)
      else
        off=$(timed "$d" off $(tool_prefix "$t" "$d" no) "$BIN/$prog" $args)
        on=$(timed "$d" on $(tool_prefix "$t" "$d" yes) "$BIN/$prog" $args)
      fi
      read -r onw _ ons <<<"$on"; read -r offw _ offs <<<"$off"
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$w" "$t" "$rep" "$onw" "$offw" "$ons" "$offs" "${args%% *}" >>"$SCAN"
      msg "$w scan cost / $t pair $rep/$REPS: check on ${onw}s ($ons), off ${offw}s ($offs)"
    done
  done
done

# ---- the report ------------------------------------------------------------------
cpu=$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo | head -n 1)
glibc=$(getconf GNU_LIBC_VERSION 2>/dev/null | sed 's/^glibc //')
MACHINE="$(nproc) CPUs ($cpu), Linux $(uname -r), glibc ${glibc:-?}"
VERS=$(IFS=';'; echo "${VERSIONS[*]:-}")
SKIPS=$(IFS=';'; echo "${SKIPPED[*]:-}")

report() {
  python3 - "$RAW" "$SCAN" "$MACHINE" "$REPS" "$SCALE" "$VERS" "$SKIPS" "$(date -u +%Y-%m-%d)" <<'PY'
import statistics as st, sys
raw, scan, machine, reps, scale, vers, skips, date = sys.argv[1:9]

def rows(path):
    with open(path) as f:
        return [l.rstrip("\n").split("\t") for l in f if l.strip()]

def num(x):
    try: return float(x)
    except ValueError: return float("nan")

def human(v):  # "4800 bytes" -> "4,800"
    return f"{int(v):,}"

def leakfmt(t):
    b = t.split()
    if b[0] == "none": return "no leak report"
    if b[0] == "heaptrack": return f"n/a: {b[1]} unfreed ({b[2]})" if b[1] != "-" else "n/a"
    b = list(map(int, b))
    s = f"def {human(b[0])}/{human(b[1])} B, ind {human(b[2])}/{human(b[3])} B"
    if b[4] or b[5]: s += f", poss {human(b[4])}/{human(b[5])} B"
    return s

def verdict(vs):
    real = [v for v in vs if v not in ("-",) and "heaptrack - -" not in v]
    if not real: return "-"
    bad = [v for v in real if v != "OK"]
    if not bad: return "OK (exact)"
    v = bad[0][4:]  # "got X want Y"
    got, want = v.split(" want ")
    if got.startswith("heaptrack"): return leakfmt(got)
    return f"**WRONG** {leakfmt(got)} (want {leakfmt(want)})" + (f" in {len(bad)}/{len(real)} runs" if len(real) > 1 else "")

out = []
out.append(f"Machine: {machine}. REPS={reps} pairs per cell" + (f", sizes x{scale}" if scale not in ("1", "1.0") else "") + f", {date}.")
if vers: out.append(f"Tools: {', '.join(v for v in vers.split(';') if v)}.")
out.append("")
out.append("| workload | tool | command | native wall (s) | tool wall (s) | slowdown median (min..max) | peak RSS ratio | planted leak found |")
out.append("|---|---|---|---|---|---|---|---|")
groups = {}
for r in rows(raw):
    groups.setdefault((r[0], r[1]), []).append(r)
for (w, t), rs in groups.items():
    if rs[0][8] == "skipped":
        out.append(f"| {w} | {t} | | | | skipped | | |"); continue
    cmd = rs[0][10]
    bad = [r for r in rs if r[8] not in ("ok",) and not r[8].startswith("rc")]
    nat = st.median(num(r[4]) for r in rs)
    if bad:
        why = ", ".join(sorted(set(r[8] for r in bad)))
        out.append(f"| {w} | {t} | `{cmd}` | {nat:.3f} | - | **CRASHED** ({why}; {len(bad)}/{len(rs)} runs) | - | - |")
        continue
    tw = st.median(num(r[6]) for r in rs)
    ratios = [num(r[6]) / max(num(r[4]), 0.001) for r in rs]
    rss = st.median(num(r[7]) / max(num(r[5]), 1) for r in rs)
    rcs = sorted(set(r[8] for r in rs if r[8] != "ok"))
    note = f" (exit {', '.join(rcs)})" if rcs else ""
    out.append(f"| {w} | {t} | `{cmd}` | {nat:.3f} | {tw:.3f} | {st.median(ratios):.2f}x ({min(ratios):.2f}..{max(ratios):.2f}){note} | {rss:.2f}x | {verdict([r[9] for r in rs])} |")

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
            out.append(f"| {w} | {t} | {n:,} | - | - | **CRASHED** ({len(bad)}/{len(rs)} pairs) | - |"); continue
        on = st.median(num(r[3]) for r in rs); off = st.median(num(r[4]) for r in rs)
        d = st.median(num(r[3]) - num(r[4]) for r in rs)
        out.append(f"| {w} | {t} | {n:,} | {on:.3f} | {off:.3f} | {d:.3f} | {d * 1e9 / n:.0f} |")
if skips:
    out.append("")
    out.append("Not run: " + ", ".join(s for s in skips.split(";") if s) + ".")
print("\n".join(out))
PY
}
if [ -n "$OUTFILE" ]; then report | tee "$OUTFILE"; else report; fi
