#!/bin/sh
# The tether command's contract: options, errors, pass-through of the
# program's stdin, stdout, exit status and signals, the supervisor (process
# tree, signal forwarding, combined summary, the tree's gate), Valgrind's
# command lines, and plain LD_PRELOAD use.
# usage: run_cli.sh TETHER_CMD LIBTETHER EXAMPLE_PROGRAM
set -u
T=$1 LIB=$2 EX=$3
. "$(dirname "$0")/../check.sh"

out=$("$T" --version); rc=$?
check "version" '[ $rc -eq 0 ] && [ "$out" = "tether-0.1.0" ]'

"$T" --help >"$tmp/help" 2>&1; rc=$?
check "help" '[ $rc -eq 0 ] && grep -q -- "--leak-check=no|summary|full" "$tmp/help" && grep -q -- "--error-exitcode" "$tmp/help"'

"$T" --leak-check=sometimes true >"$tmp/o" 2>"$tmp/e"; rc=$?
check "bad value exits 1" '[ $rc -eq 1 ]'
check "bad value is one line naming it" '[ $(wc -l <"$tmp/e") -eq 1 ] && grep -q "bad value .sometimes. for leak-check (expected no, summary or full)" "$tmp/e"'

"$T" --num-callers=0 true 2>"$tmp/e"; rc=$?
check "out of range" '[ $rc -eq 1 ] && grep -q "num-callers (expected a whole number in 1..256)" "$tmp/e"'

"$T" --frobnicate=1 true 2>"$tmp/e"; rc=$?
check "unknown option" '[ $rc -eq 1 ] && grep -q "unknown option .--frobnicate=1." "$tmp/e"'

"$T" --num-callers true 2>"$tmp/e"; rc=$?
check "option without value" '[ $rc -eq 1 ] && grep -q "needs a value" "$tmp/e"'

"$T" -x true 2>"$tmp/e"; rc=$?
check "unknown short option" '[ $rc -eq 1 ] && grep -q "unknown option .-x." "$tmp/e"'

"$T" 2>"$tmp/e"; rc=$?
check "no program" '[ $rc -eq 1 ] && grep -q "no program given" "$tmp/e"'

"$T" /nonexistent/program 2>"$tmp/e"; rc=$?
check "missing program" '[ $rc -eq 127 ] && grep -q "cannot run ./nonexistent/program." "$tmp/e"'

out=$(echo hello | "$T" -q cat 2>/dev/null); rc=$?
check "stdin and stdout pass through" '[ $rc -eq 0 ] && [ "$out" = "hello" ]'

"$T" -q sh -c 'exit 7' 2>/dev/null; rc=$?
check "exit status passes through" '[ $rc -eq 7 ]'

"$T" -q sh -c 'kill -TERM $$' 2>/dev/null; rc=$?
check "death by signal passes through" '[ $rc -eq 143 ]'

"$T" -- "$EX" >/dev/null 2>"$tmp/e"; rc=$?
check "-- before the program" '[ $rc -eq 0 ] && grep -q "definitely lost: 32 bytes in 1 blocks" "$tmp/e"'

"$T" --error-exitcode=42 "$EX" >/dev/null 2>&1; rc=$?
check "error-exitcode on leaks" '[ $rc -eq 42 ]'

"$T" --error-exitcode=42 --errors-for-leak-kinds=reachable --show-leak-kinds=none "$EX" >/dev/null 2>&1; rc=$?
check "error-exitcode by kind" '[ $rc -eq 42 ]'

"$T" --error-exitcode=42 --errors-for-leak-kinds=indirect,none "$EX" >/dev/null 2>"$tmp/e"; rc=$?
check "bad kind list" '[ $rc -eq 1 ]'

"$T" --log-file="$tmp/r.%p.txt" "$EX" >"$tmp/o" 2>"$tmp/e"; rc=$?
check "log-file gets the report, stderr stays clean" '[ $rc -eq 0 ] && [ ! -s "$tmp/e" ] && grep -q "LEAK SUMMARY" "$tmp"/r.*.txt'
check "program output untouched" 'grep -q "^built node 2$" "$tmp/o" && [ $(wc -l <"$tmp/o") -eq 2 ]'

