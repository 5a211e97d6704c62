/* SPDX-License-Identifier: MIT */
/* Reading the per-process JSON reports (docs/json-format.md) and printing the
 * combined summary of a process tree. Shared by the supervisor and
 * `tether report`; jansson parses, this file only checks and formats. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "tether_cli.h"
#include "tt_fmt.h"

/* The format number this command reads (docs/json-format.md). */
#define TT_REPORT_FORMAT 1

/* ======================================================================== */
/* loading                                                                  */
/* ======================================================================== */

static const char *type_name(const json_t *v) {
  switch (json_typeof(v)) {
  case JSON_OBJECT: return "an object";
  case JSON_ARRAY: return "an array";
  case JSON_STRING: return "a string";
  case JSON_INTEGER: return "an integer";
  case JSON_REAL: return "a number";
  case JSON_TRUE:
  case JSON_FALSE: return "a boolean";
  case JSON_NULL: return "null";
  }
  return "?";
}

/* Checks that obj[key] exists and has the wanted type (JSON_TRUE: a
 * boolean); else says why. where names obj in the message ("" or "errors[2]."). */
static bool want(const json_t *obj, const char *where, const char *key, json_type type, char *err,
                 size_t errsize) {
  static const char *names[] = {
      [JSON_OBJECT] = "an object",   [JSON_ARRAY] = "an array", [JSON_STRING] = "a string",
      [JSON_INTEGER] = "an integer", [JSON_REAL] = "a number",  [JSON_TRUE] = "a boolean",
      [JSON_FALSE] = "a boolean",    [JSON_NULL] = "null"};
  const json_t *v = json_object_get(obj, key);
  if (v && (json_typeof(v) == type || (type == JSON_TRUE && json_typeof(v) == JSON_FALSE)))
    return true;
  if (v)
    snprintf(err, errsize, "bad report: '%s%s' is %s, expected %s", where, key, type_name(v),
             names[type]);
  else
    snprintf(err, errsize, "bad report: '%s%s' is missing (expected %s)", where, key, names[type]);
  return false;
}

/* obj[what] is {"bytes": N, "blocks": N}; prefix names obj in messages. */
static bool check_counts(const json_t *obj, const char *prefix, const char *what, char *err,
                         size_t errsize) {
  char where[96];
  snprintf(where, sizeof where, "%s%s.", prefix, what);
  const json_t *v = json_object_get(obj, what);
  return want(obj, prefix, what, JSON_OBJECT, err, errsize) &&
         want(v, where, "bytes", JSON_INTEGER, err, errsize) &&
         want(v, where, "blocks", JSON_INTEGER, err, errsize);
}

