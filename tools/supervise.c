/* SPDX-License-Identifier: MIT */
/* The supervisor: runs the program as tether's child, stays as the parent of
 * the whole process tree (a child subreaper), forwards signals, waits for
 * every process, then reads the per-process JSON reports the preload left in
 * the run directory and prints one combined summary. It owns the exit status
 * rules of docs/usage.md ("Exit status"); it never looks inside a process. */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tether_cli.h"

/* What tether passes on to the program. The terminal's own signals reach
 * the program directly (it is in the foreground process group too). */
static const int forwarded[] = {SIGINT,  SIGTERM, SIGHUP,   SIGQUIT, SIGUSR1,
                                SIGUSR2, SIGALRM, SIGWINCH, SIGCONT};
#define TT_NFORWARDED (sizeof forwarded / sizeof forwarded[0])

/* After the program's end, how long tether waits for the processes it
 * left in tether's session (a background job, a server a test forgot); and
 * how many left running it lists. */
#define TT_LINGER_SECONDS 10
#define TT_MAX_LEFT 256

/* A process tether waited for: the program, and every orphan it adopted. */
struct reaped {
  pid_t pid;
  int status;
};

/* ======================================================================== */
/* the run directory                                                        */
/* ======================================================================== */

static bool make_run_dir(char *dir, size_t size) {
  const char *tmp = getenv("TMPDIR");
  if (!tmp || !tmp[0])
    tmp = "/tmp";
  snprintf(dir, size, "%s/tether-run.XXXXXX", tmp);
  if (mkdtemp(dir)) {
    /* Run as root, the program may switch to another user (setpriv,
     * runuser, a server dropping its privileges): its processes must
     * still leave their reports, as in /tmp itself (sticky, and not
     * listable by others). */
    if (geteuid() == 0)
      chmod(dir, 01733);
    return true;
  }
  fprintf(stderr, "tether: cannot create a run directory in '%s': %s\n", tmp, strerror(errno));
  return false;
}

static void remove_run_dir(const char *dir, int verbose) {
  DIR *d = opendir(dir);
  if (d) {
    struct dirent *e;
    while ((e = readdir(d)))
      if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
        unlinkat(dirfd(d), e->d_name, 0);
    closedir(d);
  }
  if (rmdir(dir) != 0 && verbose)
    fprintf(stderr, "tether: cannot remove the run directory '%s': %s\n", dir, strerror(errno));
}

/* "1234.json" -> 1234; -1 for any other name (a writer's temporary file). */
/* The pid in a run directory's file name PID<suffix>, or -1. */
static long name_pid(const char *name, const char *suffix) {
  char *end;
  if (!isdigit((unsigned char)name[0]))
    return -1;
  long pid = strtol(name, &end, 10);
  return strcmp(end, suffix) == 0 ? pid : -1;
}

static long report_name_pid(const char *name) { return name_pid(name, ".json"); }

/* PID.started, which every process leaves at its start (tt_export_started):
 * its command line, NUL-separated words, as a row's command text. */
static char *started_command(const char *dir, const char *name) {
  char *path = NULL, buf[4096];
  if (asprintf(&path, "%s/%s", dir, name) < 0)
    return NULL;
  FILE *f = fopen(path, "rb");
  free(path);
  if (!f)
    return NULL;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  json_t *words = json_array();
  for (size_t i = 0; words && i < n;) {
    size_t len = strnlen(buf + i, n - i);
    json_array_append_new(words, json_stringn(buf + i, len));
    i += len + 1;
  }
  char *text = words && json_array_size(words) ? tt_cli_command_text(words, TT_SUMMARY_COMMAND_MAX)
                                               : NULL;
  json_decref(words);
  return text;
}

/* ======================================================================== */
/* signals                                                                  */
/* ======================================================================== */

/* Never runs: the signals are blocked and taken with sigtimedwait. It is
 * there so that a signal whose disposition was "ignore" (SIGCHLD set to
 * SIG_IGN by the caller would make the kernel reap the children for us) is
 * still queued. */
static void noop_cb(int sig) { (void)sig; }

struct saved_signals {
  sigset_t mask;                           /* the caller's signal mask */
  struct sigaction act[TT_NFORWARDED + 1]; /* the forwarded ones, then SIGCHLD */
};

