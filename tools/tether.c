/* SPDX-License-Identifier: MIT */
/* The tether command: `tether [options] PROGRAM [ARGS...]` and `tether
 * report FILE.json...`. Turns Valgrind-style flags into TETHER_OPTIONS, puts
 * libtether.so first in LD_PRELOAD and hands the program to the supervisor
 * (supervise.c), which runs it and waits for its whole process tree. Shares
 * the options table with lib/ and nothing else of the preload. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tether.h"
#include "tether_cli.h"
#include "tt_fmt.h"
#include "tt_options.h"

#define TT_ENV_MAX 65536

/* Valgrind flags that CI scripts pass and that mean nothing to tether:
 * accepted, and named with a note under -v. values NULL: any value. */
static const struct {
  const char *flag, *values, *note;
} ignored_flags[] = {
    {"error-limit", "yes|no", "tether reports every error context, with no limit"},
    {"track-origins", "yes|no", "tether does not track uninitialised values"},
    {"demangle", "yes|no", "tether always demangles C++ and Rust names"},
    {"time-stamp", "yes|no", "tether's report lines carry no time stamp"},
    {"read-var-info", "yes|no", "tether names addresses by symbol only"},
    {"show-error-list", "yes|no", "tether always lists every error in the report"},
    {"trace-children-skip", NULL,
     "tether checks every program the run execs (--trace-children=no checks none)"},
    {"trace-children-skip-by-arg", NULL,
     "tether checks every program the run execs (--trace-children=no checks none)"},
    {"vgdb", NULL, "tether has no gdbserver"},
    {"vgdb-error", NULL, "tether has no gdbserver"},
    {"smc-check", NULL, "tether runs the program's code natively, self-modifying or not"},
};

static void usage(FILE *f) {
  fprintf(f,
          "usage: tether [options] PROGRAM [ARGS...]\n"
          "       tether [options] -- PROGRAM [ARGS...]\n"
          "       tether report [--format=text|json|sarif] [--baseline=BASE.json]\n"
          "                     [--write-baseline=BASE.json] FILE.json...\n"
          "\n"
          "Runs PROGRAM with libtether.so preloaded, waits for it and every process it\n"
          "starts, and reports their memory leaks at exit in Valgrind memcheck's format;\n"
          "`tether report --help` tells about the second form. Options (Valgrind's\n"
          "spelling; also settable as key=value pairs in TETHER_OPTIONS):\n\n");
  for (int i = 0; i < tt_option_count; i++) {
    const struct tt_option_info *o = &tt_option_table[i];
    char left[128];
    snprintf(left, sizeof left, "--%s=%s", o->flag, o->values);
    fprintf(f, "  %-44s %s [%s]\n", left, o->help, o->def[0] ? o->def : "none");
  }
  fprintf(f,
          "  %-44s %s\n  %-44s %s\n  %-44s %s\n  %-44s %s\n",
          "-q, --quiet", "same as --quiet=yes", "-v, --verbose", "more verbose (repeatable)",
          "--help, -h", "this text", "--version", "print the version");
  fprintf(f, "\nAccepted and ignored (Valgrind's; -v says why):");
  for (size_t k = 0; k < sizeof ignored_flags / sizeof ignored_flags[0]; k++)
    fprintf(f, "%s--%s", k % 4 ? " " : "\n  ", ignored_flags[k].flag);
  fprintf(f, " -s\n");
  fprintf(f, "\nThe exit status is the program's own, or --error-exitcode's when leaks of\n"
             "a kind in --errors-for-leak-kinds or lifetime errors were found in it or in\n"
             "any process it started; 126 or 127 when PROGRAM cannot be run; 1 for a bad\n"
             "option. A program killed by a signal kills tether with the same signal.\n");
}

/* docs/options.md is generated from the table by this, never written by hand. */
static void options_markdown(void) {
  printf("# tether options\n\n"
         "Generated from `lib/tt_options.inc` by `tether --help-options-md`; do not edit.\n\n"
         "Every option is a flag of the `tether` command (`--name=value`) and a key of the\n"
         "`TETHER_OPTIONS` environment variable (`name=value`, pairs separated by spaces or\n"
         "colons; `-` and `_` in names are the same; quote a value with `'` or `\"`; the\n"
         "flag spelling `--name=value` is read there too, as in `VALGRIND_OPTS`).\n"
         "Booleans take yes/no, true/false, on/off or 1/0. `-q` is `--quiet=yes`, `-v` raises\n"
         "`--verbose` (both also in `TETHER_OPTIONS`).\n\n"
         "| option | values | default | meaning |\n|---|---|---|---|\n");
  for (int i = 0; i < tt_option_count; i++) {
    const struct tt_option_info *o = &tt_option_table[i];
    printf("| `--%s` | `", o->flag);
    for (const char *c = o->values; *c; c++) /* a | would end the table cell */
      fputs(*c == '|' ? "` \\| `" : (char[]){*c, 0}, stdout);
    printf("` | %s%s%s | %s |\n", o->def[0] ? "`" : "", o->def[0] ? o->def : "(none)",
           o->def[0] ? "`" : "", o->help);
  }
}

