#!/usr/bin/env python3
"""tether's machine-readable reports: run a test program under the preload
with --json, --sarif and --xml, then check each against the text report of
the same run (stderr) and against its format.

Usage:
  run_export.py --preload LIB --leaks BIN --errors BIN --fork BIN
                --schema docs/json-format.schema.json --workdir DIR TEST

TEST:
  leaks       tt_export_leaks (every kind of loss record, a cycle, an owner,
              a double free): JSON (schema; every number, record, stack,
              error, cycle and owner row against the text), SARIF 2.1.0
              (rules, results, levels, locations at the leaking call's line),
              Valgrind XML protocol 4 (parsed with xml.etree)
  errors      tt_export_errors (a lifetime error of every kind) the same way
  suppressed  tt_export_leaks with a suppression file: what it hides leaves
              every report, and the suppressed numbers agree with the text
  gate        exit_status and gate_failed, with --error-exitcode
  fork        tt_export_fork: the parent and the forked child each write
              their own reports (%p), each agreeing with its own text report
  schema      the schema is a valid draft 2020-12 schema and rejects reports
              with a key missing, an unknown key, a wrong type or kind
  argv        the command line in every format, with arguments that need
              escaping (quotes, backslashes, control characters, non-ASCII,
              markup, bytes that are not UTF-8): each document still parses
              and gives the arguments back

Every source line a SARIF location must name carries a "LINE:name" marker
comment in the test program's source. Exit status 0 when everything matches.
"""
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET


def need_jsonschema():
    try:
        import jsonschema
    except ImportError:
        print("FAIL: the Python module jsonschema is not importable, and the JSON reports must be "
              "validated against docs/json-format.schema.json.\n"
              "Install it: apt-get install python3-jsonschema (sh tools/setup-debian.sh --tests "
              "does), or pip install jsonschema.")
        sys.exit(1)
    if not hasattr(jsonschema, "Draft202012Validator"):
        print(f"FAIL: jsonschema {getattr(jsonschema, '__version__', '?')} has no "
              f"Draft202012Validator (draft 2020-12 needs jsonschema 4.0 or later)")
        sys.exit(1)
    return jsonschema


# ---------------------------------------------------------------------------
# The text report
# ---------------------------------------------------------------------------

PREFIX = re.compile(r"^==(\d+)== ?(.*)$")
FRAME = re.compile(r"^ *(at|by) 0x([0-9A-F]+): (.*)$")
FRAME_SRC = re.compile(r"^(.*) \(([^():]+):(\d+)\)$")
FRAME_OBJ = re.compile(r"^(.*) \(in (.+)\)$")
HEADLINE = re.compile(r"^([\d,]+)(?: \(([\d,]+) direct, ([\d,]+) indirect\))? bytes in ([\d,]+) "
                      r"blocks are (definitely lost|indirectly lost|possibly lost|still reachable) "
                      r"in loss record (\d+) of (\d+)$")
SUMMARY = re.compile(r"^ *(definitely lost|indirectly lost|possibly lost|still reachable|suppressed): "
                     r"([\d,]+) bytes in ([\d,]+) blocks$")
ERRSUM = re.compile(r"^ERROR SUMMARY: ([\d,]+) errors from ([\d,]+) contexts "
                    r"\(suppressed: ([\d,]+) from ([\d,]+)\)$")
CYCLE = re.compile(r"^([\d,]+) bytes in ([\d,]+) blocks form a reference cycle \(cycle (\d+) of (\d+)\)$")
MEMBER = re.compile(r"^   block ([A-Z]+): ([\d,]+) bytes, (no owner|owner \"(.*)\"), \+(\d+) -> ([A-Z]+)")
HANGING = re.compile(r"^   hanging off the cycle: ([\d,]+) blocks, ([\d,]+) bytes$")
OWNER_ROW = re.compile(r"^   (\(unowned\)|\"(.*)\") +([\d,]+) in ([\d,]+) +([\d,]+) in ([\d,]+) +([\d,]+) in "
                       r"([\d,]+) +([\d,]+) in ([\d,]+) +([\d,]+) in ([\d,]+)$")
ERROR_HEADS = {
    "Invalid free() / delete / delete[] / realloc()": {"invalid_free", "double_free"},
    "Mismatched free() / delete / delete []": {"mismatched_free"},
    "Write after free() / delete / delete[]": {"write_after_free"},
    "Dangling pointer to free'd block": {"dangling_pointer"},
    "Refcount too high": {"refcount_high"},
    "Refcount too low": {"refcount_low"},
}
KIND_IDS = {"definitely lost": "definitely_lost", "indirectly lost": "indirectly_lost",
            "possibly lost": "possibly_lost", "still reachable": "still_reachable",
            "suppressed": "suppressed"}


def num(s):
    return int(s.replace(",", ""))


def parse_frame(line):
    m = FRAME.match(line)
    if not m:
        return None
    rest = m.group(3)
    fr = {"pc": int(m.group(2), 16), "function": None, "file": None, "line": None, "object": None}
    s = FRAME_SRC.match(rest)
    o = FRAME_OBJ.match(rest)
    if s:
        fr["function"], fr["file"], fr["line"] = s.group(1), s.group(2), int(s.group(3))
    elif o:
        fr["function"], fr["object"] = o.group(1), o.group(2)
    else:
        fr["function"] = rest
    if fr["function"] == "???":
        fr["function"] = None
    return fr