static void take_signals(sigset_t *set, struct saved_signals *saved) {
  sigemptyset(set);
  for (size_t i = 0; i < TT_NFORWARDED; i++)
    sigaddset(set, forwarded[i]);
  sigaddset(set, SIGCHLD);
  sigprocmask(SIG_BLOCK, set, &saved->mask);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = noop_cb;
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i <= TT_NFORWARDED; i++)
    sigaction(i < TT_NFORWARDED ? forwarded[i] : SIGCHLD, &sa, &saved->act[i]);
}

/* In the child, before exec: the program gets the dispositions and mask
 * tether was started with (an ignored SIGINT in a background job stays
 * ignored), as if tether had exec'd it in place. */
static void restore_signals(const struct saved_signals *saved) {
  for (size_t i = 0; i <= TT_NFORWARDED; i++)
    sigaction(i < TT_NFORWARDED ? forwarded[i] : SIGCHLD, &saved->act[i], NULL);
  sigprocmask(SIG_SETMASK, &saved->mask, NULL);
}

/* A process whose parent is tether, as /proc/PID/stat tells it. */
struct child_proc {
  pid_t pid;
  char state;   /* 'Z': ended, not yet reaped */
  long session; /* another than tether's: it called setsid() */
};

/* A small file of /proc, whole or its first size - 1 bytes, NUL-ended in
 * buf; false if it cannot be read. */
static bool read_small(const char *path, char *buf, size_t size) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  ssize_t got = read(fd, buf, size - 1);
  close(fd);
  if (got <= 0)
    return false;
  buf[got] = '\0';
  return true;
}

/* Calls fn for every process whose parent is tether (once the program has
 * exited, the orphans tether adopted). Pids are stable here, since only
 * this thread reaps. */
static void for_each_child(void (*fn)(const struct child_proc *, void *), void *arg) {
  DIR *d = opendir("/proc");
  if (!d)
    return;
  pid_t self = getpid();
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!isdigit((unsigned char)e->d_name[0]))
      continue;
    char path[300], buf[512];
    snprintf(path, sizeof path, "/proc/%.200s/stat", e->d_name);
    if (!read_small(path, buf, sizeof buf))
      continue;
    /* "pid (comm) state ppid pgrp session ...": comm may hold anything,
     * even ") " */
    char *close_paren = strrchr(buf, ')');
    long ppid = -1, pgrp = -1, session = -1;
    struct child_proc c = {(pid_t)atol(e->d_name), '?', -1};
    if (!close_paren ||
        sscanf(close_paren + 1, " %c %ld %ld %ld", &c.state, &ppid, &pgrp, &session) != 4 ||
        ppid != self)
      continue;
    c.session = session;
    fn(&c, arg);
  }
  closedir(d);
}

static void kill_cb(const struct child_proc *c, void *arg) { kill(c->pid, *(const int *)arg); }

/* Sends sig to every process whose parent is tether. */
static void signal_children(int sig) { for_each_child(kill_cb, &sig); }

/* ------------------------------------------------------------------------ */
/* The probe: was a signal sent to tether alone, or to the program as well?  */
/* ------------------------------------------------------------------------ */

/* A signal for the whole process group (`kill -- -PGID`, a shell's `kill
 * %1`, GNU timeout, a CI runner cancelling a job) or for every process of a
 * tree or cgroup (systemd) reaches the program directly, as it reaches
 * tether: forwarded as well, the program had it twice (redis took a second
 * SIGINT as "you insist" and skipped its shutdown). The kernel does not say
 * which kind of kill it was, so a probe tells: a process of tether's that
 * stays in its process group with every signal blocked. One sent to the
 * group or the tree is pending in it too; one sent to tether's pid alone
 * (a test harness's terminate()) is not, and that one is forwarded. After
 * each signal tether takes, the probe drains what it has pending. */
struct probe {
  pid_t pid; /* 0: none (then every signal is forwarded, as before) */
  int fd;    /* a byte: drain; closed: exit */
};

