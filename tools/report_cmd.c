/* SPDX-License-Identifier: MIT */
/* `tether report`: reads per-process JSON reports (docs/json-format.md) and
 * prints them combined as text, JSON or SARIF 2.1.0, optionally compared
 * with a baseline of accepted findings. Exit status: 0 clean, 1 findings
 * (a report that failed its gate, or with --baseline a finding not in it),
 * 2 bad input. Reads files only; runs nothing.
 *
 * A finding is a loss record of a kind that counts as an error
 * (--errors-for-leak-kinds, definite,possible by default) or a lifetime
 * error. Its fingerprint is its kind, its owner and the function names of
 * its stack from frame 1 (frame 0 is tether's malloc or free) down to main:
 * no addresses and no line numbers, so it still matches after unrelated
 * edits move code. The first file:line is kept beside it for people. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tether.h"
#include "tether_cli.h"
#include "tt_options.h"

#define TT_BASELINE_TOOL "tether-baseline"
#define TT_BASELINE_VERSION 1

enum format { FORMAT_TEXT, FORMAT_JSON, FORMAT_SARIF };

struct finding {
  const char *file; /* the report it came from */
  const json_t *report;
  const json_t *item; /* the loss record or error */
  bool is_error;
  const char *kind;
  const char *owner; /* NULL: none */
  json_t *functions; /* array of function names (the fingerprint's stack) */
  char *where;       /* first "file:line" below frame 0, or NULL */
  char *key;         /* the fingerprint as one string, for matching */
  bool accepted;
};

struct baseline_entry {
  json_t *obj;
  char *key;
  bool seen;
};

struct ctx {
  enum format format;
  unsigned error_kinds, show_kinds;
  const char *baseline_path, *write_path;
  char **files;
  json_t **reports;
  size_t nreports;
  struct finding *findings;
  size_t nfindings;
  struct baseline_entry *base;
  size_t nbase;
  long self; /* the prefix of the combined lines */
};

static void report_usage(FILE *f) {
  fprintf(f, "usage: tether report [options] FILE.json...\n"
             "\n"
             "Reads the JSON reports tether writes (--json=PATH, one per process) and prints\n"
             "them combined. Exit status: 0 when clean, 1 when a report failed its gate (or,\n"
             "with --baseline, when a finding is not in the baseline), 2 on bad input.\n"
             "\n"
             "  --format=text|json|sarif            what to print on stdout [text]\n"
             "  --baseline=BASE.json                fail only on findings not in BASE\n"
             "  --write-baseline=BASE.json          accept today's findings: write them to BASE\n"
             "  --errors-for-leak-kinds=KINDS       which leak kinds are findings "
             "[definite,possible]\n"
             "  --show-leak-kinds=KINDS             which loss records the text shows in full\n"
             "                                      without --baseline [definite,possible]\n"
             "  --help, -h                          this text\n");
}

/* ======================================================================== */
/* findings and fingerprints                                                */
/* ======================================================================== */

static unsigned kind_bit(const char *kind) {
  if (strcmp(kind, "definitely_lost") == 0)
    return TT_KIND_DEFINITE;
  if (strcmp(kind, "indirectly_lost") == 0)
    return TT_KIND_INDIRECT;
  if (strcmp(kind, "possibly_lost") == 0)
    return TT_KIND_POSSIBLE;
  if (strcmp(kind, "still_reachable") == 0)
    return TT_KIND_REACHABLE;
  return 0;
}

static const char *str(const json_t *obj, const char *key) {
  return json_string_value(json_object_get(obj, key));
}

static long long num(const json_t *obj, const char *key) {
  return json_integer_value(json_object_get(obj, key));
}

/* The fingerprint as one string: fields joined by newlines (names never
 * hold one). */
static char *fingerprint_key(const char *kind, const char *owner, const json_t *functions) {
  char *text = NULL;
  size_t len = 0;
  FILE *m = open_memstream(&text, &len);
  if (!m)
    abort();
  fprintf(m, "%s\n%s%s", kind, owner ? "owner " : "no owner", owner ? owner : "");
  size_t i;
  const json_t *fn;
  json_array_foreach(functions, i, fn)
    fprintf(m, "\n%s", json_string_value(fn));
  fclose(m);
  return text;
}

static bool under_system_dir(const char *obj) {
  static const char *dirs[] = {"/lib/", "/usr/lib/", "/lib64/", "/usr/lib64/"};
  for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
    if (strncmp(obj, dirs[i], strlen(dirs[i])) == 0)
      return true;
  return false;
}

static bool is_tether_object(const char *obj) {
  const char *base = strrchr(obj, '/');
  return strncmp(base ? base + 1 : obj, "libtether", 9) == 0;
}

/* The frame's source as a URI: its path relative to the current directory
 * when the path is absolute and under it, else the file's base name. */