"$T" --log-file="$tmp/sp ace:colon.txt" "$EX" >/dev/null 2>&1
check "log-file with space and colon" 'grep -q "LEAK SUMMARY" "$tmp/sp ace:colon.txt"'

TETHER_OPTIONS="bogus=1 show-leak-kinds=all" LD_PRELOAD="$LIB" "$EX" >"$tmp/o" 2>"$tmp/e"; rc=$?
check "LD_PRELOAD: bad TETHER_OPTIONS runs the program" '[ $rc -eq 0 ] && grep -q "^built node 2$" "$tmp/o"'
check "LD_PRELOAD: one warning line" '[ $(grep -c "Warning: TETHER_OPTIONS: unknown option .bogus." "$tmp/e") -eq 1 ]'
check "LD_PRELOAD: later good options still apply" 'grep -q "still reachable in loss record" "$tmp/e"'

# A file name that would not expand as meant is refused before anything
# runs, as Valgrind refuses it (an unset variable became "", a stray % stayed).
env -u TT_CLI_UNSET "$T" --log-file="$tmp/l.%q{TT_CLI_UNSET}.txt" sh -c "echo ran >'$tmp/ran2'" 2>"$tmp/e"; rc=$?
check "log file with an unset variable: refused" '[ $rc -eq 1 ] && [ ! -e "$tmp/ran2" ] && [ "$(cat "$tmp/e")" = "tether: --log-file: environment variable '"'"'TT_CLI_UNSET'"'"' is not set" ]'
"$T" --json="$tmp/j.%z.json" true 2>"$tmp/e"; rc=$?
check "a stray % in a file name: refused" '[ $rc -eq 1 ] && grep -q "^tether: --json: expected .p., .q{VAR}. or .%. after .%. in " "$tmp/e"'
TT_CLI_SET=abc "$T" -q --log-file="$tmp/l.%q{TT_CLI_SET}.%p.txt" true 2>"$tmp/e"; rc=$?
check "a set variable and %p expand" '[ $rc -eq 0 ] && ls "$tmp"/l.abc.[0-9]*.txt >/dev/null 2>&1'

# A report that cannot be written (a full disk) is said, not lost silently.
if [ -w /dev/full ]; then
  "$T" --error-exitcode=5 --log-file=/dev/full "$EX" >/dev/null 2>"$tmp/e"; rc=$?
  check "log file that cannot be written: one line on stderr, the gate holds" '[ $rc -eq 5 ] && grep -q "^==[0-9]*== tether: cannot write the report to ./dev/full. (errno 28): it is incomplete or lost$" "$tmp/e"'
  "$T" --json=/dev/full "$EX" >/dev/null 2>"$tmp/e"; rc=$?
  check "JSON that cannot be written: a warning in the report" '[ $rc -eq 0 ] && grep -q "Warning: cannot write the JSON report ./dev/full. (errno 28); it is incomplete$" "$tmp/e"'
fi

TETHER_OPTIONS="leak-check=bogus num-callers=0 frob=2" LD_PRELOAD="$LIB" "$EX" >/dev/null 2>"$tmp/e"; rc=$?
check "LD_PRELOAD: every bad TETHER_OPTIONS entry named, in one line" '[ $rc -eq 0 ] && [ $(grep -c "Warning: TETHER_OPTIONS: bad value .bogus. for leak-check.*; bad value .0. for num-callers.*; unknown option .frob.; each option named keeps its default$" "$tmp/e") -eq 1 ]'

TETHER_OPTIONS="leak-check=summary" LD_PRELOAD="$LIB" "$EX" >/dev/null 2>"$tmp/e"
check "summary mode" 'grep -q "Rerun with --leak-check=full to see details of leaked memory" "$tmp/e" && ! grep -q "loss record" "$tmp/e"'

