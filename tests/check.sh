# Sourced by the shell test scripts (tests/cli, tests/report, tests/cases):
# a scratch directory $tmp removed at exit, `check NAME CONDITION` (the
# condition is eval'd; a failure prints it), and `summary [LABEL]`, whose
# status is the scripts' own.
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() { # name, then a shell condition
  name=$1; shift
  if eval "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $name: $*"; fi
}

summary() {
  echo "${1:+$1: }$pass passed, $fail failed"
  [ "$fail" -eq 0 ]
}