static json_t *frame_uri(const json_t *frame, const char *cwd) {
  const char *path = str(frame, "path"), *file = str(frame, "file");
  size_t n = cwd ? strlen(cwd) : 0;
  if (path && path[0] == '/' && n && strncmp(path, cwd, n) == 0 &&
      (path[n] == '/' || (n == 1 && cwd[0] == '/')))
    return json_string(path + (n == 1 ? 1 : n + 1));
  return json_string(file ? file : path);
}

static json_t *physical_location(const json_t *frame, const char *cwd) {
  return json_pack("{s:{s:o}, s:{s:I}}", "artifactLocation", "uri", frame_uri(frame, cwd), "region",
                   "startLine", (json_int_t)num(frame, "line"));
}

static bool has_source(const json_t *frame) {
  return (str(frame, "file") || str(frame, "path")) &&
         json_is_integer(json_object_get(frame, "line")) && num(frame, "line") > 0;
}

/* The first frame of the program's own code: not tether's, not a system
 * library's, and with a file and line. */
static const json_t *result_frame(const json_t *stack) {
  size_t i;
  const json_t *frame;
  json_array_foreach(stack, i, frame) {
    const char *obj = str(frame, "object");
    if (has_source(frame) && !(obj && (is_tether_object(obj) || under_system_dir(obj))))
      return frame;
  }
  json_array_foreach(stack, i, frame) {
    const char *obj = str(frame, "object");
    if (has_source(frame) && !(obj && is_tether_object(obj)))
      return frame;
  }
  return NULL;
}

static void add_finding(struct ctx *c, const char *file, const json_t *report, const json_t *item,
                        bool is_error) {
  struct finding *f = &c->findings[c->nfindings++];
  memset(f, 0, sizeof *f);
  f->file = file;
  f->report = report;
  f->item = item;
  f->is_error = is_error;
  f->kind = str(item, "kind");
  f->owner = str(item, "owner");
  f->functions = json_array();
  const json_t *stack = json_object_get(item, "stack");
  size_t i;
  const json_t *frame;
  json_array_foreach(stack, i, frame) {
    if (i == 0) /* tether's own entry point */
      continue;
    const char *fn = str(frame, "function");
    json_array_append_new(f->functions, json_string(fn ? fn : "???"));
    if (fn && strcmp(fn, "main") == 0)
      break;
  }
  const json_t *at = result_frame(stack);
  if (at && asprintf(&f->where, "%s:%lld", str(at, "file") ? str(at, "file") : str(at, "path"),
                     num(at, "line")) < 0)
    f->where = NULL;
  f->key = fingerprint_key(f->kind, f->owner, f->functions);
}

static void collect_findings(struct ctx *c) {
  size_t cap = 0;
  for (size_t r = 0; r < c->nreports; r++)
    cap += json_array_size(json_object_get(c->reports[r], "loss_records")) +
           json_array_size(json_object_get(c->reports[r], "errors"));
  c->findings = calloc(cap ? cap : 1, sizeof *c->findings);
  if (!c->findings)
    abort();
  for (size_t r = 0; r < c->nreports; r++) {
    size_t i;
    const json_t *v;
    json_array_foreach(json_object_get(c->reports[r], "errors"), i, v)
      add_finding(c, c->files[r], c->reports[r], v, true);
    json_array_foreach(json_object_get(c->reports[r], "loss_records"), i, v) {
      if (kind_bit(str(v, "kind")) & c->error_kinds)
        add_finding(c, c->files[r], c->reports[r], v, false);
    }
  }
}

/* A finding as the baseline stores it. */
static json_t *finding_json(const struct finding *f) {
  return json_pack("{s:s, s:s?, s:O, s:s?}", "kind", f->kind, "owner", f->owner, "functions",
                   f->functions, "where", f->where);
}

/* ======================================================================== */
/* the baseline                                                             */
/* ======================================================================== */

static bool bad_baseline(const char *path, const char *why) {
  fprintf(stderr, "tether report: %s: %s\n", path, why);
  return false;
}

