#!/bin/sh
# The ctest-memcheck test: tether as CTest's memory checker.
#
#   run_ctest_memcheck.sh CMAKE CTEST GENERATOR C_COMPILER TETHER SOURCE_DIR
#
# Configures the standalone project in SOURCE_DIR (this directory) into a
# temporary build tree with
#   -DMEMORYCHECK_COMMAND=TETHER -DMEMORYCHECK_TYPE=Valgrind
# builds it, runs `ctest -T memcheck` and checks what CTest made of tether's
# report: the per-test "Defects: N" lines and the "Memory checking results"
# section of its output, and the <Defect> counts per test in
# Testing/<tag>/DynamicAnalysis.xml. CTest reads tether's log as Valgrind's
# (cmCTestMemCheckHandler): "Invalid free() / delete / delete[]" lines count
# as FIM, "... are definitely lost in loss record ..." as Memory Leak, "...
# are possibly lost / still reachable in loss record ..." as Potential Memory
# Leak; indirectly lost records are not counted.
#
# Two configurations, each in a build tree of its own:
#   default   CTest's own Valgrind flags (-q --tool=memcheck --leak-check=yes
#             --show-reachable=yes --num-callers=50 --log-file=...)
#   gate      MEMORYCHECK_COMMAND_OPTIONS="-q --leak-check=full
#             --show-leak-kinds=all --error-exitcode=1" and
#             MEMORYCHECK_SUPPRESSIONS_FILE=known.supp: the tests with
#             findings fail, and the suppressed leak is not counted
#
# When valgrind is installed, both run again with MEMORYCHECK_COMMAND=valgrind
# and CTest's verdicts must be the same as with tether; without it that
# comparison is skipped.

cmake=$1 ctest=$2 generator=$3 cc=$4 tether=$5 src=$6
if [ -z "$src" ] || [ ! -f "$src/CMakeLists.txt" ]
then
  echo "usage: $0 CMAKE CTEST GENERATOR C_COMPILER TETHER SOURCE_DIR" >&2
  exit 2
fi

# Nothing from the caller's own tether or preload run leaks in.
unset TETHER_OPTIONS TETHER_LIB TETHER_RUN_DIR LD_PRELOAD

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tether-ctest-memcheck.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

fail=0
bad() {
  echo "ctest-memcheck: $*"
  fail=1
}

# run NAME CHECKER [CMAKE -D ARGS...]: configure, build, ctest -T memcheck in
# $tmp/NAME; CTest's output in $tmp/NAME.out, its exit status in $tmp/NAME.rc,
# and what it recorded in $tmp/NAME.sum (see summarize).
run() {
  name=$1 checker=$2
  shift 2
  dir=$tmp/$name
  if ! "$cmake" -S "$src" -B "$dir" -G "$generator" -DCMAKE_C_COMPILER="$cc" \
       -DMEMORYCHECK_COMMAND="$checker" -DMEMORYCHECK_TYPE=Valgrind "$@" \
       >"$tmp/$name.configure" 2>&1
  then
    bad "$name: configuring failed"
    cat "$tmp/$name.configure"
    return 1
  fi
  if ! "$cmake" --build "$dir" >"$tmp/$name.build" 2>&1
  then
    bad "$name: building failed"
    cat "$tmp/$name.build"
    return 1
  fi
  (cd "$dir" && "$ctest" -T memcheck) >"$tmp/$name.out" 2>&1
  echo $? >"$tmp/$name.rc"
  summarize "$dir" "$tmp/$name.out" >"$tmp/$name.sum"
}

