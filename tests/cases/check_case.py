#!/usr/bin/env python3
"""Run one tether case program under tether (or Valgrind) and check its leak report.

Usage:
  check_case.py --tool tether   --tether PATH --binary BIN --source SRC [--workdir DIR]
  check_case.py --tool valgrind               --binary BIN --source SRC [--workdir DIR]

Directives, read from comment lines of SRC (``// KEY: value``):
  RUN-OPTS: opts...        options for tether/valgrind, placed before the program
  RUN-ARGS: args...        arguments for the program
  EXPECT definitely: B bytes in N blocks      \
  EXPECT indirectly: B bytes in N blocks       | mandatory; checked against the
  EXPECT possibly:   B bytes in N blocks       | LEAK SUMMARY of the main report
  EXPECT reachable:  B bytes in N blocks      /  (B and N may use 1,000 separators;
                                                 "any" where racing threads make it vary)
  EXPECT exit: N           exit status of the tool run (default 0)
  EXPECT line: REGEX       must re.search() some line of the main report (repeatable)
  EXPECT no-line: REGEX    must match no line of the main report (repeatable)
  EXPECT count: N REGEX    must match exactly N lines of the main report (repeatable)
  EXPECT child-line: REGEX must match some line of some non-main report (repeatable)
  EXPECT reports: N        number of processes that printed a HEAP SUMMARY (default 1)
  EXPECT stdout: TEXT      program stdout; repeated directives are joined with
                           newlines; compared after stripping trailing newlines
  EXPECT errors: N from M  the main report's "ERROR SUMMARY: N errors from M contexts"
  EXPECT seq: REGEX        ordered matching: the seq and next directives, in file
  EXPECT next: REGEX       order, must match lines of the main report in that order;
                           a seq line anywhere after the previous match, a next line
                           immediately after it (so "seq" + "next"... pins one error
                           record: its headline, then its stack line by line)
  TOOLS: tool...           the case applies only to these tools; with another, the
                           checker prints SKIP and exits 77 (e.g. tether-only options)
Tool qualifier: any directive may name one tool, e.g. "RUN-OPTS[valgrind]: ..." or
"EXPECT[tether] line: ..."; it is then used only with that tool (ignored otherwise).
This is for genuine tool differences (option spellings, Valgrind's names for its own
allocator replacements); the four categories should never need it.
Options/args are split with shlex. In any directive, @BINDIR@ becomes the directory
of --binary, @BINARY@ the binary, and @SRCDIR@ the directory of --source.

Commands: tether --log-file=WORKDIR/report.%p.txt RUN-OPTS BIN RUN-ARGS, or
valgrind --leak-check=full --trace-children=yes --aspace-minaddr=0x100000000
--log-file=... RUN-OPTS BIN RUN-ARGS,
with WORKDIR as the current directory and stdout/stderr captured.

Reports: the tool is run with --log-file=WORKDIR/report.%p.txt, so each process
writes its own file. A report is a file containing "HEAP SUMMARY:"; the "==PID== "
prefix is stripped from each line before matching, and every line of a report must
carry the same PID (a process's lines in another's file fail the case). The *main*
report, to which the category, line, no-line, errors, seq and next expectations
apply, is the one written by the process the checker started (its PID equals the PID
of the spawned tool process, as Valgrind and an exec-in-place launcher keep it); if
no report has that PID, it is the report with the first PID handed out after the
tool's (the parent of a fork/exec family; PIDs wrap around at pid_max). "All heap blocks were freed -- no leaks
are possible" means every category is "0 bytes in 0 blocks". A report with a HEAP
SUMMARY but neither a LEAK SUMMARY nor that line (e.g. --leak-check=no) cannot
satisfy the category expectations.

Exit status: 0 when everything matches, 1 on mismatch, 2 on usage/setup errors,
77 when the case does not apply to the tool (TOOLS).
"""
import argparse
import glob
import os
import re
import shlex
import subprocess
import signal
import sys

CATEGORIES = [  # directive name, LEAK SUMMARY label
    ("definitely", "definitely lost"),
    ("indirectly", "indirectly lost"),
    ("possibly", "possibly lost"),
    ("reachable", "still reachable"),
]
DIRECTIVE_RE = re.compile(
    r"^\s*(?://+|/?\*+)\s*(RUN-OPTS|RUN-ARGS|EXPECT|TOOLS)(?:\[([a-z]+)\])?((?:\s+[a-z-]+)?)\s*:\s?(.*?)\s*(?:\*/)?\s*$")
