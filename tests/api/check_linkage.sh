#!/bin/sh
# A program that uses tether.h links with no tether library: no DT_NEEDED entry
# for libtether, and no undefined tether_* symbol. A binary compiled with
# -DTETHER_DISABLE (named after "--disabled") does not even look tether up:
# no dlsym import and no "tether_api_v1" string in .rodata (the debug
# information still names the struct type, which is fine).
# usage: check_linkage.sh BINARY... [--disabled BINARY...]
set -u
READELF=${READELF:-readelf}
fail=0
disabled=0
for bin in "$@"; do
  if [ "$bin" = "--disabled" ]; then disabled=1; continue; fi
  if ! "$READELF" -d "$bin" >/dev/null 2>&1; then
    echo "FAIL: $bin: readelf -d failed"; fail=1; continue
  fi
  if "$READELF" -d "$bin" | grep NEEDED | grep -qi tether; then
    echo "FAIL: $bin: DT_NEEDED names a tether library:"
    "$READELF" -d "$bin" | grep NEEDED
    fail=1
  fi
  if "$READELF" --dyn-syms -W "$bin" | awk '$7 == "UND" { print $8 }' | grep -q tether; then
    echo "FAIL: $bin: undefined tether symbols:"
    "$READELF" --dyn-syms -W "$bin" | awk '$7 == "UND" { print $8 }' | grep tether
    fail=1
  fi
  if [ "$disabled" -eq 1 ]; then
    if "$READELF" --dyn-syms -W "$bin" | awk '$7 == "UND" { print $8 }' | grep -q '^dlsym'; then
      echo "FAIL: $bin: compiled with TETHER_DISABLE but imports dlsym"; fail=1
    fi
    if "$READELF" -p .rodata "$bin" 2>/dev/null | grep -q tether_api_v1; then
      echo "FAIL: $bin: compiled with TETHER_DISABLE but holds the string tether_api_v1"; fail=1
    fi
  else
    # The enabled header looks the table up by name at run time.
    if ! "$READELF" -p .rodata "$bin" 2>/dev/null | grep -q tether_api_v1; then
      echo "FAIL: $bin: no \"tether_api_v1\" string: does it look tether up?"; fail=1
    fi
  fi
done
[ "$fail" -eq 0 ] && echo "check_linkage: ok"
exit "$fail"