static void probe_main(int fd, pid_t parent) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent)
    _exit(0);
  sigset_t all;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, NULL);
  /* hold nothing of tether's: a pipe's reader waits for its last writer */
  if (dup2(fd, 0) != 0)
    _exit(0);
  close_range(1, ~0u, 0);
  const struct timespec zero = {0, 0};
  char c;
  while (read(0, &c, 1) == 1)
    while (sigtimedwait(&all, NULL, &zero) > 0)
      ;
  _exit(0);
}

static void probe_start(struct probe *pr) {
  pr->pid = 0;
  pr->fd = -1;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0)
    return;
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    probe_main(fds[0], parent);
    _exit(0);
  }
  close(fds[0]);
  if (pid < 0) {
    close(fds[1]);
    return;
  }
  pr->pid = pid;
  pr->fd = fds[1];
}

/* Whether sig is pending in the probe (/proc/PID/status: ShdPnd, SigPnd). */
static bool probe_pending(const struct probe *pr, int sig) {
  char path[64], buf[2048];
  snprintf(path, sizeof path, "/proc/%d/status", (int)pr->pid);
  if (!read_small(path, buf, sizeof buf))
    return false;
  static const char *const keys[] = {"\nShdPnd:", "\nSigPnd:"};
  for (size_t k = 0; k < 2; k++) {
    const char *at = strstr(buf, keys[k]);
    if (at && (strtoull(at + strlen(keys[k]), NULL, 16) >> (sig - 1) & 1))
      return true;
  }
  return false;
}

/* Whether sig, just taken by tether, was sent to the probe too. A kill of
 * the group reaches each member in the one system call; a tree's or a
 * cgroup's processes are signalled one by one, so an answer of no is
 * asked again for a few milliseconds. */
static bool probe_saw(const struct probe *pr, int sig) {
  if (!pr->pid)
    return false;
  for (int i = 0; i < 5; i++) {
    if (probe_pending(pr, sig))
      return true;
    struct timespec ms = {0, 1000000};
    nanosleep(&ms, NULL);
  }
  return probe_pending(pr, sig);
}

static void probe_drain(const struct probe *pr) {
  if (pr->fd >= 0) {
    ssize_t w = write(pr->fd, "d", 1);
    (void)w;
  }
}

/* The probe exits at the pipe's end, at once: reaped here, the wait for
 * the program's tree can end in ECHILD without a look at /proc. */
static void probe_stop(struct probe *pr) {
  if (pr->fd >= 0)
    close(pr->fd);
  pr->fd = -1;
  if (pr->pid > 0)
    while (waitpid(pr->pid, NULL, 0) < 0 && errno == EINTR)
      ;
  pr->pid = 0;
}

struct left_list {
  pid_t *pids;
  size_t max, n, attached;
  long sid;
  pid_t probe;
};

static void left_cb(const struct child_proc *c, void *arg) {
  struct left_list *l = arg;
  if (c->state == 'Z' || c->pid == l->probe)
    return;
  if (c->session == l->sid)
    l->attached++;
  if (l->n < l->max)
    l->pids[l->n++] = c->pid;
}

/* The processes still running as tether's children (the orphans it
 * adopted), at most max into pids; *attached: how many of them are in
 * tether's own session. One that called setsid() is a daemon, which the
 * program started on purpose to outlive it. */
static size_t still_running(pid_t *pids, size_t max, size_t *attached, pid_t probe) {
  struct left_list l = {pids, max, 0, 0, (long)getsid(0), probe};
  for_each_child(left_cb, &l);
  *attached = l.attached;
  return l.n;
}

static void forward(int sig, const siginfo_t *si, pid_t child, const struct probe *pr) {
  /* The terminal sends SIGINT, SIGQUIT, SIGWINCH, SIGHUP and SIGCONT to the
   * whole foreground process group, the program included: it already has
   * it. SIGALRM is never the terminal's: a kernel one is an alarm the caller
   * left running, which the program would have had under exec. */
  if (si->si_code == SI_KERNEL && sig != SIGALRM)
    return;
  /* The program signalling its parent (or its own process group) does not
   * want the signal back. */
  if (child > 0 && si->si_code == SI_USER && si->si_pid == child)
    return;
  /* Sent to the group or the whole tree: the program has it already. */
  if (probe_saw(pr, sig))
    return;
  if (child > 0)
    kill(child, sig);
  else
    signal_children(sig);
}

