#!/usr/bin/env python3
"""tether's suppression tests: run a test program under the preload with a
suppression file and check where every loss record and error went.

Usage:
  run_supp.py --preload LIB --leaks BIN --mismatch BIN --thread BIN
              --files DIR --workdir DIR TEST

TEST is one of:
  scenario:NAME      one suppression scenario (SCENARIOS below): the LEAK
                     SUMMARY (a suppressed record's bytes and blocks leave
                     their category for "suppressed:", as in Valgrind), which
                     loss records and errors are printed, the ERROR SUMMARY
                     (its "(suppressed: N from M)" where no rule of counting
                     could change it), and the -v used_suppression lines
                     (names, files, how many records, blocks)
  valgrind:RULE      one of Valgrind's accounting rules, checked over every
                     scenario (RULES below; the numbers were checked against
                     valgrind-3.19 on the same programs)
  malformed:FILE     files/bad/FILE: exit status 1 before the program runs,
                     with "bad suppression file: FILE:LINE: MESSAGE" where the
                     file's first line says "# EXPECT LINE: MESSAGE"
  malformed-extra:N  the same for a missing file and for a bad file given
                     after (or before) a good one
  gen:PROGRAM        --gen-suppressions=all (stripped: tt_supp_leaks without
                     symbols, whose blocks end with Valgrind's "(below main)"),
                     then the blocks pasted into a
                     file and the program rerun with it: everything suppressed
  default-supp       tether's default suppressions (a running thread's DTV)
  default-supp-glib  those of GLib's type system (GObject loaded): its
                     possibly lost records without them, none with them
                     (exit status 77 when GObject is not installed)

The preload is driven directly (LD_PRELOAD, TETHER_OPTIONS); the report goes
to stderr. Exit status 0 when everything matches, 1 otherwise.
"""
import argparse
import os
import re
import subprocess
import sys

# ---------------------------------------------------------------------------
# What the programs do (tt_supp_leaks: supp_leaks.c, supp_tree.c;
# tt_supp_mismatch: supp_mismatch.cc; tt_supp_thread: supp_thread.c).
# ---------------------------------------------------------------------------

KIND_WORDS = {"definite": "definitely lost", "indirect": "indirectly lost",
              "possible": "possibly lost", "reachable": "still reachable"}
SUMMARY_KEYS = {"definitely lost": "definite", "indirectly lost": "indirect",
                "possibly lost": "possible", "still reachable": "reachable",
                "suppressed": "suppressed"}
# The kinds --errors-for-leak-kinds counts by default.
ERROR_KINDS = {"definite", "possible"}


class Rec:
    """A loss record: its kind, own bytes, blocks, the bytes it leads (the
    text's "(D direct, I indirect)"), and the function of its frame 1."""

    def __init__(self, kind, size, fn, indirect=0, blocks=1):
        self.kind, self.size, self.fn, self.indirect, self.blocks = kind, size, fn, indirect, blocks


class Err:
    """A lifetime error: its headline and how often it happens (one context)."""

    def __init__(self, what, count):
        self.what, self.count = what, count


PROGRAMS = {
    "leaks": {
        "records": {
            "A": Rec("definite", 100, "make_leak"),
            "B": Rec("definite", 200, "other_leak"),
            "C": Rec("possible", 64, "make_interior"),
            "D": Rec("reachable", 10, "keep_reachable"),
            "R": Rec("definite", 32, "alloc_node", indirect=48),
            "K": Rec("indirect", 48, "alloc_node"),
        },
        "errors": {
            "DF": Err("Invalid free() / delete / delete[] / realloc()", 2),
            "WAF": Err("Write after free() / delete / delete[]", 1),
        },
    },
    "mismatch": {
        "records": {},
        "errors": {"MF": Err("Mismatched free() / delete / delete []", 1)},
    },
}

# ---------------------------------------------------------------------------
# Scenarios: the program, the --suppressions files (in files/; "" is an empty
# value, which forgets the files before it), and which suppression (by name,
# in which file) takes which records and errors. Everything not listed must
# be reported as without suppressions.
# ---------------------------------------------------------------------------

