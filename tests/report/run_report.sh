#!/bin/sh
# `tether report` on hand-written reports (docs/json-format.md): the text
# layout, the combined summary, baselines (accept, new, gone, round trip),
# JSON and SARIF output, and bad input.
#   leak.json      tether-example: 4 loss records (definite, indirect, possible, reachable)
#   error.json     a double free, command with a quoted argument
#   owner.json     a possibly lost block of owner "request", via strdup in libc
#   clean.json     nothing found
#   moved.json     leak.json after an unrelated edit: other addresses, lines and pid
#   newleak.json   moved.json plus one new definitely lost block (parse_args)
#   accepted.json  a baseline written by hand: the findings of leak.json
# usage: run_report.sh TETHER_CMD FIXTURE_DIR
set -u
T=$1 D=$2
case $T in /*) ;; *) T=$(pwd)/$T ;; esac # one check runs in another directory
. "$(dirname "$0")/../check.sh"
has() { grep -qF -- "$1" "$tmp/o"; } # a fixed line part in the last output
json_ok() { python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1"; }

# ---- text
"$T" report "$D/leak.json" "$D/error.json" "$D/owner.json" >"$tmp/o" 2>"$tmp/e"; rc=$?
check "text: a failed gate exits 1" '[ $rc -eq 1 ] && [ ! -s "$tmp/e" ]'
check "text: header" 'has "==4242== Command: ./tether-example" && has "==4243== Command: ./e '"'"'two words'"'"'"'
check "text: definitely lost headline" 'has "==4242== 96 (32 direct, 64 indirect) bytes in 1 blocks are definitely lost in loss record 4 of 4"'
check "text: at line" 'has "==4242==    at 0x7F0DBEF463B0: malloc (in /usr/local/lib/libtether.so)"'
check "text: by line" 'has "==4242==    by 0x557994AE11C9: make_list (leaky.c:19)"'
check "text: possibly lost shown" 'has "==4242== 64 bytes in 1 blocks are possibly lost in loss record 3 of 4"'
check "text: still reachable not shown" '! has "are still reachable"'
check "text: error" 'has "==4243== Invalid free() / delete / delete[] / realloc()" && has "==4243==  Address 0x4a5b040 is 0 bytes inside a block of size 64 free'"'"'d" && has "==4243==  Block was alloc'"'"'d at"'
check "text: owner" 'has "==4244==  Owner: \"request\""'
check "text: leak summary" 'has "==4242==    definitely lost: 32 bytes in 1 blocks" && has "==4242== ERROR SUMMARY: 2 errors from 2 contexts (suppressed: 0 from 0)"'
check "text: combined heading" 'grep -q "^==[0-9]*== tether: 3 processes checked$" "$tmp/o"'
check "text: combined rows" 'grep -q "^==[0-9]*== *4242 *0 *96 *2  ./tether-example$" "$tmp/o" && grep -q "^==[0-9]*== *4244 *3 *0 *1  ./tether-server-example --port=0$" "$tmp/o"'
check "text: gate line" 'grep -q "^==[0-9]*== 3 of 3 processes failed the gate$" "$tmp/o"'

"$T" report --show-leak-kinds=all "$D/leak.json" >"$tmp/o"; rc=$?
check "text: --show-leak-kinds=all" '[ $rc -eq 1 ] && has "15 bytes in 1 blocks are still reachable in loss record 1 of 4"'

# a process that rewrote its title in place (postgres) padded its arguments
# with NULs: the row shows no empty words after the title
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); r["command"]=["postgres: checkpointer","","",""]; json.dump(r,open(sys.argv[2],"w"))' "$D/clean.json" "$tmp/title.json"
"$T" report "$tmp/title.json" >"$tmp/o"; rc=$?
check "text: a rewritten title without its padding" '[ $rc -eq 0 ] && grep -q "^==[0-9]*== *[0-9]* *[0-9] *0 *0  '"'"'postgres: checkpointer'"'"'$" "$tmp/o"'

"$T" report "$D/clean.json" >"$tmp/o"; rc=$?
check "text: clean exits 0" '[ $rc -eq 0 ] && grep -q "^==[0-9]*== 0 of 1 process failed the gate$" "$tmp/o"'

# ---- baselines
"$T" report --baseline="$D/accepted.json" "$D/leak.json" >"$tmp/o"; rc=$?
check "baseline by hand: accepted exits 0" '[ $rc -eq 0 ] && has "2 findings accepted by the baseline (not shown)" && ! has "bytes in 1 blocks are definitely lost"'

"$T" report --baseline="$D/accepted.json" "$D/moved.json" >"$tmp/o"; rc=$?
check "baseline: moved code still matches" '[ $rc -eq 0 ] && has "0 new findings, 2 accepted, 0 no longer found"'

"$T" report --baseline="$D/accepted.json" "$D/newleak.json" >"$tmp/o"; rc=$?
check "baseline: a new leak exits 1" '[ $rc -eq 1 ]'
check "baseline: the new leak in full" 'has "==6242== 24 bytes in 1 blocks are definitely lost in loss record 5 of 5" && has "==6242==    by 0x557994AE1500: parse_args (leaky.c:50)"'
check "baseline: accepted ones as a count" 'has "==6242== 2 findings accepted by the baseline (not shown)" && ! has "make_list (leaky.c"'
check "baseline: totals" 'has "1 new finding, 2 accepted, 0 no longer found"'

"$T" report --write-baseline="$tmp/base.json" "$D/leak.json" "$D/error.json" "$D/owner.json" >"$tmp/o" 2>"$tmp/e"; rc=$?
check "write-baseline exits 0" '[ $rc -eq 0 ] && [ ! -s "$tmp/o" ] && grep -q "4 accepted findings written to" "$tmp/e"'
check "write-baseline: JSON" 'json_ok "$tmp/base.json"'
check "write-baseline: no addresses or lines in fingerprints" '! grep -q "0x" "$tmp/base.json" && ! grep -q "\"line\"" "$tmp/base.json"'
check "write-baseline: owner kept" 'grep -qF "\"owner\": \"request\", \"functions\": [\"strdup\", \"handle_upload\", \"main\"]" "$tmp/base.json"'

"$T" report --baseline="$tmp/base.json" "$D/leak.json" "$D/error.json" "$D/owner.json" >"$tmp/o"; rc=$?
check "round trip: everything accepted" '[ $rc -eq 0 ] && has "0 new findings, 4 accepted, 0 no longer found"'

"$T" report --baseline="$tmp/base.json" --write-baseline="$tmp/base2.json" "$D/leak.json" "$D/error.json" "$D/owner.json" 2>/dev/null; rc=$?
check "round trip: the same file again" '[ $rc -eq 0 ] && cmp -s "$tmp/base.json" "$tmp/base2.json"'

"$T" report --baseline="$tmp/base.json" "$D/leak.json" >"$tmp/o"; rc=$?
check "gone: listed, exit 0" '[ $rc -eq 0 ] && has "no longer found: double free in dbl < main (e.c:4)" && has "no longer found: possibly lost of owner \"request\" in strdup < handle_upload < main (server.c:88)"'

"$T" report --baseline="$tmp/base.json" --errors-for-leak-kinds=all "$D/leak.json" >"$tmp/o"; rc=$?
check "errors-for-leak-kinds=all: reachable is new" '[ $rc -eq 1 ] && has "15 bytes in 1 blocks are still reachable"'

# ---- JSON
"$T" report --format=json --baseline="$D/accepted.json" "$D/newleak.json" "$D/error.json" >"$tmp/o.json"; rc=$?
check "json: exit 1 on a new finding" '[ $rc -eq 1 ]'
check "json: parses, with its keys" 'python3 - "$tmp/o.json" <<EOF
import json, sys
d = json.load(open(sys.argv[1]))
assert sorted(d) == ["accepted", "gone", "new", "reports"], sorted(d)
assert [r["pid"] for r in d["reports"]] == [6242, 4243], d["reports"]
assert d["accepted"] == 2, d["accepted"]
assert sorted(n["functions"][0] for n in d["new"]) == ["dbl", "parse_args"], d["new"]
assert all(n["finding"]["stack"] for n in d["new"]), d["new"]
assert d["gone"] == [], d["gone"]
EOF'

# ---- SARIF
"$T" report --format=sarif "$D/leak.json" "$D/error.json" "$D/owner.json" >"$tmp/o.sarif"; rc=$?
check "sarif: exit 1 on a failed gate" '[ $rc -eq 1 ]'
check "sarif: 2.1.0 with rules and located results" 'python3 - "$tmp/o.sarif" <<EOF
import json, sys
d = json.load(open(sys.argv[1]))
assert d["version"] == "2.1.0" and "sarif-2.1.0" in d["\$schema"]
run = d["runs"][0]
assert run["tool"]["driver"]["name"] == "tether" and run["tool"]["driver"]["version"]
rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
res = run["results"]
assert len(res) == 4, len(res)
for r in res:
    assert r["ruleId"] in rules and rules[r["ruleIndex"]] == r["ruleId"], r
    assert r["level"] in ("error", "warning") and r["message"]["text"], r
    loc = r["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] and loc["region"]["startLine"] > 0, r
where = {(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
          r["locations"][0]["physicalLocation"]["region"]["startLine"], r["level"]) for r in res}
assert ("definitely_lost", "leaky.c", 19, "error") in where, where
assert ("double_free", "e.c", 4, "error") in where, where
# the strdup frame is in libc (/lib/...): the result is at the caller
assert ("possibly_lost", "server.c", 88, "warning") in where, where
EOF'

# An absolute source path under the current directory becomes relative.
mkdir -p "$tmp/proj"
sed "s|/src/|$tmp/proj/src/|g" "$D/owner.json" >"$tmp/proj/owner.json"
(cd "$tmp/proj" && "$T" report --format=sarif owner.json) >"$tmp/o.sarif"
check "sarif: path relative to the current directory" 'python3 - "$tmp/o.sarif" <<EOF
import json, sys
d = json.load(open(sys.argv[1]))
loc = d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
assert loc["artifactLocation"]["uri"] == "src/tests/example/server.c", loc
EOF'

"$T" report --format=sarif --baseline="$D/accepted.json" "$D/newleak.json" >"$tmp/o.sarif"; rc=$?
check "sarif: baselineState" '[ $rc -eq 1 ] && python3 - "$tmp/o.sarif" <<EOF
import json, sys
d = json.load(open(sys.argv[1]))
states = sorted(r["baselineState"] for r in d["runs"][0]["results"])
assert states == ["new", "unchanged", "unchanged"], states
EOF'

# ---- bad input: one line naming the file, exit 2
bad() { # name, expected text, then the arguments
  name=$1 want=$2; shift 2
  "$T" report "$@" >"$tmp/o" 2>"$tmp/e"; rc=$?
  check "bad input: $name" '[ $rc -eq 2 ] && [ $(wc -l <"$tmp/e") -eq 1 ] && grep -qF -- "$want" "$tmp/e"'
}
bad "missing file" "$tmp/missing.json: cannot read it: No such file or directory" "$D/leak.json" "$tmp/missing.json"
bad "not JSON" "notjson.json: not JSON:" "$D/notjson.json"
bad "wrong tool" "wrongtool.json: not a tether report (tool is 'valgrind')" "$D/wrongtool.json"
bad "wrong format" "wrongformat.json: report format 2, but this tether reads format 1" "$D/wrongformat.json"
bad "a report as the baseline" "leak.json: not a tether baseline" --baseline="$D/leak.json" "$D/leak.json"
bad "missing baseline" "nobase.json: cannot read it" --baseline="$tmp/nobase.json" "$D/leak.json"
bad "bad format value" "bad value 'xml' for format" --format=xml "$D/leak.json"
bad "unknown option" "unknown option '--frobnicate'" --frobnicate "$D/leak.json"

summary