/* ======================================================================== */
/* the combined summary                                                     */
/* ======================================================================== */

/* Where the summary goes: tether's --log-file (appended: the processes
 * wrote their reports there first), or stderr when there is none or when
 * its name has %p (every process then has a file of its own). The name is
 * expanded as the preload does: %% and %q{VAR}. */
static FILE *open_destination(const char *tmpl) {
  if (!tmpl[0])
    return stderr;
  char *path = NULL;
  size_t len = 0;
  bool per_process = false;
  FILE *m = open_memstream(&path, &len);
  if (!m)
    return stderr;
  for (const char *s = tmpl; *s; s++) {
    if (s[0] == '%' && s[1] == 'p') {
      per_process = true;
      s++;
    } else if (s[0] == '%' && s[1] == '%') {
      fputc('%', m);
      s++;
    } else if (s[0] == '%' && s[1] == 'q' && s[2] == '{' && strchr(s + 3, '}')) {
      const char *end = strchr(s + 3, '}');
      char *name = strndup(s + 3, (size_t)(end - (s + 3)));
      const char *v = name ? getenv(name) : NULL;
      fputs(v ? v : "", m);
      free(name);
      s = end;
    } else {
      fputc(*s, m);
    }
  }
  fclose(m);
  FILE *f = per_process ? NULL : fopen(path, "a");
  if (!f && !per_process)
    fprintf(stderr, "tether: cannot open log file '%s' (%s); the summary goes to stderr\n", path,
            strerror(errno));
  free(path);
  return f ? f : stderr;
}

/* Whether process pid still runs and is the one that left PID.started in
 * dir (it started no later than the file was written: not a later process
 * that got the pid again). */
static bool running_since_start(const char *dir, long pid) {
  char path[4200], buf[1024];
  struct stat st;
  snprintf(path, sizeof path, "%s/%ld.started", dir, pid);
  if (stat(path, &st) != 0) {
    snprintf(path, sizeof path, "%s/%ld.json", dir, pid);
    if (stat(path, &st) != 0)
      return false;
  }
  snprintf(path, sizeof path, "/proc/%ld/stat", pid);
  if (!read_small(path, buf, sizeof buf))
    return false;
  /* after "(comm)": state is field 3, starttime field 22 (clock ticks
   * since boot) */
  const char *p = strrchr(buf, ')');
  char state = 0;
  unsigned long long start = 0;
  if (!p || sscanf(p + 1, " %c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d "
                          "%*d %llu", &state, &start) != 2 || state == 'Z')
    return false;
  FILE *f = fopen("/proc/stat", "re");
  unsigned long long btime = 0;
  char line[256];
  while (f && fgets(line, sizeof line, f))
    if (sscanf(line, "btime %llu", &btime) == 1)
      break;
  if (f)
    fclose(f);
  long hz = sysconf(_SC_CLK_TCK);
  if (!btime || hz <= 0)
    return false;
  return (long long)(btime + start / (unsigned long long)hz) <= (long long)st.st_mtime + 1;
}

/* A new zeroed row at the end of *rows. */
static struct tt_cli_row *new_row(struct tt_cli_row **rows, size_t *n, size_t *cap) {
  if (*n == *cap) {
    *cap = *cap ? *cap * 2 : 16;
    *rows = realloc(*rows, *cap * sizeof **rows);
    if (!*rows)
      abort();
  }
  struct tt_cli_row *row = &(*rows)[(*n)++];
  memset(row, 0, sizeof *row);
  return row;
}

/* The program itself wrote no report: tether did not load into it (a static
 * or setuid program, one for another architecture, a loader that refused
 * the library), or it exec'd into such a program, or it could not write
 * the report. Said, as nothing else would say it (it ran, and exited 0);
 * and with --error-exitcode the gate fails: nothing passed a check. */
