#!/bin/sh
# Runs one api_contract binary and checks its verdict.
# usage: run_api.sh MODE WANT WARNINGS BINARY [LIBTETHER]
#   MODE      native: run BINARY as it is; tether: run it with LD_PRELOAD=LIBTETHER
#             and TETHER_OPTIONS empty
#   WANT      "under" or "without": the "ok (WANT tether)" line BINARY must print
#   WARNINGS  "misuse": stderr must hold exactly one "==PID== Warning: tether_xxx: "
#             line for each misuse api_contract.c makes (and no other such line);
#             "none": stderr must hold no "Warning: tether_" line at all
# Passes when BINARY exits 0, prints the ok line on stdout, and the warnings match.
set -u
mode=$1 want=$2 warnings=$3 bin=$4 lib=${5:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

case $mode in
  native) "$bin" >"$tmp/out" 2>"$tmp/err"; rc=$? ;;
  tether) env TETHER_OPTIONS= LD_PRELOAD="$lib" "$bin" >"$tmp/out" 2>"$tmp/err"; rc=$? ;;
  *) echo "run_api.sh: bad mode $mode"; exit 2 ;;
esac

fail=0
say() { echo "run_api.sh: $*"; fail=1; }

[ "$rc" -eq 0 ] || say "exit status $rc, want 0"
grep -q "^api_contract[a-z_]*: ok ($want tether)\$" "$tmp/out" ||
  say "no \"ok ($want tether)\" line on stdout"

case $warnings in
  none)
    if grep -q "Warning: tether_" "$tmp/err"; then say "unexpected tether_* warnings"; fi ;;
  misuse)
    for call in set_owner transfer ignore scope_pop unregister_root; do
      n=$(grep -c "^==[0-9][0-9]*== Warning: tether_$call: " "$tmp/err")
      [ "$n" -eq 1 ] || say "$n \"==PID== Warning: tether_$call: \" lines on stderr, want 1"
    done
    n=$(grep -c "Warning: tether_" "$tmp/err")
    [ "$n" -eq 5 ] || say "$n \"Warning: tether_\" lines on stderr, want 5" ;;
  *) echo "run_api.sh: bad warnings $warnings"; exit 2 ;;
esac

if [ "$fail" -ne 0 ]; then
  echo "--- stdout of $bin ($mode)"; cat "$tmp/out"
  echo "--- stderr (last 60 lines)"; tail -n 60 "$tmp/err"
  exit 1
fi
exit 0