class Text:
    """One process's text report (its ==PID== lines, prefix removed)."""

    def __init__(self, pid, lines):
        self.pid = pid
        self.lines = lines
        self.heap = None
        self.summary = {}
        self.all_freed = False
        self.errsum = None
        self.records = []   # dicts: kind, bytes, indirect, blocks, record, records, stack, owner, headline
        self.errors = []    # dicts: head, parts [("aux", text) | ("stack", frames)]
        self.cycles = []
        self.owner_rows = []
        i = 0
        while i < len(lines):
            line = lines[i]
            m = re.match(r"^    in use at exit: ([\d,]+) bytes in ([\d,]+) blocks$", line)
            if m:
                self.heap = {"in_use_bytes": num(m.group(1)), "in_use_blocks": num(m.group(2))}
            m = re.match(r"^  total heap usage: ([\d,]+) allocs, ([\d,]+) frees, ([\d,]+) bytes allocated$",
                         line)
            if m and self.heap is not None:
                self.heap.update(allocs=num(m.group(1)), frees=num(m.group(2)),
                                 bytes_allocated=num(m.group(3)))
            m = SUMMARY.match(line)
            if m:
                self.summary[KIND_IDS[m.group(1)]] = {"bytes": num(m.group(2)), "blocks": num(m.group(3))}
            if line == "All heap blocks were freed -- no leaks are possible":
                self.all_freed = True
            m = ERRSUM.match(line)
            if m:
                self.errsum = [num(g) for g in m.groups()]
            m = OWNER_ROW.match(line)
            if m:
                vals = [num(g) for g in m.groups()[2:]]
                self.owner_rows.append({"owner": None if m.group(1) == "(unowned)" else m.group(2),
                                        "amounts": vals})
            m = HEADLINE.match(line)
            if m:
                stack, j = self._stack(i + 1)
                owner = "?"
                if j < len(lines) and lines[j].startswith(" Owner: "):
                    o = lines[j][len(" Owner: "):]
                    owner = None if o == "none" else re.match(r'^"(.*)"', o).group(1)
                self.records.append({
                    "headline": line, "kind": KIND_IDS[m.group(5)],
                    "bytes": num(m.group(2)) if m.group(2) else num(m.group(1)),
                    "indirect": num(m.group(3)) if m.group(3) else 0,
                    "total": num(m.group(1)), "blocks": num(m.group(4)),
                    "record": int(m.group(6)), "records": int(m.group(7)),
                    "stack": stack, "owner": owner})
                i = j
                continue
            if line in ERROR_HEADS:
                parts, j = [], i + 1
                while j < len(lines) and lines[j] != "":
                    if FRAME.match(lines[j]):
                        stack, j = self._stack(j)
                        parts.append(("stack", stack))
                    else:
                        parts.append(("aux", lines[j].strip()))
                        j += 1
                self.errors.append({"head": line, "parts": parts})
                i = j
                continue
            m = CYCLE.match(line)
            if m:
                cyc = {"bytes": num(m.group(1)), "blocks": num(m.group(2)), "members": [],
                       "hanging": (0, 0)}
                j = i + 1
                while j < len(lines) and lines[j] != "":
                    mm = MEMBER.match(lines[j])
                    if mm:
                        cyc["members"].append({"letter": mm.group(1), "bytes": num(mm.group(2)),
                                               "owner": mm.group(4) if mm.group(3) != "no owner" else None,
                                               "offset": int(mm.group(5)), "to": mm.group(6)})
                    hm = HANGING.match(lines[j])
                    if hm:
                        cyc["hanging"] = (num(hm.group(1)), num(hm.group(2)))
                    j += 1
                self.cycles.append(cyc)
                i = j
                continue
            i += 1

    def _stack(self, start):
        frames, j = [], start
        while j < len(self.lines):
            fr = parse_frame(self.lines[j])
            if not fr:
                break
            frames.append(fr)
            j += 1
        return frames, j

    def summary_all(self):
        if self.all_freed and not self.summary:
            return {k: {"bytes": 0, "blocks": 0} for k in KIND_IDS.values()}
        return self.summary


def split_reports(stderr):
    by_pid, other = {}, []
    for line in stderr.splitlines():
        m = PREFIX.match(line)
        if m:
            by_pid.setdefault(int(m.group(1)), []).append(m.group(2))
        elif not line.startswith("--"):
            other.append(line)
    return {pid: Text(pid, lines) for pid, lines in by_pid.items()}, other


# ---------------------------------------------------------------------------
# Runs
# ---------------------------------------------------------------------------

class Checker:
    def __init__(self, args):
        self.args = args
        self.failures = []
        self.contexts = []

    def fail(self, what):
        self.failures.append(what)

    def run(self, program, options, argv=(), name="run"):
        out_dir = os.path.join(self.args.workdir, name)
        shutil.rmtree(out_dir, ignore_errors=True)
        os.makedirs(out_dir)
        opts = [o.replace("@DIR@", out_dir) for o in options]
        env = {k: v for k, v in os.environ.items() if not k.startswith("TETHER_")}
        env["LD_PRELOAD"] = self.args.preload
        env["TETHER_OPTIONS"] = " ".join(opts)
        cmd = [getattr(self.args, program)] + list(argv)
        p = subprocess.run(cmd, env=env, cwd=out_dir, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=120)
        err = p.stderr.decode("utf-8", "replace")
        out = p.stdout.decode("utf-8", "replace")
        self.contexts.append(f"--- {name}: TETHER_OPTIONS={env['TETHER_OPTIONS']}\n"
                             f"--- exit status {p.returncode}\n--- stdout\n{out}--- stderr\n{err}")
        return p.returncode, out, err, out_dir