static void say_unchecked(const struct tt_cli_run *run, const struct tt_cli_row *row, long pid,
                          int status) {
  FILE *out = open_destination(run->log_file);
  /* a row with a command: tether started in it (PID.started) */
  bool loaded = row && row->command;
  const char *cmd = loaded ? row->command : run->argv[0];
  const char *gate = run->error_exitcode && run->trace_children ? "; the gate fails" : "";
  if (WIFSIGNALED(status)) {
    char sig[32];
    tt_cli_wait_status_text(status, sig, sizeof sig);
    fprintf(out, "==%ld== tether: the program (pid %ld, %s) was killed by %s before its leak "
                 "check: it was not checked\n",
            (long)getpid(), pid, cmd, sig);
  } else if (!loaded) {
    fprintf(out, "==%ld== tether: the program (pid %ld, %s) wrote no report: it was not checked. "
                 "tether's library did not load into it (a statically linked or setuid program, "
                 "one for another architecture)%s\n",
            (long)getpid(), pid, cmd, gate);
  } else {
    fprintf(out, "==%ld== tether: the program (pid %ld, %s) wrote no report: it was not checked. "
                 "It exec'd a program tether's library did not load into (a statically linked "
                 "or setuid program, one for another architecture), or it could not write its "
                 "report%s\n",
            (long)getpid(), pid, cmd, gate);
  }
  if (out != stderr)
    fclose(out);
  else
    fflush(stderr);
}

/* Reads every report in dir, prints the summary when more than one process
 * wrote one, and says whether any failed the gate, or the program itself
 * (main) wrote no report (*unchecked). */
static bool summarize(const char *dir, const struct tt_cli_run *run, const struct reaped *reaped,
                      size_t nreaped, const pid_t *left, size_t nleft, pid_t main,
                      int main_status, bool *unchecked) {
  struct tt_cli_row *rows = NULL;
  size_t n = 0, cap = 0, files = 0;
  bool gate_failed = false;
  DIR *d = opendir(dir);
  struct dirent *e;
  while (d && (e = readdir(d))) {
    long pid = report_name_pid(e->d_name);
    if (pid < 0)
      continue;
    struct tt_cli_row *row = new_row(&rows, &n, &cap);
    char *path = NULL, err[512];
    if (asprintf(&path, "%s/%s", dir, e->d_name) < 0)
      abort();
    files++;
    /* Each process opens its PID.json when it starts (and a forked child
     * when it is made): an empty one ended before its report. */
    struct stat st;
    if (stat(path, &st) == 0 && st.st_size == 0) {
      free(path);
      row->pid = pid;
      snprintf(row->status, sizeof row->status, "?");
      continue;
    }
    json_t *r = tt_cli_load_report(path, err, sizeof err);
    free(path);
    if (r) {
      tt_cli_row_from_report(row, r);
      json_decref(r);
      gate_failed |= row->gate_failed;
    } else {
      row->pid = pid;
      snprintf(row->status, sizeof row->status, "?");
      if (asprintf(&row->command, "%s: %s", e->d_name, err) < 0)
        row->command = NULL;
    }
  }
  if (d)
    closedir(d);
  /* The processes tether reaped itself: their real status, and a row for
   * each that wrote nothing (killed by a signal, _exit, exec failure). */
  size_t nfiles = n;
  for (size_t i = 0; i < nreaped; i++) {
    bool found = false;
    for (size_t k = 0; k < nfiles; k++) {
      if (rows[k].pid == reaped[i].pid) {
        tt_cli_wait_status_text(reaped[i].status, rows[k].status, sizeof rows[k].status);
        found = true;
      }
    }
    if (found)
      continue;
    struct tt_cli_row *row = new_row(&rows, &n, &cap);
    row->pid = reaped[i].pid;
    tt_cli_wait_status_text(reaped[i].status, row->status, sizeof row->status);
  }
  /* The processes left running (daemons, and stragglers after the
   * linger): no report yet, whatever they write later. */
  for (size_t i = 0; i < nleft; i++) {
    struct tt_cli_row *row = NULL;
    for (size_t k = 0; k < n && !row; k++)
      if (rows[k].pid == left[i])
        row = &rows[k];
    if (!row) {
      row = new_row(&rows, &n, &cap);
      row->pid = left[i];
      files++;
    }
    snprintf(row->status, sizeof row->status, "running");
  }
  /* Every process that started under tether left PID.started: one that
   * wrote no report (killed with SIGKILL by a parent tether cannot see, an
   * exec into a program tether cannot follow) gets a row, with its command;
   * and a reaped one without a report gets its command. */
  d = opendir(dir);
  while (d && (e = readdir(d))) {
    long pid = name_pid(e->d_name, ".started");
    if (pid < 0)
      continue;
    struct tt_cli_row *row = NULL;
    for (size_t k = 0; k < n && !row; k++)
      if (rows[k].pid == pid)
        row = &rows[k];
    if (row && (row->has_report || row->command))
      continue;
    if (!row) {
      row = new_row(&rows, &n, &cap);
      row->pid = pid;
      snprintf(row->status, sizeof row->status, "?");
      files++; /* a process tether checked the start of */
    }
    row->command = started_command(dir, e->d_name);
  }
  if (d)
    closedir(d);
  /* one with no report and no status that still runs (a daemon's worker,
   * which is not tether's child) is not "no report" yet */
  for (size_t k = 0; k < n; k++)
    if (!rows[k].has_report && strcmp(rows[k].status, "?") == 0 &&
        running_since_start(dir, rows[k].pid))
      snprintf(rows[k].status, sizeof rows[k].status, "running");
  /* a process left running that tether did not start in (a daemon's
   * forked child): its command line as the kernel has it */
  for (size_t k = 0; k < n; k++) {
    if (rows[k].command || strcmp(rows[k].status, "running") != 0)
      continue;
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/%ld", rows[k].pid);
    rows[k].command = started_command(proc, "cmdline");
  }
  if (files > 1 && (!run->quiet || gate_failed)) {
    FILE *out = open_destination(run->log_file);
    tt_cli_print_summary(out, (long)getpid(), rows, n);
    if (out != stderr)
      fclose(out);
    else
      fflush(stderr);
  }
  const struct tt_cli_row *mrow = NULL;
  for (size_t k = 0; k < n && !mrow; k++)
    if (rows[k].pid == main)
      mrow = &rows[k];
  *unchecked = !mrow || !mrow->has_report;
  if (*unchecked)
    say_unchecked(run, mrow, (long)main, main_status);
  for (size_t i = 0; i < n; i++)
    free(rows[i].command);
  free(rows);
  return gate_failed;
}