static bool load_baseline(struct ctx *c) {
  const char *path = c->baseline_path;
  FILE *fp = fopen(path, "r");
  if (!fp) {
    char why[300];
    snprintf(why, sizeof why, "cannot read it: %s", strerror(errno));
    return bad_baseline(path, why);
  }
  json_error_t je;
  json_t *b = json_loadf(fp, 0, &je);
  fclose(fp);
  if (!b) {
    char why[300];
    snprintf(why, sizeof why, "not JSON: %s (line %d)", je.text, je.line);
    return bad_baseline(path, why);
  }
  const char *tool = str(b, "tool");
  if (!tool || strcmp(tool, TT_BASELINE_TOOL) != 0) {
    char why[300];
    snprintf(why, sizeof why,
             "not a tether baseline (tool is '%s'; write one with "
             "--write-baseline)",
             tool ? tool : "missing");
    json_decref(b);
    return bad_baseline(path, why);
  }
  if (num(b, "version") != TT_BASELINE_VERSION) {
    char why[300];
    snprintf(why, sizeof why, "baseline version %lld, but this tether reads version %d",
             num(b, "version"), TT_BASELINE_VERSION);
    json_decref(b);
    return bad_baseline(path, why);
  }
  json_t *list = json_object_get(b, "findings");
  if (!json_is_array(list)) {
    json_decref(b);
    return bad_baseline(path, "bad baseline: 'findings' is not an array");
  }
  c->base = calloc(json_array_size(list) + 1, sizeof *c->base);
  if (!c->base)
    abort();
  size_t i;
  json_t *e;
  json_array_foreach(list, i, e) {
    const json_t *owner = json_object_get(e, "owner"), *fns = json_object_get(e, "functions");
    bool ok = str(e, "kind") && (!owner || json_is_null(owner) || json_is_string(owner)) &&
              json_is_array(fns);
    size_t k;
    const json_t *fn;
    json_array_foreach(fns, k, fn)
      ok = ok && json_is_string(fn);
    if (!ok) {
      char why[300];
      snprintf(why, sizeof why,
               "bad baseline: findings[%zu] needs \"kind\" (a string), "
               "\"owner\" (a string or null) and \"functions\" (an array of strings)",
               i);
      json_decref(b);
      return bad_baseline(path, why);
    }
    c->base[c->nbase].obj = json_incref(e);
    c->base[c->nbase].key = fingerprint_key(str(e, "kind"), json_string_value(owner), fns);
    c->nbase++;
  }
  json_decref(b);
  return true;
}

static int cmp_key(const void *a, const void *b) {
  return strcmp(((const struct baseline_entry *)a)->key, ((const struct baseline_entry *)b)->key);
}

/* Marks the findings the baseline accepts, and the baseline entries seen. */
static void match_baseline(struct ctx *c) {
  qsort(c->base, c->nbase, sizeof *c->base, cmp_key);
  for (size_t i = 0; i < c->nfindings; i++) {
    struct baseline_entry probe = {.key = c->findings[i].key};
    struct baseline_entry *hit = bsearch(&probe, c->base, c->nbase, sizeof *c->base, cmp_key);
    if (!hit)
      continue;
    c->findings[i].accepted = true;
    /* equal keys sit side by side: mark them all */
    for (struct baseline_entry *e = hit; e >= c->base && strcmp(e->key, probe.key) == 0; e--)
      e->seen = true;
    for (struct baseline_entry *e = hit; e < c->base + c->nbase && strcmp(e->key, probe.key) == 0;
         e++)
      e->seen = true;
  }
}

static int write_baseline(struct ctx *c) {
  /* one entry per fingerprint, sorted, so the file diffs well */
  struct baseline_entry *all = calloc(c->nfindings + 1, sizeof *all);
  if (!all)
    abort();
  for (size_t i = 0; i < c->nfindings; i++)
    all[i] =
        (struct baseline_entry){.obj = finding_json(&c->findings[i]), .key = c->findings[i].key};
  qsort(all, c->nfindings, sizeof *all, cmp_key);
  json_t *list = json_array();
  for (size_t i = 0; i < c->nfindings; i++) {
    if (i == 0 || strcmp(all[i].key, all[i - 1].key) != 0)
      json_array_append(list, all[i].obj);
    json_decref(all[i].obj);
  }
  free(all);
  size_t n = json_array_size(list);
  /* One finding a line, so that a change to the baseline reads as a diff
   * of whole findings. */
  FILE *f = fopen(c->write_path, "w");
  int rc = f ? 0 : -1;
  if (f) {
    fprintf(f, "{\n  \"tool\": \"%s\",\n  \"version\": %d,\n  \"findings\": [", TT_BASELINE_TOOL,
            TT_BASELINE_VERSION);
    for (size_t i = 0; i < n; i++) {
      fprintf(f, "%s\n    ", i ? "," : "");
      if (json_dumpf(json_array_get(list, i), f, 0) != 0)
        rc = -1;
    }
    fprintf(f, "%s]\n}\n", n ? "\n  " : "");
    if (fclose(f) != 0)
      rc = -1;
  }
  json_decref(list);
  if (rc != 0) {
    fprintf(stderr, "tether report: cannot write '%s': %s\n", c->write_path, strerror(errno));
    return 2;
  }
  fprintf(stderr, "tether report: %zu accepted finding%s written to %s\n", n, n == 1 ? "" : "s",
          c->write_path);
  return 0;
}

/* "definitely lost in make_list < main (leak.c:21)" */
static void describe_fingerprint(FILE *out, const char *kind, const char *owner,
                                 const json_t *functions, const char *where) {
  for (const char *k = kind; *k; k++)
    fputc(*k == '_' ? ' ' : *k, out);
  if (owner)
    fprintf(out, " of owner \"%s\"", owner);
  fputs(" in ", out);
  size_t i;
  const json_t *fn;
  json_array_foreach(functions, i, fn)
    fprintf(out, "%s%s", i ? " < " : "", json_string_value(fn));
  if (json_array_size(functions) == 0)
    fputs("(no stack)", out);
  if (where)
    fprintf(out, " (%s)", where);
}