TOOLS = ("tether", "valgrind")
PREFIX_RE = re.compile(r"^==(\d+)== ?(.*)$")
AMOUNT_RE = re.compile(r"^([\d,]+) bytes in ([\d,]+) blocks$")
ERRORS_RE = re.compile(r"^([\d,]+) from ([\d,]+)$")
SUMMARY_RE = re.compile(r"ERROR SUMMARY: ([\d,]+) errors from ([\d,]+) contexts")
SKIP = 77


def die(msg):
    print("check_case: error: " + msg, file=sys.stderr)
    sys.exit(2)


def parse_amount(text, where):
    m = AMOUNT_RE.match(text.strip())
    if not m:
        die("%s: expected 'B bytes in N blocks', got %r" % (where, text))
    return (int(m.group(1).replace(",", "")), int(m.group(2).replace(",", "")))


def fmt_amount(a):
    return "{:,} bytes in {:,} blocks".format(*a) if a else "(missing)"


def parse_errors(text, where):
    m = ERRORS_RE.match(text.strip())
    if not m:
        die("%s: expected 'N from M', got %r" % (where, text))
    return (int(m.group(1).replace(",", "")), int(m.group(2).replace(",", "")))


def fmt_errors(e):
    return "%d errors from %d contexts" % e if e else "(no ERROR SUMMARY)"


def match_seq(seq, lines):
    """Index of the first seq/next directive that cannot be matched in order, or None.
    Backtracks over the candidate lines of each seq directive."""
    best = [0]

    def go(k, pos):
        best[0] = max(best[0], k)
        if k == len(seq):
            return True
        kind, _, rx = seq[k]
        if kind == "next":
            return pos + 1 < len(lines) and bool(rx.search(lines[pos + 1])) and go(k + 1, pos + 1)
        return any(rx.search(lines[i]) and go(k + 1, i) for i in range(pos + 1, len(lines)))

    return None if go(0, -1) else best[0]


def parse_directives(src, subst, tool):
    d = {"opts": [], "args": [], "cats": {}, "exit": 0, "line": [],
         "no-line": [], "child-line": [], "reports": 1, "stdout": None,
         "errors": None, "seq": [], "tools": None, "count": []}
    with open(src, encoding="utf-8", errors="replace") as f:
        for lineno, raw in enumerate(f, 1):
            m = DIRECTIVE_RE.match(raw)
            if not m:
                continue
            key, only, what, val = m.group(1), m.group(2), m.group(3).strip(), m.group(4)
            where = "%s:%d" % (src, lineno)
            if only is not None and only not in TOOLS:
                die("%s: unknown tool qualifier [%s]" % (where, only))
            if key == "TOOLS":
                if what or only is not None:
                    die("%s: malformed directive" % where)
                d["tools"] = val.split()
                bad = [t for t in d["tools"] if t not in TOOLS]
                if bad or not d["tools"]:
                    die("%s: TOOLS: unknown tool(s) %r" % (where, val))
                continue
            if (key == "EXPECT") != bool(what):
                die("%s: malformed directive" % where)
            if only is not None and only != tool:
                continue
            for k, v in subst.items():
                val = val.replace(k, v)
            if key == "RUN-OPTS":
                d["opts"] += shlex.split(val)
            elif key == "RUN-ARGS":
                d["args"] += shlex.split(val)
            else:
                if what in dict(CATEGORIES):
                    # "any": the category depends on timing (racing threads);
                    # it must still be present in the report.
                    d["cats"][what] = "any" if val.strip() == "any" else parse_amount(val, where)
                elif what in ("exit", "reports"):
                    d[what] = int(val)
                elif what in ("line", "no-line", "child-line"):
                    try:
                        d[what].append((val, re.compile(val)))
                    except re.error as e:
                        die("%s: bad regex %r: %s" % (where, val, e))
                elif what == "count":
                    n, _, rx = val.partition(" ")
                    try:
                        d["count"].append((int(n), rx, re.compile(rx)))
                    except (ValueError, re.error) as e:
                        die("%s: bad count %r: %s" % (where, val, e))
                elif what == "errors":
                    d["errors"] = parse_errors(val, where)
                elif what in ("seq", "next"):
                    if what == "next" and not d["seq"]:
                        die("%s: EXPECT next without a seq before it" % where)
                    try:
                        d["seq"].append((what, val, re.compile(val)))
                    except re.error as e:
                        die("%s: bad regex %r: %s" % (where, val, e))
                elif what == "stdout":
                    d["stdout"] = val if d["stdout"] is None else d["stdout"] + "\n" + val
                else:
                    die("%s: unknown directive EXPECT %s" % (where, what))
    if d["tools"] is not None and tool not in d["tools"]:
        return d
    missing = [c for c, _ in CATEGORIES if c not in d["cats"]]
    if missing:
        die("%s: missing mandatory EXPECT %s" % (src, ", ".join(missing)))
    return d