def load_json(checker, path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        checker.fail(f"{os.path.basename(path)}: not valid UTF-8 JSON: {e}")
        return None


def markers(source):
    """LINE:name marker comments of a source file: name -> line number."""
    out = {}
    with open(source, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            m = re.search(r"LINE:(\w+)", line)
            if m:
                out[m.group(1)] = n
    return out


def same_stack(jstack, tstack):
    """A JSON stack against the text's frames: same pcs, functions, files, lines."""
    if jstack is None:
        return "null"
    if len(jstack) != len(tstack):
        return f"{len(jstack)} frames, the text has {len(tstack)}"
    for k, (j, t) in enumerate(zip(jstack, tstack)):
        if int(j["pc"], 16) != t["pc"]:
            return f"frame {k}: pc {j['pc']}, the text has 0x{t['pc']:x}"
        if j["function"] != t["function"]:
            return f"frame {k}: function {j['function']!r}, the text has {t['function']!r}"
        if t["file"] is not None and (j["file"], j["line"]) != (t["file"], t["line"]):
            return f"frame {k}: {j['file']}:{j['line']}, the text has {t['file']}:{t['line']}"
        if t["object"] is not None and j["object"] != t["object"]:
            return f"frame {k}: object {j['object']!r}, the text has {t['object']!r}"
    return None


# ---------------------------------------------------------------------------
# JSON against the text
# ---------------------------------------------------------------------------

def check_json(c, doc, text, rc, program, where):
    js = need_jsonschema()
    with open(c.args.schema, encoding="utf-8") as f:
        schema = json.load(f)
    v = js.Draft202012Validator(schema)
    errs = sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))
    for e in errs[:10]:
        c.fail(f"{where}: schema: at /{'/'.join(str(p) for p in e.absolute_path)}: {e.message}")
    if errs:
        return False
    if doc["pid"] != text.pid:
        c.fail(f"{where}: pid {doc['pid']}, the text report's is {text.pid}")
    if not doc["command"] or os.path.basename(doc["command"][0]) != os.path.basename(program):
        c.fail(f"{where}: command {doc['command']}, want the program {program} first")
    if rc is not None and doc["exit_status"] != rc:
        c.fail(f"{where}: exit_status {doc['exit_status']}, the process exited with {rc}")
    if text.heap and doc["heap"] != text.heap:
        c.fail(f"{where}: heap {doc['heap']}, the HEAP SUMMARY says {text.heap}")
    if doc["leak_summary"] != text.summary_all():
        c.fail(f"{where}: leak_summary {doc['leak_summary']}, the LEAK SUMMARY says "
               f"{text.summary_all()}")
    es = doc["error_summary"]
    if text.errsum is None or [es["errors"], es["contexts"], es["suppressed"],
                               es["suppressed_contexts"]] != text.errsum:
        c.fail(f"{where}: error_summary {es}, the ERROR SUMMARY says {text.errsum}")
    # Loss records: every unsuppressed one, in order, numbered as in the text.
    recs = doc["loss_records"]
    nums = [r["record"] for r in recs]
    if nums != sorted(set(nums)):
        c.fail(f"{where}: loss record numbers {nums} are not strictly ascending")
    n_total = {r["records"] for r in recs}
    for t in text.records:
        n_total.add(t["records"])
    if len(n_total) > 1:
        c.fail(f"{where}: loss records say 'of' {sorted(n_total)}, want one number")
    if any(not 1 <= r["record"] <= r["records"] for r in recs):
        c.fail(f"{where}: a loss record number outside 1..records")
    by_num = {r["record"]: r for r in recs}
    for t in text.records:
        j = by_num.get(t["record"])
        if j is None:
            c.fail(f"{where}: no JSON loss record {t['record']} for '{t['headline']}'")
            continue
        got = (j["kind"], j["bytes"], j["indirect_bytes"], j["blocks"])
        want = (t["kind"], t["bytes"], t["indirect"], t["blocks"])
        if got != want:
            c.fail(f"{where}: loss record {t['record']}: (kind, bytes, indirect_bytes, blocks) "
                   f"{got}, the text says {want}")
        bad = same_stack(j["stack"], t["stack"])
        if bad:
            c.fail(f"{where}: loss record {t['record']} stack: {bad}")
        if t["owner"] != "?" and j["owner"] != t["owner"]:
            c.fail(f"{where}: loss record {t['record']}: owner {j['owner']!r}, the text says "
                   f"{t['owner']!r}")
    for kind in ("definitely_lost", "indirectly_lost", "possibly_lost", "still_reachable"):
        b = sum(r["bytes"] for r in recs if r["kind"] == kind)
        n = sum(r["blocks"] for r in recs if r["kind"] == kind)
        want = doc["leak_summary"][kind]
        if (b, n) != (want["bytes"], want["blocks"]):
            c.fail(f"{where}: the {kind} loss records add up to {b} bytes in {n} blocks, "
                   f"leak_summary says {want}")
    for r in recs:
        st = r["stack"]
        if st[-1]["function"] != "main":
            c.fail(f"{where}: loss record {r['record']}: the stack ends in {st[-1]['function']!r}, "
                   f"want main (frames stop after main)")
        if "tether" not in os.path.basename(st[0]["object"] or ""):
            c.fail(f"{where}: loss record {r['record']}: frame 0 is in {st[0]['object']!r}, want "
                   f"libtether (the allocation function)")
    # Errors.
    check_json_errors(c, doc, text, where)
    # Cycles.
    if len(doc["cycles"]) != len(text.cycles):
        c.fail(f"{where}: {len(doc['cycles'])} cycles, the text has {len(text.cycles)}")
    for jc, tc in zip(doc["cycles"], text.cycles):
        if (jc["bytes"], jc["blocks"]) != (tc["bytes"], tc["blocks"]) or \
                (jc["hanging_blocks"], jc["hanging_bytes"]) != tc["hanging"]:
            c.fail(f"{where}: cycle {jc['bytes']} bytes in {jc['blocks']} blocks, hanging "
                   f"{jc['hanging_blocks']}/{jc['hanging_bytes']}; the text says {tc['bytes']} in "
                   f"{tc['blocks']}, hanging {tc['hanging']}")
        members = jc["members"]
        if len(members) != jc["blocks"] or len(tc["members"]) != len(members):
            c.fail(f"{where}: cycle has {len(members)} members, blocks {jc['blocks']}, the text "
                   f"lists {len(tc['members'])}")
            continue
        if sum(m["bytes"] for m in members) != jc["bytes"]:
            c.fail(f"{where}: cycle members add up to {sum(m['bytes'] for m in members)} bytes, "
                   f"want {jc['bytes']}")
        letters = [m["letter"] for m in tc["members"]]
        for k, (jm, tm) in enumerate(zip(members, tc["members"])):
            want_next = letters.index(tm["to"]) if tm["to"] in letters else None
            got = (jm["bytes"], jm["owner"], jm["offset"], jm["next"])
            want = (tm["bytes"], tm["owner"], tm["offset"], want_next)
            if got != want:
                c.fail(f"{where}: cycle member {k}: (bytes, owner, offset, next) {got}, the text "
                       f"says {want}")
        nexts = sorted(m["next"] for m in members)
        if nexts != list(range(len(members))):
            c.fail(f"{where}: cycle members' next {nexts}: not a cycle through every member")
    # Owners.
    rows = [(r["owner"], [r[k][x] for k in ("definitely_lost", "indirectly_lost", "possibly_lost",
                                            "still_reachable", "suppressed")
                          for x in ("bytes", "blocks")]) for r in doc["owners"]]
    want_rows = [(r["owner"], r["amounts"]) for r in text.owner_rows]
    if rows != want_rows:
        c.fail(f"{where}: owners {rows}, the LEAKS BY OWNER table says {want_rows}")
    return True


def text_error_facts(t):
    """What a text error block says: its stacks by role, address facts."""
    facts = {"stack": None, "free": None, "alloc": None, "address": None, "offset": None,
             "before": None, "size": None, "count_value": None, "references": None}
    parts = t["parts"]
    stacks = [p[1] for p in parts if p[0] == "stack"]
    facts["stack"] = stacks[0] if stacks else None
    for k, (kind, val) in enumerate(parts):
        if kind != "aux":
            continue
        nxt = parts[k + 1][1] if k + 1 < len(parts) and parts[k + 1][0] == "stack" else None
        m = re.match(r"^Address (0x[0-9a-f]+) is ([\d,]+) bytes inside a block of size ([\d,]+) "
                     r"(alloc'd|free'd)$", val)
        if m:
            facts.update(address=int(m.group(1), 16), offset=num(m.group(2)), size=num(m.group(3)))
            facts["alloc" if m.group(4) == "alloc'd" else "free"] = nxt
        m = re.match(r"^Address (0x[0-9a-f]+) is ([\d,]+) bytes before a block of size ([\d,]+) "
                     r"(alloc'd|free'd)$", val)
        if m:
            facts.update(address=int(m.group(1), 16), offset=0, before=num(m.group(2)),
                         size=num(m.group(3)))
            facts["alloc" if m.group(4) == "alloc'd" else "free"] = nxt
        if val == "Block was alloc'd at":
            facts["alloc"] = nxt
        m = re.match(r"^Bytes ([\d,]+)\.\.([\d,]+) of a block of size ([\d,]+) free'd were modified$", val)
        if m:
            facts.update(offset=num(m.group(1)), size=num(m.group(3)), free=nxt)
        m = re.match(r"^holds (0x[0-9a-f]+), ([\d,]+) bytes inside a block of size ([\d,]+) free'd$", val)
        if m:
            facts.update(address=int(m.group(1), 16), offset=num(m.group(2)), size=num(m.group(3)),
                         free=nxt)
        m = re.match(r"^Block (0x[0-9a-f]+) of size ([\d,]+) has a count of ([\d,]+) .*, but ([\d,]+) "
                     r"references? to it (?:was|were) found", val)
        if m:
            facts.update(address=int(m.group(1), 16), size=num(m.group(2)), offset=0,
                         count_value=num(m.group(3)), references=num(m.group(4)))
    return facts


