#!/bin/sh
# run_suite.sh TETHER BINDIR SRCDIR: `tether make check` over a suite of three
# test programs: every process checked, one combined summary, the exit status
# of the tree (--error-exitcode when any process failed the gate), and a
# JSON report per process.
TETHER=$1 BIN=$2 SRC=$3
out=$(mktemp -d) || exit 2
trap 'rm -rf "$out"' EXIT
fail=0
bad() { echo "suite: $*"; fail=1; }

"$TETHER" --error-exitcode=7 --json="$out/r.%p.json" make -s -C "$SRC" BIN="$BIN" check \
  >"$out/stdout" 2>"$out/stderr"
rc=$?
[ "$rc" -eq 7 ] || bad "exit status $rc, want 7 (two tests fail the gate)"
grep -q '== tether: [0-9]* processes checked$' "$out/stderr" || bad "no combined summary"
grep -Eq '^==[0-9]+== +[0-9]+ +7 +40 +1 +.*suite_leaky$' "$out/stderr" ||
  bad "no summary row for suite_leaky (status 7, 40 bytes lost, 1 error)"
grep -Eq '^==[0-9]+== +[0-9]+ +7 +0 +1 +.*suite_twice$' "$out/stderr" ||
  bad "no summary row for suite_twice (status 7, 0 bytes lost, 1 error)"
grep -Eq '^==[0-9]+== +[0-9]+ +0 +0 +0 +.*suite_clean$' "$out/stderr" ||
  bad "no summary row for suite_clean (status 0, clean)"
grep -q 'processes failed the gate' "$out/stderr" || bad "no gate line"
n=$(ls "$out"/r.*.json 2>/dev/null | wc -l)
[ "$n" -ge 3 ] || bad "$n JSON reports, want one per test program (3, and make's)"
# without --error-exitcode the status is make's own (0: the loop swallows failures)
"$TETHER" make -s -C "$SRC" BIN="$BIN" check >/dev/null 2>&1
rc=$?
[ "$rc" -eq 0 ] || bad "without --error-exitcode: exit status $rc, want make's 0"
if [ "$fail" -ne 0 ]; then
  echo '--- stderr'
  cat "$out/stderr"
fi
exit "$fail"
