#!/bin/sh
# Fatal signals beyond what the sig_* cases pin: the option that turns the
# report off, the JSON report's "signal", the tether command's combined
# summary for a process a signal ended, SIGTERM that the tether command
# passes on to a real program (sleep), one that comes while the process
# runs tether's own code, and a signal inside the allocator (no leak check
# there).
# usage: fatal_signals.sh TETHER_CMD SIG_SEGV_CASE SIG_IN_ALLOCATOR SIG_TERM_SENDER_CASE
#        SIG_DEFERRED_EXIT SIG_PIPE_PENDING SIG_ONE_SHOT_RACE
set -u
T=$1 SEGV=$2 INALLOC=$3 SENDER=$4 DEFERRED=$5 PIPEPENDING=$6 ONESHOT=$7
. "$(dirname "$0")/../check.sh"

"$T" "$SEGV" 2>"$tmp/on"; rc=$?
check "default: the signal's status" '[ $rc -eq 139 ]'
check "default: the report" 'grep -q "Process terminating with default action of signal 11 (SIGSEGV)" "$tmp/on" && grep -q "definitely lost: 40 bytes in 1 blocks" "$tmp/on"'

"$T" --report-fatal-signals=no "$SEGV" 2>"$tmp/off"; rc=$?
check "off: the signal's status" '[ $rc -eq 139 ]'
check "off: no report" '! grep -q "Process terminating" "$tmp/off" && ! grep -q "HEAP SUMMARY" "$tmp/off"'

"$T" --error-exitcode=9 --json="$tmp/r.json" "$SEGV" 2>/dev/null; rc=$?
check "error-exitcode: the signal still ends it" '[ $rc -eq 139 ]'
check "json: signal and exit status" 'python3 -c "import json,sys; r=json.load(open(sys.argv[1])); sys.exit(not (r[\"signal\"] == 11 and r[\"exit_status\"] == 139 and r[\"leak_summary\"][\"definitely_lost\"][\"bytes\"] == 40))" "$tmp/r.json"'
"$T" --xml=yes --xml-file="$tmp/r.xml" "$SEGV" 2>/dev/null
check "xml: Valgrind's fatal_signal" 'python3 -c "
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
f = r.find(\"fatal_signal\")
fns = [e.findtext(\"fn\") for e in f.find(\"stack\")]
ok = (f.findtext(\"signo\"), f.findtext(\"signame\"), f.findtext(\"event\"), f.findtext(\"siaddr\")) == (\"11\", \"SIGSEGV\", \"Access not within mapped region\", \"0x0\")
sys.exit(not (ok and fns[:2] == [\"crash_null_write\", \"main\"] and list(r).index(f) < list(r).index(r.findall(\"status\")[1])))
" "$tmp/r.xml"'
cp "$tmp/r.json" "$tmp/r2.json"
"$T" report "$tmp/r.json" "$tmp/r2.json" >"$tmp/rep" 2>&1
check "tether report: ended by the signal" 'grep -qE "Process [0-9]+ \(parent [0-9]+\) was ended by signal 11 \(SIGSEGV\); report" "$tmp/rep"'
check "tether report: the summary row" 'grep -qE "^==[0-9]+== +[0-9]+ +SIGSEGV +40 " "$tmp/rep"'
schema=$(dirname "$0")/../../docs/json-format.schema.json
if python3 -c "import jsonschema" 2>/dev/null; then
  check "json: the schema takes it" 'python3 -c "import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))" "$tmp/r.json" "$schema"'
else
  echo "fatal_signals: python3-jsonschema missing: the report is not checked against the schema"
fi
"$T" --json="$tmp/clean.json" true 2>/dev/null
check "json: no signal key after a normal exit" 'python3 -c "import json,sys; sys.exit(\"signal\" in json.load(open(sys.argv[1])))" "$tmp/clean.json"'

"$T" sh -c "\"$SEGV\"; exit 0" 2>"$tmp/tree"; rc=$?
check "tree: the shell's status" '[ $rc -eq 0 ]'
check "tree: the crashed process has a row with its leaks" 'grep -E "^==[0-9]+== +[0-9]+ +SIGSEGV +40 +" "$tmp/tree" >/dev/null'
check "tree: every process wrote a report" '! grep -q "wrote no report" "$tmp/tree"'

"$T" sleep 30 2>"$tmp/sleep" &
tpid=$!
sleep 1
kill -TERM $tpid
wait $tpid; rc=$?
check "SIGTERM passed on: sleep's report" 'grep -q "Process terminating with default action of signal 15 (SIGTERM)" "$tmp/sleep" && grep -q "HEAP SUMMARY" "$tmp/sleep"'
check "SIGTERM passed on: sent by tether" 'grep -q " Sent by process $tpid\$" "$tmp/sleep"'
check "SIGTERM passed on: status 143" '[ $rc -eq 143 ]'

# timeout signals its whole process group: the program gets SIGTERM from
# it and again from the tether command, which passes its own on. The
# second must wait for the report of the first.
n=0
for i in 1 2 3 4 5; do
  timeout 1 "$T" sleep 10 2>"$tmp/to.$i"; rc=$?
  [ $rc -eq 124 ] && grep -q "signal 15 (SIGTERM)" "$tmp/to.$i" && grep -q "ERROR SUMMARY" "$tmp/to.$i" && n=$((n + 1))
done
check "SIGTERM twice (timeout): the whole report, every time" '[ $n -eq 5 ]'

# SIGTERM in an on-demand check, in a thread that then ends; the only
# thread left blocks it and returns from main: taken at exit, not lost
"$T" "$DEFERRED" 2>"$tmp/deferred"; rc=$?
check "SIGTERM asked for again, its thread gone: taken at exit" '[ $rc -eq 143 ] && grep -q "signal 15 (SIGTERM)" "$tmp/deferred" && grep -q " Sent by process " "$tmp/deferred"'

"$T" --freelist-vol=0 "$INALLOC" 2>"$tmp/inalloc"; rc=$?
check "inside the allocator: SIGABRT" '[ $rc -eq 134 ]'
check "inside the allocator: said, and no check" 'grep -q "Process terminating with default action of signal 6 (SIGABRT)" "$tmp/inalloc" && grep -q "(inside tether or the allocator it calls: no leak check)" "$tmp/inalloc" && ! grep -q "HEAP SUMMARY" "$tmp/inalloc"'

# SIGTERM sent while the process is in tether's own code (here: the child
# sends it while the parent's fork is still in tether's fork handlers; 20
# runs at once make that likely): asked for again once out of it, then
# reported
for i in $(seq 1 20); do
  "$T" --log-file="$tmp/sender.$i.%p" "$SENDER" 2>/dev/null &
done
wait
n=0
for i in $(seq 1 20); do
  grep -l "signal 15 (SIGTERM)" "$tmp"/sender.$i.* | xargs -d '\n' grep -q "HEAP SUMMARY" && n=$((n + 1))
done
check "SIGTERM in tether's code: reported every time" '[ $n -eq 20 ]'

# tether's report to a pipe nobody reads, while the program has a SIGPIPE
# of its own pending: the program's handler runs once, not twice
"$T" "$PIPEPENDING" "$tmp/hits" 2>&1 | true
check "tether's SIGPIPE taken back, the program's kept" '[ "$(cat "$tmp/hits")" = hits=1 ]'

# a one-shot handler that two threads' SIGINT reach at once runs once
out=$("$T" --log-file="$tmp/oneshot.%p" "$ONESHOT" 2>/dev/null)
check "one-shot handler: once, as the kernel does" '[ "$out" = "ran twice: 0" ]'

summary fatal_signals