# summarize BUILD_DIR CTEST_OUTPUT: what CTest recorded, one fact a line:
#   out: N/4 MemCheck #N: NAME ... Passed|Failed     (each test's run)
#   out: defects NAME N                           (its "Defects: N" line)
#   out: results KIND - N                         (the results section)
#   xml: checker C
#   xml: NAME status S
#   xml: NAME KIND N                              (DynamicAnalysis.xml)
summarize() {
  sed -n 's/^ *\([0-9]*\/[0-9]* MemCheck #[0-9]*: [a-z_]*\) .*\(Passed\|Failed\).*/out: \1 \2/p' "$2"
  sed -n 's/^[0-9]*\/[0-9]* MemCheck: #[0-9]*: \([a-z_]*\) .*Defects: \([0-9]*\)$/out: defects \1 \2/p' "$2"
  sed -n '/^Memory checking results:$/,$ s/^\(.* - [0-9][0-9]*\)$/out: results \1/p' "$2"
  xml=$(ls "$1"/Testing/*/DynamicAnalysis.xml 2>/dev/null | head -n 1)
  if [ -z "$xml" ]
  then
    echo "xml: missing"
    return
  fi
  awk '
    /<DynamicAnalysis Checker=/ { c = $0; sub(/.*Checker="/, "", c); sub(/".*/, "", c); print "xml: checker " c }
    /<Test Status="/ { s = $0; sub(/.*Status="/, "", s); sub(/".*/, "", s); intest = 1; next }
    intest && /<Name>/ { n = $0; sub(/.*<Name>/, "", n); sub(/<\/Name>.*/, "", n); print "xml: " n " status " s; next }
    intest && /<Defect type="/ {
      t = $0; sub(/.*<Defect type="/, "", t); k = t; sub(/".*/, "", t)
      sub(/^[^>]*>/, "", k); sub(/<.*/, "", k)
      print "xml: " n " " t " " k; next
    }
    /<\/Test>/ { intest = 0 }
  ' "$xml"
}

# expect NAME: compare $tmp/NAME.sum with the expected facts on stdin.
expect() {
  if ! diff -u - "$tmp/$1.sum" >"$tmp/$1.diff"
  then
    bad "$1: CTest recorded something else than expected (- expected, + recorded):"
    cat "$tmp/$1.diff"
    echo "--- ctest -T memcheck output ($1)"
    cat "$tmp/$1.out"
    for log in "$tmp/$1"/Testing/Temporary/MemoryChecker.*.log
    do
      echo "--- $log"
      cat "$log"
    done
  fi
}

# Log lines of report REPORT ($tmp/NAME/Testing/Temporary/MemoryChecker.N.log)
# that match the extended regular expression RE, counted.
count() {
  grep -E -c -- "$3" "$tmp/$1/Testing/Temporary/MemoryChecker.$2.log"
}
want_count() {   # NAME TEST_NUMBER RE WANT
  got=$(count "$1" "$2" "$3")
  [ "$got" = "$4" ] || bad "$1: MemoryChecker.$2.log: $got lines matching '$3', want $4"
}

gate_opts='-q --leak-check=full --show-leak-kinds=all --error-exitcode=1'

# --- tether, CTest's default Valgrind flags
run tether-default "$tether"
[ "$(cat "$tmp/tether-default.rc" 2>/dev/null)" = 0 ] ||
  bad "tether-default: ctest -T memcheck exited $(cat "$tmp/tether-default.rc" 2>/dev/null), want 0"
expect tether-default <<'EOF'
out: 1/4 MemCheck #1: clean Passed
out: 2/4 MemCheck #2: leak Passed
out: 3/4 MemCheck #3: double_free Passed
out: 4/4 MemCheck #4: invalid_free Passed
out: defects leak 3
out: defects double_free 1
out: defects invalid_free 2
out: results FIM - 3
out: results Memory Leak - 2
out: results Potential Memory Leak - 1
xml: checker Valgrind
xml: leak status passed
xml: leak Memory Leak 2
xml: leak Potential Memory Leak 1
xml: double_free status passed
xml: double_free FIM 1
xml: invalid_free status passed
xml: invalid_free FIM 2
EOF
# The command line CTest ran, and the logs it parsed.
grep -q -- '^Command: "[^"]*" "--log-file=[^"]*/Testing/Temporary/MemoryChecker.2.log" "-q" "--tool=memcheck" "--leak-check=yes" "--show-reachable=yes" "--num-callers=50" "[^"]*mc_leak"$' \
     "$tmp"/tether-default/Testing/Temporary/LastDynamicAnalysis_*.log ||
  bad "tether-default: no 'Command: TETHER --log-file=... -q --tool=memcheck ...' line for the leak test"
[ -f "$tmp/tether-default/Testing/Temporary/MemoryChecker.1.log" ] &&
  [ ! -s "$tmp/tether-default/Testing/Temporary/MemoryChecker.1.log" ] ||
  bad "tether-default: the clean test's log is missing or not empty"