def parse_report(path):
    """Return dict(pid, path, lines, cats) for one report file, or None if no HEAP SUMMARY."""
    lines, pid, pids = [], None, set()
    with open(path, encoding="utf-8", errors="replace") as f:
        for raw in f:
            m = PREFIX_RE.match(raw.rstrip("\n"))
            if m:
                pid = pid if pid is not None else int(m.group(1))
                pids.add(int(m.group(1)))
                lines.append(m.group(2))
    if not any("HEAP SUMMARY:" in l for l in lines):
        return None
    if pid is None:
        m = re.search(r"\.(\d+)\.txt$", path)
        pid = int(m.group(1)) if m else -1
    errors = None
    for l in lines:
        m = SUMMARY_RE.search(l)
        if m:
            errors = (int(m.group(1).replace(",", "")), int(m.group(2).replace(",", "")))
    # The exit report's figures: what follows the last HEAP SUMMARY (the
    # LEAK SUMMARYs of on-demand checks come before it).
    last_heap = max(i for i, l in enumerate(lines) if "HEAP SUMMARY:" in l)
    cats = {}
    if any("All heap blocks were freed -- no leaks are possible" in l for l in lines[last_heap:]):
        cats = {c: (0, 0) for c, _ in CATEGORIES}
    in_summary = False
    for l in lines[last_heap:]:
        if "LEAK SUMMARY:" in l:
            in_summary = True
            continue
        if in_summary:
            for c, label in CATEGORIES:
                m = re.match(r"^\s*%s: ([\d,]+ bytes in [\d,]+ blocks)\s*$" % label, l)
                if m:
                    cats[c] = parse_amount(m.group(1), path)
    return {"pid": pid, "path": path, "lines": lines, "cats": cats, "errors": errors,
            "pids": pids}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tool", choices=["tether", "valgrind"], required=True)
    ap.add_argument("--tether", help="path to the tether command (--tool tether)")
    ap.add_argument("--valgrind", default="valgrind", help="valgrind command (--tool valgrind)")
    ap.add_argument("--binary", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--workdir", help="where report files go (default: BIN.<tool>.out/)")
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("-v", "--verbose", action="store_true", help="print the reports")
    a = ap.parse_args()

    binary = os.path.abspath(a.binary)
    subst = {"@BINDIR@": os.path.dirname(binary), "@BINARY@": binary,
             "@SRCDIR@": os.path.dirname(os.path.abspath(a.source))}
    d = parse_directives(a.source, subst, a.tool)
    if d["tools"] is not None and a.tool not in d["tools"]:
        print("check_case: SKIP: %s applies to %s only" % (os.path.basename(a.source),
                                                           ", ".join(d["tools"])))
        return SKIP
    workdir = os.path.abspath(a.workdir or binary + "." + a.tool + ".out")
    os.makedirs(workdir, exist_ok=True)
    for old in glob.glob(os.path.join(workdir, "report.*.txt")):
        os.unlink(old)
    log = "--log-file=" + os.path.join(workdir, "report.%p.txt")

    if a.tool == "tether":
        if not a.tether:
            die("--tool tether needs --tether PATH")
        cmd = [os.path.abspath(a.tether), log] + d["opts"]
    else:
        # --aspace-minaddr puts the client heap above 4 GiB: by default Valgrind's heap
        # starts near 0x4a00000, where ld.so's rdtsc-based `relocate_time` (~80M cycles
        # under Valgrind) lands inside a big heap ~1% of the time and makes a lost
        # block "possibly lost" (seen with leak_many).
        cmd = [a.valgrind, "--leak-check=full", "--trace-children=yes",
               "--aspace-minaddr=0x100000000", log] + d["opts"]
    cmd += [binary] + d["args"]
    print("check_case: running: " + " ".join(shlex.quote(c) for c in cmd))

    try:
        # a session of its own: at a timeout the whole tree is killed, not
        # only the launcher (a case left behind would hold the pipes open
        # and spin on, slowing every test after it)
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=workdir,
                                start_new_session=True)
    except OSError as e:
        die("cannot run %s: %s" % (cmd[0], e))
    try:
        out, err = proc.communicate(timeout=a.timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            proc.kill()
        out, err = proc.communicate()
        print("check_case: FAIL: timed out after %gs" % a.timeout)
        sys.stdout.write(err.decode(errors="replace"))
        return 1
    out, err = out.decode(errors="replace"), err.decode(errors="replace")

    reports = [r for r in (parse_report(p) for p in
                           sorted(glob.glob(os.path.join(workdir, "report.*.txt")))) if r]
    main_rep = next((r for r in reports if r["pid"] == proc.pid), None)
    if main_rep is None and reports:
        # The first PID handed out after the launcher's: PIDs go up, and wrap
        # at pid_max (a child of a parent near the top gets a low one).
        try:
            with open("/proc/sys/kernel/pid_max") as f:
                pid_max = int(f.read())
        except (OSError, ValueError):
            pid_max = 1 << 22
        main_rep = min(reports, key=lambda r: (r["pid"] - proc.pid) % pid_max)
    others = [r for r in reports if r is not main_rep]

    fails = []

    def check(name, want, got):
        if want != got:
            fails.append((name, want, got))

    check("exit", d["exit"], proc.returncode)
    check("reports", d["reports"], len(reports))
    for r in reports:  # --log-file=...%p: each process writes only its own file
        if len(r["pids"]) > 1:
            fails.append(("report pids", "only PID %d in %s" % (r["pid"], os.path.basename(r["path"])),
                          "lines of PIDs " + ", ".join(str(p) for p in sorted(r["pids"]))))
    if main_rep is None:
        fails.append(("main report", "a report with HEAP SUMMARY", "none"))
    else:
        for c, _ in CATEGORIES:
            got = main_rep["cats"].get(c)
            if d["cats"][c] == "any":
                check(c, "present", "present" if got else "(missing)")
            else:
                check(c, fmt_amount(d["cats"][c]), fmt_amount(got))
        for text, rx in d["line"]:
            if not any(rx.search(l) for l in main_rep["lines"]):
                fails.append(("line", text, "no matching line"))
        for text, rx in d["no-line"]:
            hit = next((l for l in main_rep["lines"] if rx.search(l)), None)
            if hit is not None:
                fails.append(("no-line", text, "matched: " + hit.strip()))
        for want, text, rx in d["count"]:
            got = sum(1 for l in main_rep["lines"] if rx.search(l))
            if got != want:
                fails.append(("count", text, "%d matching lines, want %d" % (got, want)))
        if d["errors"] is not None:
            check("errors", fmt_errors(d["errors"]), fmt_errors(main_rep["errors"]))
        if d["seq"]:
            k = match_seq(d["seq"], main_rep["lines"])
            if k is not None:
                kind, text, _ = d["seq"][k]
                fails.append((kind, text, "no match in order after the %d directive(s) before it"
                              % k))
    for text, rx in d["child-line"]:
        if not any(rx.search(l) for r in others for l in r["lines"]):
            fails.append(("child-line", text, "no matching line in %d other report(s)" % len(others)))
    if d["stdout"] is not None:
        check("stdout", d["stdout"], out.rstrip("\n"))

    if fails or a.verbose:
        for r in reports:
            tag = " (main)" if r is main_rep else ""
            print("---- %s%s ----" % (r["path"], tag))
            with open(r["path"], encoding="utf-8", errors="replace") as f:
                sys.stdout.write(f.read())
        for name, text in (("stdout", out), ("stderr", err)):
            if text.strip():
                print("---- program/tool %s ----" % name)
                sys.stdout.write(text if text.endswith("\n") else text + "\n")
    if fails:
        print("check_case: FAIL: %s" % a.source)
        width = max(len(n) for n, _, _ in fails)
        for name, want, got in fails:
            print("  %-*s  expected: %s" % (width, name, want))
            print("  %-*s       got: %s" % (width, "", got))
        return 1
    print("check_case: PASS: %s (%d report(s))" % (os.path.basename(a.source), len(reports)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
