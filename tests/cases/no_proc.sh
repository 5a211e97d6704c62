#!/bin/sh
# Without /proc (a chroot or a sandbox that does not mount it) tether cannot
# read the memory map: the heap's headers are then found by asking the
# kernel, page by page, whether each marked megabyte can be read. The same
# cases must give the same leak summary, error summary, error details,
# stacks (file:line) and command line as with /proc. Runs each case in a
# mount namespace with an empty /proc over the real one; skipped (77) where
# this machine does not allow that. Then again with process_vm_readv
# refused (a sandbox's seccomp filter: the pages are asked about with a
# pipe), and with pipe2 refused too (the kernel will not tell: the report
# must say it is incomplete).
# usage: no_proc.sh LIBTETHER DENY_EXEC CASE...
set -u
LIB=$1 DENY=$2
shift 2
. "$(dirname "$0")/../check.sh"

if ! unshare -m sh -c 'mount -t tmpfs none /proc && ! [ -e /proc/self/maps ]' 2>/dev/null; then
  echo "no_proc: skipped: cannot mount over /proc in a new mount namespace (needs root and unshare)"
  exit 77
fi

# The lines that must agree, without pids and addresses.
digest() {
  grep -E '(definitely|indirectly|possibly) lost:|still reachable:|ERROR SUMMARY|bytes inside a block|Invalid free|Command:|   (at|by) ' "$1" |
    sed -e 's/^==[0-9]*== *//' -e 's/0x[0-9a-fA-F]*/ADDR/g'
}

for c in "$@"; do
  cn=$(basename "$c")
  LD_PRELOAD=$LIB "$c" >"$tmp/$cn.out" 2>"$tmp/$cn.proc"
  unshare -m sh -c 'mount -t tmpfs none /proc && LD_PRELOAD=$1 "$2"' sh "$LIB" "$c" \
    >"$tmp/$cn.out2" 2>"$tmp/$cn.noproc"
  digest "$tmp/$cn.proc" >"$tmp/$cn.d1"
  digest "$tmp/$cn.noproc" >"$tmp/$cn.d2"
  check "$cn: a report with /proc" 'grep -q "ERROR SUMMARY" "$tmp/$cn.d1"'
  check "$cn: the same without /proc" 'cmp -s "$tmp/$cn.d1" "$tmp/$cn.d2" || diff "$tmp/$cn.d1" "$tmp/$cn.d2"'
  check "$cn: the same output" 'cmp -s "$tmp/$cn.out" "$tmp/$cn.out2"'
  unshare -m sh -c 'mount -t tmpfs none /proc && "$2" process_vm_readv /usr/bin/env LD_PRELOAD="$1" "$3"' \
    sh "$LIB" "$DENY" "$c" >/dev/null 2>"$tmp/$cn.nopvr"
  digest "$tmp/$cn.nopvr" >"$tmp/$cn.d3"
  check "$cn: the same without /proc and process_vm_readv" 'cmp -s "$tmp/$cn.d1" "$tmp/$cn.d3" || diff "$tmp/$cn.d1" "$tmp/$cn.d3"'
  # a sandbox that refuses gettid: the check stopped its own thread and
  # waited for ever
  timeout -s KILL 60 "$DENY" gettid /usr/bin/env LD_PRELOAD="$LIB" "$c" >/dev/null 2>"$tmp/$cn.notid"
  digest "$tmp/$cn.notid" >"$tmp/$cn.d4"
  check "$cn: the same with gettid refused" 'cmp -s "$tmp/$cn.d1" "$tmp/$cn.d4" || diff "$tmp/$cn.d1" "$tmp/$cn.d4"'
done

# Nothing tells which memory can be read: the check says so and does not
# pretend (no "no leaks are possible"); the program ends as it would.
c=$1
unshare -m sh -c 'mount -t tmpfs none /proc && "$2" process_vm_readv,pipe2 /usr/bin/env LD_PRELOAD="$1" "$3"' \
  sh "$LIB" "$DENY" "$c" >"$tmp/blind.out" 2>"$tmp/blind"; rc=$?
check "blind: the warning" 'grep -q "Warning: cannot tell which memory can be read.*so there is no leak check" "$tmp/blind"'
check "blind: the check did not run" 'grep -q "the leak check could not run" "$tmp/blind" && ! grep -q "no leaks are possible" "$tmp/blind"'
check "blind: the program's status and output" '[ $rc -eq 0 ] && cmp -s "$tmp/blind.out" "$tmp/$(basename "$c").out"'
# ... and a gate on it fails: nothing was checked (it passed)
unshare -m sh -c 'mount -t tmpfs none /proc && "$2" process_vm_readv,pipe2 /usr/bin/env TETHER_OPTIONS=--error-exitcode=7 LD_PRELOAD="$1" "$3"' \
  sh "$LIB" "$DENY" "$c" >/dev/null 2>"$tmp/blindgate"; rc=$?
check "blind: the gate fails" '[ $rc -eq 7 ] && grep -q "the leak check could not run (errno [0-9]*); the gate fails$" "$tmp/blindgate"'

summary no_proc