def check_json_errors(c, doc, text, where):
    errs = doc["errors"]
    if len(errs) != len(text.errors):
        c.fail(f"{where}: {len(errs)} errors, the text reports {len(text.errors)}")
        return
    for k, (j, t) in enumerate(zip(errs, text.errors)):
        name = f"{where}: error {k} ({j['kind']})"
        if j["kind"] not in ERROR_HEADS[t["head"]] or j["what"] != t["head"]:
            c.fail(f"{name}: kind {j['kind']}, what {j['what']!r}; the text says {t['head']!r}")
            continue
        f = text_error_facts(t)
        if j["kind"] == "double_free" and f["free"] is None:
            c.fail(f"{name}: the text has no free'd stack")
        if j["kind"] == "invalid_free" and f["free"] is not None:
            c.fail(f"{name}: the text has a free'd stack: a double free")
        bad = same_stack(j["stack"], f["stack"] or [])
        if bad:
            c.fail(f"{name}: stack: {bad}")
        for key, role in (("free_stack", "free"), ("alloc_stack", "alloc")):
            want = f[role]
            if j["kind"] in ("invalid_free", "mismatched_free", "refcount_high",
                             "refcount_low") and key == "free_stack":
                want = None
            if j["kind"] in ("refcount_high", "refcount_low") and key == "alloc_stack":
                want = f["stack"]
            if want is None:
                if j[key] is not None:
                    c.fail(f"{name}: {key} is a stack, the text has none")
                continue
            bad = same_stack(j[key], want)
            if bad:
                c.fail(f"{name}: {key}: {bad} (the text's {'allocation' if role == 'alloc' else 'release'} "
                       f"stack)")
        if f["address"] is not None and int(j["address"], 16) != f["address"]:
            c.fail(f"{name}: address {j['address']}, the text says 0x{f['address']:x}")
        if j.get("before") != (f["before"] or 0):
            c.fail(f"{name}: before {j.get('before')}, the text says {f['before'] or 0}")
        for key in ("size", "offset", "count_value", "references"):
            if f[key] is not None and j.get(key) != f[key]:
                c.fail(f"{name}: {key} {j.get(key)}, the text says {f[key]}")


# ---------------------------------------------------------------------------
# SARIF
# ---------------------------------------------------------------------------

def check_sarif(c, sarif, doc, source, where, rc=None):
    mk = markers(source)
    marker_lines = set(mk.values())
    base = os.path.basename(source)
    if sarif.get("version") != "2.1.0":
        c.fail(f"{where}: version {sarif.get('version')!r}, want '2.1.0'")
    if not isinstance(sarif.get("$schema"), str) or "sarif" not in sarif["$schema"]:
        c.fail(f"{where}: $schema {sarif.get('$schema')!r}, want the SARIF 2.1.0 schema's URI")
    runs = sarif.get("runs")
    if not isinstance(runs, list) or len(runs) != 1:
        c.fail(f"{where}: runs {type(runs).__name__} of {len(runs) if isinstance(runs, list) else '?'}, "
               f"want one run")
        return
    run = runs[0]
    driver = run.get("tool", {}).get("driver", {})
    if driver.get("name") != "tether":
        c.fail(f"{where}: runs[0].tool.driver.name {driver.get('name')!r}, want 'tether'")
    if driver.get("version") != doc["version"]:
        c.fail(f"{where}: driver version {driver.get('version')!r}, the JSON says {doc['version']!r}")
    rules = driver.get("rules", [])
    ids = [r.get("id") for r in rules]
    if len(ids) != len(set(ids)) or not all(isinstance(i, str) and i for i in ids):
        c.fail(f"{where}: rule ids {ids} are not unique non-empty strings")
    levels = {"error", "warning", "note"}
    rule_level = {}
    for r in rules:
        lvl = r.get("defaultConfiguration", {}).get("level")
        if lvl not in levels:
            c.fail(f"{where}: rule {r.get('id')}: default level {lvl!r}")
        if not r.get("shortDescription", {}).get("text"):
            c.fail(f"{where}: rule {r.get('id')}: no shortDescription text")
        rule_level[r.get("id")] = lvl
    want_rules = {"definitely_lost", "indirectly_lost", "possibly_lost", "still_reachable",
                  "invalid_free", "double_free", "mismatched_free", "write_after_free",
                  "dangling_pointer", "refcount_high", "refcount_low"}
    if not want_rules <= set(ids):
        c.fail(f"{where}: rules lack {sorted(want_rules - set(ids))} (every JSON kind)")
    inv = run.get("invocations", [])
    if rc is not None and (len(inv) != 1 or inv[0].get("exitCode") != rc):
        c.fail(f"{where}: invocations {inv}, want one with exitCode {rc}")
    if len(inv) == 1 and not isinstance(inv[0].get("executionSuccessful"), bool):
        c.fail(f"{where}: invocations[0].executionSuccessful missing (SARIF requires it)")
    results = run.get("results", [])
    # One result per JSON loss record and error, in the JSON's order.
    want = [(r["kind"], r) for r in doc["loss_records"]] + [(e["kind"], e) for e in doc["errors"]]
    got = [r.get("ruleId") for r in results]
    if got != [k for k, _ in want]:
        c.fail(f"{where}: result ruleIds {got}, want the JSON's loss records then errors "
               f"{[k for k, _ in want]}")
        return
    for k, (res, (kind, j)) in enumerate(zip(results, want)):
        name = f"{where}: result {k} ({kind})"
        if res.get("ruleId") not in ids:
            c.fail(f"{name}: ruleId is no rule's id")
        if res.get("level") not in levels or res.get("level") != rule_level.get(kind):
            c.fail(f"{name}: level {res.get('level')!r}, its rule's is {rule_level.get(kind)!r}")
        if not res.get("message", {}).get("text"):
            c.fail(f"{name}: no message text")
        # Where: the first frame in the program's own code, at the line of
        # the leaking call (the allocation, or the bad release).
        own = next((fr for fr in j["stack"][1:] if fr["file"] and fr["line"]), None)
        locs = res.get("locations")
        if own is None:
            continue
        if not isinstance(locs, list) or len(locs) != 1:
            c.fail(f"{name}: locations {locs!r}, want one")
            continue
        pl = locs[0].get("physicalLocation", {})
        uri = pl.get("artifactLocation", {}).get("uri", "")
        line = pl.get("region", {}).get("startLine")
        if not (uri == base or uri.endswith("/" + base)):
            c.fail(f"{name}: location uri {uri!r}, want the test program's {base}")
        if uri.startswith("/") or (":" in uri and not uri.startswith("file:///")):
            c.fail(f"{name}: location uri {uri!r} is neither relative nor a file:/// URI")
        if line != own["line"] or line not in marker_lines:
            c.fail(f"{name}: startLine {line}, want {own['line']} ({own['function']}'s call, a "
                   f"LINE: marker of {base}: {sorted(marker_lines)})")
        ll = locs[0].get("logicalLocations", [{}])
        if ll[0].get("fullyQualifiedName") != own["function"]:
            c.fail(f"{name}: logical location {ll!r}, want {own['function']!r}")
        msg = res.get("message", {}).get("text", "")
        if kind in ("definitely_lost", "indirectly_lost", "possibly_lost", "still_reachable"):
            if f"in loss record {j['record']} of {j['records']}" not in msg:
                c.fail(f"{name}: message {msg!r} does not name loss record {j['record']} of "
                       f"{j['records']}")
        frames = res.get("stacks", [{}])[0].get("frames", [])
        if not frames or any(not isinstance(f.get("location", {}).get("physicalLocation", {})
                                            .get("region", {}).get("startLine"), int) for f in frames):
            c.fail(f"{name}: stacks[0].frames {frames!r}: want frames with locations")
    return mk


# ---------------------------------------------------------------------------
# Valgrind's XML
# ---------------------------------------------------------------------------

XML_LEAK = {"definitely_lost": "Leak_DefinitelyLost", "indirectly_lost": "Leak_IndirectlyLost",
            "possibly_lost": "Leak_PossiblyLost", "still_reachable": "Leak_StillReachable"}