/* ======================================================================== */
/* running                                                                  */
/* ======================================================================== */

/* Ends tether the way the program ended: by the same signal. */
static void die_like(int sig) {
  struct rlimit no_core = {0, 0};
  setrlimit(RLIMIT_CORE, &no_core); /* the program's core is the one that matters */
  signal(sig, SIG_DFL);
  sigset_t one;
  sigemptyset(&one);
  sigaddset(&one, sig);
  sigprocmask(SIG_UNBLOCK, &one, NULL);
  raise(sig);
  _exit(128 + sig); /* a signal whose default is not to end the process */
}

int tt_cli_supervise(const struct tt_cli_run *run) {
  static char dir[4096]; /* static: a program may run with a 16 KB stack (ulimit -s) */
  if (!make_run_dir(dir, sizeof dir))
    return 1;
  setenv("TETHER_RUN_DIR", dir, 1);

  /* Orphans of the program's process tree become tether's children, so
   * tether can wait for them and their reports. */
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0 && run->verbose)
    fprintf(stderr, "tether: cannot become a child subreaper (%s); orphans are not waited for\n",
            strerror(errno));

  sigset_t set;
  static struct saved_signals saved;
  take_signals(&set, &saved);

  /* The child reports a failed exec through this pipe; a successful exec
   * closes it (O_CLOEXEC). */
  int pfd[2];
  if (pipe2(pfd, O_CLOEXEC) != 0) {
    fprintf(stderr, "tether: cannot create a pipe: %s\n", strerror(errno));
    remove_run_dir(dir, run->verbose);
    return 1;
  }
  fflush(NULL);
  pid_t child = fork();
  if (child < 0) {
    fprintf(stderr, "tether: cannot fork: %s\n", strerror(errno));
    remove_run_dir(dir, run->verbose);
    return 1;
  }
  if (child == 0) {
    close(pfd[0]);
    restore_signals(&saved);
    execvp(run->argv[0], run->argv);
    int err = errno;
    ssize_t w = write(pfd[1], &err, sizeof err);
    (void)w;
    _exit(127);
  }
  close(pfd[1]);
  /* tether's own summary to a pipe whose reader went away must not end
   * tether with SIGPIPE: its status is the program's (the child, already
   * running, keeps the disposition it started with) */
  signal(SIGPIPE, SIG_IGN);
  int exec_errno = 0;
  ssize_t got;
  do
    got = read(pfd[0], &exec_errno, sizeof exec_errno);
  while (got < 0 && errno == EINTR);
  close(pfd[0]);
  if (got > 0) {
    int st;
    while (waitpid(child, &st, 0) < 0 && errno == EINTR)
      ;
    fprintf(stderr, "tether: cannot run '%s': %s\n", run->argv[0], strerror(exec_errno));
    remove_run_dir(dir, run->verbose);
    return exec_errno == ENOENT ? 127 : 126;
  }

  /* after the program: a group's kill reaches its newest members first */
  struct probe probe;
  probe_start(&probe);

  struct reaped *reaped = NULL;
  size_t nreaped = 0, cap = 0;
  int child_status = 0;
  bool child_alive = true;
  struct timespec ended = {0, 0};
  static pid_t left[TT_MAX_LEFT];
  size_t nleft = 0;
  long linger_ms = 10;
  for (;;) {
    pid_t pid;
    int st;
    while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
      if (pid == probe.pid) { /* it died (SIGKILL): tether's own, no row */
        probe.pid = 0;
        probe_stop(&probe);
        continue;
      }
      if (nreaped == cap) {
        cap = cap ? cap * 2 : 16;
        reaped = realloc(reaped, cap * sizeof *reaped);
        if (!reaped)
          abort();
      }
      reaped[nreaped++] = (struct reaped){pid, st};
      if (pid == child) {
        child_status = st;
        child_alive = false;
        probe_stop(&probe); /* it exits: the wait below can end in ECHILD */
      }
    }
    if (pid < 0 && errno == ECHILD) {
      nleft = 0; /* every one ended: none left running (a list of an earlier round is stale) */
      break;
    }
    if (!child_alive) {
      /* The program has ended: daemons it started (another session) are
       * not waited for, and the rest only TT_LINGER_SECONDS, as a program
       * run natively would not wait for them either. */
      struct timespec now;
      clock_gettime(CLOCK_MONOTONIC, &now);
      if (!ended.tv_sec)
        ended = now;
      size_t attached;
      nleft = still_running(left, TT_MAX_LEFT, &attached, probe.pid);
      if (nleft && (!attached || now.tv_sec - ended.tv_sec >= TT_LINGER_SECONDS))
        break;
    }
    siginfo_t si;
    /* While the program runs, the timeout only guards against a lost
     * SIGCHLD. Once it has ended, a process it left in tether's session
     * may be a daemon on its way out (memcached -d: the parent exits
     * before the child's setsid()), which sends no signal: looked at again
     * after 10 ms, then twice as long each time, up to a second (tether
     * returned a second late, not at once as natively). */
    struct timespec tick = {1, 0};
    if (!child_alive) {
      tick.tv_sec = linger_ms / 1000;
      tick.tv_nsec = (linger_ms % 1000) * 1000000L;
      linger_ms = linger_ms * 2 < 1000 ? linger_ms * 2 : 1000;
    }
    int sig = sigtimedwait(&set, &si, &tick);
    if (sig > 0 && sig != SIGCHLD) {
      forward(sig, &si, child_alive ? child : 0, &probe);
      probe_drain(&probe);
    }
  }

  bool unchecked = false;
  bool gate_failed = summarize(dir, run, reaped, nreaped, left, nleft, child, child_status,
                               &unchecked);
  remove_run_dir(dir, run->verbose);
  free(reaped);

  if (WIFSIGNALED(child_status))
    die_like(WTERMSIG(child_status));
  /* --trace-children=no: a program exec'd runs unchecked by request */
  if ((gate_failed || (unchecked && run->trace_children)) && run->error_exitcode != 0)
    return run->error_exitcode;
  return WIFEXITED(child_status) ? WEXITSTATUS(child_status) : 1;
}