/* ======================================================================== */
/* text                                                                     */
/* ======================================================================== */

static void print_frame(FILE *out, long pid, const char *indent, size_t i, const json_t *frame) {
  const char *pc = str(frame, "pc"), *fn = str(frame, "function"), *file = str(frame, "file"),
             *obj = str(frame, "object");
  fprintf(out, "==%ld==%s%s 0x", pid, indent, i ? "by" : "at");
  if (pc && (pc[0] == '0' && (pc[1] == 'x' || pc[1] == 'X')))
    pc += 2;
  for (const char *p = pc ? pc : "???"; *p; p++)
    fputc(*p >= 'a' && *p <= 'f' ? *p - 'a' + 'A' : *p, out);
  fprintf(out, ": %s", fn ? fn : "???");
  if (file && json_is_integer(json_object_get(frame, "line")))
    fprintf(out, " (%s:%lld)\n", file, num(frame, "line"));
  else if (obj)
    fprintf(out, " (in %s)\n", obj);
  else
    fputc('\n', out);
}

static void print_stack(FILE *out, long pid, const json_t *stack) {
  size_t i;
  const json_t *frame;
  json_array_foreach(stack, i, frame)
    print_frame(out, pid, "    ", i, frame);
}

static const char *kind_words(const char *kind) {
  static const struct {
    const char *kind, *words;
  } map[] = {{"definitely_lost", "definitely lost"},
             {"indirectly_lost", "indirectly lost"},
             {"possibly_lost", "possibly lost"},
             {"still_reachable", "still reachable"}};
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (strcmp(kind, map[i].kind) == 0)
      return map[i].words;
  return kind;
}

/* "96 (32 direct, 64 indirect) bytes in 1 blocks are definitely lost in
 * loss record 4 of 4", as the text report has it. */
static void loss_headline(FILE *out, const json_t *rec) {
  char a[32], b[32], t[32], n[32];
  long long bytes = num(rec, "bytes"), ind = num(rec, "indirect_bytes");
  if (ind > 0)
    fprintf(out, "%s (%s direct, %s indirect)", tt_cli_num(t, sizeof t, bytes + ind),
            tt_cli_num(a, sizeof a, bytes), tt_cli_num(b, sizeof b, ind));
  else
    fputs(tt_cli_num(t, sizeof t, bytes), out);
  fprintf(out, " bytes in %s blocks are %s in loss record %lld of %lld",
          tt_cli_num(n, sizeof n, num(rec, "blocks")), kind_words(str(rec, "kind")),
          num(rec, "record"), num(rec, "records"));
}

static void print_loss_record(FILE *out, long pid, const json_t *report, const json_t *rec) {
  fprintf(out, "==%ld== ", pid);
  loss_headline(out, rec);
  fputc('\n', out);
  print_stack(out, pid, json_object_get(rec, "stack"));
  const char *owner = str(rec, "owner");
  const json_t *transfer = json_object_get(rec, "transfer_stack");
  if (owner || json_array_size(json_object_get(report, "owners")) > 0) {
    if (owner)
      fprintf(out, "==%ld==  Owner: \"%s\"%s\n", pid, owner,
              json_is_array(transfer) ? ", since a transfer at" : "");
    else
      fprintf(out, "==%ld==  Owner: none\n", pid);
    if (owner && json_is_array(transfer))
      print_stack(out, pid, transfer);
  }
  fprintf(out, "==%ld== \n", pid);
}

static const char *error_headline(const char *kind) {
  static const struct {
    const char *kind, *line;
  } map[] = {{"invalid_free", "Invalid free() / delete / delete[] / realloc()"},
             {"double_free", "Invalid free() / delete / delete[] / realloc()"},
             {"mismatched_free", "Mismatched free() / delete / delete []"},
             {"write_after_free", "Write after free() / delete / delete[]"},
             {"dangling_pointer", "Dangling pointer to free'd block"},
             {"refcount_high", "Refcount too high"},
             {"refcount_low", "Refcount too low"}};
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (strcmp(kind, map[i].kind) == 0)
      return map[i].line;
  return kind;
}