XML_ERR = {"invalid_free": "InvalidFree", "double_free": "InvalidFree",
           "mismatched_free": "MismatchedFree", "write_after_free": "WriteAfterFree",
           "dangling_pointer": "DanglingPointer", "refcount_high": "RefcountTooHigh",
           "refcount_low": "RefcountTooLow"}


def xml_frames(stack):
    out = []
    for fr in stack.findall("frame"):
        line = fr.findtext("line")
        out.append({"pc": int(fr.findtext("ip"), 16), "function": fr.findtext("fn"),
                    "file": fr.findtext("file"), "line": int(line) if line else None,
                    "object": fr.findtext("obj")})
    return out


def same_xml_stack(xs, tstack):
    if len(xs) != len(tstack):
        return f"{len(xs)} frames, the text has {len(tstack)}"
    for k, (x, t) in enumerate(zip(xs, tstack)):
        if x["pc"] != t["pc"] or x["function"] != t["function"]:
            return f"frame {k}: 0x{x['pc']:X} {x['function']}, the text has 0x{t['pc']:X} {t['function']}"
        if t["file"] is not None and (x["file"], x["line"]) != (t["file"], t["line"]):
            return f"frame {k}: {x['file']}:{x['line']}, the text has {t['file']}:{t['line']}"
    return None


def check_xml(c, path, doc, text, where, show_kinds=("definitely_lost", "possibly_lost")):
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        c.fail(f"{where}: not well-formed XML: {e}")
        return None
    if root.tag != "valgrindoutput":
        c.fail(f"{where}: root element <{root.tag}>, want <valgrindoutput>")
    if root.findtext("protocolversion") != "4":
        c.fail(f"{where}: protocolversion {root.findtext('protocolversion')!r}, want '4'")
    if root.findtext("protocoltool") != "memcheck":
        c.fail(f"{where}: protocoltool {root.findtext('protocoltool')!r}, want 'memcheck'")
    if root.findtext("pid") != str(text.pid):
        c.fail(f"{where}: pid {root.findtext('pid')!r}, the text's is {text.pid}")
    if root.findtext("ppid") != str(doc["ppid"]):
        c.fail(f"{where}: ppid {root.findtext('ppid')!r}, the JSON's is {doc['ppid']}")
    states = [s.findtext("state") for s in root.findall("status")]
    if states != ["RUNNING", "FINISHED"]:
        c.fail(f"{where}: status states {states}, want RUNNING then FINISHED")
    errors = root.findall("error")
    uniques = [e.findtext("unique") for e in errors]
    if len(set(uniques)) != len(uniques) or not all(u and re.match(r"^0x[0-9a-f]+$", u) for u in uniques):
        c.fail(f"{where}: error uniques {uniques} are not unique hex numbers")
    leaks = [e for e in errors if (e.findtext("kind") or "").startswith("Leak_")]
    others = [e for e in errors if not (e.findtext("kind") or "").startswith("Leak_")]
    # The loss records the text shows, one <error> each.
    shown = [t for t in text.records if t["kind"] in show_kinds]
    if len(leaks) != len(shown):
        c.fail(f"{where}: {len(leaks)} Leak_ errors, the text shows {len(shown)} loss records")
    for x, t in zip(leaks, shown):
        got = (x.findtext("kind"), x.findtext("xwhat/text"), x.findtext("xwhat/leakedbytes"),
               x.findtext("xwhat/leakedblocks"))
        want = (XML_LEAK[t["kind"]], t["headline"], str(t["total"]), str(t["blocks"]))
        if got != want:
            c.fail(f"{where}: leak error (kind, text, leakedbytes, leakedblocks) {got}, the text "
                   f"says {want}")
        bad = same_xml_stack(xml_frames(x.find("stack")), t["stack"])
        if bad:
            c.fail(f"{where}: leak error '{t['headline']}': stack: {bad}")
    # The lifetime errors, in order, with their stacks.
    if len(others) != len(doc["errors"]):
        c.fail(f"{where}: {len(others)} non-leak errors, the JSON has {len(doc['errors'])}")
    for x, j, t in zip(others, doc["errors"], text.errors):
        if x.findtext("kind") != XML_ERR[j["kind"]] or x.findtext("what") != j["what"]:
            c.fail(f"{where}: error kind {x.findtext('kind')!r}, what {x.findtext('what')!r}; want "
                   f"{XML_ERR[j['kind']]!r}, {j['what']!r}")
        # The XML may repeat a stack (Valgrind's layout: the error's stack,
        # then each auxwhat's), but has every stack of the text, in order,
        # and no other; the first is the error's own.
        stacks = [xml_frames(xs) for xs in x.findall("stack")]
        tstacks = [p[1] for p in t["parts"] if p[0] == "stack"]
        kind = x.findtext("kind")
        if not stacks or not tstacks or same_xml_stack(stacks[0], tstacks[0]):
            c.fail(f"{where}: error {kind}: first stack: "
                   f"{same_xml_stack(stacks[0], tstacks[0]) if stacks and tstacks else 'missing'}")
        k = 0
        for xs in stacks:
            if k < len(tstacks) and not same_xml_stack(xs, tstacks[k]):
                k += 1
            elif not (k > 0 and not same_xml_stack(xs, tstacks[k - 1])):
                c.fail(f"{where}: error {kind}: a stack the text does not have there: "
                       f"{[f['function'] for f in xs]}")
        if k < len(tstacks):
            c.fail(f"{where}: error {kind}: no <stack> for the text's stack "
                   f"{[f['function'] for f in tstacks[k]]} (and its auxwhat)")
    # errorcounts: one pair per lifetime error, naming it by unique.
    pairs = root.findall("errorcounts/pair")
    got = [(p.findtext("unique"), p.findtext("count")) for p in pairs]
    want = [(x.findtext("unique"), str(j["count"])) for x, j in zip(others, doc["errors"])]
    if root.find("errorcounts") is None or got != want:
        c.fail(f"{where}: errorcounts {got}, want {want} (each non-leak error's unique and count)")
    if root.find("suppcounts") is None:
        c.fail(f"{where}: no <suppcounts>")
    return root


# ---------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------

ALL_OPTS = ["json=@DIR@/r.%p.json", "sarif=@DIR@/r.sarif", "xml=yes", "xml-file=@DIR@/r.xml"]


def one_report(c, err, out_dir, rc, program, source, xml_kinds=("definitely_lost", "possibly_lost")):
    texts, _ = split_reports(err)
    if len(texts) != 1:
        c.fail(f"text reports of {len(texts)} processes, want 1")
        return None
    text = next(iter(texts.values()))
    files = glob.glob(os.path.join(out_dir, "r.*.json"))
    if [os.path.basename(f) for f in files] != [f"r.{text.pid}.json"]:
        c.fail(f"JSON files {[os.path.basename(f) for f in files]}, want r.{text.pid}.json (%p)")
        return None
    doc = load_json(c, files[0])
    if doc is None:
        return None
    if not check_json(c, doc, text, rc, program, "JSON"):
        return None
    sarif = load_json(c, os.path.join(out_dir, "r.sarif"))
    if sarif is not None:
        check_sarif(c, sarif, doc, source, "SARIF", rc)
    root = check_xml(c, os.path.join(out_dir, "r.xml"), doc, text, "XML", xml_kinds)
    return text, doc, sarif, root


