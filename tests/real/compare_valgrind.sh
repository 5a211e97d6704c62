#!/usr/bin/env bash
# tests/real/compare_valgrind.sh - tether's leak summaries against Valgrind's on
# the real-program workloads of run_real.sh, per program and per process.
#
# usage: compare_valgrind.sh [options] [PROGRAM...]     (default: every program)
#   --tether=CMD       the tether command (default: build/bin/tether, else
#                      build-dev/bin/tether, beside this source tree)
#   --valgrind=CMD     the valgrind command (default: valgrind)
#   --tether-arg=ARG   one more option for tether (repeatable), for instance
#                      --tether-arg=--default-suppressions=no to compare raw
#   --records          after the table, for every process whose summaries
#                      differ, the loss records that differ (kind, allocation
#                      stack, bytes and blocks under each tool)
#   --keep             keep run_real.sh's work directories (reports included)
#   --dirs=PROG:TDIR:VDIR  compare the kept work directories of an earlier
#                      --keep run (tether's TDIR, Valgrind's VDIR) instead of
#                      running PROG again (repeatable)
#   -h, --help         this text
# Environment: TETHER_REAL_SCALE=F scales the workloads as in run_real.sh.
#
# Both tools run the same workload through run_real.sh (so stdout and exit
# status are also checked against a native run), with --leak-check=full
# --show-leak-kinds=all --num-callers=12 and a report file per process;
# Valgrind also with --trace-children=yes and
# --soname-synonyms=somalloc=*jemalloc* (so that it replaces jemalloc's
# malloc too: without it Valgrind sees no allocation of a program on
# jemalloc). The processes of the two runs are paired by their command line
# (temporary file names and work directories made alike) and start order.
# Output: one Markdown table on stdout, cells "bytes/blocks"; a cell with one
# value means both tools agree, "T x ≠ V y" that they do not. When "in use at
# exit" differs, the process did not allocate the same under both tools (its
# environment, timing or address layout differ), and the kinds may differ
# with it; when it is equal, a difference of kind is one of classification.
# Consecutive processes of one program with equal numbers share a row: "(×N)",
# with the first one's command. Not part of CTest (Valgrind is 20-50 times
# slower): a full run takes about 8 minutes on 2 cores. docs/real-programs.md
# has a table it made and explains every difference in it.
set -u -o pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
TETHER_CMD=""
VALGRIND_CMD=valgrind
TETHER_EXTRA=()
RECORDS=0
KEEP=0
GIVEN=()
usage() { sed -n '2,/^set -u/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case $1 in
    --tether=*) TETHER_CMD=${1#*=}; shift;;
    --valgrind=*) VALGRIND_CMD=${1#*=}; shift;;
    --tether-arg=*) TETHER_EXTRA+=("${1#*=}"); shift;;
    --records) RECORDS=1; shift;;
    --keep) KEEP=1; shift;;
    --dirs=*) GIVEN+=("${1#*=}"); shift;;
    -h|--help) usage; exit 0;;
    -*) echo "compare_valgrind.sh: unknown option $1" >&2; usage >&2; exit 2;;
    *) break;;
  esac
done
if [ -z "$TETHER_CMD" ]; then
  for c in "$TOP/build/bin/tether" "$TOP/build-dev/bin/tether"; do
    [ -x "$c" ] && { TETHER_CMD=$c; break; }
  done
fi
[ -n "$TETHER_CMD" ] && command -v "$TETHER_CMD" >/dev/null 2>&1 ||
  { echo "compare_valgrind.sh: no tether command (build it, or give --tether=CMD)" >&2; exit 2; }
command -v "$VALGRIND_CMD" >/dev/null 2>&1 ||
  { echo "compare_valgrind.sh: '$VALGRIND_CMD' not found (Debian: apt-get install valgrind)" >&2; exit 2; }
command -v python3 >/dev/null 2>&1 || { echo "compare_valgrind.sh: needs python3" >&2; exit 2; }
echo "compare_valgrind.sh: tether is $TETHER_CMD; $("$VALGRIND_CMD" --version)" >&2