static void print_error(FILE *out, long pid, const json_t *e) {
  const char *kind = str(e, "kind"), *what = str(e, "what"), *addr = str(e, "address");
  const json_t *free_stack = json_object_get(e, "free_stack"),
               *alloc_stack = json_object_get(e, "alloc_stack");
  char size[32];
  tt_cli_num(size, sizeof size, num(e, "size"));
  long long offset = num(e, "offset");
  if (!addr)
    addr = "?";
  fprintf(out, "==%ld== %s\n", pid, what ? what : error_headline(kind));
  bool refcount = strncmp(kind, "refcount_", 9) == 0;
  if (refcount) {
    long long refs = num(e, "references");
    fprintf(out,
            "==%ld==  Block %s of size %s has a count of %lld, but %lld reference%s to it "
            "%s found\n",
            pid, addr, size, num(e, "count_value"), refs, refs == 1 ? "" : "s",
            refs == 1 ? "was" : "were");
  } else if (strcmp(kind, "write_after_free") == 0) {
    fprintf(out, "==%ld==  Block %s of size %s free'd was modified after the free\n", pid, addr,
            size);
    print_stack(out, pid, json_object_get(e, "stack"));
  } else if (strcmp(kind, "dangling_pointer") == 0) {
    fprintf(out, "==%ld==  A pointer holds %s, %lld bytes inside a block of size %s free'd\n", pid,
            addr, offset, size);
    print_stack(out, pid, json_object_get(e, "stack"));
  } else {
    print_stack(out, pid, json_object_get(e, "stack"));
    if (json_is_array(free_stack)) {
      fprintf(out, "==%ld==  Address %s is %lld bytes inside a block of size %s free'd\n", pid,
              addr, offset, size);
      print_stack(out, pid, free_stack);
    } else if (json_is_array(alloc_stack)) {
      fprintf(out, "==%ld==  Address %s is %lld bytes inside a block of size %s alloc'd\n", pid,
              addr, offset, size);
      print_stack(out, pid, alloc_stack);
      alloc_stack = NULL; /* shown */
    } else {
      fprintf(out, "==%ld==  Address %s is not the start of a block tether handed out\n", pid,
              addr);
    }
  }
  if (json_is_array(alloc_stack)) {
    fprintf(out, "==%ld==  Block was alloc'd at\n", pid);
    print_stack(out, pid, alloc_stack);
  }
  if (num(e, "count") > 1)
    fprintf(out, "==%ld==  (%lld times)\n", pid, num(e, "count"));
  fprintf(out, "==%ld== \n", pid);
}

static void print_header(FILE *out, const char *file, const json_t *r) {
  long pid = (long)num(r, "pid");
  char *cmd = tt_cli_command_text(json_object_get(r, "command"), 0);
  fprintf(out, "==%ld== Command: %s\n", pid, cmd);
  const json_t *sig = json_object_get(r, "signal");
  if (json_is_integer(sig)) {
    char name[32];
    tt_cli_wait_status_text((int)(json_integer_value(sig) & 0x7f), name, sizeof name);
    fprintf(out, "==%ld== Process %ld (parent %lld) was ended by signal %lld (%s); report %s\n", pid,
            pid, num(r, "ppid"), (long long)json_integer_value(sig), name, file);
  } else {
    fprintf(out, "==%ld== Process %ld (parent %lld) exited with status %lld; report %s\n", pid, pid,
            num(r, "ppid"), num(r, "exit_status"), file);
  }
  fprintf(out, "==%ld== \n", pid);
  free(cmd);
}

static void print_summaries(FILE *out, const json_t *r) {
  long pid = (long)num(r, "pid");
  const json_t *ls = json_object_get(r, "leak_summary"), *es = json_object_get(r, "error_summary");
  static const char *cats[][2] = {{"definitely_lost", "definitely lost"},
                                  {"indirectly_lost", "indirectly lost"},
                                  {"possibly_lost", "  possibly lost"},
                                  {"still_reachable", "still reachable"},
                                  {"suppressed", "     suppressed"}};
  fprintf(out, "==%ld== LEAK SUMMARY:\n", pid);
  for (size_t i = 0; i < 5; i++) {
    char b[32], n[32];
    const json_t *cat = json_object_get(ls, cats[i][0]);
    fprintf(out, "==%ld==    %s: %s bytes in %s blocks\n", pid, cats[i][1],
            tt_cli_num(b, sizeof b, num(cat, "bytes")),
            tt_cli_num(n, sizeof n, num(cat, "blocks")));
  }
  char e[32], x[32], s[32], u[32];
  fprintf(
      out, "==%ld== \n==%ld== ERROR SUMMARY: %s errors from %s contexts (suppressed: %s from %s)\n",
      pid, pid, tt_cli_num(e, sizeof e, num(es, "errors")),
      tt_cli_num(x, sizeof x, num(es, "contexts")), tt_cli_num(s, sizeof s, num(es, "suppressed")),
      tt_cli_num(u, sizeof u, num(es, "suppressed_contexts")));
  fprintf(out, "==%ld== \n", pid);
}

static void print_finding(FILE *out, const struct finding *f) {
  long pid = (long)num(f->report, "pid");
  if (f->is_error)
    print_error(out, pid, f->item);
  else
    print_loss_record(out, pid, f->report, f->item);
}

static void print_combined(FILE *out, struct ctx *c) {
  struct tt_cli_row *rows = calloc(c->nreports + 1, sizeof *rows);
  if (!rows)
    abort();
  for (size_t r = 0; r < c->nreports; r++)
    tt_cli_row_from_report(&rows[r], c->reports[r]);
  tt_cli_print_summary(out, c->self, rows, c->nreports);
  for (size_t r = 0; r < c->nreports; r++)
    free(rows[r].command);
  free(rows);
}