def test_leaks(c):
    a = c.args
    rc, out, err, d = c.run("leaks", ALL_OPTS, name="leaks")
    if rc != 0 or out != "started\n":
        c.fail(f"exit status {rc}, stdout {out!r}; want 0, 'started'")
    got = one_report(c, err, d, rc, a.leaks, a.leaks_src)
    if not got:
        return
    text, doc, sarif, root = got
    mk = markers(a.leaks_src)
    # What the program does, as the text says it (so that the checks above
    # had something to check).
    kinds = sorted({r["kind"] for r in doc["loss_records"]})
    if kinds != ["definitely_lost", "indirectly_lost", "possibly_lost", "still_reachable"]:
        c.fail(f"loss record kinds {kinds}: want all four")
    # A kind the text does not show (still reachable, by default): its
    # frames by name only, no debug information read for file:line (it
    # doubled a short process's cost).
    for r in doc["loss_records"]:
        if r["kind"] in ("still_reachable", "indirectly_lost"):
            lines = [fr["line"] for fr in r["stack"] if fr["line"] is not None or fr["file"]]
            if lines or not all(fr["function"] for fr in r["stack"]):
                c.fail(f"loss record {r['record']} ({r['kind']}, not shown): frames "
                       f"{r['stack']!r}, want functions without file:line")
    if not any(r["owner"] == "request" for r in doc["loss_records"]) or \
            [o["owner"] for o in doc["owners"]] != [None, "request"]:
        c.fail(f"owners {[o['owner'] for o in doc['owners']]}, want the unowned row, then 'request'")
    if len(doc["cycles"]) != 1 or doc["cycles"][0]["blocks"] != 2:
        c.fail(f"cycles {doc['cycles']!r}: want one of 2 blocks")
    if [e["kind"] for e in doc["errors"]] != ["double_free"] or doc["errors"][0]["count"] != 1:
        c.fail(f"errors {[(e['kind'], e['count']) for e in doc['errors']]}, want one double_free")
    if text.records == [] or len(doc["loss_records"]) != text.records[0]["records"]:
        c.fail(f"{len(doc['loss_records'])} JSON loss records, the text numbers "
               f"{text.records[0]['records'] if text.records else '?'} (with none suppressed, all)")
    # SARIF: the definite 100 bytes at make_definite's malloc line, the
    # double free at release's free line.
    if sarif:
        res = sarif["runs"][0]["results"]
        hit = [r for r in res if r["ruleId"] == "definitely_lost" and
               r["message"]["text"].startswith("100 bytes in 1 blocks are definitely lost")]
        if len(hit) != 1 or hit[0]["locations"][0]["physicalLocation"]["region"]["startLine"] != mk["definite"]:
            c.fail(f"SARIF: the 100-byte leak's location is not line {mk['definite']} (LINE:definite)")
        hit = [r for r in res if r["ruleId"] == "double_free"]
        if len(hit) != 1 or hit[0]["locations"][0]["physicalLocation"]["region"]["startLine"] != mk["release"]:
            c.fail(f"SARIF: the double free's location is not line {mk['release']} (LINE:release)")
    # XML: the definite leaks with their bytes, the invalid free.
    if root is not None:
        defs = [e for e in root.findall("error") if e.findtext("kind") == "Leak_DefinitelyLost"]
        want = sorted(r["total"] for r in text.records if r["kind"] == "definitely_lost")
        got = sorted(int(e.findtext("xwhat/leakedbytes")) for e in defs)
        if got != want or 100 not in got:
            c.fail(f"XML: Leak_DefinitelyLost leakedbytes {got}, the text's {want}")
        inv = [e for e in root.findall("error") if e.findtext("kind") == "InvalidFree"]
        if len(inv) != 1:
            c.fail(f"XML: {len(inv)} InvalidFree errors, want 1")
        else:
            fr = [f for f in xml_frames(inv[0].find("stack")) if f["function"] == "release"]
            if not fr or (fr[0]["file"], fr[0]["line"]) != (os.path.basename(a.leaks_src), mk["release"]):
                c.fail(f"XML: InvalidFree's release frame {fr}, want line {mk['release']}")


def test_errors(c):
    a = c.args
    rc, out, err, d = c.run("errors", ["check-dangling=yes"] + ALL_OPTS, name="errors")
    if rc != 0 or out != "started\n":
        c.fail(f"exit status {rc}, stdout {out!r}; want 0, 'started'")
    got = one_report(c, err, d, rc, a.errors, a.errors_src)
    if not got:
        return
    text, doc, sarif, root = got
    kinds = [e["kind"] for e in doc["errors"]]
    want = ["invalid_free", "invalid_free", "mismatched_free", "write_after_free",
            "dangling_pointer"]
    # the exit-time refcount audit goes by block address, which the allocator picks
    if kinds[:5] != want or sorted(kinds[5:]) != ["refcount_high", "refcount_low"]:
        c.fail(f"error kinds {kinds}, want {want} and then both refcount kinds")


def test_suppressed(c):
    a = c.args
    supp = os.path.join(a.workdir, "export.supp")
    os.makedirs(a.workdir, exist_ok=True)
    with open(supp, "w", encoding="utf-8") as f:
        f.write("{\n   export-definite\n   Memcheck:Leak\n   match-leak-kinds: definite\n"
                "   fun:malloc\n   fun:make_definite\n}\n"
                "{\n   export-double-free\n   Memcheck:Free\n   fun:free\n   fun:release\n}\n")
    rc, out, err, d = c.run("leaks", ALL_OPTS + ["suppressions=" + supp], name="suppressed")
    if rc != 0:
        c.fail(f"exit status {rc}, want 0")
    got = one_report(c, err, d, rc, a.leaks, a.leaks_src)
    if not got:
        return
    text, doc, sarif, root = got
    if doc["leak_summary"]["suppressed"] != {"bytes": 100, "blocks": 1}:
        c.fail(f"leak_summary.suppressed {doc['leak_summary']['suppressed']}, want 100 bytes in 1")
    if any(r["stack"][1]["function"] == "make_definite" for r in doc["loss_records"]):
        c.fail("JSON: the suppressed make_definite record is among loss_records")
    if doc["errors"]:
        c.fail(f"JSON: errors {[e['kind'] for e in doc['errors']]}, the double free is suppressed")
    n = text.records[0]["records"] if text.records else None
    if n is None or len(doc["loss_records"]) != n - 1:
        c.fail(f"JSON: {len(doc['loss_records'])} loss records of {n}, want all but the suppressed one")
    es = doc["error_summary"]
    if es["suppressed"] < 2 or es["suppressed_contexts"] != 2:
        c.fail(f"JSON: error_summary {es}: want 2 suppressions used, 2 or more suppressed errors")
    if sarif:
        ids = [r["ruleId"] for r in sarif["runs"][0]["results"]]
        if "double_free" in ids or any(r["message"]["text"].startswith("100 bytes") for r in
                                       sarif["runs"][0]["results"]):
            c.fail(f"SARIF: results {ids} show what was suppressed")
    if root is not None:
        pairs = sorted((p.findtext("name"), p.findtext("count")) for p in root.findall("suppcounts/pair"))
        if pairs != [("export-definite", "1"), ("export-double-free", "1")]:
            c.fail(f"XML: suppcounts {pairs}, want export-definite and export-double-free once each")
        if root.findall("errorcounts/pair"):
            c.fail("XML: errorcounts lists a suppressed error")