PROGRAMS=("$@")
if [ ${#GIVEN[@]} -gt 0 ]; then
  PROGRAMS=()
elif [ ${#PROGRAMS[@]} -eq 0 ]; then
  read -r -a PROGRAMS <<<"$(sed -n 's/^PROGRAMS="\(.*\)"$/\1/p' "$HERE/run_real.sh" | head -n 1)"
fi

COMMON=(--leak-check=full --show-leak-kinds=all --num-callers=12)
VG=("$VALGRIND_CMD" "${COMMON[@]}" --trace-children=yes '--soname-synonyms=somalloc=*jemalloc*')
TT=("$TETHER_CMD" "${COMMON[@]}" "${TETHER_EXTRA[@]}")

PAIRS=$(mktemp "${TMPDIR:-/tmp}/tether-compare.XXXXXX") || exit 1
for g in "${GIVEN[@]}"; do
  IFS=: read -r gp gt gv <<<"$g"
  printf '%s\t%s\t%s\t?\t?\t?\n' "$gp" "$gt" "$gv" >>"$PAIRS"
done
NOTES=()
DIRS=()
FAILED=0
for p in "${PROGRAMS[@]}"; do
  echo "compare_valgrind.sh: $p under Valgrind..." >&2
  vout=$("$HERE/run_real.sh" --keep "$p" "${VG[@]}" 2>&1)
  case $vout in SKIP:*) NOTES+=("$vout"); continue;; esac
  vdir=$(sed -n 's/^  kept: //p' <<<"$vout" | tail -n 1)
  echo "compare_valgrind.sh: $p under tether..." >&2
  tout=$("$HERE/run_real.sh" --keep "$p" "${TT[@]}" 2>&1)
  tdir=$(sed -n 's/^  kept: //p' <<<"$tout" | tail -n 1)
  for o in "$vout" "$tout"; do
    case $o in PASS:*) ;; *) FAILED=1; NOTES+=("$(head -n 8 <<<"$o")");; esac
  done
  [ -n "$vdir" ] && DIRS+=("$vdir")
  [ -n "$tdir" ] && DIRS+=("$tdir")
  if [ -z "$vdir" ] || [ -z "$tdir" ]; then
    NOTES+=("$p: no work directory kept"); continue
  fi
  # the native and the Valgrind run's times, from run_real.sh's PASS line
  vt=$(sed -n 's/.*native \([0-9.]*\)s, tether \([0-9.]*\)s.*/\2/p' <<<"$vout" | head -n 1)
  tt=$(sed -n 's/.*native \([0-9.]*\)s, tether \([0-9.]*\)s.*/\2/p' <<<"$tout" | head -n 1)
  nt=$(sed -n 's/.*native \([0-9.]*\)s, tether \([0-9.]*\)s.*/\1/p' <<<"$tout" | head -n 1)
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$p" "$tdir" "$vdir" "${nt:-?}" "${tt:-?}" "${vt:-?}" >>"$PAIRS"
done

python3 - "$PAIRS" "$RECORDS" <<'PYEOF'
import os, re, sys, glob, collections

pairs_file, want_records = sys.argv[1], sys.argv[2] == "1"
KINDS = ["definitely lost", "indirectly lost", "possibly lost", "still reachable", "suppressed"]
PFX = re.compile(r"^==\d+== ?")

def unescape_vg(s):  # Valgrind writes "a\ b" for an argument with a space
    return re.sub(r"\\(.)", r"\1", s)

def norm_cmd(cmd, workdir):
    # Valgrind names the executable's path, tether argv[0]: keep the base name
    first, _, rest = cmd.partition(" ")
    cmd = os.path.basename(first) + (" " + rest if rest else "")
    cmd = cmd.replace(workdir, "W")
    cmd = re.sub(r"/tmp/cc[A-Za-z0-9]{6}", "/tmp/ccX", cmd)
    cmd = re.sub(r"cmTC_[0-9a-f]{5}", "cmTC_X", cmd)
    cmd = re.sub(r"TryCompile-[A-Za-z0-9]{6}", "TryCompile-X", cmd)
    cmd = re.sub(r"tether-real-[a-z0-9+-]*\.[A-Za-z0-9]{6}", "W", cmd)
    return cmd

def num(s):
    return int(s.replace(",", ""))

def parse(path, workdir, valgrind):
    raw = [l.rstrip("\n") for l in open(path, errors="replace")]
    lines = [PFX.sub("", l) for l in raw]
    r = {"pid": int(re.search(r"r\.(\d+)\.txt$", path).group(1)), "cmd": "", "complete": False,
         "sum": {k: (0, 0) for k in KINDS}, "records": collections.OrderedDict()}
    for i, l in enumerate(lines):
        if l.startswith("Command: "):
            c = l[len("Command: "):]
            if valgrind:
                c = unescape_vg(c)
            else:  # an argument with newlines goes on over unprefixed lines; Valgrind writes "_"
                j = i + 1
                while j < len(raw) and not PFX.match(raw[j]):
                    c += "_" + raw[j]
                    j += 1
            r["cmd"] = norm_cmd(c, workdir)
            break
    r["complete"] = any(l.startswith("ERROR SUMMARY") for l in lines)
    r["inuse"], r["allocs"] = None, None
    for l in lines:
        m = re.match(r"\s*in use at exit: ([\d,]+) bytes in ([\d,]+) blocks", l)
        if m:
            r["inuse"] = (num(m.group(1)), num(m.group(2)))
        m = re.match(r"\s*total heap usage: ([\d,]+) allocs, ([\d,]+) frees, ([\d,]+) bytes allocated", l)
        if m:
            r["allocs"] = (num(m.group(1)), num(m.group(2)), num(m.group(3)))
    last = max([i for i, l in enumerate(lines) if l.startswith("LEAK SUMMARY")], default=None)
    if last is not None:
        for l in lines[last + 1:last + 20]:
            m = re.match(r"\s*(definitely lost|indirectly lost|possibly lost|still reachable|suppressed): ([\d,]+) bytes in ([\d,]+) blocks", l)
            if m:
                r["sum"][m.group(1)] = (num(m.group(2)), num(m.group(3)))
    # loss records: "N (D direct, I indirect) bytes in B blocks are KIND in loss record x of y"
    i = 0
    while i < len(lines):
        m = re.match(r"([\d,]+)(?: \(([\d,]+) direct, ([\d,]+) indirect\))? bytes in ([\d,]+) blocks are (definitely lost|indirectly lost|possibly lost|still reachable) in loss record", lines[i])
        if not m:
            i += 1
            continue
        frames = []
        i += 1
        while i < len(lines) and re.match(r"\s+(at|by) ", lines[i]):
            fm = re.match(r"\s+(?:at|by) (?:0x[0-9A-Fa-f]+: )?(.*?)(?: \((?:in )?([^()]*)\))?$", lines[i])
            fn = fm.group(1) if fm else lines[i].strip()
            # an unknown function is "???" whatever its module (Valgrind
            # names no module for a library unloaded before the report)
            if fn.startswith("???"):
                fn = "???"
            if fn != "(below main)":
                frames.append(fn)
            i += 1
        # realloc(NULL, n) is "malloc" under Valgrind (its realloc calls its
        # malloc), "realloc" under tether: one name for both
        if frames and frames[0] == "realloc":
            frames[0] = "malloc"
        direct = num(m.group(2)) if m.group(2) else num(m.group(1))
        key = (m.group(5), tuple(frames[:3]))
        b, n = r["records"].get(key, (0, 0))
        r["records"][key] = (b + direct, n + num(m.group(4)))
    return r

def load(d, valgrind):
    workdir = d
    reps = [parse(f, workdir, valgrind) for f in glob.glob(os.path.join(d, "reports", "r.*.txt"))]
    # start order: pids grow, but wrap at pid_max; the widest gap between
    # two consecutive pids (going round) is where the run started
    reps.sort(key=lambda r: r["pid"])
    if len(reps) > 1:
        try:
            pid_max = int(open("/proc/sys/kernel/pid_max").read())
        except OSError:
            pid_max = 4194304
        gaps = [reps[i + 1]["pid"] - reps[i]["pid"] for i in range(len(reps) - 1)]
        gaps.append(reps[0]["pid"] + pid_max - reps[-1]["pid"])
        start = (gaps.index(max(gaps)) + 1) % len(reps)
        reps = reps[start:] + reps[:start]
    seen = collections.Counter()
    out = collections.OrderedDict()
    for r in reps:
        k = (r["cmd"], seen[r["cmd"]])
        seen[r["cmd"]] += 1
        out[k] = r
    return out

def cell(t, v):
    if t is None or v is None:
        x = t if t is not None else v
        return "%s/%s" % (format(x[0], ","), x[1]) if x else "-"
    if t == v:
        return "%s/%s" % (format(t[0], ","), t[1])
    return "**T %s/%s ≠ V %s/%s**" % (format(t[0], ","), t[1], format(v[0], ","), v[1])

def label(cmd):
    cmd = cmd.replace("\t", " ")
    parts = cmd.split(" ", 1)
    prog = os.path.basename(parts[0])
    rest = parts[1] if len(parts) > 1 else ""
    rest = re.sub(r"(^|\s)(/\S*/)([^/\s]+)", r"\1\3", rest)  # paths to their base names
    s = (prog + " " + rest).strip()
    s = s.replace("|", "\\|")
    return s if len(s) <= 44 else s[:43] + "…"

print("| program | process | in use at exit | definitely lost | indirectly lost | possibly lost | still reachable | suppressed | native / tether / Valgrind |")
print("|---|---|---|---|---|---|---|---|---|")
details = []
for line in open(pairs_file):
    prog, tdir, vdir, nt, tt, vt = line.rstrip("\n").split("\t")
    T, V = load(tdir, False), load(vdir, True)
    keys = list(T.keys()) + [k for k in V.keys() if k not in T]
    rows = []  # group identical consecutive rows of one program
    for k in keys:
        t, v = T.get(k), V.get(k)
        ts = t["sum"] if t and t["complete"] else None
        vs = v["sum"] if v and v["complete"] else None
        cells = [cell(t["inuse"] if ts else None, v["inuse"] if vs else None)]
        for kind in KINDS:
            cells.append(cell(ts[kind] if ts else None, vs[kind] if vs else None))
        if ts is None or vs is None:
            who = []
            if t is None: who.append("tether: no process")
            elif ts is None: who.append("tether: no report (ended by _exit)")
            if v is None: who.append("Valgrind: no process")
            elif vs is None: who.append("Valgrind: no report")
            cells = [c + (" (" + "; ".join(who) + ")" if i == 0 else "") for i, c in enumerate(cells)]
        lab = label(k[0])
        if rows and rows[-1][0] == os.path.basename(k[0].split(" ")[0]) and rows[-1][2] == cells:
            rows[-1][3] += 1
        else:
            rows.append([os.path.basename(k[0].split(" ")[0]), lab, cells, 1])
        if ts and vs and (ts != vs) and want_records:
            diffs = []
            for rk in list(t["records"].keys()) + [x for x in v["records"] if x not in t["records"]]:
                a, b = t["records"].get(rk), v["records"].get(rk)
                if a != b:
                    diffs.append("    %-15s T %-14s V %-14s %s" % (rk[0], "%s/%s" % a if a else "-", "%s/%s" % b if b else "-", " < ".join(rk[1])))
            heap = "same heap use" if t["allocs"] == v["allocs"] else \
                "heap use differs: T %s allocs, %s frees, %s bytes; V %s allocs, %s frees, %s bytes" % (
                    tuple(format(x, ",") for x in (t["allocs"] or (0, 0, 0)) + (v["allocs"] or (0, 0, 0))))
            details.append("%s: %s (tether pid %d, Valgrind pid %d; %s)\n%s" % (prog, k[0][:100], t["pid"], v["pid"], heap, "\n".join(diffs) or "    (records agree; only the summaries differ)"))
    first = True
    for base, lab, cells, n in rows:
        times = "%ss / %ss / %ss" % (nt, tt, vt) if first else ""
        print("| %s | `%s`%s | %s | %s |" % (prog if first else "", lab.replace("`", "'"), " (×%d)" % n if n > 1 else "", " | ".join(cells), times))
        first = False
if details:
    print()
    print("Loss records that differ (kind, T tether and V Valgrind direct bytes/blocks, first frames):")
    print()
    for d in details:
        print(d)
PYEOF
rc=$?
rm -f "$PAIRS"
for n in "${NOTES[@]}"; do echo "$n" | sed 's/^/note: /' >&2; done
if [ "$KEEP" = 0 ]; then
  for d in "${DIRS[@]}"; do rm -rf "$d"; done
else
  for d in "${DIRS[@]}"; do echo "kept: $d" >&2; done
fi
[ "$rc" -eq 0 ] && [ "$FAILED" -eq 0 ]