TETHER_OPTIONS="leak-check=no" LD_PRELOAD="$LIB" "$EX" >/dev/null 2>"$tmp/e"
check "no leak check" 'grep -q "For a detailed leak analysis, rerun with: --leak-check=full" "$tmp/e" && ! grep -q "LEAK SUMMARY" "$tmp/e"'
# without a leak check the heap is not walked: "in use at exit" comes from the
# heap's counters, and must be what a full check counts
TETHER_OPTIONS="leak-check=full" LD_PRELOAD="$LIB" "$EX" >/dev/null 2>"$tmp/full"
check "no leak check: the same in use at exit" 'a=$(grep "in use at exit" "$tmp/e" | sed "s/^==[0-9]*==//"); b=$(grep "in use at exit" "$tmp/full" | sed "s/^==[0-9]*==//"); [ -n "$a" ] && [ "$a" = "$b" ] && ! echo "$a" | grep -q " 0 bytes in 0 blocks"'

# ---- the supervisor: tether stays the parent of the whole process tree

"$T" -q sh -c 'kill -USR1 $$' 2>/dev/null; rc=$?
check "death by another signal passes through" '[ $rc -eq 138 ]'

printf 'not a program\n' >"$tmp/noexec"
chmod -x "$tmp/noexec"
"$T" "$tmp/noexec" 2>"$tmp/e"; rc=$?
check "program not runnable" '[ $rc -eq 126 ] && grep -q "cannot run .*noexec.: Permission denied" "$tmp/e"'

mkdir "$tmp/runs"
out=$(TMPDIR="$tmp/runs" "$T" -q sh -c 'echo "$TETHER_RUN_DIR"' 2>/dev/null); rc=$?
check "the program gets a run directory" '[ $rc -eq 0 ] && case "$out" in "$tmp/runs/tether-run."??????) true;; *) false;; esac'
check "the run directory is removed" '[ -z "$(ls -A "$tmp/runs")" ]'

rm -f "$tmp/orphan"
"$T" -q sh -c "(sleep 1; echo done >'$tmp/orphan') & exit 0" 2>/dev/null; rc=$?
check "tether waits for orphans" '[ $rc -eq 0 ] && [ "$(cat "$tmp/orphan" 2>/dev/null)" = done ]'