static bool check_report(const json_t *r, char *err, size_t errsize) {
  if (!json_is_object(r)) {
    snprintf(err, errsize, "not a tether report (the document is %s, not an object)", type_name(r));
    return false;
  }
  const char *tool = json_string_value(json_object_get(r, "tool"));
  if (!tool || strcmp(tool, "tether") != 0) {
    if (tool)
      snprintf(err, errsize, "not a tether report (tool is '%s')", tool);
    else
      snprintf(err, errsize, "not a tether report (no \"tool\": \"tether\")");
    return false;
  }
  const json_t *format = json_object_get(r, "format");
  if (!json_is_integer(format) || json_integer_value(format) != TT_REPORT_FORMAT) {
    if (json_is_integer(format))
      snprintf(err, errsize, "report format %lld, but this tether reads format %d",
               (long long)json_integer_value(format), TT_REPORT_FORMAT);
    else
      snprintf(err, errsize, "bad report: 'format' is %s, expected the integer %d",
               format ? type_name(format) : "missing", TT_REPORT_FORMAT);
    return false;
  }
  if (!want(r, "", "pid", JSON_INTEGER, err, errsize) ||
      !want(r, "", "command", JSON_ARRAY, err, errsize) ||
      !want(r, "", "exit_status", JSON_INTEGER, err, errsize) ||
      !want(r, "", "gate_failed", JSON_TRUE, err, errsize) ||
      !want(r, "", "leak_summary", JSON_OBJECT, err, errsize) ||
      !want(r, "", "loss_records", JSON_ARRAY, err, errsize) ||
      !want(r, "", "errors", JSON_ARRAY, err, errsize) ||
      !want(r, "", "error_summary", JSON_OBJECT, err, errsize))
    return false;
  const json_t *ls = json_object_get(r, "leak_summary");
  static const char *cats[] = {"definitely_lost", "indirectly_lost", "possibly_lost",
                               "still_reachable", "suppressed"};
  for (size_t i = 0; i < sizeof cats / sizeof cats[0]; i++)
    if (!check_counts(ls, "leak_summary.", cats[i], err, errsize))
      return false;
  if (!want(json_object_get(r, "error_summary"), "error_summary.", "errors", JSON_INTEGER, err,
            errsize))
    return false;
  size_t i;
  const json_t *v;
  json_array_foreach(json_object_get(r, "command"), i, v) {
    if (!json_is_string(v)) {
      snprintf(err, errsize, "bad report: 'command[%zu]' is %s, expected a string", i,
               type_name(v));
      return false;
    }
  }
  json_array_foreach(json_object_get(r, "loss_records"), i, v) {
    char where[64];
    snprintf(where, sizeof where, "loss_records[%zu].", i);
    if (!json_is_object(v)) {
      snprintf(err, errsize, "bad report: 'loss_records[%zu]' is %s, expected an object", i,
               type_name(v));
      return false;
    }
    if (!want(v, where, "kind", JSON_STRING, err, errsize) ||
        !want(v, where, "bytes", JSON_INTEGER, err, errsize) ||
        !want(v, where, "blocks", JSON_INTEGER, err, errsize) ||
        !want(v, where, "stack", JSON_ARRAY, err, errsize))
      return false;
  }
  json_array_foreach(json_object_get(r, "errors"), i, v) {
    char where[64];
    snprintf(where, sizeof where, "errors[%zu].", i);
    if (!json_is_object(v)) {
      snprintf(err, errsize, "bad report: 'errors[%zu]' is %s, expected an object", i,
               type_name(v));
      return false;
    }
    if (!want(v, where, "kind", JSON_STRING, err, errsize) ||
        !want(v, where, "stack", JSON_ARRAY, err, errsize))
      return false;
  }
  return true;
}

json_t *tt_cli_load_report(const char *path, char *err, size_t errsize) {
  FILE *f = fopen(path, "r");
  if (!f) {
    snprintf(err, errsize, "cannot read it: %s", strerror(errno));
    return NULL;
  }
  struct stat st;
  if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
    snprintf(err, errsize, "cannot read it: %s", strerror(EISDIR));
    fclose(f);
    return NULL;
  }
  json_error_t je;
  json_t *r = json_loadf(f, 0, &je);
  fclose(f);
  if (!r) {
    snprintf(err, errsize, "not JSON: %s (line %d)", je.text, je.line);
    return NULL;
  }
  if (!check_report(r, err, errsize)) {
    json_decref(r);
    return NULL;
  }
  return r;
}

/* ======================================================================== */
/* text helpers                                                             */
/* ======================================================================== */

const char *tt_cli_num(char *buf, size_t size, long long v) {
  tt_fmt(buf, size, "%'lld", v);
  return buf;
}

/* Whether a word needs quoting to read back as one shell word. */
static bool needs_quotes(const char *s) {
  if (!*s)
    return true;
  for (; *s; s++)
    if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./_-", *s))
      return true;
  return false;
}

char *tt_cli_command_text(const json_t *command, size_t max) {
  char *text = NULL;
  size_t len = 0;
  FILE *m = open_memstream(&text, &len);
  if (!m)
    return strdup("?");
  size_t i;
  const json_t *v;
  /* Trailing empty words are left out: a program that rewrites its title
   * in place (postgres, sendmail) pads the old argument area with NULs. */
  size_t words = json_array_size(command);
  while (words > 1) {
    const char *last = json_string_value(json_array_get(command, words - 1));
    if (!last || *last)
      break;
    words--;
  }
  json_array_foreach(command, i, v) {
    if (i >= words)
      break;
    const char *s = json_string_value(v);
    if (!s)
      s = "?";
    if (i)
      fputc(' ', m);
    if (!needs_quotes(s)) {
      fputs(s, m);
      continue;
    }
    fputc('\'', m);
    for (; *s; s++) {
      if (*s == '\'')
        fputs("'\\''", m);
      else if (*s == '\n')
        fputs("\\n", m); /* one table row stays one line */
      else
        fputc(*s, m);
    }
    fputc('\'', m);
  }
  fclose(m);
  if (max > 3 && len > max)
    strcpy(text + max - 3, "...");
  return text;
}