static void output_text(FILE *out, struct ctx *c) {
  bool with_base = c->baseline_path != NULL;
  for (size_t r = 0; r < c->nreports; r++) {
    const json_t *rep = c->reports[r];
    long pid = (long)num(rep, "pid");
    print_header(out, c->files[r], rep);
    if (with_base) {
      size_t accepted = 0;
      for (size_t i = 0; i < c->nfindings; i++) {
        const struct finding *f = &c->findings[i];
        if (f->report != rep)
          continue;
        if (f->accepted)
          accepted++;
        else
          print_finding(out, f);
      }
      if (accepted)
        fprintf(out, "==%ld== %zu finding%s accepted by the baseline (not shown)\n==%ld== \n", pid,
                accepted, accepted == 1 ? "" : "s", pid);
      continue;
    }
    size_t i;
    const json_t *v;
    json_array_foreach(json_object_get(rep, "errors"), i, v)
      print_error(out, pid, v);
    json_array_foreach(json_object_get(rep, "loss_records"), i, v) {
      if (kind_bit(str(v, "kind")) & c->show_kinds)
        print_loss_record(out, pid, rep, v);
    }
    print_summaries(out, rep);
  }
  if (with_base) {
    size_t fresh = 0, accepted = 0, gone = 0;
    for (size_t i = 0; i < c->nfindings; i++)
      c->findings[i].accepted ? accepted++ : fresh++;
    for (size_t i = 0; i < c->nbase; i++) {
      const json_t *e = c->base[i].obj;
      if (c->base[i].seen)
        continue;
      gone++;
      fprintf(out, "==%ld== no longer found: ", c->self);
      describe_fingerprint(out, str(e, "kind"), str(e, "owner"), json_object_get(e, "functions"),
                           str(e, "where"));
      fputc('\n', out);
    }
    print_combined(out, c);
    fprintf(out, "==%ld== baseline %s: %zu new finding%s, %zu accepted, %zu no longer found\n",
            c->self, c->baseline_path, fresh, fresh == 1 ? "" : "s", accepted, gone);
  } else {
    print_combined(out, c);
  }
}

/* ======================================================================== */
/* JSON                                                                     */
/* ======================================================================== */

static void output_json(FILE *out, struct ctx *c) {
  json_t *reports = json_array(), *fresh = json_array(), *gone = json_array();
  for (size_t r = 0; r < c->nreports; r++)
    json_array_append(reports, c->reports[r]);
  size_t accepted = 0;
  for (size_t i = 0; i < c->nfindings; i++) {
    const struct finding *f = &c->findings[i];
    if (f->accepted) {
      accepted++;
      continue;
    }
    json_t *o = finding_json(f);
    json_object_set_new(o, "file", json_string(f->file));
    json_object_set(o, "pid", json_object_get(f->report, "pid"));
    json_object_set(o, "finding", (json_t *)f->item);
    json_array_append_new(fresh, o);
  }
  for (size_t i = 0; i < c->nbase; i++)
    if (!c->base[i].seen)
      json_array_append(gone, c->base[i].obj);
  json_t *doc = json_pack("{s:o, s:o, s:I, s:o}", "reports", reports, "new", fresh, "accepted",
                          (json_int_t)accepted, "gone", gone);
  json_dumpf(doc, out, JSON_INDENT(2));
  fputc('\n', out);
  json_decref(doc);
}

/* ======================================================================== */
/* SARIF 2.1.0                                                              */
/* ======================================================================== */

static const struct {
  const char *kind, *name, *text;
} rules[] = {
    {"definitely_lost", "DefinitelyLost", "Memory definitely lost: nothing points to the block"},
    {"indirectly_lost", "IndirectlyLost", "Memory indirectly lost: only lost blocks point to it"},
    {"possibly_lost", "PossiblyLost", "Memory possibly lost: only pointers into its middle"},
    {"still_reachable", "StillReachable", "Memory still reachable at exit"},
    {"invalid_free", "InvalidFree", "Release of an address that is not a live block's start"},
    {"double_free", "DoubleFree", "Block released twice"},
    {"mismatched_free", "MismatchedFree",
     "Block released by the wrong family (free, delete, "
     "delete[])"},
    {"write_after_free", "WriteAfterFree", "Block modified after it was freed"},
    {"dangling_pointer", "DanglingPointer", "Pointer to a freed block kept in live memory"},
    {"refcount_high", "RefcountTooHigh", "Reference count higher than the references found"},
    {"refcount_low", "RefcountTooLow", "Reference count lower than the references found"},
};
#define TT_NRULES (sizeof rules / sizeof rules[0])

static const char *level_of(const struct finding *f) {
  return f->is_error || strcmp(f->kind, "definitely_lost") == 0 ? "error" : "warning";
}