static bool readable(const char *path) { return path[0] && access(path, R_OK) == 0; }

/* Where libtether.so is: $TETHER_LIB, beside this command (../lib), the
 * build tree, or the install prefix. */
static bool find_lib_raw(char *out, size_t size) {
  const char *env = getenv("TETHER_LIB");
  if (env && readable(env)) {
    snprintf(out, size, "%s", env);
    return true;
  }
  static char exe[PATH_MAX]; /* tether's buffers are static: a program may run with a 16 KB stack */
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = '\0';
    char *dir = dirname(exe);
    snprintf(out, size, "%s/../lib/libtether.so", dir);
    if (readable(out))
      return true;
    snprintf(out, size, "%s/libtether.so", dir);
    if (readable(out))
      return true;
  }
  snprintf(out, size, "%s/libtether.so", TETHER_BUILD_LIBDIR);
  if (readable(out))
    return true;
  snprintf(out, size, "%s/libtether.so", TETHER_INSTALL_LIBDIR);
  return readable(out);
}

static bool find_lib(char *out, size_t size) {
  static char raw[PATH_MAX];
  if (!find_lib_raw(raw, sizeof raw))
    return false;
  static char canon[PATH_MAX];
  snprintf(out, size, "%s", realpath(raw, canon) ? canon : raw);
  return true;
}

static void append(char *buf, size_t size, const char *fmt, const char *a, size_t alen,
                   const char *b) {
  size_t len = strlen(buf);
  if (len < size)
    snprintf(buf + len, size - len, fmt, (int)alen, a, b);
}

/* A Valgrind flag tether accepts and ignores: 1 (with a note for -v), 0
 * when a is not one, -1 (message printed) when its value is bad. */
static int ignored_flag(const char *a, char *notes, size_t size) {
  size_t len = strlen(notes);
  if (strcmp(a, "-s") == 0) {
    snprintf(notes + len, size - len,
             "tether: ignoring -s: tether has no -s; every error is listed in the report\n");
    return 1;
  }
  if (strncmp(a, "--", 2) != 0)
    return 0;
  const char *key = a + 2, *eq = strchr(key, '=');
  size_t keylen = eq ? (size_t)(eq - key) : strlen(key);
  for (size_t k = 0; k < sizeof ignored_flags / sizeof ignored_flags[0]; k++) {
    const char *flag = ignored_flags[k].flag, *values = ignored_flags[k].values;
    if (strlen(flag) != keylen || strncmp(flag, key, keylen) != 0)
      continue;
    if (!eq) {
      fprintf(stderr, "tether: option '%s' needs a value: %s=VALUE (see tether --help)\n", a, a);
      return -1;
    }
    if (values && strcmp(eq + 1, "yes") != 0 && strcmp(eq + 1, "no") != 0) {
      fprintf(stderr, "tether: bad value '%s' for %s (expected yes or no)\n", eq + 1, flag);
      return -1;
    }
    snprintf(notes + len, size - len, "tether: ignoring %s: %s\n", a, ignored_flags[k].note);
    return 1;
  }
  return 0;
}

/* Every --suppressions file must be readable before anything starts; the
 * preload parses them (and stops the run naming file and line). */
