#!/bin/sh
# The debug information cache (--debuginfo-cache): a program whose debug
# sections are compressed gets the same report with the cache as without it;
# the first report makes the uncompressed copy, the next ones read it; the
# default directory follows XDG_CACHE_HOME, then HOME; "no" and a directory
# that cannot be made leave the report as it is.
# usage: debuginfo_cache.sh TETHER_CMD PROGRAM (one built with -gz=zlib)
set -u
T=$1 PROG=$2
. "$(dirname "$0")/../check.sh"
# the report without process ids and addresses
norm() { sed -E 's/^==[0-9]+==//; s/0x[0-9A-F]+/ADDR/g' "$1"; }
# the program's copy is named by its build id (other files with compressed
# debug sections, such as libc6-dbg's, get their own copies beside it)
id=$(readelf -n "$PROG" | sed -n 's/.*Build ID: *//p')
[ -n "$id" ] || { echo "FAIL: no build id in $PROG"; exit 1; }
copies() { [ -s "$1/$id.debug" ] && echo 1 || echo 0; }
leftovers() { ls "$1" 2>/dev/null | grep -vc '\.debug$'; }

HOME=$tmp/home0 "$T" --debuginfo-cache=no "$PROG" 2>"$tmp/plain"
check "no cache: file:line" 'grep -q "leak_forty (sym_compressed_debug.c:21)" "$tmp/plain"'
check "no cache: nothing written" '[ ! -e "$tmp/home0/.cache" ]'

"$T" --debuginfo-cache="$tmp/c" "$PROG" 2>"$tmp/first"
check "first run makes one copy" '[ "$(copies "$tmp/c")" -eq 1 ] && [ "$(leftovers "$tmp/c")" -eq 0 ]'
check "first run: the same report" 'norm "$tmp/plain" >"$tmp/p" && norm "$tmp/first" >"$tmp/f" && cmp -s "$tmp/p" "$tmp/f"'
ino=$(stat -c %i "$tmp/c/$id.debug")
mtime=$(stat -c %Y "$tmp/c/$id.debug")

"$T" --debuginfo-cache="$tmp/c" "$PROG" 2>"$tmp/second"
check "second run: the same report" 'norm "$tmp/second" >"$tmp/s" && cmp -s "$tmp/p" "$tmp/s"'
check "second run reads the copy" '[ "$(stat -c %i "$tmp/c/$id.debug")" = "$ino" ] && [ "$(stat -c %Y "$tmp/c/$id.debug")" = "$mtime" ] && [ "$(copies "$tmp/c")" -eq 1 ]'

# a damaged copy is made again
printf 'garbage' >"$tmp/c/$id.debug"
"$T" --debuginfo-cache="$tmp/c" "$PROG" 2>"$tmp/third"
check "damaged copy: the same report" 'norm "$tmp/third" >"$tmp/t" && cmp -s "$tmp/p" "$tmp/t"'
check "damaged copy replaced" '[ "$(copies "$tmp/c")" -eq 1 ] && [ "$(stat -c %s "$tmp/c/$id.debug")" -gt 7 ]'

# the default directory
env -u XDG_CACHE_HOME HOME="$tmp/home" "$T" "$PROG" 2>"$tmp/home.out"
check "default under HOME" '[ "$(copies "$tmp/home/.cache/tether/debuginfo")" -eq 1 ]'
XDG_CACHE_HOME="$tmp/xdg" HOME="$tmp/home2" "$T" "$PROG" 2>"$tmp/xdg.out"
check "default under XDG_CACHE_HOME" '[ "$(copies "$tmp/xdg/tether/debuginfo")" -eq 1 ] && [ ! -e "$tmp/home2" ]'
XDG_CACHE_HOME="relative" HOME="$tmp/home3" "$T" "$PROG" 2>"$tmp/rel.out"
check "a relative XDG_CACHE_HOME is ignored" '[ "$(copies "$tmp/home3/.cache/tether/debuginfo")" -eq 1 ]'

# a directory that cannot be made: the report as without a cache
"$T" --debuginfo-cache=/proc/self/no/such/dir "$PROG" 2>"$tmp/bad"; rc=$?
check "unusable directory: exit status" '[ $rc -eq 0 ]'
check "unusable directory: the same report" 'norm "$tmp/bad" >"$tmp/b" && cmp -s "$tmp/p" "$tmp/b"'

summary debuginfo_cache
