#!/bin/sh
# The tether command's contract: options, errors, pass-through of the
# program's stdin, stdout, exit status and signals, and plain LD_PRELOAD use.
# usage: run_cli.sh TETHER_CMD LIBTETHER EXAMPLE_PROGRAM
set -u
T=$1 LIB=$2 EX=$3
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() { # name, then a shell condition
  name=$1; shift
  if eval "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $name: $*"; fi
}

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

TETHER_OPTIONS="leak-check=summary" LD_PRELOAD="$LIB" "$EX" >/dev/null 2>"$tmp/e"
check "summary mode" 'grep -q "Rerun with --leak-check=full to see details of leaked memory" "$tmp/e" && ! grep -q "loss record" "$tmp/e"'

TETHER_OPTIONS="leak-check=no" LD_PRELOAD="$LIB" "$EX" >/dev/null 2>"$tmp/e"
check "no leak check" 'grep -q "For a detailed leak analysis, rerun with: --leak-check=full" "$tmp/e" && ! grep -q "LEAK SUMMARY" "$tmp/e"'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