def test_gate(c):
    a = c.args
    rc, out, err, d = c.run("leaks", ALL_OPTS + ["error-exitcode=42"], name="gate-failed")
    if rc != 42:
        c.fail(f"error-exitcode=42 with leaks and a double free: exit status {rc}, want 42")
    got = one_report(c, err, d, rc, a.leaks, a.leaks_src)
    if got:
        _, doc, sarif, _ = got
        if doc["exit_status"] != 42 or doc["gate_failed"] is not True:
            c.fail(f"exit_status {doc['exit_status']}, gate_failed {doc['gate_failed']}; want 42, true")
    # No error of a counted kind: the gate holds and the program's own status stays.
    rc, out, err, d = c.run("fork", ["json=@DIR@/r.%p.json", "errors-for-leak-kinds=none",
                                     "error-exitcode=42"], name="gate-held")
    if rc != 0:
        c.fail(f"errors-for-leak-kinds=none: exit status {rc}, want 0")
    texts, _ = split_reports(err)
    docs = {}
    for f in glob.glob(os.path.join(d, "r.*.json")):
        doc = load_json(c, f)
        if doc:
            docs[doc["pid"]] = doc
    if sorted(docs) != sorted(texts) or len(docs) != 2:
        c.fail(f"JSON reports of {sorted(docs)}, text reports of {sorted(texts)}; want 2, the same")
        return
    for pid, doc in docs.items():
        check_json(c, doc, texts[pid], None, a.fork, f"JSON {pid}")
        if doc["gate_failed"] is not False:
            c.fail(f"JSON {pid}: gate_failed {doc['gate_failed']}, want false (no counted kind)")
    parent = [x for x in docs.values() if x["ppid"] not in docs]
    child = [x for x in docs.values() if x["ppid"] in docs]
    if len(parent) == 1 and len(child) == 1:
        if parent[0]["exit_status"] != 0 or child[0]["exit_status"] != 3:
            c.fail(f"exit_status parent {parent[0]['exit_status']}, child {child[0]['exit_status']}; "
                   f"want 0 and 3 (the programs' own)")


def test_fork(c):
    a = c.args
    opts = ["json=@DIR@/r.%p.json", "sarif=@DIR@/r.%p.sarif", "xml=yes", "xml-file=@DIR@/r.%p.xml"]
    rc, out, err, d = c.run("fork", opts, name="fork")
    if rc != 0:
        c.fail(f"exit status {rc}, want 0 (4: the child did not exit with 3)")
    texts, _ = split_reports(err)
    files = sorted(glob.glob(os.path.join(d, "r.*.json")))
    docs = {}
    for f in files:
        doc = load_json(c, f)
        if doc is None:
            continue
        if os.path.basename(f) != f"r.{doc.get('pid')}.json":
            c.fail(f"{os.path.basename(f)} holds pid {doc.get('pid')}")
        docs[doc.get("pid")] = doc
    if len(docs) != 2 or sorted(docs) != sorted(texts):
        c.fail(f"JSON reports of pids {sorted(docs)}, text reports of {sorted(texts)}: want the "
               f"parent and the child, each both")
        return
    parent = [x for x in docs.values() if x["ppid"] not in docs]
    child = [x for x in docs.values() if x["ppid"] in docs]
    if len(parent) != 1 or len(child) != 1:
        c.fail(f"pids/ppids {[(x['pid'], x['ppid']) for x in docs.values()]}: want the child's "
               f"ppid to be the parent's pid")
        return
    mk = markers(a.fork_src)
    for who, doc, fn, size, status in (("parent", parent[0], "parent_leak", 22, 0),
                                       ("child", child[0], "child_leak", 11, 3)):
        text = texts[doc["pid"]]
        before = len(c.failures)
        check_json(c, doc, text, status, a.fork, f"{who} JSON")
        if len(c.failures) > before:
            continue
        recs = [(r["kind"], r["bytes"], r["stack"][1]["function"]) for r in doc["loss_records"]]
        if recs != [("definitely_lost", size, fn)]:
            c.fail(f"{who}: loss records {recs}, want its own leak only: {size} bytes in {fn}")
        sarif = load_json(c, os.path.join(d, f"r.{doc['pid']}.sarif"))
        if sarif:
            check_sarif(c, sarif, doc, a.fork_src, f"{who} SARIF", status)
            line = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] \
                if sarif.get("runs") and sarif["runs"][0].get("results") else None
            if line != mk[who]:
                c.fail(f"{who} SARIF: the leak at line {line}, want {mk[who]} (LINE:{who})")
        check_xml(c, os.path.join(d, f"r.{doc['pid']}.xml"), doc, text, f"{who} XML")


def test_schema(c):
    js = need_jsonschema()
    with open(c.args.schema, encoding="utf-8") as f:
        schema = json.load(f)
    try:
        js.Draft202012Validator.check_schema(schema)
    except js.exceptions.SchemaError as e:
        c.fail(f"{c.args.schema} is not a valid draft 2020-12 schema: {e.message}")
        return
    if schema.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
        c.fail(f"$schema {schema.get('$schema')!r}, want draft 2020-12's")
    rc, out, err, d = c.run("leaks", ["json=@DIR@/r.json"], name="schema")
    doc = load_json(c, os.path.join(d, "r.json"))
    if doc is None:
        return
    v = js.Draft202012Validator(schema)
    if not v.is_valid(doc):
        c.fail("a report tether wrote does not validate: " +
               "; ".join(e.message for e in v.iter_errors(doc))[:2000])
        return

    def mutated(desc, fn):
        import copy
        bad = copy.deepcopy(doc)
        fn(bad)
        if v.is_valid(bad):
            c.fail(f"the schema accepts a report with {desc}")

    top = ["tool", "version", "format", "pid", "ppid", "command", "exit_status", "gate_failed",
           "heap", "leak_summary", "loss_records", "errors", "cycles", "owners", "error_summary"]
    for k in top:
        mutated(f"no '{k}'", lambda b, k=k: b.pop(k))
    mutated("an unknown top-level key", lambda b: b.update(extra=1))
    mutated("format 2", lambda b: b.update(format=2))
    mutated("tool 'valgrind'", lambda b: b.update(tool="valgrind"))
    mutated("a string pid", lambda b: b.update(pid=str(b["pid"])))
    mutated("command as a string", lambda b: b.update(command="prog"))
    mutated("a negative byte count", lambda b: b["leak_summary"]["definitely_lost"].update(bytes=-1))
    mutated("an unknown leak_summary key", lambda b: b["leak_summary"].update(leaked={"bytes": 0, "blocks": 0}))
    mutated("no 'suppressed' in leak_summary", lambda b: b["leak_summary"].pop("suppressed"))
    mutated("an unknown heap key", lambda b: b["heap"].update(peak=1))
    mutated("a loss record kind 'lost'", lambda b: b["loss_records"][0].update(kind="lost"))
    mutated("a loss record without 'stack'", lambda b: b["loss_records"][0].pop("stack"))
    mutated("an unknown loss record key", lambda b: b["loss_records"][0].update(extra=1))
    mutated("a numeric pc", lambda b: b["loss_records"][0]["stack"][0].update(pc=4096))
    mutated("an upper-case pc", lambda b: b["loss_records"][0]["stack"][0].update(
        pc=b["loss_records"][0]["stack"][0]["pc"].upper().replace("0X", "0x") + "A"))
    mutated("a string line", lambda b: b["loss_records"][0]["stack"][1].update(line="12"))
    mutated("a frame without 'object'", lambda b: b["loss_records"][0]["stack"][1].pop("object"))
    mutated("a path as file", lambda b: b["loss_records"][0]["stack"][1].update(file="/a/b.c"))
    mutated("an empty stack", lambda b: b["loss_records"][0].update(stack=[]))
    mutated("an error kind 'use_after_free'", lambda b: b["errors"][0].update(kind="use_after_free"))
    mutated("a double free without free_stack", lambda b: b["errors"][0].update(free_stack=None))
    mutated("a double free with count_value", lambda b: b["errors"][0].update(count_value=1, references=1))
    mutated("a refcount error without count_value",
            lambda b: b["errors"][0].update(kind="refcount_high", free_stack=None))
    mutated("a cycle member without 'next'", lambda b: b["cycles"][0]["members"][0].pop("next"))
    mutated("an owner row without 'suppressed'", lambda b: b["owners"][0].pop("suppressed"))
    mutated("an unknown error_summary key", lambda b: b["error_summary"].update(warnings=0))