void tt_cli_wait_status_text(int status, char *buf, size_t size) {
  if (WIFEXITED(status)) {
    snprintf(buf, size, "%d", WEXITSTATUS(status));
  } else if (WIFSIGNALED(status)) {
    const char *name = sigabbrev_np(WTERMSIG(status));
    if (name)
      snprintf(buf, size, "SIG%s", name);
    else
      snprintf(buf, size, "signal %d", WTERMSIG(status));
  } else {
    snprintf(buf, size, "?");
  }
}

static long long counts_bytes(const json_t *summary, const char *cat) {
  return json_integer_value(json_object_get(json_object_get(summary, cat), "bytes"));
}

void tt_cli_row_from_report(struct tt_cli_row *row, const json_t *r) {
  memset(row, 0, sizeof *row);
  row->pid = (long)json_integer_value(json_object_get(r, "pid"));
  row->has_report = true;
  row->gate_failed = json_is_true(json_object_get(r, "gate_failed"));
  const json_t *sig = json_object_get(r, "signal");
  if (json_is_integer(sig)) /* ended by a fatal signal: as a wait status shows it */
    tt_cli_wait_status_text((int)(json_integer_value(sig) & 0x7f), row->status, sizeof row->status);
  else
    snprintf(row->status, sizeof row->status, "%lld",
             (long long)json_integer_value(json_object_get(r, "exit_status")));
  const json_t *ls = json_object_get(r, "leak_summary");
  row->lost = counts_bytes(ls, "definitely_lost") + counts_bytes(ls, "indirectly_lost");
  row->errors = json_integer_value(json_object_get(json_object_get(r, "error_summary"), "errors"));
  row->command = tt_cli_command_text(json_object_get(r, "command"), TT_SUMMARY_COMMAND_MAX);
}

/* ======================================================================== */
/* the combined summary                                                     */
/* ======================================================================== */

static int by_pid(const void *a, const void *b) {
  long x = ((const struct tt_cli_row *)a)->pid, y = ((const struct tt_cli_row *)b)->pid;
  return (x > y) - (x < y);
}

int tt_cli_print_summary(FILE *out, long p, struct tt_cli_row *rows, size_t n) {
  qsort(rows, n, sizeof *rows, by_pid);
  int failed = 0, missing = 0, running = 0;
  fprintf(out, "==%ld== \n==%ld== tether: %zu process%s checked\n", p, p, n, n == 1 ? "" : "es");
  fprintf(out, "==%ld== %9s %8s %14s %7s  %s\n", p, "pid", "status", "lost bytes", "errors",
          "command");
  for (size_t i = 0; i < n; i++) {
    const struct tt_cli_row *r = &rows[i];
    if (!r->has_report) {
      /* a process the supervisor left running (tt_cli_supervise) */
      bool left = strcmp(r->status, "running") == 0;
      missing += !left;
      running += left;
      fprintf(out, "==%ld== %9ld %8s %14s %7s  %s%s%s\n", p, r->pid, r->status, "-", "-",
              left ? "not waited for" : "no report", r->command ? ": " : "",
              r->command ? r->command : "");
      continue;
    }
    char lost[32], errors[32];
    failed += r->gate_failed;
    fprintf(out, "==%ld== %9ld %8s %14s %7s  %s\n", p, r->pid, r->status,
            tt_cli_num(lost, sizeof lost, r->lost), tt_cli_num(errors, sizeof errors, r->errors),
            r->command);
  }
  fprintf(out, "==%ld== %d of %zu process%s failed the gate", p, failed, n, n == 1 ? "" : "es");
  if (missing && running)
    fprintf(out, " (%d wrote no report; %d still running)", missing, running);
  else if (missing)
    fprintf(out, " (%d wrote no report)", missing);
  else if (running)
    fprintf(out, " (%d still running)", running);
  fprintf(out, "\n==%ld== \n", p);
  return failed;
}