static json_t *sarif_stack(const json_t *stack, const char *cwd, const char *what) {
  json_t *frames = json_array();
  size_t i;
  const json_t *frame;
  json_array_foreach(stack, i, frame) {
    const char *fn = str(frame, "function"), *obj = str(frame, "object");
    json_t *loc = json_pack("{s:{s:s}}", "message", "text", fn ? fn : "???");
    if (has_source(frame))
      json_object_set_new(loc, "physicalLocation", physical_location(frame, cwd));
    json_t *f = json_pack("{s:o}", "location", loc);
    if (obj)
      json_object_set_new(f, "module", json_string(obj));
    json_array_append_new(frames, f);
  }
  return json_pack("{s:{s:s}, s:o}", "message", "text", what, "frames", frames);
}

/* FNV-1a of the fingerprint, for code-scanning services to track a result. */
static void fingerprint_hash(const char *key, char *out, size_t size) {
  unsigned long long h = 14695981039346656037ull;
  for (const unsigned char *p = (const unsigned char *)key; *p; p++)
    h = (h ^ *p) * 1099511628211ull;
  snprintf(out, size, "%016llx", h);
}

static json_t *sarif_message(const struct finding *f) {
  char *text = NULL;
  size_t len = 0;
  FILE *m = open_memstream(&text, &len);
  if (!m)
    abort();
  if (f->is_error) {
    const char *what = str(f->item, "what");
    fputs(what ? what : error_headline(f->kind), m);
    /* the two share Valgrind's headline */
    if (strcmp(f->kind, "double_free") == 0 || strcmp(f->kind, "invalid_free") == 0)
      fprintf(m, " (%s)", strcmp(f->kind, "double_free") == 0 ? "double free" : "invalid free");
  } else {
    loss_headline(m, f->item);
  }
  char *cmd = tt_cli_command_text(json_object_get(f->report, "command"), 120);
  fprintf(m, ", in process %lld (%s)", num(f->report, "pid"), cmd);
  free(cmd);
  if (f->owner)
    fprintf(m, ", owner \"%s\"", f->owner);
  if (json_array_size(f->functions)) {
    fputs(": ", m);
    size_t i;
    const json_t *fn;
    json_array_foreach(f->functions, i, fn)
      fprintf(m, "%s%s", i ? " < " : "", json_string_value(fn));
  }
  fclose(m);
  json_t *msg = json_pack("{s:s}", "text", text);
  free(text);
  return msg;
}

static void output_sarif(FILE *out, struct ctx *c) {
  char cwd_buf[PATH_MAX];
  const char *cwd = getcwd(cwd_buf, sizeof cwd_buf);
  json_t *rule_list = json_array();
  for (size_t i = 0; i < TT_NRULES; i++)
    json_array_append_new(
        rule_list,
        json_pack("{s:s, s:s, s:{s:s}, s:{s:s}}", "id", rules[i].kind, "name", rules[i].name,
                  "shortDescription", "text", rules[i].text, "defaultConfiguration", "level",
                  strcmp(rules[i].kind, "definitely_lost") == 0 || i >= 4 ? "error" : "warning"));
  json_t *results = json_array();
  for (size_t i = 0; i < c->nfindings; i++) {
    const struct finding *f = &c->findings[i];
    json_t *res = json_pack("{s:s, s:s, s:o}", "ruleId", f->kind, "level", level_of(f), "message",
                            sarif_message(f));
    size_t idx = 0;
    while (idx < json_array_size(rule_list) &&
           strcmp(str(json_array_get(rule_list, idx), "id"), f->kind) != 0)
      idx++;
    if (idx == json_array_size(rule_list)) /* a kind newer than this table */
      json_array_append_new(rule_list, json_pack("{s:s, s:{s:s}}", "id", f->kind,
                                                 "shortDescription", "text", f->kind));
    json_object_set_new(res, "ruleIndex", json_integer((json_int_t)idx));
    const json_t *stack = json_object_get(f->item, "stack");
    const json_t *at = result_frame(stack);
    if (at)
      json_object_set_new(res, "locations",
                          json_pack("[{s:o}]", "physicalLocation", physical_location(at, cwd)));
    char hash[32];
    fingerprint_hash(f->key, hash, sizeof hash);
    json_object_set_new(res, "partialFingerprints", json_pack("{s:s}", "tetherStack/v1", hash));
    if (c->baseline_path)
      json_object_set_new(res, "baselineState", json_string(f->accepted ? "unchanged" : "new"));
    json_t *stacks = json_array();
    json_array_append_new(
        stacks, sarif_stack(stack, cwd, f->is_error ? "where it happened" : "allocation stack"));
    const json_t *alloc = json_object_get(f->item, "alloc_stack");
    if (f->is_error && json_is_array(alloc) && !json_equal((json_t *)alloc, (json_t *)stack))
      json_array_append_new(stacks, sarif_stack(alloc, cwd, "allocation stack"));
    json_object_set_new(res, "stacks", stacks);
    json_array_append_new(results, res);
  }
  json_t *doc =
      json_pack("{s:s, s:s, s:[{s:{s:{s:s, s:s, s:o}}, s:o}]}", "version", "2.1.0", "$schema",
                "https://json.schemastore.org/sarif-2.1.0.json", "runs", "tool", "driver", "name",
                "tether", "version", TETHER_VERSION_STRING, "rules", rule_list, "results", results);
  json_dumpf(doc, out, JSON_INDENT(2));
  fputc('\n', out);
  json_decref(doc);
}

