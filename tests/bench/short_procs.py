#!/usr/bin/python3
"""What a checker costs a short process: median wall times of a few short
commands natively and under each tool, the runs interleaved (native, tool,
tool... then again) so load on a shared machine falls on all alike.

usage: short_procs.py [-n RUNS] [-o OLD_TETHER] TETHER_CMD
  TETHER_CMD   the tether command (build/bin/tether)
  -o OLD       another tether command, for a before/after column
  -n RUNS      runs per cell (default 15; Valgrind gets 3)

Valgrind and LeakSanitizer columns appear where they are installed. A
command that is not installed is skipped. Prints a Markdown table.
"""
import argparse, os, shutil, statistics, subprocess, sys, tempfile, time

ap = argparse.ArgumentParser(usage=__doc__)
ap.add_argument("tether")
ap.add_argument("-o", "--old")
ap.add_argument("-n", "--runs", type=int, default=15)
a = ap.parse_args()

work = tempfile.mkdtemp(prefix="short-procs.")
src = os.path.join(work, "hello.c")
with open(src, "w") as f:
    f.write('#include <stdio.h>\nint main(void) { printf("hi\\n"); return 0; }\n')
cmds = [["/bin/true"], ["/usr/bin/perl", "-e", "1"], ["/usr/bin/python3", "-c", "pass"],
        ["/usr/bin/git", "--version"], ["/usr/bin/gcc", "-c", "-o", os.path.join(work, "h.o"), src]]
cmds = [c for c in cmds if os.access(c[0], os.X_OK)]
logs = os.path.join(work, "r.%p")
tools = [("native", lambda c: c)]
if a.old:
    tools.append(("tether (old)", lambda c: [a.old, "--log-file=" + logs] + c))
tools.append(("tether", lambda c: [a.tether, "--log-file=" + logs] + c))
lsan = next((p for p in ("/usr/lib/x86_64-linux-gnu/liblsan.so.0", "/lib/x86_64-linux-gnu/liblsan.so.0")
             if os.path.exists(p)), None)
if lsan:
    tools.append(("lsan", lambda c: ["env", "LD_PRELOAD=" + lsan] + c))
if shutil.which("valgrind"):
    tools.append(("valgrind", lambda c: ["valgrind", "-q", "--leak-check=full", "--trace-children=yes",
                                         "--log-file=" + logs] + c))

print("| command | " + " | ".join(t for t, _ in tools) + " |")
print("|---|" + "---|" * len(tools))
for c in cmds:
    times, status = {}, {}
    for r in range(a.runs):
        for name, wrap in tools:
            if name == "valgrind" and r >= 3:
                continue
            t0 = time.perf_counter()
            p = subprocess.run(wrap(c), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times.setdefault(name, []).append(time.perf_counter() - t0)
            status.setdefault(name, p.returncode)
    cells = []
    for name, _ in tools:
        cell = "%.1f ms" % (1000 * statistics.median(times[name]))
        if status[name] != status["native"]:
            cell += " (status %d)" % status[name]
        cells.append(cell)
    shown = " ".join([os.path.basename(c[0])] + [os.path.basename(x) if x.startswith(work) else x
                                                 for x in c[1:]])
    print("| `%s` | %s |" % (shown, " | ".join(cells)))
    sys.stdout.flush()
    for f in os.listdir(work):
        if f.startswith("r."):
            os.unlink(os.path.join(work, f))
shutil.rmtree(work, ignore_errors=True)