SCENARIOS = {
    "none": ("leaks", [], {}),
    "fun_exact": ("leaks", ["fun_exact.supp"],
                  {"exact-other-leak": ("fun_exact.supp", ["B"])}),
    "below_main": ("leaks", ["below_main.supp"],
                   {"below-main-other-leak": ("below_main.supp", ["B"])}),
    "fun_glob": ("leaks", ["fun_glob.supp"],
                 {"star-make": ("fun_glob.supp", ["A", "C"]),
                  "qmark-other": ("fun_glob.supp", ["B"])}),
    "obj_glob": ("leaks", ["obj_glob.supp"],
                 {"obj-five-frames": ("obj_glob.supp", ["A"]),
                  "obj-then-fun": ("obj_glob.supp", ["D"])}),
    "dots_start": ("leaks", ["dots_start.supp"],
                   {"dots-start": ("dots_start.supp", ["A"])}),
    "dots_middle": ("leaks", ["dots_middle.supp"],
                    {"dots-middle": ("dots_middle.supp", ["R", "K"])}),
    "dots_end": ("leaks", ["dots_end.supp"],
                 {"dots-end": ("dots_end.supp", ["B"]),
                  "dots-zero-frames": ("dots_end.supp", ["C"])}),
    "long_line": ("leaks", ["long_line.supp"],
                  {"long-pattern-make-leak": ("long_line.supp", ["A"])}),
    "shorter": ("leaks", ["shorter.supp"],
                {"shorter-than-stack": ("shorter.supp", ["A"])}),
    "match_definite": ("leaks", ["match_definite.supp"],
                       {"definite-only": ("match_definite.supp", ["A", "B", "R"])}),
    "match_kinds": ("leaks", ["match_kinds.supp"],
                    {"possible-and-reachable": ("match_kinds.supp", ["C", "D"]),
                     "indirect-only": ("match_kinds.supp", ["K"])}),
    "free": ("leaks", ["free.supp"],
             {"double-free": ("free.supp", ["DF"])}),
    "mismatch": ("mismatch", ["mismatch.supp"],
                 {"mismatched-free": ("mismatch.supp", ["MF"])}),
    "write_after_free": ("leaks", ["write_after_free.supp"],
                         {"scribbled-after-free": ("write_after_free.supp", ["WAF"])}),
    "other_tools": ("leaks", ["other_tools.supp"],
                    {"after-the-others": ("other_tools.supp", ["B"])}),
    "lsan_exact": ("leaks", ["lsan_exact.supp"],
                   {"leak:make_leak": ("lsan_exact.supp", ["A"])}),
    "lsan_anchor": ("leaks", ["lsan_anchor.supp"],
                    {"leak:^make_": ("lsan_anchor.supp", ["A", "C", "R", "K"])}),
    "lsan_end": ("leaks", ["lsan_end.supp"],
                 {"leak:_leak$": ("lsan_end.supp", ["A", "B"])}),
    "lsan_file": ("leaks", ["lsan_file.supp"],
                  {"leak:*_tree.c": ("lsan_file.supp", ["R", "K"])}),
    "multi": ("leaks", ["multi_a.supp", "multi_b.supp"],
              {"leak:other_leak": ("multi_a.supp", ["B"]),
               "multi-b-double-free": ("multi_b.supp", ["DF"]),
               "multi-b-write-after-free": ("multi_b.supp", ["WAF"])}),
    "forget": ("leaks", ["multi_a.supp", "", "multi_b.supp"],
               {"multi-b-double-free": ("multi_b.supp", ["DF"]),
                "multi-b-write-after-free": ("multi_b.supp", ["WAF"])}),
    "comments": ("leaks", ["comments.supp"],
                 {"commented-make-leak": ("comments.supp", ["A"]),
                  "leak:keep_reachable": ("comments.supp", ["D"])}),
    "crlf": ("leaks", ["@crlf:comments.supp"],
             {"commented-make-leak": ("comments.supp", ["A"]),
              "leak:keep_reachable": ("comments.supp", ["D"])}),
}

# ---------------------------------------------------------------------------
# Running and reading a report
# ---------------------------------------------------------------------------

PREFIX = re.compile(r"^==(\d+)== ?(.*)$")
VPREFIX = re.compile(r"^--(\d+)-- ?(.*)$")
HEADLINE = re.compile(r"^([\d,]+)(?: \(([\d,]+) direct, ([\d,]+) indirect\))? bytes in ([\d,]+) "
                      r"blocks are (definitely lost|indirectly lost|possibly lost|still reachable) "
                      r"in loss record (\d+) of (\d+)$")
STACK = re.compile(r"^   (?:at|by) 0x[0-9A-F]+: (.*?)(?: \((?:in )?[^()]*\))?$")
SUMMARY = re.compile(r"^ *(definitely lost|indirectly lost|possibly lost|still reachable|suppressed): "
                     r"([\d,]+) bytes in ([\d,]+) blocks$")
ERRSUM = re.compile(r"^ERROR SUMMARY: ([\d,]+) errors from ([\d,]+) contexts "
                    r"\(suppressed: ([\d,]+) from ([\d,]+)\)$")
USED = re.compile(r"^used_suppression: +(\d+) (.+?) (\S+):(\d+)"
                  r"(?: suppressed: ([\d,]+) bytes in ([\d,]+) blocks)?$")


def num(s):
    return int(s.replace(",", ""))