want_count tether-default 2 '^==[0-9]+== [0-9,]+ bytes in 1 blocks are definitely lost in loss record 2 of 4$' 1
want_count tether-default 2 '^==[0-9]+== 96 \(32 direct, 64 indirect\) bytes in 1 blocks are definitely lost in loss record 4 of 4$' 1
want_count tether-default 2 '^==[0-9]+== 64 bytes in 2 blocks are indirectly lost in loss record 3 of 4$' 1
want_count tether-default 2 '^==[0-9]+== 16 bytes in 1 blocks are still reachable in loss record 1 of 4$' 1
want_count tether-default 3 '^==[0-9]+== Invalid free\(\) / delete / delete\[\] / realloc\(\)$' 1
want_count tether-default 3 "^==[0-9]+==  Address 0x[0-9a-f]+ is 0 bytes inside a block of size 32 free'd$" 1
want_count tether-default 4 '^==[0-9]+== Invalid free\(\) / delete / delete\[\] / realloc\(\)$' 2
want_count tether-default 4 '^==[0-9]+==  Address 0x[0-9a-f]+ is 0 bytes inside data symbol "global_buf"$' 1
want_count tether-default 4 "^==[0-9]+==  Address 0x[0-9a-f]+ is 8 bytes inside a block of size 32 alloc'd$" 1

# --- tether, options of one's own and a suppression file
run tether-gate "$tether" "-DMEMORYCHECK_COMMAND_OPTIONS=$gate_opts" \
    "-DMEMORYCHECK_SUPPRESSIONS_FILE=$src/known.supp"
# Failed tests make ctest -T memcheck exit non-zero (16 with CMake 3.25).
[ "$(cat "$tmp/tether-gate.rc" 2>/dev/null)" != 0 ] ||
  bad "tether-gate: ctest -T memcheck exited 0, want non-zero (tests failed)"
expect tether-gate <<'EOF'
out: 1/4 MemCheck #1: clean Passed
out: 2/4 MemCheck #2: leak Failed
out: 3/4 MemCheck #3: double_free Failed
out: 4/4 MemCheck #4: invalid_free Failed
out: defects leak 2
out: defects double_free 1
out: defects invalid_free 2
out: results FIM - 3
out: results Memory Leak - 1
out: results Potential Memory Leak - 1
xml: checker Valgrind
xml: leak status failed
xml: leak Memory Leak 1
xml: leak Potential Memory Leak 1
xml: double_free status failed
xml: double_free FIM 1
xml: invalid_free status failed
xml: invalid_free FIM 2
EOF
grep -q -- "^Command: \"[^\"]*\" \"--log-file=[^\"]*/MemoryChecker.2.log\" \"-q\" \"--leak-check=full\" \"--show-leak-kinds=all\" \"--error-exitcode=1\" \"--suppressions=$src/known.supp\" \"[^\"]*mc_leak\"$" \
     "$tmp"/tether-gate/Testing/Temporary/LastDynamicAnalysis_*.log ||
  bad "tether-gate: no 'Command: TETHER --log-file=... -q ... --suppressions=known.supp' line for the leak test"
want_count tether-gate 2 'lose_block' 0

# --- the same under Valgrind, when it is installed: CTest's verdicts must not change
valgrind=$(command -v valgrind 2>/dev/null)
if [ -n "$valgrind" ] && "$valgrind" --version >/dev/null 2>&1
then
  run valgrind-default "$valgrind"
  run valgrind-gate "$valgrind" "-DMEMORYCHECK_COMMAND_OPTIONS=$gate_opts" \
      "-DMEMORYCHECK_SUPPRESSIONS_FILE=$src/known.supp"
  for conf in default gate
  do
    [ -f "$tmp/valgrind-$conf.sum" ] || continue
    if ! diff -u "$tmp/valgrind-$conf.sum" "$tmp/tether-$conf.sum" >"$tmp/$conf.vgdiff"
    then
      bad "$conf: CTest counted differently under Valgrind (-) and tether (+):"
      cat "$tmp/$conf.vgdiff"
      echo "--- ctest -T memcheck output (valgrind-$conf)"
      cat "$tmp/valgrind-$conf.out"
    fi
    [ "$(cat "$tmp/valgrind-$conf.rc")" = "$(cat "$tmp/tether-$conf.rc")" ] ||
      bad "$conf: ctest exited $(cat "$tmp/valgrind-$conf.rc") under Valgrind, $(cat "$tmp/tether-$conf.rc") under tether"
  done
  echo "ctest-memcheck: compared with $("$valgrind" --version)"
else
  echo "ctest-memcheck: valgrind not installed: comparison with Valgrind skipped"
fi

[ "$fail" -eq 0 ] && echo "ctest-memcheck: ok"
exit "$fail"