/* ======================================================================== */
/* main                                                                     */
/* ======================================================================== */

static bool parse_kinds_flag(const char *a, const char *flag, unsigned *out, bool *matched) {
  size_t n = strlen(flag);
  if (strncmp(a, flag, n) != 0)
    return true;
  *matched = true;
  if (tt_options_parse_kinds(a + n, strlen(a + n), out) == 0)
    return true;
  fprintf(stderr,
          "tether report: bad value '%s' for %.*s (expected definite,indirect,possible,"
          "reachable, all or none)\n",
          a + n, (int)(n - 3), flag + 2);
  return false;
}

int tt_cli_report_main(int argc, char **argv) {
  struct ctx c = {.format = FORMAT_TEXT,
                  .error_kinds = TT_KIND_DEFINITE | TT_KIND_POSSIBLE,
                  .show_kinds = TT_KIND_DEFINITE | TT_KIND_POSSIBLE,
                  .self = (long)getpid()};
  int i = 1;
  for (; i < argc; i++) {
    const char *a = argv[i];
    bool matched = false;
    if (strcmp(a, "--") == 0) {
      i++;
      break;
    }
    if (a[0] != '-' || strcmp(a, "-") == 0)
      break;
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      report_usage(stdout);
      return 0;
    }
    if (strncmp(a, "--format=", 9) == 0) {
      const char *v = a + 9;
      if (strcmp(v, "text") == 0)
        c.format = FORMAT_TEXT;
      else if (strcmp(v, "json") == 0)
        c.format = FORMAT_JSON;
      else if (strcmp(v, "sarif") == 0)
        c.format = FORMAT_SARIF;
      else {
        fprintf(stderr, "tether report: bad value '%s' for format (expected text, json or sarif)\n",
                v);
        return 2;
      }
      continue;
    }
    if (strncmp(a, "--baseline=", 11) == 0 && a[11]) {
      c.baseline_path = a + 11;
      continue;
    }
    if (strncmp(a, "--write-baseline=", 17) == 0 && a[17]) {
      c.write_path = a + 17;
      continue;
    }
    if (!parse_kinds_flag(a, "--errors-for-leak-kinds=", &c.error_kinds, &matched) ||
        !parse_kinds_flag(a, "--show-leak-kinds=", &c.show_kinds, &matched))
      return 2;
    if (matched)
      continue;
    fprintf(stderr, "tether report: unknown option '%s' (see tether report --help)\n", a);
    return 2;
  }
  if (i >= argc) {
    fprintf(stderr, "tether report: no report given\nusage: tether report [options] "
                    "FILE.json... (see tether report --help)\n");
    return 2;
  }
  c.files = argv + i;
  c.nreports = (size_t)(argc - i);
  c.reports = calloc(c.nreports, sizeof *c.reports);
  if (!c.reports)
    abort();
  int rc = 0;
  for (size_t r = 0; r < c.nreports && rc == 0; r++) {
    char err[512];
    c.reports[r] = tt_cli_load_report(c.files[r], err, sizeof err);
    if (!c.reports[r]) {
      fprintf(stderr, "tether report: %s: %s\n", c.files[r], err);
      rc = 2;
    }
  }
  if (rc == 0 && c.baseline_path && !load_baseline(&c))
    rc = 2;
  if (rc == 0) {
    collect_findings(&c);
    match_baseline(&c);
    if (c.write_path) {
      rc = write_baseline(&c);
    } else {
      if (c.format == FORMAT_TEXT)
        output_text(stdout, &c);
      else if (c.format == FORMAT_JSON)
        output_json(stdout, &c);
      else
        output_sarif(stdout, &c);
      if (c.baseline_path) {
        for (size_t k = 0; k < c.nfindings; k++)
          rc |= !c.findings[k].accepted;
      } else {
        for (size_t r = 0; r < c.nreports; r++)
          rc |= json_is_true(json_object_get(c.reports[r], "gate_failed"));
      }
    }
    if (fflush(stdout) != 0) {
      fprintf(stderr, "tether report: cannot write the report: %s\n", strerror(errno));
      rc = 2;
    }
  }
  for (size_t k = 0; k < c.nfindings; k++) {
    json_decref(c.findings[k].functions);
    free(c.findings[k].where);
    free(c.findings[k].key);
  }
  free(c.findings);
  for (size_t k = 0; k < c.nbase; k++) {
    json_decref(c.base[k].obj);
    free(c.base[k].key);
  }
  free(c.base);
  for (size_t r = 0; r < c.nreports; r++)
    json_decref(c.reports[r]);
  free(c.reports);
  return rc;
}