# Signals sent to tether reach the program.
for sig in TERM USR1; do
  rm -f "$tmp/ready" "$tmp/got"
  "$T" -q sh -c "trap 'echo $sig >\"$tmp/got\"; exit 5' $sig; : >\"$tmp/ready\"; while :; do sleep 0.1; done" \
    2>/dev/null &
  tpid=$!
  n=0
  while [ ! -e "$tmp/ready" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
  kill -$sig $tpid
  wait $tpid; rc=$?
  check "SIG$sig to tether reaches the program" '[ $rc -eq 5 ] && [ "$(cat "$tmp/got" 2>/dev/null)" = $sig ]'
done

# A signal for the whole process group (kill -- -PGID, a shell's kill %1, GNU
# timeout, a CI runner cancelling a job) or for every process of the tree
# (systemd's cgroup kill) reaches the program directly: tether must not
# forward it too (redis took a second SIGINT as "exit now"). One for tether
# alone is forwarded, once.
if ${CC:-cc} -o "$tmp/count_signals" "$(dirname "$0")/count_signals.c" 2>"$tmp/cc"; then
  wait_ready() { n=0; while [ ! -e "$tmp/ready" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done; }
  rm -f "$tmp/ready"
  setsid sh -c "exec '$T' -q '$tmp/count_signals' '$tmp/ready' >'$tmp/count' 2>/dev/null" &
  gpid=$!
  wait_ready
  kill -INT -$gpid
  wait $gpid; rc=$?
  check "SIGINT to the process group reaches the program once" '[ $rc -eq 0 ] && [ "$(cat "$tmp/count")" = 1 ]'

  # count_once WHAT TREE: SIGINT to tether, and with TREE=tree to its
  # children too (the program and the probe)
  count_once() {
    rm -f "$tmp/ready"
    "$T" -q "$tmp/count_signals" "$tmp/ready" >"$tmp/count" 2>/dev/null &
    tpid=$!
    wait_ready
    kids=
    [ "$2" = tree ] && kids=$(cat /proc/$tpid/task/*/children 2>/dev/null)
    kill -INT $tpid $kids
    wait $tpid; rc=$?
    check "SIGINT to $1 reaches the program once" '[ $rc -eq 0 ] && [ "$(cat "$tmp/count")" = 1 ]'
  }
  count_once "tether alone" one
  count_once "every process of the tree" tree
else
  echo "SKIP: signal counts (no C compiler: $(cat "$tmp/cc"))"
fi

# The combined summary and the tree's gate, on reports the processes write
# by hand into the run directory (docs/json-format.md), so these hold with
# or without the preload's own JSON.
fake_report() { # PID GATE_FAILED(true|false) COMMAND
  lost=0 errors=0
  [ "$2" = true ] && lost=48 errors=1
  printf '{"tool": "tether", "version": "0.1.0", "format": 1, "pid": %s, "ppid": 1,\n' "$1"
  printf ' "command": ["%s"], "exit_status": 0, "gate_failed": %s,\n' "$3" "$2"
  printf ' "heap": {"in_use_bytes": %s, "in_use_blocks": 1, "allocs": 1, "frees": 0, "bytes_allocated": 48},\n' $lost
  printf ' "leak_summary": {"definitely_lost": {"bytes": %s, "blocks": 1},\n' $lost
  printf '   "indirectly_lost": {"bytes": 0, "blocks": 0}, "possibly_lost": {"bytes": 0, "blocks": 0},\n'
  printf '   "still_reachable": {"bytes": 0, "blocks": 0}, "suppressed": {"bytes": 0, "blocks": 0}},\n'
  printf ' "loss_records": [], "errors": [], "cycles": [], "owners": [],\n'
  printf ' "error_summary": {"errors": %s, "contexts": %s, "suppressed": 0, "suppressed_contexts": 0}}\n' $errors $errors
}
fake_report 999901 true ./fake-leaky >"$tmp/leaky.json"
fake_report 999902 false ./fake-clean >"$tmp/clean.json"
printf 'junk\n' >"$tmp/junk.json"
# A program of the tree that copies report $1 to the run directory as
# $2.json, with sh's builtins only (no process of its own to report).
w() {
  printf "sh -c 'printf \"%%s\\\\n\" \"\$(cat \"%s\")\" >\"\$TETHER_RUN_DIR/%s.json\"'" "$tmp/$1.json" "$2"
}

"$T" --error-exitcode=9 sh -c "$(w leaky 999901); $(w clean 999902); exit 0" >/dev/null 2>"$tmp/e"; rc=$?
check "tree: a descendant failing the gate gives --error-exitcode" '[ $rc -eq 9 ]'
check "tree: combined summary heading" 'grep -q "^==[0-9]*== tether: [0-9]* processes checked$" "$tmp/e"'
check "tree: one row per process" 'grep -q "^==[0-9]*== *999901 *0 *48 *1  ./fake-leaky$" "$tmp/e" && grep -q "^==[0-9]*== *999902 *0 *0 *0  ./fake-clean$" "$tmp/e"'
check "tree: the gate line" 'grep -q "^==[0-9]*== [1-9][0-9]* of [0-9]* processes failed the gate" "$tmp/e"'

"$T" sh -c "$(w leaky 999901); $(w clean 999902); exit 4" >/dev/null 2>&1; rc=$?
check "tree: without --error-exitcode, the program's status" '[ $rc -eq 4 ]'

"$T" --error-exitcode=9 sh -c "$(w leaky 999901); kill -TERM \$\$" >/dev/null 2>&1; rc=$?
check "tree: the program's signal wins over the gate" '[ $rc -eq 143 ]'

"$T" sh -c "$(w clean 999902); $(w junk 999903)" >/dev/null 2>"$tmp/e"; rc=$?
check "tree: an unreadable report is 'no report'" '[ $rc -eq 0 ] && grep -q "^==[0-9]*== *999903 *? *- *-  no report: 999903.json: not JSON" "$tmp/e"'

"$T" -q sh -c "$(w clean 999902); $(w clean 999904)" >/dev/null 2>"$tmp/e"; rc=$?
check "tree: -q hides a clean summary" '[ $rc -eq 0 ] && ! grep -q "processes checked" "$tmp/e"'
"$T" -q sh -c "$(w clean 999902); $(w leaky 999901)" >/dev/null 2>"$tmp/e"
check "tree: -q shows a failing one" 'grep -q "processes checked" "$tmp/e"'

"$T" --log-file="$tmp/tree.log" sh -c "$(w leaky 999901); $(w clean 999902)" >/dev/null 2>"$tmp/e"
check "tree: summary at the end of --log-file" '! grep -q "processes checked" "$tmp/e" && grep -q "processes checked" "$tmp/tree.log" && tail -n 2 "$tmp/tree.log" | head -n 1 | grep -q "processes failed the gate" && tail -n 1 "$tmp/tree.log" | grep -q "^==[0-9]*== $"'
"$T" --log-file="$tmp/tree.%p.log" sh -c "$(w leaky 999901); $(w clean 999902)" >/dev/null 2>"$tmp/e"
check "tree: with %p in --log-file, the summary on stderr" 'grep -q "processes checked" "$tmp/e"'

"$T" sh -c 'sh -c "kill -9 \$\$"; exit 0' >/dev/null 2>"$tmp/e"; rc=$?
check "tree: a process killed before its check is a row, with its command" '[ $rc -eq 0 ] && grep -q "^==[0-9]*== *[0-9]* *? *- *-  no report: sh -c .kill -9" "$tmp/e" && grep -q "(1 wrote no report)" "$tmp/e"'

# A daemon the program starts (setsid: a session of its own) outlives it,
# natively as under tether, which does not wait for it (gpg and its agent
# hung here until killed); a background job in tether's session that ends
# soon is waited for, and its report counted.
timeout 30 "$T" sh -c 'setsid sleep 60 >/dev/null 2>&1 </dev/null & echo started' >"$tmp/o" 2>"$tmp/e"; rc=$?
# a sleep of this run's own (pkill must not reach another run's)
nap="67.$$"
timeout 30 "$T" sh -c "setsid sh -c \"(sleep $nap; true) & exit 0\" >/dev/null 2>&1 </dev/null & sleep 1" >/dev/null 2>"$tmp/e2"
forked=$(sed -n "s/^==[0-9]*== *\([0-9]*\) *running .*not waited for: sh -c .(sleep $nap; true) & exit 0.\$/\1/p" "$tmp/e2")
[ -n "$forked" ] && kill "$forked" 2>/dev/null
pkill -x -f "sleep $nap" 2>/dev/null
# (its command is "setsid sleep 60" if tether let it go between its setsid()
# and its exec, which tether looks for 10 ms after the program's end)
daemon=$(sed -n 's/^==[0-9]*== *\([0-9]*\) *running .*not waited for: \(setsid \)\{0,1\}sleep 60$/\1/p' "$tmp/e")
[ -n "$daemon" ] && kill "$daemon" 2>/dev/null
check "tree: a daemon is not waited for" '[ $rc -eq 0 ] && [ "$(cat "$tmp/o")" = started ] && [ -n "$daemon" ] && grep -q "(1 still running)" "$tmp/e"'
check "tree: a daemon tether did not start in has its command" '[ -n "$forked" ] || { sed "s/^/  tether said: /" "$tmp/e2" >&2; false; }'
# A classic daemon: its parent exits before it calls setsid (memcached -d).
# tether, which looked again only each second, returned a second late; and
# the daemon's worker, not tether's child, read as "no report".
start=$(date +%s%N)
timeout 30 "$T" sh -c 'sh -c "sleep 0.3; exec setsid sh -c \"sleep 5 & sleep 5\"" >/dev/null 2>&1 </dev/null & exit 0' >/dev/null 2>"$tmp/e"; rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
for p in $(sed -n 's/^==[0-9]*== *\([0-9]*\) *running .*$/\1/p' "$tmp/e"); do kill "$p" 2>/dev/null; done
check "tree: a daemon whose parent exits before its setsid is let go at once" '[ $rc -eq 0 ] && [ $ms -lt 900 ]'
check "tree: a daemon's running worker is running, not no report" 'grep -q "processes failed the gate ([0-9]* still running)$" "$tmp/e" && ! grep -q "no report" "$tmp/e"'
timeout 30 "$T" sh -c '(sleep 1; exit 0) & echo started' >"$tmp/o" 2>"$tmp/e"; rc=$?
check "tree: a background job that ends is waited for" '[ $rc -eq 0 ] && grep -q "^==[0-9]*== 0 of [3-9] processes failed the gate$" "$tmp/e" && grep -q "^==[0-9]*== *[0-9]* *0 *0 *0  sleep 1$" "$tmp/e" && ! grep -q " running " "$tmp/e"'

# A forked child that dies before its report (no exec) is a row with the
# command it had, its parent's.
if [ -x /usr/bin/python3 ]; then
  "$T" /usr/bin/python3 -c 'import os
pid = os.fork()
if pid == 0:
    os.kill(os.getpid(), 9)
os.waitpid(pid, 0)' >/dev/null 2>"$tmp/e"; rc=$?
  check "tree: a forked child killed before its report is a row, with its command" '[ $rc -eq 0 ] && grep -q "^==[0-9]*== *[0-9]* *? *- *-  no report: /usr/bin/python3 -c" "$tmp/e"'
fi

# Run as root, a program that becomes another user (setpriv, runuser, a
# server dropping privileges) still reports from there.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
  "$T" sh -c 'setpriv --reuid=nobody --regid=nogroup --clear-groups sh -c "ls / >/dev/null"' >/dev/null 2>"$tmp/e"; rc=$?
  check "tree: processes of another user report" '[ $rc -eq 0 ] && grep -q "^==[0-9]*== *[0-9]* *0 *0 *0  ls /$" "$tmp/e" && grep -q "^==[0-9]*== 0 of 3 processes failed the gate$" "$tmp/e"'
fi

# A program that puts its stdout at every number from 3 up with raw dup2
# system calls (past tether's wrapper, to the limit: no number is left for
# a copy): the report stays on stderr. It went into the program's stdout.
printf '#include <sys/resource.h>\n#include <sys/syscall.h>\n#include <unistd.h>\n#include <stdlib.h>\nint main(void) { struct rlimit r; getrlimit(RLIMIT_NOFILE, &r); for (long fd = 3; fd < (long)r.rlim_cur && fd < 100000; fd++) syscall(SYS_dup2, 1, fd); return malloc(7) == 0; }\n' >"$tmp/dupall.c"
if ${CC:-cc} -o "$tmp/dupall" "$tmp/dupall.c" 2>"$tmp/cc"; then
  (ulimit -n 2048; "$T" "$tmp/dupall" >"$tmp/o" 2>"$tmp/e"); rc=$?
  check "dup2 over every number: the report stays on stderr" '[ $rc -eq 0 ] && grep -q "^==[0-9]*== ERROR SUMMARY: 1 errors" "$tmp/e" && ! grep -q "==" "$tmp/o"'
else
  check "dupall compiles" 'cat "$tmp/cc"; false'
fi

# A program that closes every descriptor from 3 up (CPython's closerange:
# glibc's close_range) keeps its report on stderr: tether's copy of fd 2 is
# not among them.
if [ -x /usr/bin/python3 ]; then
  "$T" /usr/bin/python3 -c 'import os; os.closerange(3, 65536)' >/dev/null 2>"$tmp/e"; rc=$?
  check "close-all: the report on stderr survives" '[ $rc -eq 0 ] && grep -q "^==[0-9]*== ERROR SUMMARY: 0 errors" "$tmp/e"'
fi

# A forked child that enters a sandbox where no file can be opened (man-db
# runs its helpers so) still has its row: it opened its run directory
# report when it was forked.
if ${CC:-cc} -o "$tmp/sandboxed" "$(dirname "$0")/sandboxed_child.c" 2>"$tmp/cc"; then
  # run as ./sandboxed from $tmp: the summary's command column is cut at 72
  # characters and quotes a path with a space, and TMPDIR may be long
  (cd "$tmp" && exec "$T" --log-file="$tmp/sb.%p.log" ./sandboxed) >/dev/null 2>"$tmp/e"; rc=$?
  check "sandbox: a child that can create no file is in the summary" '[ $rc -eq 0 ] && grep -q "tether: 2 processes checked" "$tmp/e" && grep -q "^==[0-9]*== *[0-9]* *0 *24 *1  ./sandboxed$" "$tmp/e"'
  (cd "$tmp" && exec "$T" --log-file="$tmp/sbx.%p.log" ./sandboxed exec) >/dev/null 2>"$tmp/e"; rc=$?
  check "sandbox: a program it runs there is in the summary" '[ $rc -eq 0 ] && grep -q "tether: 2 processes checked" "$tmp/e" && grep -q "^==[0-9]*== *[0-9]* *0 *24 *1  ./sandboxed leak$" "$tmp/e" && grep -l "24 bytes in 1 blocks are definitely lost" "$tmp"/sbx.*.log >/dev/null'
else
  check "sandbox: the test program compiles" 'cat "$tmp/cc"; false'
fi

# A program tether cannot load into (static here; setuid and 32-bit ones
# alike) ran unchecked with not a word, and the gate passed.
printf '#include <stdlib.h>\nint main(void) { return malloc(40) == 0; }\n' >"$tmp/static.c"
if ${CC:-cc} -static -o "$tmp/static" "$tmp/static.c" 2>"$tmp/cc"; then
  "$T" "$tmp/static" >/dev/null 2>"$tmp/e"; rc=$?
  check "a static program: said to be unchecked" '[ $rc -eq 0 ] && grep -q "^==[0-9]*== tether: the program (pid [0-9]*, .*static) wrote no report: it was not checked. tether.s library did not load into it" "$tmp/e" && ! grep -q "the gate fails" "$tmp/e"'
  "$T" -q --error-exitcode=9 "$tmp/static" >/dev/null 2>"$tmp/e"; rc=$?
  check "a static program: the gate fails" '[ $rc -eq 9 ] && grep -q "wrote no report: it was not checked.*; the gate fails$" "$tmp/e"'
else
  echo "cli: skipped the static program (no static libc: $(head -1 "$tmp/cc"))"
fi

# A small stack limit (the tether command's main had a 41 KB frame: SIGSEGV at ulimit -s 56)
(ulimit -s 48 && "$T" -q "$EX" >/dev/null 2>"$tmp/e"); rc=$?
check "ulimit -s 48: tether runs" '[ $rc -eq 0 ] && grep -q "definitely lost" "$tmp/e"'

# The program killed (SIGKILL) before its check: said so, not "did not load"
"$T" sh -c 'kill -9 $$' >/dev/null 2>"$tmp/e"; rc=$?
check "the program killed: said" '[ $rc -eq 137 ] && grep -q "^==[0-9]*== tether: the program (pid [0-9]*, sh -c .kill -9 \$\$.) was killed by SIGKILL before its leak check: it was not checked$" "$tmp/e"'

"$T" "$EX" >/dev/null 2>"$tmp/e"; rc=$?
check "one process: no combined summary" '[ $rc -eq 0 ] && ! grep -q "processes checked" "$tmp/e"'

# ---- Valgrind's command lines

"$T" -q --tool=memcheck --leak-check=yes --show-reachable=yes --num-callers=50 \
  --log-file="$tmp/ctest.%p.log" "$EX" >/dev/null 2>"$tmp/e"; rc=$?
check "CTest's flags" '[ $rc -eq 0 ] && [ ! -s "$tmp/e" ] && grep -q "still reachable in loss record" "$tmp"/ctest.*.log && ! grep -q "HEAP SUMMARY" "$tmp"/ctest.*.log'

"$T" --tool=cachegrind true 2>"$tmp/e"; rc=$?
check "only memcheck" '[ $rc -eq 1 ] && [ $(wc -l <"$tmp/e") -eq 1 ]'

"$T" -q --error-limit=no --child-silent-after-fork=yes --track-origins=yes --demangle=yes \
  --time-stamp=no --read-var-info=yes --trace-children-skip='*/sh' --vgdb=no --smc-check=all -s \
  true 2>"$tmp/e"; rc=$?
check "ignored Valgrind flags, silently" '[ $rc -eq 0 ] && [ ! -s "$tmp/e" ]'

"$T" -v -q --track-origins=yes --vgdb=no -s true 2>"$tmp/e"; rc=$?
check "ignored Valgrind flags, noted under -v" '[ $rc -eq 0 ] && grep -q "^tether: ignoring --track-origins=yes: " "$tmp/e" && grep -q "^tether: ignoring --vgdb=no: " "$tmp/e" && grep -q "^tether: ignoring -s: tether has no -s" "$tmp/e"'

"$T" --track-origins=sometimes true 2>"$tmp/e"; rc=$?
check "ignored flag, bad value" '[ $rc -eq 1 ] && [ $(wc -l <"$tmp/e") -eq 1 ] && grep -q "bad value .sometimes. for track-origins" "$tmp/e"'

"$T" --suppressions="$tmp/missing.supp" sh -c "echo ran >'$tmp/ran'" 2>"$tmp/e"; rc=$?
check "missing suppression file" '[ $rc -eq 1 ] && [ ! -e "$tmp/ran" ] && [ "$(cat "$tmp/e")" = "tether: cannot read suppression file '"'"'$tmp/missing.supp'"'"': No such file or directory" ]'

# ---- with the preload's own JSON in the run directory (TETHER_RUN_DIR)

mkdir "$tmp/rd"
TETHER_RUN_DIR="$tmp/rd" LD_PRELOAD="$LIB" "$EX" >/dev/null 2>&1
"$T" report "$tmp"/rd/*.json >/dev/null 2>&1; rc=$?
check "preload: writes PID.json into TETHER_RUN_DIR" '[ $(ls "$tmp/rd" | grep -c "^[0-9]*[.]json$") -eq 1 ] && [ $rc -eq 1 ]'
# the run directory's copy is a summary (no records): a program with millions
# of lost blocks must not write megabytes at every exit only for a summary line
check "preload: the run directory's JSON is summary_only" 'grep -q "\"summary_only\": true" "$tmp"/rd/*.json && grep -q "\"loss_records\": \[\]" "$tmp"/rd/*.json && grep -q "\"definitely_lost\": {\"bytes\": 32" "$tmp"/rd/*.json'

"$T" --error-exitcode=9 sh -c "'$EX'; exit 0" >/dev/null 2>"$tmp/e"; rc=$?
check "preload: a child failing the gate gives --error-exitcode" '[ $rc -eq 9 ]'

# from the example's directory: a long build path would be cut in the summary
(cd "$(dirname "$EX")" && exec "$T" sh -c "./$(basename "$EX"); ./$(basename "$EX")") >/dev/null 2>"$tmp/e"; rc=$?
check "preload: combined summary of a process tree" '[ $rc -eq 0 ] && grep -q "processes checked" "$tmp/e" && [ $(grep -c "^==[0-9]*== *[0-9]* *0 *96 *2  ./$(basename "$EX")$" "$tmp/e") -eq 2 ]'

# tether's own report on a pipe whose reader went away (`| head -1`) must
# not end the program with SIGPIPE before it ran, nor the tether command
rm -f "$tmp/made"
{ "$T" sh -c "sleep 0.2; touch '$tmp/made'; exit 5"; echo $? >"$tmp/rc"; } 2>&1 | head -1 >/dev/null
sleep 0.5
check "report to a closed pipe: the program runs, its status" '[ "$(cat "$tmp/rc")" = 5 ] && [ -e "$tmp/made" ]'
{ LD_PRELOAD="$LIB" sh -c "exit 6"; echo $? >"$tmp/rc"; } 2>&1 | head -1 >/dev/null
check "report to a closed pipe, preload alone: the program's status" '[ "$(cat "$tmp/rc")" = 6 ]'

# What tether costs every process, however short: a check used to clear
# room for 4,095 threads' registers (3 MB faulted in) and the index's empty
# tables took 25 KB a shard. Page faults, not time: they are what a short
# process pays for, and they do not vary with the machine's load. /bin/true
# (~50 faults natively): tether adds ~140 now, ~990 before.
minflt() {
  /usr/bin/python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:])
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_minflt)' "$@" 2>/dev/null
}
if [ -x /usr/bin/python3 ] && [ -x /bin/true ]; then
  nat=$(minflt /bin/true) pre=$(minflt env LD_PRELOAD="$LIB" /bin/true) bare=$(minflt env /bin/true)
  check "a short process: tether adds under 400 page faults (native $nat, env $bare, tether $pre)" \
    '[ -n "$pre" ] && [ -n "$bare" ] && [ $((pre - bare)) -lt 400 ]'
fi

summary
