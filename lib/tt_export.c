/* SPDX-License-Identifier: MIT */
/* Machine-readable reports (see tt_export.h): JSON, SARIF 2.1.0 and
 * Valgrind's XML, written with tether's own formatter (no stdio, no malloc:
 * this runs at exit, after the C runtime's clean-up). Symbols come from the
 * symbolizer's cache, which the text report has filled already. */
#include "tt_export.h"

#include <errno.h>
#include <string.h>

#include "tether.h"
#include "tt_errors.h"
#include "tt_fatal.h"
#include "tt_fmt.h"
#include "tt_log.h"
#include "tt_os.h"
#include "tt_owners.h"
#include "tt_scan.h"
#include "tt_suppress.h"

/* One stack at a time (the writers run at exit, under the check's lock). */
static struct tt_supp_frame frames[TT_REPORT_MAX_FRAMES];

static const char *const leak_kind_ids[4] = {"still_reachable", "possibly_lost", "indirectly_lost",
                                             "definitely_lost"}; /* by enum tt_leak_state */

static const char *error_what(enum tt_error_kind k) {
  switch (k) {
  case TT_ERR_MISMATCHED_FREE:
    return "Mismatched free() / delete / delete []";
  case TT_ERR_WRITE_AFTER_FREE:
    return "Write after free() / delete / delete[]";
  case TT_ERR_DANGLING_POINTER:
    return "Dangling pointer to free'd block";
  case TT_ERR_REFCOUNT_HIGH:
    return "Refcount too high";
  case TT_ERR_REFCOUNT_LOW:
    return "Refcount too low";
  default:
    return "Invalid free() / delete / delete[] / realloc()";
  }
}

/* The stacks of an error (see docs/json-format.md's table). */
struct err_stacks {
  uint32_t stack, free_stack, alloc_stack;
  unsigned stack_how; /* entry kind of stack */
  bool stack_is_alloc;
};

static struct err_stacks stacks_of(const struct tt_error_info *e) {
  struct err_stacks s = {e->stack, e->free_stack, e->alloc_stack, e->how, false};
  switch (e->kind) {
  case TT_ERR_WRITE_AFTER_FREE:
  case TT_ERR_DANGLING_POINTER:
    s.stack = e->free_stack;
    s.stack_how = e->free_how;
    break;
  case TT_ERR_REFCOUNT_HIGH:
  case TT_ERR_REFCOUNT_LOW:
    s.stack = e->alloc_stack;
    s.stack_how = e->alloc_kind;
    s.stack_is_alloc = true;
    s.free_stack = 0;
    break;
  case TT_ERR_MISMATCHED_FREE:
    s.free_stack = 0;
    break;
  default:
    break;
  }
  return s;
}

/* ======================================================================== */
/* text                                                                      */
/* ======================================================================== */

/* The length of the well-formed UTF-8 sequence at p (1..4), or 0 when the
 * bytes there are not one (a command line, a file name may hold any bytes;
 * JSON and XML must be UTF-8). */
