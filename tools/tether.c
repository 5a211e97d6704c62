/* SPDX-License-Identifier: MIT */
/* The tether command: `tether [options] PROGRAM [ARGS...]`. Turns
 * Valgrind-style flags into TETHER_OPTIONS, puts libtether.so first in
 * LD_PRELOAD and execs the program, so its stdin, stdout, stderr, signals
 * and exit status are its own. Shares the options table with lib/ and
 * nothing else of the preload. */
#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tether.h"
#include "tt_fmt.h"
#include "tt_options.h"

#define TT_ENV_MAX 65536

static void usage(FILE *f) {
  fprintf(f,
          "usage: tether [options] PROGRAM [ARGS...]\n"
          "       tether [options] -- PROGRAM [ARGS...]\n"
          "\n"
          "Runs PROGRAM with libtether.so preloaded and reports its memory leaks at exit,\n"
          "in Valgrind memcheck's format. Options (Valgrind's spelling; also settable as\n"
          "key=value pairs in TETHER_OPTIONS):\n\n");
  for (int i = 0; i < tt_option_count; i++) {
    const struct tt_option_info *o = &tt_option_table[i];
    char left[128];
    snprintf(left, sizeof left, "--%s=%s", o->flag, o->values);
    fprintf(f, "  %-44s %s [%s]\n", left, o->help, o->def[0] ? o->def : "none");
  }
  fprintf(f,
          "  %-44s %s\n  %-44s %s\n  %-44s %s\n  %-44s %s\n",
          "-q", "same as --quiet=yes", "-v", "more verbose (repeatable)", "--help, -h",
          "this text", "--version", "print the version");
  fprintf(f, "\nThe exit status is the program's own, or --error-exitcode's when leaks of\n"
             "a kind in --errors-for-leak-kinds were found.\n");
}

/* docs/options.md is generated from the table by this, never written by hand. */
static void options_markdown(void) {
  printf("# tether options\n\n"
         "Generated from `lib/tt_options.inc` by `tether --help-options-md`; do not edit.\n\n"
         "Every option is a flag of the `tether` command (`--name=value`) and a key of the\n"
         "`TETHER_OPTIONS` environment variable (`name=value`, pairs separated by spaces or\n"
         "colons; `-` and `_` in names are the same; quote a value with `'` or `\"`).\n"
         "Booleans take yes/no, true/false, on/off or 1/0. `-q` is `--quiet=yes`, `-v` raises\n"
         "`--verbose`.\n\n"
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
  char exe[PATH_MAX];
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
  char raw[PATH_MAX];
  if (!find_lib_raw(raw, sizeof raw))
    return false;
  char canon[PATH_MAX];
  snprintf(out, size, "%s", realpath(raw, canon) ? canon : raw);
  return true;
}

static void append(char *buf, size_t size, const char *fmt, const char *a, size_t alen,
                   const char *b) {
  size_t len = strlen(buf);
  if (len < size)
    snprintf(buf + len, size - len, fmt, (int)alen, a, b);
}

int main(int argc, char **argv) {
  static char topts[TT_ENV_MAX];
  struct tt_options scratch;
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
    if (strcmp(a, "-q") == 0) {
      append(topts, sizeof topts, " %.*s%s", "quiet=yes", 9, "");
      continue;
    }
    if (strcmp(a, "-v") == 0) {
      char v[32];
      snprintf(v, sizeof v, "verbose=%d", ++verbose > 3 ? 3 : verbose);
      append(topts, sizeof topts, " %.*s%s", v, strlen(v), "");
      continue;
    }
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

  char lib[PATH_MAX];
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
  if (topts[0]) {
    const char *user = getenv("TETHER_OPTIONS");
    char *all = NULL;
    if (asprintf(&all, "%s%s", user ? user : "", topts) < 0)
      return 1;
    setenv("TETHER_OPTIONS", all, 1);
  }
  execvp(argv[i], argv + i);
  fprintf(stderr, "tether: cannot run '%s': %s\n", argv[i], strerror(errno));
  return errno == ENOENT ? 127 : 126;
}