class Report:
    """The stderr of one run, read as tether's text report."""

    def __init__(self, stderr):
        self.raw = stderr
        self.lines = []      # the ==PID== lines, prefix removed
        self.vlines = []     # the --PID-- lines, prefix removed
        self.bare = []       # lines without a prefix (gen-suppressions blocks)
        self.pids = set()
        self.order = []      # ("r", text) / ("b", text): report and bare lines in order
        for line in stderr.splitlines():
            m = PREFIX.match(line)
            v = VPREFIX.match(line)
            if m:
                self.pids.add(m.group(1))
                self.lines.append(m.group(2))
                self.order.append(("r", m.group(2)))
            elif v:
                self.pids.add(v.group(1))
                self.vlines.append(v.group(2))
            else:
                self.bare.append(line)
                self.order.append(("b", line))
        self.summary = {}
        self.all_freed = False
        self.errsum = None
        self.records = []    # (kind, own bytes, indirect, blocks, i, n, frame-1 function, stack)
        self.errors = []     # (headline, stack functions)
        self.used = []       # (count, name, file, line, bytes or None, blocks or None)
        error_heads = {e.what for p in PROGRAMS.values() for e in p["errors"].values()}
        for i, line in enumerate(self.lines):
            m = SUMMARY.match(line)
            if m:
                self.summary[SUMMARY_KEYS[m.group(1)]] = (num(m.group(2)), num(m.group(3)))
            if line == "All heap blocks were freed -- no leaks are possible":
                self.all_freed = True
            m = ERRSUM.match(line)
            if m:
                self.errsum = tuple(num(g) for g in m.groups())
            m = HEADLINE.match(line)
            if m:
                stack = self._stack(i + 1)
                kind = [k for k, w in KIND_WORDS.items() if w == m.group(5)][0]
                own = num(m.group(2)) if m.group(2) else num(m.group(1))
                ind = num(m.group(3)) if m.group(3) else 0
                self.records.append((kind, own, ind, num(m.group(4)), int(m.group(6)),
                                     int(m.group(7)), stack[1] if len(stack) > 1 else None, stack))
            if line in error_heads:
                self.errors.append((line, self._stack(i + 1)))
        for line in self.vlines:
            m = USED.match(line)
            if m:
                self.used.append((int(m.group(1)), m.group(2), m.group(3), int(m.group(4)),
                                  num(m.group(5)) if m.group(5) else None,
                                  num(m.group(6)) if m.group(6) else None))

    def _stack(self, start):
        fns = []
        for line in self.lines[start:]:
            m = STACK.match(line)
            if not m:
                break
            fns.append(m.group(1))
        return fns

    def summary_or_zero(self):
        if self.all_freed and not self.summary:
            return {k: (0, 0) for k in SUMMARY_KEYS.values()}
        return self.summary