static size_t utf8_len(const unsigned char *p) {
  unsigned c = p[0];
  size_t n;
  unsigned min;
  if (c < 0x80)
    return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  unsigned cp = c & (0x7F >> n);
  for (size_t i = 1; i < n; i++) {
    if ((p[i] & 0xC0) != 0x80)
      return 0;
    cp = cp << 6 | (p[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n;
}

#define REPLACEMENT_CHAR "\xEF\xBF\xBD" /* U+FFFD, for bytes that are not UTF-8 */

/* ======================================================================== */
/* JSON                                                                      */
/* ======================================================================== */

static void jstr(struct tt_out *o, const char *s) {
  if (!s) {
    tt_out_write(o, "null", 4);
    return;
  }
  tt_out_write(o, "\"", 1);
  for (const unsigned char *p = (const unsigned char *)s; *p;) {
    char esc[8];
    size_t n = utf8_len(p);
    if (*p == '"' || *p == '\\') {
      esc[0] = '\\';
      esc[1] = (char)*p;
      tt_out_write(o, esc, 2);
    } else if (*p < 0x20) {
      size_t k = tt_fmt(esc, sizeof esc, "\\u%04x", (unsigned)*p);
      tt_out_write(o, esc, k);
    } else if (!n) {
      tt_out_write(o, REPLACEMENT_CHAR, 3);
      n = 1;
    } else {
      tt_out_write(o, (const char *)p, n);
    }
    p += n ? n : 1;
  }
  tt_out_write(o, "\"", 1);
}

static void jframes(struct tt_out *o, int n) {
  tt_out_printf(o, "[");
  for (int i = 0; i < n; i++) {
    const struct tt_supp_frame *f = &frames[i];
    tt_out_printf(o, "%s{\"pc\": \"0x%lx\", \"function\": ", i ? ", " : "", (unsigned long)f->pc);
    jstr(o, f->fun);
    tt_out_printf(o, ", \"file\": ");
    jstr(o, f->file);
    tt_out_printf(o, ", \"path\": ");
    jstr(o, f->path);
    if (f->file && f->line > 0)
      tt_out_printf(o, ", \"line\": %d", f->line);
    else
      tt_out_printf(o, ", \"line\": null");
    tt_out_printf(o, ", \"object\": ");
    jstr(o, f->obj);
    tt_out_printf(o, "}");
  }
  tt_out_printf(o, "]");
}

/* A stack whose frame 0 is an allocation function (kind) or, with
 * release, a release function; null when there is none. */
static void jstack(struct tt_out *o, uint32_t stack, unsigned kind, bool release) {
  int shown;
  if (!stack) {
    tt_out_printf(o, "null");
    return;
  }
  if (release)
    tt_report_release_frames(stack, kind, frames, TT_REPORT_MAX_FRAMES, &shown);
  else
    tt_report_alloc_frames(stack, kind, frames, TT_REPORT_MAX_FRAMES, &shown);
  jframes(o, shown);
}

#define jalloc_stack(o, stack, kind) jstack(o, stack, kind, false)
#define jrelease_stack(o, stack, how) jstack(o, stack, how, true)

static void jamount(struct tt_out *o, const char *key, uint64_t bytes, uint64_t blocks) {
  tt_out_printf(o, "\"%s\": {\"bytes\": %llu, \"blocks\": %llu}", key, (unsigned long long)bytes,
                (unsigned long long)blocks);
}

/* The four kinds (arrays by enum tt_leak_state) and the suppressed. */
static void jcategories(struct tt_out *o, const uint64_t *bytes, const uint64_t *blocks,
                        uint64_t supp_bytes, uint64_t supp_blocks) {
  static const unsigned states[4] = {TT_STATE_DEFINITE, TT_STATE_INDIRECT, TT_STATE_POSSIBLE,
                                     TT_STATE_REACHABLE};
  for (unsigned i = 0; i < 4; i++) {
    jamount(o, leak_kind_ids[states[i]], bytes[states[i]], blocks[states[i]]);
    tt_out_printf(o, ", ");
  }
  jamount(o, "suppressed", supp_bytes, supp_blocks);
}

static void json_error_cb(const struct tt_error_info *e, void *arg) {
  struct tt_out *o = ((void **)arg)[0];
  bool *first = ((void **)arg)[1];
  struct err_stacks s = stacks_of(e);
  tt_out_printf(o, "%s\n    {\"kind\": \"%s\", \"count\": %llu, \"what\": ", *first ? "" : ",",
                tt_error_kind_id(e->kind), (unsigned long long)e->count);
  *first = false;
  jstr(o, error_what(e->kind));
  tt_out_printf(o, ", \"address\": \"0x%lx\", \"size\": %zu, \"offset\": %zu, \"before\": %zu",
                (unsigned long)e->addr, e->size, e->offset, e->before);
  if (e->kind == TT_ERR_REFCOUNT_HIGH || e->kind == TT_ERR_REFCOUNT_LOW)
    tt_out_printf(o, ", \"count_value\": %llu, \"references\": %llu",
                  (unsigned long long)e->count_value, (unsigned long long)e->refs);
  tt_out_printf(o, ",\n     \"stack\": ");
  jstack(o, s.stack, s.stack_how, !s.stack_is_alloc);
  tt_out_printf(o, ",\n     \"free_stack\": ");
  jrelease_stack(o, s.free_stack, e->free_how);
  tt_out_printf(o, ",\n     \"alloc_stack\": ");
  jalloc_stack(o, s.alloc_stack, e->alloc_kind);
  tt_out_printf(o, "}");
}

static void json_command(struct tt_out *o) {
  char cmd[8192];
  size_t n = tt_os_cmdline(cmd, sizeof cmd);
  tt_out_printf(o, "[");
  bool first = true;
  for (size_t i = 0; i < n;) {
    size_t len = strnlen(cmd + i, n - i);
    char arg[4096];
    tt_fmt(arg, sizeof arg, "%.*s", (int)(len < sizeof arg ? len : sizeof arg - 1), cmd + i);
    tt_out_printf(o, "%s", first ? "" : ", ");
    jstr(o, arg);
    first = false;
    i += len + 1;
  }
  tt_out_printf(o, "]");
}

#define TT_JSON_CYCLE_MEMBERS 64 /* members of a cycle listed (the rest counted) */

/* summary: the run directory's copy, for the tether command's combined
 * summary: every key, but no records, errors, cycles or owners (a program
 * with millions of lost blocks must not write tens of megabytes at every
 * exit only for a summary line). */
static void json_write(struct tt_out *o, const struct tt_export *x, bool summary) {
  const struct tt_leak_totals *t = x->totals;
  tt_out_printf(o, "{\n  \"tool\": \"tether\", \"version\": \"%s\", \"format\": 1,\n",
                TETHER_VERSION_STRING);
  tt_out_printf(o, "  \"pid\": %d, \"ppid\": %d,\n  \"command\": ", tt_os_getpid(), tt_os_getppid());
  json_command(o);
  tt_out_printf(o, ",\n  \"exit_status\": %d, \"gate_failed\": %s,\n", x->exit_status,
                x->gate_failed ? "true" : "false");
  if (x->fatal)
    tt_out_printf(o, "  \"signal\": %d,\n", x->fatal->sig);
  if (summary)
    tt_out_printf(o, "  \"summary_only\": true,\n");
  tt_out_printf(o, "  \"heap\": {\"in_use_bytes\": %llu, \"in_use_blocks\": %llu, \"allocs\": %llu, "
                   "\"frees\": %llu, \"bytes_allocated\": %llu},\n",
                (unsigned long long)t->in_use_bytes, (unsigned long long)t->in_use_blocks,
                (unsigned long long)t->allocs, (unsigned long long)t->frees,
                (unsigned long long)t->bytes_allocated);
  tt_out_printf(o, "  \"leak_summary\": {");
  jcategories(o, t->bytes, t->blocks, t->suppressed_bytes, t->suppressed_blocks);
  tt_out_printf(o, "},\n  \"loss_records\": [");
  bool first = true;
  for (size_t i = 0; i < x->nrecs && !summary; i++) {
    const struct tt_loss_record *r = &x->recs[i];
    if (r->suppressed || r->state > TT_STATE_DEFINITE)
      continue;
    tt_out_printf(o, "%s\n    {\"kind\": \"%s\", \"bytes\": %llu, \"blocks\": %llu, "
                     "\"indirect_bytes\": %llu, \"record\": %zu, \"records\": %zu, \"owner\": ",
                  first ? "" : ",", leak_kind_ids[r->state], (unsigned long long)r->bytes,
                  (unsigned long long)r->blocks, (unsigned long long)r->indirect_bytes, i + 1,
                  x->nrecs);
    first = false;
    jstr(o, tt_owners_name(r->owner));
    tt_out_printf(o, ", \"transfer_stack\": ");
    if (r->xfer) {
      int shown;
      tt_report_transfer_frames(r->xfer, frames, TT_REPORT_MAX_FRAMES, &shown);
      jframes(o, shown);
    } else {
      tt_out_printf(o, "null");
    }
    tt_out_printf(o, ",\n     \"stack\": ");
    if (x->opts->show_leak_kinds & (1u << (3 - r->state))) {
      jalloc_stack(o, r->stack, r->kind);
    } else {
      /* a kind the text does not show (still reachable, by default): its
       * frames by name, without reading debug information for file:line
       * (a short process's JSON cost twice its run: sed 30 ms, 65) */
      int shown;
      tt_report_alloc_frames_brief(r->stack, r->kind, frames, TT_REPORT_MAX_FRAMES, &shown);
      jframes(o, shown);
    }
    tt_out_printf(o, "}");
  }
  tt_out_printf(o, "%s],\n  \"errors\": [", first ? "" : "\n  ");
  first = true;
  void *arg[2] = {o, &first};
  if (!summary)
    tt_errors_for_each(json_error_cb, arg);
  tt_out_printf(o, "%s],\n  \"cycles\": [", first ? "" : "\n  ");
  const struct tt_cycles *y = summary ? NULL : x->cycles;
  for (size_t ci = 0; y && ci < y->ncycles; ci++) {
    uint32_t a = y->first[ci], b = y->first[ci + 1];
    uint32_t listed = b - a < TT_JSON_CYCLE_MEMBERS ? b - a : TT_JSON_CYCLE_MEMBERS;
    tt_out_printf(o, "%s\n    {\"bytes\": %llu, \"blocks\": %u, \"hanging_blocks\": %llu, "
                     "\"hanging_bytes\": %llu, \"members_omitted\": %u, \"members\": [",
                  ci ? "," : "", (unsigned long long)y->bytes[ci], b - a,
                  (unsigned long long)y->hang_blocks[ci], (unsigned long long)y->hang_bytes[ci],
                  b - a - listed);
    for (uint32_t k = a; k < a + listed; k++) {
      const struct tt_block *m = &x->blocks[y->members[k]];
      tt_out_printf(o, "%s\n      {\"bytes\": %zu, \"owner\": ", k > a ? "," : "", tt_block_size(m));
      jstr(o, tt_owners_name(m->owner));
      tt_out_printf(o, ", \"offset\": %llu, \"next\": %u, \"stack\": ",
                    (unsigned long long)y->offset[k], y->next[k] - a);
      jalloc_stack(o, m->stack, tt_block_kind(m));
      tt_out_printf(o, "}");
    }
    tt_out_printf(o, "]}");
  }
  tt_out_printf(o, "%s],\n  \"owners\": [", y && y->ncycles ? "\n  " : "");
  size_t nowners = summary ? 0 : x->nowners;
  for (size_t i = 0; i < nowners; i++) {
    const struct tt_owner_row *w = &x->owners[i];
    tt_out_printf(o, "%s\n    {\"owner\": ", i ? "," : "");
    jstr(o, tt_owners_name(w->owner));
    tt_out_printf(o, ", ");
    jcategories(o, w->bytes, w->blocks, w->bytes[TT_STATE_SUPPRESSED],
                w->blocks[TT_STATE_SUPPRESSED]);
    tt_out_printf(o, "}");
  }
  tt_out_printf(o, "%s],\n  \"error_summary\": {\"errors\": %llu, \"contexts\": %llu, "
                   "\"suppressed\": %llu, \"suppressed_contexts\": %llu}\n}\n",
                nowners ? "\n  " : "", (unsigned long long)x->errors,
                (unsigned long long)x->contexts, (unsigned long long)x->suppressed,
                (unsigned long long)x->suppressed_contexts);
}

void tt_export_json(struct tt_out *o, const struct tt_export *x) { json_write(o, x, false); }

static void json_summary(struct tt_out *o, const struct tt_export *x) { json_write(o, x, true); }

/* ======================================================================== */
/* SARIF 2.1.0                                                               */
/* ======================================================================== */

static const struct {
  const char *id, *name, *level, *text;
} sarif_rules[] = {
    {"definitely_lost", "DefinitelyLost", "error", "Heap memory nothing points to any more"},
    {"indirectly_lost", "IndirectlyLost", "warning", "Heap memory only lost blocks point to"},
    {"possibly_lost", "PossiblyLost", "warning", "Heap memory reached only through interior pointers"},
    {"still_reachable", "StillReachable", "note", "Heap memory not freed at exit, still reachable"},
    {"invalid_free", "InvalidFree", "error", "free or delete of a pointer tether never handed out"},
    {"double_free", "DoubleFree", "error", "A block released twice"},
    {"mismatched_free", "MismatchedFree", "error", "A block released by the wrong family"},
    {"write_after_free", "WriteAfterFree", "error", "A freed block was written to"},
    {"dangling_pointer", "DanglingPointer", "warning", "Live memory holds a pointer to a freed block"},
    {"refcount_high", "RefcountTooHigh", "error", "A reference count exceeds the references found"},
    {"refcount_low", "RefcountTooLow", "error", "A reference count is below the references found"},
};

static bool system_object(const char *obj) {
  static const char *const dirs[] = {"/lib/", "/usr/lib/", "/lib64/", "/usr/lib64/"};
  if (!obj)
    return true;
  for (unsigned i = 0; i < TT_ARRAY_LEN(dirs); i++)
    if (strncmp(obj, dirs[i], strlen(dirs[i])) == 0)
      return true;
  return false;
}

/* The frame a dashboard shows the finding on: the first in the program's
 * own code (not tether, not a system library) with a source line. */
static int own_frame(int n) {
  int fallback = -1;
  for (int i = 1; i < n; i++) {
    if (!frames[i].file || frames[i].line <= 0)
      continue;
    if (fallback < 0)
      fallback = i;
    if (!system_object(frames[i].obj))
      return i;
  }
  return fallback;
}

static void sarif_location(struct tt_out *o, const struct tt_supp_frame *f, const char *cwd) {
  const char *uri = f->path ? f->path : f->file;
  size_t cl = strlen(cwd);
  tt_out_printf(o, "{\"physicalLocation\": {\"artifactLocation\": {\"uri\": ");
  if (cl && strncmp(uri, cwd, cl) == 0 && uri[cl] == '/') {
    jstr(o, uri + cl + 1);
  } else if (uri[0] == '/') {
    char u[4200];
    tt_fmt(u, sizeof u, "file://%s", uri);
    jstr(o, u);
  } else {
    jstr(o, uri);
  }
  tt_out_printf(o, "}, \"region\": {\"startLine\": %d}}", f->line);
  if (f->fun) {
    tt_out_printf(o, ", \"logicalLocations\": [{\"fullyQualifiedName\": ");
    jstr(o, f->fun);
    tt_out_printf(o, "}]");
  }
  tt_out_printf(o, "}");
}

/* A stable fingerprint: kind and the stack's function names (no address, no line). */
static uint64_t fingerprint(const char *kind, int n) {
  uint64_t h = 1469598103934665603ull;
  for (const char *p = kind; *p; p++)
    h = (h ^ (unsigned char)*p) * 1099511628211ull;
  for (int i = 1; i < n; i++)
    for (const char *p = frames[i].fun ? frames[i].fun : "?"; *p; p++)
      h = (h ^ (unsigned char)*p) * 1099511628211ull;
  return h;
}

static void sarif_result(struct tt_out *o, bool *first, const char *rule, const char *level,
                         const char *text, int n, const char *cwd) {
  tt_out_printf(o, "%s\n      {\"ruleId\": \"%s\", \"level\": \"%s\", \"message\": {\"text\": ",
                *first ? "" : ",", rule, level);
  *first = false;
  jstr(o, text);
  tt_out_printf(o, "}");
  int at = own_frame(n);
  if (at >= 0) {
    tt_out_printf(o, ", \"locations\": [");
    sarif_location(o, &frames[at], cwd);
    tt_out_printf(o, "]");
  }
  tt_out_printf(o, ", \"partialFingerprints\": {\"tetherStack/v1\": \"%016llx\"}",
                (unsigned long long)fingerprint(rule, n));
  tt_out_printf(o, ", \"stacks\": [{\"frames\": [");
  bool any = false;
  for (int i = 0; i < n; i++) {
    if (!frames[i].file || frames[i].line <= 0)
      continue;
    tt_out_printf(o, "%s{\"location\": ", any ? ", " : "");
    sarif_location(o, &frames[i], cwd);
    tt_out_printf(o, "}");
    any = true;
  }
  tt_out_printf(o, "]}]}");
}

struct sarif_ctx {
  struct tt_out *o;
  bool *first;
  const char *cwd;
};

static void sarif_error_cb(const struct tt_error_info *e, void *arg) {
  struct sarif_ctx *c = arg;
  struct err_stacks s = stacks_of(e);
  int shown, n;
  if (s.stack_is_alloc)
    n = tt_report_alloc_frames(s.stack, s.stack_how, frames, TT_REPORT_MAX_FRAMES, &shown);
  else
    n = tt_report_release_frames(s.stack, s.stack_how, frames, TT_REPORT_MAX_FRAMES, &shown);
  (void)n;
  const char *id = tt_error_kind_id(e->kind), *level = "error";
  for (unsigned i = 0; i < TT_ARRAY_LEN(sarif_rules); i++)
    if (strcmp(sarif_rules[i].id, id) == 0)
      level = sarif_rules[i].level;
  char text[256];
  tt_fmt(text, sizeof text, "%s (%llu time%s)", error_what(e->kind), (unsigned long long)e->count,
         e->count == 1 ? "" : "s");
  sarif_result(c->o, c->first, id, level, text, shown, c->cwd);
}

void tt_export_sarif(struct tt_out *o, const struct tt_export *x) {
  char cwd[4096] = "";
  tt_os_getcwd(cwd, sizeof cwd);
  tt_out_printf(o, "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
                   "  \"version\": \"2.1.0\",\n  \"runs\": [{\n    \"tool\": {\"driver\": {"
                   "\"name\": \"tether\", \"version\": \"%s\", \"informationUri\": "
                   "\"https://github.com/tether-checker/tether\", \"rules\": [",
                TETHER_VERSION_STRING);
  for (unsigned i = 0; i < TT_ARRAY_LEN(sarif_rules); i++)
    tt_out_printf(o, "%s\n      {\"id\": \"%s\", \"name\": \"%s\", \"shortDescription\": {\"text\": "
                     "\"%s\"}, \"defaultConfiguration\": {\"level\": \"%s\"}}",
                  i ? "," : "", sarif_rules[i].id, sarif_rules[i].name, sarif_rules[i].text,
                  sarif_rules[i].level);
  tt_out_printf(o, "]}},\n    \"invocations\": [{\"executionSuccessful\": true, \"exitCode\": %d, "
                   "\"commandLine\": ",
                x->exit_status);
  char cmd[8192];
  size_t n = tt_os_cmdline(cmd, sizeof cmd);
  for (size_t i = 0; i + 1 < n; i++)
    if (!cmd[i])
      cmd[i] = ' ';
  cmd[n < sizeof cmd ? n : sizeof cmd - 1] = '\0';
  jstr(o, cmd);
  tt_out_printf(o, "}],\n    \"results\": [");
  bool first = true;
  for (size_t i = 0; i < x->nrecs; i++) {
    const struct tt_loss_record *r = &x->recs[i];
    if (r->suppressed || r->state > TT_STATE_DEFINITE)
      continue;
    int shown;
    tt_report_alloc_frames(r->stack, r->kind, frames, TT_REPORT_MAX_FRAMES, &shown);
    char text[256];
    tt_fmt(text, sizeof text, "%'llu bytes in %'llu blocks are %s in loss record %zu of %zu",
           (unsigned long long)(r->bytes + r->indirect_bytes), (unsigned long long)r->blocks,
           tt_report_state_name(r->state), i + 1, x->nrecs);
    sarif_result(o, &first, leak_kind_ids[r->state], sarif_rules[3 - r->state].level, text, shown,
                 cwd);
  }
  struct sarif_ctx c = {o, &first, cwd};
  tt_errors_for_each(sarif_error_cb, &c);
  tt_out_printf(o, "\n    ]\n  }]\n}\n");
}

/* ======================================================================== */
/* Valgrind XML, protocol 4                                                  */
/* ======================================================================== */

static void xstr(struct tt_out *o, const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; p && *p;) {
    size_t n = utf8_len(p);
    switch (*p) {
    case '&':
      tt_out_write(o, "&amp;", 5);
      break;
    case '<':
      tt_out_write(o, "&lt;", 4);
      break;
    case '>':
      tt_out_write(o, "&gt;", 4);
      break;
    case '"':
      tt_out_write(o, "&quot;", 6);
      break;
    default:
      if (!n)
        tt_out_write(o, REPLACEMENT_CHAR, 3);
      else if (*p >= 0x20 || *p == '\t' || *p == '\n' || *p == '\r')
        tt_out_write(o, (const char *)p, n);
      /* other control characters are not allowed in XML 1.0 at all */
    }
    p += n ? n : 1;
  }
}

static void xtag(struct tt_out *o, const char *indent, const char *tag, const char *text) {
  tt_out_printf(o, "%s<%s>", indent, tag);
  xstr(o, text);
  tt_out_printf(o, "</%s>\n", tag);
}

/* --gen-suppressions with --xml: the block as Valgrind puts it, last in
 * its <error>: in parts, then whole as text (CDATA). Frames: frames[0..n). */
static void xsuppression(struct tt_out *o, const struct tt_options *opts, enum tt_supp_kind kind,
                         unsigned leak_kind, int n) {
  if (opts->gen_suppressions == TT_GENSUPP_NO)
    return;
  tt_out_printf(o, "  <suppression>\n    <sname>insert_a_suppression_name_here</sname>\n");
  xtag(o, "    ", "skind", tt_suppress_kind_line(kind));
  if (kind == TT_SUPP_LEAK) {
    char kinds[64], aux[96];
    tt_options_kinds_str(leak_kind, kinds, sizeof kinds);
    tt_fmt(aux, sizeof aux, "match-leak-kinds: %s", kinds);
    xtag(o, "    ", "skaux", aux);
  }
  for (int i = 0; i < n; i++) {
    bool is_fun;
    const char *name = tt_suppress_frame_name(&frames[i], &is_fun);
    tt_out_printf(o, "    <sframe> <%s>", is_fun ? "fun" : "obj");
    xstr(o, name);
    tt_out_printf(o, "</%s> </sframe>\n", is_fun ? "fun" : "obj");
  }
  tt_out_printf(o, "    <rawtext>\n<![CDATA[\n");
  tt_suppress_print_block(o, kind, leak_kind, frames, n);
  tt_out_printf(o, "]]>\n    </rawtext>\n  </suppression>\n");
}

static void xstack(struct tt_out *o, int n) {
  tt_out_printf(o, "  <stack>\n");
  for (int i = 0; i < n; i++) {
    const struct tt_supp_frame *f = &frames[i];
    tt_out_printf(o, "    <frame>\n      <ip>0x%lX</ip>\n", (unsigned long)f->pc);
    if (f->obj)
      xtag(o, "      ", "obj", f->obj);
    if (f->fun)
      xtag(o, "      ", "fn", f->fun);
    if (f->file && f->line > 0) {
      const char *path = f->path ? f->path : f->file;
      const char *slash = strrchr(path, '/');
      if (slash) {
        char dir[4096];
        tt_fmt(dir, sizeof dir, "%.*s", (int)(slash - path), path);
        xtag(o, "      ", "dir", dir);
      }
      xtag(o, "      ", "file", f->file);
      tt_out_printf(o, "      <line>%d</line>\n", f->line);
    }
    tt_out_printf(o, "    </frame>\n");
  }
  tt_out_printf(o, "  </stack>\n");
}

struct xml_ctx {
  struct tt_out *o;
  unsigned unique;
  const struct tt_options *opts;
};

/* The suppression kind of an error kind (tt_errors.c's choice). */
static enum tt_supp_kind supp_kind_of(enum tt_error_kind k) {
  switch (k) {
  case TT_ERR_WRITE_AFTER_FREE:
    return TT_SUPP_WRITE_AFTER_FREE;
  case TT_ERR_DANGLING_POINTER:
    return TT_SUPP_DANGLING;
  case TT_ERR_REFCOUNT_HIGH:
  case TT_ERR_REFCOUNT_LOW:
    return TT_SUPP_REFCOUNT;
  default:
    return TT_SUPP_FREE;
  }
}

static const char *xml_kind(enum tt_error_kind k) {
  switch (k) {
  case TT_ERR_MISMATCHED_FREE:
    return "MismatchedFree";
  case TT_ERR_WRITE_AFTER_FREE:
    return "WriteAfterFree";
  case TT_ERR_DANGLING_POINTER:
    return "DanglingPointer";
  case TT_ERR_REFCOUNT_HIGH:
    return "RefcountTooHigh";
  case TT_ERR_REFCOUNT_LOW:
    return "RefcountTooLow";
  default:
    return "InvalidFree";
  }
}

static void xml_error_cb(const struct tt_error_info *e, void *arg) {
  struct xml_ctx *c = arg;
  struct tt_out *o = c->o;
  struct err_stacks s = stacks_of(e);
  int shown;
  tt_out_printf(o, "<error>\n  <unique>0x%x</unique>\n  <tid>1</tid>\n  <kind>%s</kind>\n",
                c->unique++, xml_kind(e->kind));
  xtag(o, "  ", "what", error_what(e->kind));
  if (s.stack_is_alloc)
    tt_report_alloc_frames(s.stack, s.stack_how, frames, TT_REPORT_MAX_FRAMES, &shown);
  else
    tt_report_release_frames(s.stack, s.stack_how, frames, TT_REPORT_MAX_FRAMES, &shown);
  xstack(o, shown);
  char aux[256];
  if (s.free_stack) {
    if (e->before)
      tt_fmt(aux, sizeof aux, "Address 0x%lx is %zu bytes before a block of size %zu free'd",
             (unsigned long)e->addr, e->before, e->size);
    else
      tt_fmt(aux, sizeof aux, "Address 0x%lx is %zu bytes inside a block of size %zu free'd",
             (unsigned long)e->addr, e->offset, e->size);
    xtag(o, "  ", "auxwhat", aux);
    tt_report_release_frames(s.free_stack, e->free_how, frames, TT_REPORT_MAX_FRAMES, &shown);
    xstack(o, shown);
  }
  if (s.alloc_stack && !s.stack_is_alloc) {
    if (e->before && !s.free_stack) {
      tt_fmt(aux, sizeof aux, "Address 0x%lx is %zu bytes before a block of size %zu alloc'd",
             (unsigned long)e->addr, e->before, e->size);
      xtag(o, "  ", "auxwhat", aux);
    } else {
      xtag(o, "  ", "auxwhat", "Block was alloc'd at");
    }
    tt_report_alloc_frames(s.alloc_stack, e->alloc_kind, frames, TT_REPORT_MAX_FRAMES, &shown);
    xstack(o, shown);
  }
  if (c->opts->gen_suppressions != TT_GENSUPP_NO) { /* the error's own stack again */
    if (s.stack_is_alloc)
      tt_report_alloc_frames(s.stack, s.stack_how, frames, TT_REPORT_MAX_FRAMES, &shown);
    else
      tt_report_release_frames(s.stack, s.stack_how, frames, TT_REPORT_MAX_FRAMES, &shown);
    xsuppression(o, c->opts, supp_kind_of(e->kind), 0, shown);
  }
  tt_out_printf(o, "</error>\n\n");
}

struct xml_pairs {
  struct tt_out *o;
  unsigned unique;
};

static void xml_count_cb(const struct tt_error_info *e, void *arg) {
  struct xml_pairs *p = arg;
  tt_out_printf(p->o, "  <pair>\n    <count>%llu</count>\n    <unique>0x%x</unique>\n  </pair>\n",
                (unsigned long long)e->count, p->unique++);
}

static void xml_supp_cb(uint64_t count, const char *name, void *arg) {
  struct tt_out *o = arg;
  tt_out_printf(o, "  <pair>\n    <count>%llu</count>\n    <name>", (unsigned long long)count);
  xstr(o, name);
  tt_out_printf(o, "</name>\n  </pair>\n");
}

static const char *const xml_leak_kinds[4] = {"Leak_StillReachable", "Leak_PossiblyLost",
                                              "Leak_IndirectlyLost", "Leak_DefinitelyLost"};

/* Valgrind's <fatal_signal>, between the errors and the leaks. */
static void xml_fatal_signal(struct tt_out *o, const struct tt_fatal_info *f) {
  char name[32];
  tt_out_printf(o, "<fatal_signal>\n  <tid>1</tid>\n  <signo>%d</signo>\n", f->sig);
  xtag(o, "  ", "signame", tt_fatal_signal_name(f->sig, name, sizeof name));
  tt_out_printf(o, "  <sicode>%d</sicode>\n", f->code);
  if (f->event)
    xtag(o, "  ", "event", f->event);
  if (f->has_addr)
    tt_out_printf(o, "  <siaddr>0x%lX</siaddr>\n", (unsigned long)f->addr);
  int shown;
  tt_report_signal_frames(f->stack, frames, TT_REPORT_MAX_FRAMES, &shown);
  xstack(o, shown);
  tt_out_printf(o, "</fatal_signal>\n\n");
}

void tt_export_xml(struct tt_out *o, const struct tt_export *x) {
  tt_out_printf(o, "<?xml version=\"1.0\"?>\n\n<valgrindoutput>\n\n<protocolversion>4</protocolversion>\n"
                   "<protocoltool>memcheck</protocoltool>\n\n<preamble>\n"
                   "  <line>tether, a leak and lifetime checker for C and C++</line>\n"
                   "  <line>Using tether-%s; rerun with --help for options</line>\n</preamble>\n\n"
                   "<pid>%d</pid>\n<ppid>%d</ppid>\n<tool>memcheck</tool>\n\n<args>\n  <vargv>\n"
                   "    <exe>tether</exe>\n  </vargv>\n  <argv>\n",
                TETHER_VERSION_STRING, tt_os_getpid(), tt_os_getppid());
  char cmd[8192];
  size_t n = tt_os_cmdline(cmd, sizeof cmd);
  for (size_t i = 0; i < n;) {
    size_t len = strnlen(cmd + i, n - i);
    char arg[4096];
    tt_fmt(arg, sizeof arg, "%.*s", (int)(len < sizeof arg ? len : sizeof arg - 1), cmd + i);
    xtag(o, "    ", i == 0 ? "exe" : "arg", arg);
    i += len + 1;
  }
  tt_out_printf(o, "  </argv>\n</args>\n\n<status>\n  <state>RUNNING</state>\n"
                   "  <time>00:00:00:00.000 </time>\n</status>\n\n");
  struct xml_ctx c = {o, 0, x->opts};
  tt_errors_for_each(xml_error_cb, &c);
  if (x->fatal)
    xml_fatal_signal(o, x->fatal);
  tt_out_printf(o, "<status>\n  <state>FINISHED</state>\n  <time>00:00:00:00.000 </time>\n"
                   "</status>\n\n");
  for (size_t i = 0; i < x->nrecs; i++) {
    const struct tt_loss_record *r = &x->recs[i];
    if (r->suppressed || r->state > TT_STATE_DEFINITE ||
        !(x->opts->show_leak_kinds & (1u << (3 - r->state))))
      continue;
    int shown;
    char text[256];
    if (r->indirect_bytes)
      tt_fmt(text, sizeof text,
             "%'llu (%'llu direct, %'llu indirect) bytes in %'llu blocks are %s in loss record "
             "%zu of %zu",
             (unsigned long long)(r->bytes + r->indirect_bytes), (unsigned long long)r->bytes,
             (unsigned long long)r->indirect_bytes, (unsigned long long)r->blocks,
             tt_report_state_name(r->state), i + 1, x->nrecs);
    else
      tt_fmt(text, sizeof text, "%'llu bytes in %'llu blocks are %s in loss record %zu of %zu",
             (unsigned long long)r->bytes, (unsigned long long)r->blocks,
             tt_report_state_name(r->state), i + 1, x->nrecs);
    tt_out_printf(o, "<error>\n  <unique>0x%x</unique>\n  <tid>1</tid>\n  <kind>%s</kind>\n"
                     "  <xwhat>\n",
                  c.unique++, xml_leak_kinds[r->state]);
    xtag(o, "    ", "text", text);
    tt_out_printf(o, "    <leakedbytes>%llu</leakedbytes>\n    <leakedblocks>%llu</leakedblocks>\n"
                     "  </xwhat>\n",
                  (unsigned long long)(r->bytes + r->indirect_bytes), (unsigned long long)r->blocks);
    tt_report_alloc_frames(r->stack, r->kind, frames, TT_REPORT_MAX_FRAMES, &shown);
    xstack(o, shown);
    xsuppression(o, x->opts, TT_SUPP_LEAK, 1u << (3 - r->state), shown);
    tt_out_printf(o, "</error>\n\n");
  }
  tt_out_printf(o, "<errorcounts>\n");
  struct xml_pairs p = {o, 0};
  tt_errors_for_each(xml_count_cb, &p);
  tt_out_printf(o, "</errorcounts>\n\n<suppcounts>\n");
  tt_suppress_for_each_used(xml_supp_cb, o);
  tt_out_printf(o, "</suppcounts>\n\n</valgrindoutput>\n\n");
}

/* ======================================================================== */
/* files                                                                     */
/* ======================================================================== */

/* Read at start-up: glibc's __libc_freeres clears the environment before
 * the exit check runs. */
static char run_dir[TT_OPT_PATH_MAX];
static char run_json_tmpl[TT_OPT_PATH_MAX + 16];

/* PID.started: the command line, NUL-separated words. */
static void write_started(void) {
  if (!run_dir[0])
    return;
  char cmd[4096], path[TT_OPT_PATH_MAX + 32];
  size_t n = tt_os_cmdline(cmd, sizeof cmd);
  tt_fmt(path, sizeof path, "%s/%d.started", run_dir, tt_os_getpid());
  int fd = tt_os_open_write(path);
  if (fd < 0)
    return; /* the summary then misses this process only if it writes no report */
  tt_os_share_if_root(fd);
  tt_os_write(fd, cmd, n);
  tt_os_close(fd);
}

/* The run directory's PID.json, opened when the process starts and again
 * in a forked child: a process that later enters a sandbox which forbids
 * creating files (man-db's helpers, under seccomp) still writes its report
 * at exit. What it referred to then, to tell it from a descriptor the
 * program got at that number after closing tether's with a raw system
 * call. */
static int run_json_fd = -1;
static uint64_t run_json_id[2];

static void open_run_json(void) {
  if (!run_dir[0])
    return;
  char path[TT_OPT_PATH_MAX + 32];
  tt_fmt(path, sizeof path, "%s/%d.json", run_dir, tt_os_getpid());
  int fd = tt_os_open_log(path);
  /* a process run as root may become another user before it reports (by
   * exec, at the same pid): the tether command then made the directory
   * writable by all, and the file must be too */
  if (fd >= 0)
    tt_os_share_if_root(fd);
  if (fd >= 0 && !tt_os_fd_identity(fd, run_json_id)) {
    tt_os_close(fd);
    fd = -1;
  }
  __atomic_store_n(&run_json_fd, fd < 0 ? -1 : fd, __ATOMIC_RELAXED);
}

int tt_export_run_fd(void) { return __atomic_load_n(&run_json_fd, __ATOMIC_RELAXED); }

bool tt_export_move_run_fd(void) {
  int old = run_json_fd, moved = old >= 0 ? tt_os_dup_high(old) : -1;
  if (moved < 0)
    return false;
  __atomic_store_n(&run_json_fd, moved, __ATOMIC_RELAXED);
  tt_os_close(old);
  return true;
}

void tt_export_fork_child(void) {
  if (run_json_fd >= 0)
    tt_os_close(run_json_fd); /* the parent's */
  run_json_fd = -1;
  open_run_json();
  /* the parent's command, which a row of the child names should it end
   * with no report (killed, or an exec into a program tether cannot
   * follow: a setgid one); an exec tether follows writes its own */
  write_started();
}

/* The run directory's descriptor for the report, if it is still the file
 * opened for it (then it is tether's to close); -1 else. */
static int take_run_json_fd(void) {
  int fd = run_json_fd;
  uint64_t now[2];
  run_json_fd = -1;
  if (fd < 0 || !tt_os_fd_identity(fd, now) || now[0] != run_json_id[0] ||
      now[1] != run_json_id[1])
    return -1;
  return fd;
}

static void write_file(const char *tmpl, const char *what, const struct tt_export *x,
                       void (*writer)(struct tt_out *, const struct tt_export *)) {
  char path[TT_OPT_PATH_MAX + 64];
  tt_log_expand_path(tmpl, path, sizeof path);
  int fd = tmpl == run_json_tmpl ? take_run_json_fd() : -1;
  if (fd >= 0)
    tt_os_truncate(fd); /* nothing in it yet, but for a second exit path */
  else
    fd = tt_os_open_write(path);
  if (fd == -ENOENT && tmpl == run_json_tmpl)
    return; /* the tether command ended before this process (a daemon): nobody reads it */
  if (fd < 0) {
    /* shown with -q too: the user asked for this file */
    tt_log_line("Warning: cannot write the %s report '%s' (errno %d); it is not written", what,
                path, -fd);
    return;
  }
  struct tt_out o;
  tt_out_init(&o, fd);
  writer(&o, x);
  tt_out_flush(&o);
  tt_os_close(fd);
  if (o.err) /* a full disk, /dev/full, a file of /proc: said, not lost silently */
    tt_log_line("Warning: cannot write the %s report '%s' (errno %d); it is incomplete", what,
                path, -o.err);
}

void tt_export_init(void) {
  const char *dir = tt_os_getenv("TETHER_RUN_DIR");
  tt_fmt(run_dir, sizeof run_dir, "%s", dir ? dir : "");
}

void tt_export_started(void) {
  open_run_json();
  write_started();
}

bool tt_export_wanted(const struct tt_options *opts) {
  return opts->json[0] || opts->sarif[0] || opts->xml || run_dir[0];
}

void tt_export_write(const struct tt_export *x) {
  const struct tt_options *opts = x->opts;
  if (opts->json[0])
    write_file(opts->json, "JSON", x, tt_export_json);
  if (opts->sarif[0])
    write_file(opts->sarif, "SARIF", x, tt_export_sarif);
  if (opts->xml) {
    if (opts->xml_file[0])
      write_file(opts->xml_file, "XML", x, tt_export_xml);
    else
      tt_warn("--xml=yes needs --xml-file=PATH; no XML written");
  }
  /* The tether command's run directory: one JSON report per process, for
   * its combined summary. */
  if (run_dir[0]) {
    tt_fmt(run_json_tmpl, sizeof run_json_tmpl, "%s/%%p.json", run_dir);
    write_file(run_json_tmpl, "run directory JSON", x, json_summary);
  }
}