static bool check_suppression_files(const char *list) {
  for (const char *p = list; *p;) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    char path[TT_OPT_PATH_MAX];
    snprintf(path, sizeof path, "%.*s", (int)n, p);
    p += n + (nl ? 1 : 0);
    if (!path[0])
      continue;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    int err = fd < 0 ? errno : fstat(fd, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : 0;
    if (fd >= 0)
      close(fd);
    if (err) {
      fprintf(stderr, "tether: cannot read suppression file '%s': %s\n", path, strerror(err));
      return false;
    }
  }
  return true;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "report") == 0)
    return tt_cli_report_main(argc - 1, argv + 1);

  static char topts[TT_ENV_MAX];
  static char notes[8192];
  static struct tt_options scratch; /* 30 KB: off the stack (ulimit -s 56 crashed tether) */
  tt_options_defaults(&scratch);
  int verbose = 0;
  int i = 1;
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--") == 0) {
      i++;
      break;
    }
    if (a[0] != '-')
      break;
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      usage(stdout);
      return 0;
    }
    if (strcmp(a, "--help-options-md") == 0) {
      options_markdown();
      return 0;
    }
    if (strcmp(a, "--version") == 0) {
      printf("tether-%s\n", TETHER_VERSION_STRING);
      return 0;
    }
    if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
      append(topts, sizeof topts, " %.*s%s", "quiet=yes", 9, "");
      continue;
    }
    if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
      char v[32];
      snprintf(v, sizeof v, "verbose=%d", ++verbose > 3 ? 3 : verbose);
      append(topts, sizeof topts, " %.*s%s", v, strlen(v), "");
      continue;
    }
    int ign = ignored_flag(a, notes, sizeof notes);
    if (ign < 0)
      return 1;
    if (ign > 0)
      continue;
    if (strncmp(a, "--", 2) != 0) {
      fprintf(stderr, "tether: unknown option '%s' (see tether --help)\n", a);
      return 1;
    }
    const char *key = a + 2, *eq = strchr(key, '=');
    if (!eq) {
      /* Valgrind's style needs a value; say which. */
      bool known = false;
      for (int k = 0; k < tt_option_count && !known; k++)
        known = strcmp(tt_option_table[k].flag, key) == 0;
      if (known)
        fprintf(stderr, "tether: option '%s' needs a value: %s=VALUE (see tether --help)\n", a, a);
      else
        fprintf(stderr, "tether: unknown option '%s' (see tether --help)\n", a);
      return 1;
    }
    char err[512];
    if (tt_options_set(&scratch, key, (size_t)(eq - key), eq + 1, strlen(eq + 1), err,
                       sizeof err) != 0) {
      if (strncmp(err, "unknown option", 14) == 0)
        fprintf(stderr, "tether: unknown option '%s' (see tether --help)\n", a);
      else
        fprintf(stderr, "tether: %s\n", err);
      return 1;
    }
    if (strchr(eq + 1, '\'')) {
      fprintf(stderr, "tether: the value of '%.*s' may not contain a single quote\n",
              (int)(eq - a), a);
      return 1;
    }
    size_t len = strlen(topts);
    snprintf(topts + len, sizeof topts - len, " %.*s='%s'", (int)(eq - key), key, eq + 1);
  }
  if (i >= argc) {
    fprintf(stderr, "tether: no program given\nusage: tether [options] PROGRAM [ARGS...] (see tether --help)\n");
    return 1;
  }
  if (verbose)
    fputs(notes, stderr);
  if (!check_suppression_files(scratch.suppressions))
    return 1;
  /* a file name that would expand to something else than meant (an unset
   * variable became "", a stray % stayed): refused before anything runs */
  const struct {
    const char *flag, *value;
  } paths[] = {{"log-file", scratch.log_file}, {"json", scratch.json},
               {"sarif", scratch.sarif}, {"xml-file", scratch.xml_file}};
  for (size_t k = 0; k < sizeof paths / sizeof paths[0]; k++) {
    static char perr[TT_OPT_PATH_MAX + 128];
    if (tt_options_check_path(paths[k].flag, paths[k].value, perr, sizeof perr) != 0) {
      fprintf(stderr, "tether: %s\n", perr);
      return 1;
    }
  }

  static char lib[PATH_MAX];
  if (!find_lib(lib, sizeof lib)) {
    fprintf(stderr, "tether: cannot find libtether.so (looked beside this command, in %s and %s); "
                    "set TETHER_LIB to its path\n",
            TETHER_BUILD_LIBDIR, TETHER_INSTALL_LIBDIR);
    return 1;
  }
  char *preload = NULL;
  const char *old = getenv("LD_PRELOAD");
  if (asprintf(&preload, "%s%s%s", lib, old && old[0] ? " " : "", old ? old : "") < 0)
    return 1;
  setenv("LD_PRELOAD", preload, 1);
  const char *user = getenv("TETHER_OPTIONS");
  char *all = NULL;
  if (asprintf(&all, "%s%s", user ? user : "", topts) < 0)
    return 1;
  if (topts[0])
    setenv("TETHER_OPTIONS", all, 1);

  /* What the supervisor needs of the options is what the processes will
   * see: TETHER_OPTIONS from the environment, then the flags. A bad entry
   * in the environment is the preload's to report (it keeps the default). */
  static struct tt_options eff;
  char ignore[512];
  tt_options_defaults(&eff);
  tt_options_parse(&eff, all, ignore, sizeof ignore);
  struct tt_cli_run run = {.argv = argv + i,
                           .log_file = eff.log_file,
                           .error_exitcode = eff.error_exitcode,
                           .quiet = eff.quiet,
                           .trace_children = eff.trace_children,
                           .verbose = eff.verbose};
  return tt_cli_supervise(&run);
}