def test_argv(c):
    a = c.args
    args = ["two words", 'quote"and\\backslash', "tab\there", "new\nline", "\u00fcn\u00efc\u00f6de \u2713",
            "<markup & 'apos'>", "]]>"]
    rc, out, err, d = c.run("leaks", ALL_OPTS, argv=args, name="argv")
    want = [a.leaks] + args
    files = glob.glob(os.path.join(d, "r.*.json"))
    doc = load_json(c, files[0]) if len(files) == 1 else None
    if doc is not None and doc["command"][1:] != args:
        c.fail(f"JSON command {doc['command'][1:]!r}, want {args!r}")
    sarif = load_json(c, os.path.join(d, "r.sarif"))
    if sarif is not None:
        cl = sarif["runs"][0]["invocations"][0].get("commandLine", "")
        if not all(x in cl for x in args):
            c.fail(f"SARIF commandLine {cl!r} lacks some of {args!r}")
    try:
        root = ET.parse(os.path.join(d, "r.xml")).getroot()
        got = [e.text or "" for e in root.find("args/argv")][1:]
        if got != args:
            c.fail(f"XML argv {got!r}, want {args!r}")
    except (OSError, ET.ParseError) as e:
        c.fail(f"XML: not well-formed: {e}")
    # An argument that is not UTF-8: each document must still parse (JSON and
    # SARIF must be UTF-8, RFC 8259 8.1; XML too), however the byte is shown.
    bad = os.fsdecode(b"bad\xffbyte")
    rc, out, err, d = c.run("leaks", ALL_OPTS, argv=[bad], name="argv-bytes")
    files = glob.glob(os.path.join(d, "r.*.json"))
    if len(files) != 1:
        c.fail(f"argument not UTF-8: JSON files {files}")
    else:
        doc = load_json(c, files[0])
        if doc is not None and (len(doc["command"]) != 2 or not doc["command"][1].startswith("bad")
                                or not doc["command"][1].endswith("byte")):
            c.fail(f"argument not UTF-8: JSON command {doc['command']!r}")
    load_json(c, os.path.join(d, "r.sarif"))
    try:
        ET.parse(os.path.join(d, "r.xml"))
    except (OSError, ET.ParseError) as e:
        c.fail(f"argument not UTF-8: XML not well-formed: {e}")


XML_SKIND = {"InvalidFree": "Memcheck:Free", "MismatchedFree": "Memcheck:Free",
              "WriteAfterFree": "tether:WriteAfterFree", "DanglingPointer": "tether:Dangling",
              "RefcountTooHigh": "tether:Refcount", "RefcountTooLow": "tether:Refcount"}


def test_xml_suppressions(c):
    """--gen-suppressions=all with --xml: each <error> ends with its
    <suppression>, as Valgrind's do: the block of the text report, in parts
    (skind, skaux, sframes) and whole (rawtext)."""
    for program in ("leaks", "errors"):
        opts = ["gen-suppressions=all", "check-dangling=yes"] + ALL_OPTS
        rc, out, err, d = c.run(program, opts, name="xmlsupp-" + program)
        root = None
        try:
            root = ET.parse(os.path.join(d, "r.xml")).getroot()
        except (OSError, ET.ParseError) as e:
            c.fail(f"{program}: XML: {e}")
            continue
        blocks = re.findall(r"^\{\n(?:.*\n)*?\}$", err, re.M)
        errors = root.findall("error")
        if not errors:
            c.fail(f"{program}: no <error> in the XML")
        for e in errors:
            kind = e.findtext("kind") or ""
            supps = e.findall("suppression")
            if len(supps) != 1:
                c.fail(f"{program}: <error> {kind}: {len(supps)} <suppression>, want 1")
                continue
            s = supps[0]
            want = "Memcheck:Leak" if kind.startswith("Leak_") else XML_SKIND.get(kind)
            if s.findtext("skind") != want or s.findtext("sname") != "insert_a_suppression_name_here":
                c.fail(f"{program}: <error> {kind}: skind {s.findtext('skind')!r}, want {want!r}")
            raw = (s.findtext("rawtext") or "").strip()
            if raw not in blocks:
                c.fail(f"{program}: <error> {kind}: rawtext {raw!r} is no block of the text report")
                continue
            names = [l.strip().split(":", 1)[1] for l in raw.splitlines()
                     if l.strip().startswith(("fun:", "obj:"))]
            got = [(f.findtext("fun") or f.findtext("obj")) for f in s.findall("sframe")]
            if got != names:
                c.fail(f"{program}: <error> {kind}: sframes {got}, the rawtext names {names}")
            aux = [l.strip() for l in raw.splitlines() if l.strip().startswith("match-leak-kinds:")]
            if (s.findtext("skaux") or None) != (aux[0] if aux else None):
                c.fail(f"{program}: <error> {kind}: skaux {s.findtext('skaux')!r}, the rawtext has {aux}")


TESTS = {"leaks": test_leaks, "errors": test_errors, "suppressed": test_suppressed,
         "gate": test_gate, "fork": test_fork, "schema": test_schema, "argv": test_argv,
         "xml_suppressions": test_xml_suppressions}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    for k in ("preload", "leaks", "errors", "fork", "leaks-src", "errors-src", "fork-src", "schema",
              "workdir"):
        ap.add_argument("--" + k, required=True)
    ap.add_argument("test", choices=sorted(TESTS))
    args = ap.parse_args()
    for k in ("preload", "leaks", "errors", "fork", "leaks_src", "errors_src", "fork_src", "schema",
              "workdir"):
        setattr(args, k, os.path.abspath(getattr(args, k)))
    need_jsonschema()
    c = Checker(args)
    TESTS[args.test](c)
    if c.failures:
        print(f"FAIL export.{args.test}:")
        for f in c.failures:
            print("  " + f)
        for ctx in c.contexts:
            print(ctx)
        return 1
    print(f"PASS export.{args.test}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