class Runner:
    def __init__(self, args):
        self.args = args
        self.failures = []
        self.programs = {"leaks": args.leaks, "mismatch": args.mismatch, "thread": args.thread,
                         "glib": args.glib, "stripped": args.stripped}
        os.makedirs(args.workdir, exist_ok=True)

    def fail(self, what):
        self.failures.append(what)

    def run(self, program, options):
        env = {k: v for k, v in os.environ.items() if not k.startswith("TETHER_")}
        env["LD_PRELOAD"] = self.args.preload
        env["TETHER_OPTIONS"] = " ".join(options)
        p = subprocess.run([self.programs[program]], env=env, cwd=self.args.workdir,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        out = p.stdout.decode("utf-8", "replace")
        err = p.stderr.decode("utf-8", "replace")
        self.last = (p.returncode, out, err, env["TETHER_OPTIONS"])
        return p.returncode, out, err

    def context(self):
        rc, out, err, opts = self.last
        return (f"--- TETHER_OPTIONS={opts}\n--- exit status {rc}\n--- stdout\n{out}"
                f"--- stderr\n{err}")

    def supp_path(self, name):
        """A files/ path; "@crlf:NAME" is NAME rewritten with CRLF line ends."""
        if name.startswith("@crlf:"):
            src = os.path.join(self.args.files, name[6:])
            dst = os.path.join(self.args.workdir, "crlf_" + name[6:])
            with open(src, "rb") as f:
                data = f.read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
            with open(dst, "wb") as f:
                f.write(data)
            return dst
        return os.path.join(self.args.files, name) if name else ""


def supp_lines(path, name):
    """The line of the '{' that opens suppression name, and of its name line;
    for a LeakSanitizer line, its own line twice."""
    with open(path, encoding="utf-8") as f:
        lines = [l.strip() for l in f.read().splitlines()]
    for i, l in enumerate(lines):
        if l == name:
            if ":" in name and not name.startswith("{"):
                if i == 0 or lines[i - 1] != "{":
                    return i + 1, i + 1
            j = i - 1
            while j >= 0 and (not lines[j] or lines[j].startswith("#")):
                j -= 1
            return j + 1, i + 1
    raise SystemExit(f"run_supp.py: no suppression '{name}' in {path}")


# ---------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------

def expected(program, used):
    """What a run with these suppressions must report, by Valgrind's rules."""
    prog = PROGRAMS[program]
    supp_recs, supp_errs = set(), set()
    for _, (_, ids) in used.items():
        for i in ids:
            (supp_recs if i in prog["records"] else supp_errs).add(i)
    summary = {k: [0, 0] for k in SUMMARY_KEYS.values()}
    for rid, r in prog["records"].items():
        key = "suppressed" if rid in supp_recs else r.kind
        summary[key][0] += r.size
        summary[key][1] += r.blocks
    errors = contexts = n_supp = m_supp = 0
    for rid, r in prog["records"].items():
        if r.kind in ERROR_KINDS:
            if rid in supp_recs:
                n_supp += 1
                m_supp += 1
            else:
                errors += 1
                contexts += 1
    for eid, e in prog["errors"].items():
        if eid in supp_errs:
            n_supp += e.count
            m_supp += 1
        else:
            errors += e.count
            contexts += 1
    return {k: tuple(v) for k, v in summary.items()}, (errors, contexts, n_supp, m_supp), \
        supp_recs, supp_errs


def scenario_options(run, files):
    opts = ["show-leak-kinds=all", "verbose=1"]
    for f in files:
        opts.append("suppressions=" + run.supp_path(f))
    return opts


def check_scenario(run, name):
    program, files, used = SCENARIOS[name]
    prog = PROGRAMS[program]
    rc, out, err = run.run(program, scenario_options(run, files))
    rep = Report(err)
    summary, errsum, supp_recs, supp_errs = expected(program, used)
    if rc != 0:
        run.fail(f"exit status {rc}, want 0")
    if out != "started\n":
        run.fail(f"stdout {out!r}, want 'started\\n' (the program did not run?)")
    if len(rep.pids) != 1:
        run.fail(f"report lines of {len(rep.pids)} processes, want 1")
    # LEAK SUMMARY: suppressed records leave their category.
    got = rep.summary_or_zero()
    for key, want in summary.items():
        if got.get(key) != want:
            run.fail(f"LEAK SUMMARY {key}: got {got.get(key)}, want {want} bytes, blocks")
    # Loss records: the unsuppressed ones, each once; numbered over all of them.
    nrecs = len(prog["records"])
    for rid, r in prog["records"].items():
        found = [x for x in rep.records if x[0] == r.kind and x[6] == r.fn]
        if rid in supp_recs:
            if found:
                run.fail(f"loss record {rid} ({r.size} bytes {KIND_WORDS[r.kind]}, {r.fn}) "
                         f"is printed, but suppressed")
            continue
        if len(found) != 1:
            run.fail(f"loss record {rid} ({r.size} bytes {KIND_WORDS[r.kind]}, {r.fn}) printed "
                     f"{len(found)} times, want once")
            continue
        kind, own, ind, blocks, i, n, _, _ = found[0]
        if (own, ind, blocks) != (r.size, r.indirect, r.blocks):
            run.fail(f"loss record {rid}: {own} direct, {ind} indirect bytes in {blocks} blocks, "
                     f"want {r.size}, {r.indirect} in {r.blocks}")
        if n != nrecs:
            run.fail(f"loss record {rid}: 'of {n}', want 'of {nrecs}' (suppressed records "
                     f"keep their numbers)")
    if len(rep.records) != nrecs - len(supp_recs):
        run.fail(f"{len(rep.records)} loss records printed, want {nrecs - len(supp_recs)}")
    # Errors: the unsuppressed ones are printed.
    for eid, e in prog["errors"].items():
        n = sum(1 for x in rep.errors if x[0] == e.what)
        want = 0 if eid in supp_errs else 1
        if n != want:
            run.fail(f"error '{e.what}' printed {n} times, want {want}")
    # ERROR SUMMARY: errors and contexts; "(suppressed: N from M)" where
    # every suppressed record is of a kind that counts as an error and each
    # leak suppression took one record at most, so that N from M is the
    # same whether M counts suppressed contexts (Valgrind) or suppressions
    # used. The other scenarios' N from M: valgrind:summary.
    plain = all(prog["records"][i].kind in ERROR_KINDS for i in supp_recs) and \
        all(sum(1 for i in ids if i in prog["records"]) <= 1 for _, ids in used.values())
    if rep.errsum is None:
        run.fail("no ERROR SUMMARY line")
    elif rep.errsum[:2] != errsum[:2]:
        run.fail(f"ERROR SUMMARY: {rep.errsum[0]} errors from {rep.errsum[1]} contexts, "
                 f"want {errsum[0]} from {errsum[1]}")
    elif plain and rep.errsum[2:] != errsum[2:]:
        run.fail(f"ERROR SUMMARY: (suppressed: {rep.errsum[2]} from {rep.errsum[3]}), want "
                 f"(suppressed: {errsum[2]} from {errsum[3]})")
    # used_suppression: exactly the suppressions used, their files; for leak
    # suppressions how many records and blocks.
    got_names = sorted(u[1] for u in rep.used)
    if got_names != sorted(used):
        run.fail(f"used_suppression names {got_names}, want {sorted(used)}")
    for u in rep.used:
        count, sname, sfile, _, _, blocks = u
        if sname not in used:
            continue
        fname, ids = used[sname]
        want_file = run.supp_path(fname) if not any(f.startswith("@crlf:") for f in files) \
            else os.path.join(run.args.workdir, "crlf_" + fname)
        if sfile != want_file:
            run.fail(f"used_suppression {sname}: file {sfile}, want {want_file}")
        recs = [prog["records"][i] for i in ids if i in prog["records"]]
        if recs:
            if count != len(recs):
                run.fail(f"used_suppression {sname}: used {count} times, want {len(recs)} "
                         f"(one per loss record)")
            if blocks != sum(r.blocks for r in recs):
                run.fail(f"used_suppression {sname}: {blocks} blocks, want "
                         f"{sum(r.blocks for r in recs)}")
        elif blocks is not None:
            run.fail(f"used_suppression {sname}: a bytes/blocks part on an error suppression")


# ---------------------------------------------------------------------------
# Valgrind's accounting, over every scenario
# ---------------------------------------------------------------------------

def valgrind_rule(run, rule):
    """summary:    "(suppressed: N from M)": N counts the suppressed errors of
                   --errors-for-leak-kinds' kinds (default definite,possible)
                   and every occurrence of a suppressed lifetime error; M the
                   suppressed error contexts (each suppressed loss record of
                   those kinds, each suppressed lifetime-error context), as
                   Valgrind's m_errormgr.c counts n_supp_contexts.
       used-line:  used_suppression's FILE:LINE is the line of the
                   suppression's name (Valgrind's sname_lineno), not its '{'.
       used-count: an error suppression is used once per occurrence
                   (Valgrind's su->count++ for every repeat).
       used-bytes: a leak suppression's "suppressed: B bytes" counts each
                   record's own and indirect bytes (mc_errors.c,
                   MC_(update_extra_suppression_use)); the LEAK SUMMARY's
                   suppressed line counts own bytes only."""
    for name, (program, files, used) in SCENARIOS.items():
        prog = PROGRAMS[program]
        before = len(run.failures)
        rc, out, err = run.run(program, scenario_options(run, files))
        rep = Report(err)
        _, errsum, _, _ = expected(program, used)
        if rule == "summary":
            if rep.errsum is None or rep.errsum[2:] != errsum[2:]:
                got = "none" if rep.errsum is None else f"{rep.errsum[2]} from {rep.errsum[3]}"
                run.fail(f"{name}: ERROR SUMMARY (suppressed: {got}), want "
                         f"(suppressed: {errsum[2]} from {errsum[3]})")
        for u in rep.used:
            count, sname, sfile, line, nbytes, _ = u
            if sname not in used:
                continue
            fname, ids = used[sname]
            path = os.path.join(run.args.files, fname)
            brace, name_line = supp_lines(path, sname)
            recs = [prog["records"][i] for i in ids if i in prog["records"]]
            errs = [prog["errors"][i] for i in ids if i in prog["errors"]]
            if rule == "used-line" and line != name_line:
                run.fail(f"{name}: used_suppression {sname} at {fname}:{line}, want "
                         f"{fname}:{name_line} (the name's line)")
            if rule == "used-count" and errs and count != sum(e.count for e in errs):
                run.fail(f"{name}: used_suppression {sname} used {count} times, want "
                         f"{sum(e.count for e in errs)} (every occurrence of the error)")
            if rule == "used-bytes" and recs and nbytes != sum(r.size + r.indirect for r in recs):
                run.fail(f"{name}: used_suppression {sname} suppressed {nbytes} bytes, want "
                         f"{sum(r.size + r.indirect for r in recs)} (own and indirect bytes)")
        if len(run.failures) > before and os.environ.get("RUN_SUPP_VERBOSE"):
            print(run.context())


# ---------------------------------------------------------------------------
# Malformed files
# ---------------------------------------------------------------------------

STOP = "tether: stopping before the program starts (fix or drop the suppression file)"


def check_stopped(run, options, want_line):
    rc, out, err = run.run("leaks", options)
    rep = Report(err)
    if rc != 1:
        run.fail(f"exit status {rc}, want 1")
    if out:
        run.fail(f"the program ran (stdout {out!r}), want it stopped before main")
    if rep.bare or rep.vlines:
        run.fail(f"lines without the ==PID== prefix: {rep.bare + rep.vlines}")
    if len(rep.pids) != 1:
        run.fail(f"report lines of {len(rep.pids)} processes, want 1")
    if rep.lines[-2:] != [want_line, STOP]:
        run.fail(f"the report ends with {rep.lines[-2:]},\n want {[want_line, STOP]}")
    if any("HEAP SUMMARY" in l or "ERROR SUMMARY" in l for l in rep.lines):
        run.fail("a HEAP or ERROR SUMMARY: the program ran")


def check_malformed(run, fname):
    path = os.path.join(run.args.files, "bad", fname)
    with open(path, encoding="utf-8") as f:
        m = re.match(r"^# EXPECT (\d+): (.*)$", f.readline().rstrip("\n"))
    if not m:
        raise SystemExit(f"run_supp.py: {path} has no '# EXPECT LINE: MESSAGE' first line")
    want = f"tether: bad suppression file: {path}:{m.group(1)}: {m.group(2)}"
    check_stopped(run, ["suppressions=" + path], want)


def check_malformed_extra(run, which):
    good = os.path.join(run.args.files, "fun_exact.supp")
    bad = os.path.join(run.args.files, "bad", "bad_kind.supp")
    with open(bad, encoding="utf-8") as f:
        m = re.match(r"^# EXPECT (\d+): (.*)$", f.readline().rstrip("\n"))
    bad_line = f"tether: bad suppression file: {bad}:{m.group(1)}: {m.group(2)}"
    if which == "missing-file":
        path = os.path.join(run.args.workdir, "no-such-file.supp")
        check_stopped(run, ["suppressions=" + path],
                      f"tether: cannot read suppression file '{path}' (errno 2)")
    elif which == "bad-after-good":
        check_stopped(run, ["suppressions=" + good, "suppressions=" + bad], bad_line)
    elif which == "bad-before-good":
        check_stopped(run, ["suppressions=" + bad, "suppressions=" + good], bad_line)
    else:
        raise SystemExit(f"run_supp.py: unknown malformed-extra test {which}")


# ---------------------------------------------------------------------------
# --gen-suppressions round trip
# ---------------------------------------------------------------------------

def gen_blocks(rep):
    """The generated blocks, each with the report line just before it."""
    blocks, cur, before, last = [], None, None, None
    for kind, line in rep.order:
        if kind == "b":
            if line == "{" and cur is None:
                cur, before = [line], last
            elif cur is not None:
                cur.append(line)
                if line == "}":
                    blocks.append((cur, before))
                    cur = None
        else:
            if cur is not None:
                return blocks, "a report line inside a generated block"
            last = line
    if cur is not None:
        return blocks, "a generated block without its '}'"
    return blocks, None


ENTRY_FRAME = {
    "Memcheck:Leak": r"^   fun:(malloc|calloc|realloc|reallocarray|posix_memalign|aligned_alloc|"
                     r"memalign|valloc|pvalloc|_Zn[wa]m(RKSt9nothrow_t|St11align_val_t\S*)?)$",
    "Memcheck:Free": r"^   fun:(free|realloc|_Zd[la]Pv\S*)$",
    "tether:WriteAfterFree": r"^   fun:(free|realloc|_Zd[la]Pv\S*)$",
}


def check_gen(run, program):
    base = ["show-leak-kinds=all"]
    if program == "thread":
        base.append("default-suppressions=no")  # the DTV is what it generates for
    rc, out, err = run.run(program, base + ["gen-suppressions=all"])
    rep = Report(err)
    if rc != 0 or out != "started\n":
        run.fail(f"generating run: exit status {rc}, stdout {out!r}")
    blocks, problem = gen_blocks(rep)
    if problem:
        run.fail("generating run: " + problem)
    nerr = len(rep.errors)
    if len(blocks) != len(rep.records) + nerr or not blocks:
        run.fail(f"{len(blocks)} generated blocks for {len(rep.records)} loss records and "
                 f"{nerr} errors")
    kinds = {"Invalid free() / delete / delete[] / realloc()": "Memcheck:Free",
             "Mismatched free() / delete / delete []": "Memcheck:Free",
             "Write after free() / delete / delete[]": "tether:WriteAfterFree"}
    rec_heads = [l for l in rep.lines if HEADLINE.match(l)]
    err_heads = [l for l in rep.lines if l in kinds]
    ri = ei = 0
    for block, before in blocks:
        if len(block) < 5 or block[1] != "   <insert_a_suppression_name_here>":
            run.fail(f"generated block {block}: want '{{', the name placeholder, the kind, frames, '}}'")
            continue
        frames = block[3:-1]
        kind_line = block[2].strip()
        if kind_line == "Memcheck:Leak":
            if ri >= len(rec_heads):
                run.fail(f"a Leak block with no loss record: {block}")
                continue
            m = HEADLINE.match(rec_heads[ri])
            ri += 1
            kind = [k for k, w in KIND_WORDS.items() if w == m.group(5)][0]
            if frames[0] != "   match-leak-kinds: " + kind:
                run.fail(f"block after '{rec_heads[ri - 1]}': {frames[0]!r}, want "
                         f"'   match-leak-kinds: {kind}'")
            frames = frames[1:]
        else:
            if ei >= len(err_heads) or kinds[err_heads[ei]] != kind_line:
                run.fail(f"a {kind_line} block, the errors being {err_heads}")
            ei += 1
        if before != "":
            run.fail(f"block {kind_line} does not follow a record's closing '==PID== ' line "
                     f"(after {before!r})")
        for fr in frames:
            if not re.match(r"^   (fun:\S.*|obj:\S+)$", fr):
                run.fail(f"generated frame line {fr!r}")
        # Frame 0 names the exported entry point, as Valgrind's blocks do
        # (never a tether-internal alias at the same address, which
        # Valgrind's own matching would not know: tt_self_malloc was).
        # Without symbols no frame is main: the stack ends with the C
        # runtime's frame as Valgrind names it, in the block as in the text.
        if program == "stripped" and frames and frames[-1] != "   fun:(below main)":
            run.fail(f"generated block's last frame {frames[-1]!r}, want '   fun:(below main)'")
        want0 = ENTRY_FRAME.get(kind_line)
        if want0 and frames and not re.match(want0, frames[0]):
            run.fail(f"generated {kind_line} block's first frame {frames[0]!r}, want the "
                     f"allocation or release function's exported name")
    path = os.path.join(run.args.workdir, f"gen_{program}.supp")
    with open(path, "w", encoding="utf-8") as f:
        for block, _ in blocks:
            f.write("\n".join(block) + "\n")
    total_bytes = sum(r[1] for r in rep.records)
    total_blocks = sum(r[3] for r in rep.records)
    gen_context = run.context()
    rc, out, err = run.run(program, base + ["verbose=1", "suppressions=" + path])
    rep2 = Report(err)
    if rc != 0 or out != "started\n":
        run.fail(f"rerun: exit status {rc}, stdout {out!r}")
    got = rep2.summary_or_zero()
    want = {k: (0, 0) for k in SUMMARY_KEYS.values()}
    want["suppressed"] = (total_bytes, total_blocks)
    if got != want:
        run.fail(f"rerun LEAK SUMMARY {got}, want {want}")
    if rep2.records or rep2.errors:
        run.fail(f"rerun prints {len(rep2.records)} loss records and {len(rep2.errors)} errors, "
                 f"want none")
    if rep2.errsum is None or rep2.errsum[:2] != (0, 0):
        run.fail(f"rerun ERROR SUMMARY {rep2.errsum}, want 0 errors from 0 contexts")
    if len(rep2.used) != len(blocks):
        run.fail(f"rerun: {len(rep2.used)} used_suppression lines, want {len(blocks)} (each "
                 f"generated block once)")
    if run.failures:
        print("--- the generating run\n" + gen_context)


# ---------------------------------------------------------------------------
# The default suppressions
# ---------------------------------------------------------------------------

def check_default(run):
    rc, out, err = run.run("thread", ["show-leak-kinds=all", "default-suppressions=no"])
    rep = Report(err)
    off_context = run.context()
    dtv = [r for r in rep.records if r[0] == "possible" and "_dl_allocate_tls" in r[7]]
    if rc != 0 or out != "started\n":
        run.fail(f"default-suppressions=no: exit status {rc}, stdout {out!r}")
    if len(dtv) != 1 or len(rep.records) != 1:
        run.fail(f"default-suppressions=no: want one loss record, possibly lost, allocated "
                 f"under _dl_allocate_tls (the DTV); got {[r[:4] + (r[7],) for r in rep.records]}")
        print(off_context)
        return
    size = dtv[0][1]
    want = {k: (0, 0) for k in SUMMARY_KEYS.values()}
    want["possible"] = (size, 1)
    if rep.summary_or_zero() != want:
        run.fail(f"default-suppressions=no: LEAK SUMMARY {rep.summary}, want {want}")
    if rep.errsum != (1, 1, 0, 0):
        run.fail(f"default-suppressions=no: ERROR SUMMARY {rep.errsum}, want 1 errors from 1 "
                 f"contexts (suppressed: 0 from 0)")
    rc, out, err = run.run("thread", ["show-leak-kinds=all", "verbose=1"])
    rep = Report(err)
    if rc != 0 or out != "started\n":
        run.fail(f"default: exit status {rc}, stdout {out!r}")
    want = {k: (0, 0) for k in SUMMARY_KEYS.values()}
    want["suppressed"] = (size, 1)
    if rep.summary_or_zero() != want:
        run.fail(f"default: LEAK SUMMARY {rep.summary}, want {want}")
    if rep.records:
        run.fail(f"default: {len(rep.records)} loss records printed, want none")
    if rep.errsum != (0, 0, 1, 1):
        run.fail(f"default: ERROR SUMMARY {rep.errsum}, want 0 errors from 0 contexts "
                 f"(suppressed: 1 from 1)")
    dflt = os.path.join(os.path.dirname(run.args.preload), "..", "share", "tether", "default.supp")
    used = [u for u in rep.used if u[1] == "tether-glibc-running-thread-dtv"]
    if len(rep.used) != 1 or len(used) != 1:
        run.fail(f"default: used_suppression lines {rep.used}, want one, "
                 f"tether-glibc-running-thread-dtv")
    elif os.path.realpath(used[0][2]) != os.path.realpath(dflt) or used[0][0] != 1 \
            or used[0][5] != 1 or used[0][4] != size:
        run.fail(f"default: used_suppression {used[0]}, want 1 use in {dflt}, {size} bytes in 1 "
                 f"blocks")
    if run.failures:
        print("--- default-suppressions=no\n" + off_context)


SKIP = 77


def check_default_glib(run):
    """GObject holds its type nodes by pointers past their blocks' starts:
    without the default suppressions they are possibly lost, every record
    allocated inside libgobject; with them, none is left."""
    rc, out, err = run.run("glib", ["default-suppressions=no"])
    if rc == SKIP:
        print("SKIP: " + out.strip())
        return SKIP
    rep = Report(err)
    possible = [r for r in rep.records if r[0] == "possible"]
    if rc != 0 or out != "started\n":
        run.fail(f"default-suppressions=no: exit status {rc}, stdout {out!r}")
    if not possible or any(not any(f.startswith("g_") for f in r[7]) for r in possible):
        run.fail(f"default-suppressions=no: want possibly lost records, all allocated by GLib "
                 f"(a g_ function on the stack); got {[r[:4] + (r[7],) for r in possible]}")
    off_possible = rep.summary_or_zero()["possible"]
    off_context = run.context()
    rc, out, err = run.run("glib", ["verbose=1"])
    rep = Report(err)
    if rc != 0 or out != "started\n":
        run.fail(f"default: exit status {rc}, stdout {out!r}")
    summary = rep.summary_or_zero()
    if summary["possible"] != (0, 0):
        run.fail(f"default: possibly lost {summary['possible']}, want none")
    if summary["suppressed"] != off_possible:
        run.fail(f"default: suppressed {summary['suppressed']}, want what was possibly lost "
                 f"without them, {off_possible}")
    names = {u[1] for u in rep.used}
    if not names or any(not n.startswith("tether-glib-") for n in names):
        run.fail(f"default: used suppressions {sorted(names)}, want tether-glib-* only")
    if run.failures:
        print("--- default-suppressions=no\n" + off_context)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--preload", required=True)
    ap.add_argument("--leaks", required=True)
    ap.add_argument("--mismatch", required=True)
    ap.add_argument("--thread", required=True)
    ap.add_argument("--glib", required=True)
    ap.add_argument("--stripped", required=True)
    ap.add_argument("--files", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("test")
    args = ap.parse_args()
    args.files = os.path.abspath(args.files)
    for k in ("preload", "leaks", "mismatch", "thread", "glib"):
        setattr(args, k, os.path.abspath(getattr(args, k)))
    args.workdir = os.path.abspath(args.workdir)
    run = Runner(args)
    kind, _, arg = args.test.partition(":")
    show = True
    if kind == "scenario" and arg in SCENARIOS:
        check_scenario(run, arg)
    elif kind == "valgrind" and arg in ("summary", "used-line", "used-count", "used-bytes"):
        valgrind_rule(run, arg)
        show = False
    elif kind == "malformed":
        check_malformed(run, arg)
    elif kind == "malformed-extra":
        check_malformed_extra(run, arg)
    elif kind == "gen" and arg in ("leaks", "mismatch", "thread", "stripped"):
        check_gen(run, arg)
    elif kind == "default-supp":
        check_default(run)
    elif kind == "default-supp-glib":
        if check_default_glib(run) == SKIP:
            return SKIP
    else:
        ap.error(f"unknown test {args.test}")
    if run.failures:
        print(f"FAIL {args.test}:")
        for f in run.failures:
            print("  " + f)
        if show:
            print(run.context())
        return 1
    print(f"PASS {args.test}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
