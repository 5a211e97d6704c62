/* SPDX-License-Identifier: MIT */
/* Suppressions (see tt_suppress.h).
 *
 * A file is read line by line. Outside a block a line is blank, a comment
 * ('#'), '{' (a Valgrind suppression follows: its name, "Tool:Kind", for a
 * leak an optional "match-leak-kinds:" line, then frame lines until '}'),
 * or LeakSanitizer's "type:pattern". A file is kept whole or not at all.
 *
 * Matching walks the suppression's frame patterns against the stack from
 * the innermost frame, as Valgrind does: "..." stands for any number of
 * frames, a pattern list may end before the stack does, and '*' and '?' are
 * globs. A LeakSanitizer pattern matches when any frame's function, module or
 * source file contains it ('^' and '$' anchor it, '*' is a glob).
 *
 * Notes on locking: supp_lock protects the list and the counters; a leaf
 * (the arena is called with it held, and the arena's lock is a leaf too). */
#include "tt_suppress.h"

#include <string.h>

#include "tt_arena.h"
#include "tt_fmt.h"
#include "tt_log.h"
#include "tt_options.h"
#include "tt_os.h"

#define TT_SUPP_MAX_FRAMES 64

enum pat_type { PAT_FUN, PAT_OBJ, PAT_SRC, PAT_DOTS };

struct pattern {
  uint8_t type;
  const char *text; /* for PAT_SRC: the file part */
  int line;         /* PAT_SRC: 0 for any line */
};

struct supp {
  struct supp *next;
  const char *name, *file;
  int line;            /* where the suppression starts */
  uint8_t kind;        /* enum tt_supp_kind */
  bool lsan;           /* a LeakSanitizer line: one pattern, matched anywhere */
  unsigned leak_kinds; /* TT_KIND_* bits */
  int nframes;
  struct pattern frames[TT_SUPP_MAX_FRAMES];
  uint64_t used, bytes, blocks;
};

static tt_spinlock_t supp_lock = TT_SPINLOCK_INIT;
static struct supp *head, **tail = &head;
static size_t nsupps;

void tt_suppress_lock(void) { tt_spin_lock(&supp_lock); }
void tt_suppress_unlock(void) { tt_spin_unlock(&supp_lock); }

/* ======================================================================== */
/* globs                                                                     */
/* ======================================================================== */

/* Valgrind's VG_(string_match): '*' any run, '?' one character. Iterative
 * with one backtrack point, so no pattern can make it slow. */
static bool glob(const char *pat, const char *s) {
  const char *star = NULL, *resume = NULL;
  while (*s) {
    if (*pat == '*') {
      star = pat++;
      resume = s;
    } else if (*pat == '?' || *pat == *s) {
      pat++;
      s++;
    } else if (star) {
      pat = star + 1;
      s = ++resume;
    } else {
      return false;
    }
  }
  while (*pat == '*')
    pat++;
  return !*pat;
}

/* LeakSanitizer's template match: a substring unless anchored. */
static bool lsan_match(const char *pat, const char *s) {
  if (!s)
    return false;
  char buf[512];
  size_t n = strlen(pat), k = 0;
  bool start = n && pat[0] == '^', end = n && pat[n - 1] == '$' && (n < 2 || pat[n - 2] != '\\');
  if (!start)
    buf[k++] = '*';
  for (size_t i = start ? 1 : 0; i < n - (end ? 1 : 0) && k + 2 < sizeof buf; i++)
    buf[k++] = pat[i];
  if (!end)
    buf[k++] = '*';
  buf[k] = '\0';
  return glob(buf, s);
}

/* ======================================================================== */
/* parsing                                                                   */
/* ======================================================================== */

struct parser {
  const char *text, *end, *file;
  int lineno;
  char *err;
  size_t errsize;
  struct supp *first, **last;
  int count;
  int overlong; /* the first line longer than a line may be, or 0 */
  bool oom;     /* the error is tether's memory, not the file */
};

/* The longest line a suppression file may have: a frame line holds a
 * mangled C++ name, which templates make thousands of characters long
 * (--gen-suppressions writes them whole). A longer line is an error, never
 * cut: a cut pattern matched far more than it said. */
#define TT_SUPP_LINE_MAX 65536

/* The next line, trimmed, into buf; false at the end of the text. */
static bool next_line(struct parser *p, char *buf, size_t size) {
  if (p->text >= p->end)
    return false;
  const char *nl = memchr(p->text, '\n', (size_t)(p->end - p->text));
  const char *stop = nl ? nl : p->end;
  const char *a = p->text, *b = stop;
  while (a < b && (*a == ' ' || *a == '\t' || *a == '\r'))
    a++;
  while (b > a && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\r'))
    b--;
  size_t n = (size_t)(b - a);
  p->lineno++;
  if (n >= size) {
    n = size - 1;
    if (!p->overlong)
      p->overlong = p->lineno;
  }
  memcpy(buf, a, n);
  buf[n] = '\0';
  p->text = nl ? nl + 1 : p->end;
  return true;
}

__attribute__((format(gnu_printf, 2, 3))) static int fail(struct parser *p, const char *fmt, ...) {
  size_t n = tt_fmt(p->err, p->errsize, "%s:%d: ", p->file, p->lineno);
  va_list ap;
  va_start(ap, fmt);
  if (n < p->errsize)
    tt_vfmt(p->err + n, p->errsize - n, fmt, ap);
  va_end(ap);
  return -1;
}

static int fail_oom(struct parser *p) {
  p->oom = true;
  return fail(p, "out of memory");
}

static struct supp *new_supp(struct parser *p) {
  struct supp *s = tt_arena_alloc(sizeof *s);
  if (!s)
    return NULL;
  s->file = tt_arena_strdup(p->file);
  s->line = p->lineno;
  s->leak_kinds = TT_KIND_ALL;
  *p->last = s;
  p->last = &s->next;
  p->count++;
  return s;
}

static const char *const memcheck_never[] = {
    "Addr1",  "Addr2",  "Addr4",  "Addr8",  "Addr16", "Addr32", "Jump",      "Cond",
    "Value1", "Value2", "Value4", "Value8", "Value16", "Value32", "Overlap", "User",
    "ReallocZero", "FishyValue", "Param"};

/* "Memcheck:Leak", "tether:Refcount", "Helgrind:Race" ... */
static int parse_kind(struct parser *p, const char *line, struct supp *s, bool *param) {
  const char *colon = strchr(line, ':');
  if (!colon || colon == line || !colon[1])
    return fail(p, "expected a tool and kind such as Memcheck:Leak, found '%s'", line);
  const char *kind = colon + 1;
  bool memcheck = false, tether = false;
  for (const char *t = line; t < colon;) { /* "tool1,tool2:Kind" */
    const char *comma = memchr(t, ',', (size_t)(colon - t));
    const char *e = comma ? comma : colon;
    size_t n = (size_t)(e - t);
    if ((n == 8 && strncmp(t, "Memcheck", 8) == 0) || (n == 9 && strncmp(t, "Addrcheck", 9) == 0))
      memcheck = true;
    else if (n == 6 && strncmp(t, "tether", 6) == 0)
      tether = true;
    t = comma ? comma + 1 : colon;
  }
  *param = false;
  s->kind = TT_SUPP_NEVER;
  if (strcmp(kind, "Leak") == 0 && (memcheck || tether)) {
    s->kind = TT_SUPP_LEAK;
  } else if (strcmp(kind, "Free") == 0 && (memcheck || tether)) {
    s->kind = TT_SUPP_FREE;
  } else if (tether && strcmp(kind, "WriteAfterFree") == 0) {
    s->kind = TT_SUPP_WRITE_AFTER_FREE;
  } else if (tether && strcmp(kind, "Dangling") == 0) {
    s->kind = TT_SUPP_DANGLING;
  } else if (tether && strcmp(kind, "Refcount") == 0) {
    s->kind = TT_SUPP_REFCOUNT;
  } else if (memcheck) {
    bool known = false;
    for (unsigned i = 0; i < TT_ARRAY_LEN(memcheck_never) && !known; i++)
      known = strcmp(kind, memcheck_never[i]) == 0;
    if (!known)
      return fail(p, "unknown Memcheck suppression kind '%s' (expected Leak, Free, Param, Cond, "
                     "Value8, Addr8 ...)", kind);
    *param = strcmp(kind, "Param") == 0;
  } else if (tether) {
    return fail(p, "unknown tether suppression kind '%s' (expected Leak, Free, WriteAfterFree, "
                   "Dangling or Refcount)", kind);
  }
  return 0;
}

static int parse_frame(struct parser *p, const char *line, struct supp *s) {
  if (s->nframes >= TT_SUPP_MAX_FRAMES)
    return fail(p, "more than %d frame lines in one suppression", TT_SUPP_MAX_FRAMES);
  struct pattern *f = &s->frames[s->nframes];
  if (strcmp(line, "...") == 0) {
    f->type = PAT_DOTS;
  } else if (strncmp(line, "fun:", 4) == 0 && line[4]) {
    f->type = PAT_FUN;
    f->text = tt_arena_strdup(line + 4);
  } else if (strncmp(line, "obj:", 4) == 0 && line[4]) {
    f->type = PAT_OBJ;
    f->text = tt_arena_strdup(line + 4);
  } else if (strncmp(line, "src:", 4) == 0 && line[4]) {
    f->type = PAT_SRC;
    char buf[512];
    tt_fmt(buf, sizeof buf, "%s", line + 4);
    char *c = strrchr(buf, ':');
    if (c && c[1]) {
      int n = 0;
      const char *d = c + 1;
      while (*d >= '0' && *d <= '9')
        n = n * 10 + (*d++ - '0');
      if (!*d && n > 0) {
        *c = '\0';
        f->line = n;
      }
    }
    f->text = tt_arena_strdup(buf);
  } else {
    return fail(p, "expected a frame line (fun:NAME, obj:PATH, src:FILE[:LINE] or ...) or '}', "
                   "found '%s'", line);
  }
  if (f->type != PAT_DOTS && !f->text)
    return fail_oom(p);
  s->nframes++;
  return 0;
}

/* A LeakSanitizer line: "leak:PATTERN"; other sanitizers' types are kept as
 * never-matching. */
static int parse_lsan(struct parser *p, const char *line) {
  static const char *const others[] = {"race", "thread", "mutex", "signal", "deadlock",
                                       "called_from_lib", "interceptor_via_fun",
                                       "interceptor_via_lib", "interceptor_name", "src", "fun",
                                       "vptr_check", "type"};
  const char *colon = strchr(line, ':');
  size_t n = colon ? (size_t)(colon - line) : 0;
  bool leak = n == 4 && strncmp(line, "leak", 4) == 0, other = false;
  for (unsigned i = 0; i < TT_ARRAY_LEN(others) && !leak && n; i++)
    other = other || (strlen(others[i]) == n && strncmp(line, others[i], n) == 0);
  if ((!leak && !other) || !colon[1])
    return fail(p, "expected '{' to start a suppression, or a LeakSanitizer line such as "
                   "leak:PATTERN, found '%s'", line);
  struct supp *s = new_supp(p);
  if (!s)
    return fail_oom(p);
  s->name = tt_arena_strdup(line);
  s->kind = leak ? TT_SUPP_LEAK : TT_SUPP_NEVER;
  s->lsan = true;
  s->nframes = 1;
  s->frames[0].type = PAT_FUN;
  s->frames[0].text = tt_arena_strdup(colon + 1);
  return 0;
}

static int parse_block(struct parser *p, char *buf, size_t size) {
  int start = p->lineno;
  struct supp *s = new_supp(p);
  if (!s)
    return fail_oom(p);
  s->line = start;
  enum { NAME, KIND, EXTRA, FRAMES } st = NAME;
  bool param = false;
  while (next_line(p, buf, size)) {
    if (p->overlong)
      return 0; /* the caller says so */
    if (!buf[0] || buf[0] == '#')
      continue;
    if (strcmp(buf, "}") == 0) {
      if (st == NAME)
        return fail(p, "expected the suppression's name, found '}'");
      if (st != FRAMES)
        return fail(p, "expected a tool and kind such as Memcheck:Leak, found '}'");
      if (!s->nframes)
        return fail(p, "expected at least one frame line (fun:NAME, obj:PATH or ...) before '}'");
      bool located = false;
      for (int i = 0; i < s->nframes && !located; i++)
        located = s->frames[i].type != PAT_DOTS;
      if (!located)
        return fail(p, "a suppression needs at least one frame line that is not '...' (it would "
                       "match every stack)");
      return 0;
    }
    switch (st) {
    case NAME:
      if (strcmp(buf, "{") == 0)
        return fail(p, "expected the suppression's name, found '{' (is a '}' missing above?)");
      s->name = tt_arena_strdup(buf);
      s->line = p->lineno; /* Valgrind names a suppression by its name's line */
      st = KIND;
      break;
    case KIND:
      if (parse_kind(p, buf, s, &param) != 0)
        return -1;
      st = param ? EXTRA : FRAMES;
      break;
    case EXTRA: /* Memcheck:Param names the system call's argument */
      st = FRAMES;
      break;
    case FRAMES:
      if (strncmp(buf, "match-leak-kinds:", 17) == 0) {
        if (s->nframes)
          return fail(p, "match-leak-kinds: must come before the frame lines");
        if (s->kind != TT_SUPP_LEAK)
          return fail(p, "match-leak-kinds: is only for Leak suppressions");
        const char *v = buf + 17;
        while (*v == ' ' || *v == '\t')
          v++;
        if (tt_options_parse_kinds(v, strlen(v), &s->leak_kinds) != 0)
          return fail(p, "bad match-leak-kinds '%s' (expected a comma-separated list of "
                         "definite, indirect, possible, reachable; or all, none)", v);
        break;
      }
      if (strcmp(buf, "{") == 0)
        return fail(p, "expected a frame line or '}', found '{' (is a '}' missing above?)");
      if (parse_frame(p, buf, s) != 0)
        return -1;
      break;
    }
  }
  p->lineno = start;
  return fail(p, "the suppression that starts here has no closing '}'");
}

int tt_suppress_parse(const char *text, size_t len, const char *file, char *err, size_t errsize) {
  struct parser p = {text, text + len, file, 0, err, errsize, NULL, NULL, 0, 0, false};
  p.last = &p.first;
  /* from tether's arena, not the stack: start-up may come from a thread
   * with a small one */
  char *buf = tt_arena_alloc(TT_SUPP_LINE_MAX);
  if (!buf) {
    fail_oom(&p);
    return -2;
  }
  int rc = 0;
  while (rc == 0 && !p.overlong && next_line(&p, buf, TT_SUPP_LINE_MAX)) {
    if (p.overlong)
      break;
    if (!buf[0] || buf[0] == '#')
      continue;
    if (strcmp(buf, "{") == 0)
      rc = parse_block(&p, buf, TT_SUPP_LINE_MAX);
    else
      rc = parse_lsan(&p, buf);
  }
  tt_arena_free(buf, TT_SUPP_LINE_MAX);
  if (rc == 0 && p.overlong) {
    p.lineno = p.overlong;
    rc = fail(&p, "line longer than %d characters", TT_SUPP_LINE_MAX - 1);
  }
  if (rc != 0) {
    for (struct supp *s = p.first, *next; s; s = next) {
      next = s->next;
      tt_arena_free(s, sizeof *s); /* (its strings stay: the arena keeps them) */
    }
    return p.oom ? -2 : -1;
  }
  tt_spin_lock(&supp_lock);
  *tail = p.first;
  if (p.first)
    tail = p.last;
  nsupps += (size_t)p.count;
  tt_spin_unlock(&supp_lock);
  return p.count;
}

void tt_suppress_reset(void) {
  tt_spin_lock(&supp_lock);
  head = NULL;
  tail = &head;
  nsupps = 0;
  tt_spin_unlock(&supp_lock);
}

size_t tt_suppress_count(void) { return nsupps; }

/* ======================================================================== */
/* matching                                                                  */
/* ======================================================================== */

static bool frame_matches(const struct pattern *pt, const struct tt_supp_frame *f) {
  switch (pt->type) {
  case PAT_FUN:
    return (f->fun && glob(pt->text, f->fun)) || (f->mangled && glob(pt->text, f->mangled)) ||
           (f->symbol && glob(pt->text, f->symbol));
  case PAT_OBJ:
    return f->obj && glob(pt->text, f->obj);
  case PAT_SRC:
    return f->file && glob(pt->text, f->file) && (!pt->line || pt->line == f->line);
  default:
    return true;
  }
}

/* Valgrind's generic match over frames, as dynamic programming over
 * (pattern, frame) suffixes in two rows: "..." never costs more than
 * patterns x frames. ok[j]: the patterns from i on match frames[j..); a
 * pattern list that ends before the frames do matches. */
#define TT_SUPP_MAX_STACK 512

static bool frames_match(const struct supp *s, const struct tt_supp_frame *frames, int n) {
  bool a[TT_SUPP_MAX_STACK + 1], b[TT_SUPP_MAX_STACK + 1];
  bool *next = a, *cur = b;
  if (n > TT_SUPP_MAX_STACK)
    n = TT_SUPP_MAX_STACK;
  for (int j = 0; j <= n; j++)
    next[j] = true;
  for (int i = s->nframes - 1; i >= 0; i--) {
    const struct pattern *pt = &s->frames[i];
    cur[n] = pt->type == PAT_DOTS && next[n];
    for (int j = n - 1; j >= 0; j--)
      cur[j] = pt->type == PAT_DOTS ? next[j] || cur[j + 1]
                                    : frame_matches(pt, &frames[j]) && next[j + 1];
    bool *t = next;
    next = cur;
    cur = t;
  }
  return next[0];
}

static bool lsan_frames_match(const struct supp *s, const struct tt_supp_frame *frames, int n) {
  const char *pat = s->frames[0].text;
  for (int j = 0; j < n; j++) {
    const struct tt_supp_frame *f = &frames[j];
    if (lsan_match(pat, f->fun) || lsan_match(pat, f->mangled) || lsan_match(pat, f->obj) ||
        lsan_match(pat, f->file) || lsan_match(pat, f->symbol))
      return true;
  }
  return false;
}

unsigned tt_suppress_leak_kinds(void) {
  unsigned kinds = 0;
  tt_spin_lock(&supp_lock);
  for (struct supp *s = head; s; s = s->next)
    if (s->kind == TT_SUPP_LEAK)
      kinds |= s->leak_kinds;
  tt_spin_unlock(&supp_lock);
  return kinds;
}

const char *tt_suppress_match(enum tt_supp_kind kind, unsigned leak_kind,
                              const struct tt_supp_frame *frames, int n, uint64_t bytes,
                              uint64_t blocks) {
  const char *name = NULL;
  tt_spin_lock(&supp_lock);
  for (struct supp *s = head; s && !name; s = s->next) {
    if (s->kind != kind || (kind == TT_SUPP_LEAK && !(s->leak_kinds & leak_kind)))
      continue;
    if (s->lsan ? lsan_frames_match(s, frames, n) : frames_match(s, frames, n)) {
      s->used++;
      s->bytes += bytes;
      s->blocks += blocks;
      name = s->name;
    }
  }
  tt_spin_unlock(&supp_lock);
  return name;
}

void tt_suppress_used_again(const char *name) {
  if (!name)
    return;
  tt_spin_lock(&supp_lock);
  for (struct supp *s = head; s; s = s->next)
    if (s->name == name) {
      s->used++;
      break;
    }
  tt_spin_unlock(&supp_lock);
}

/* ======================================================================== */
/* output                                                                    */
/* ======================================================================== */

void tt_suppress_for_each_used(void (*fn_cb)(uint64_t count, const char *name, void *arg),
                               void *arg) {
  tt_spin_lock(&supp_lock);
  for (struct supp *s = head; s; s = s->next)
    if (s->used)
      fn_cb(s->used, s->name, arg);
  tt_spin_unlock(&supp_lock);
}

void tt_suppress_totals(uint64_t *errors, uint64_t *used) {
  *errors = *used = 0;
  tt_spin_lock(&supp_lock);
  for (struct supp *s = head; s; s = s->next) {
    *errors += s->used;
    *used += s->used != 0;
  }
  tt_spin_unlock(&supp_lock);
}

void tt_suppress_print_used(struct tt_out *o) {
  char prefix[32];
  tt_fmt(prefix, sizeof prefix, "--%d-- ", tt_os_getpid());
  tt_spin_lock(&supp_lock);
  for (struct supp *s = head; s; s = s->next) {
    if (!s->used)
      continue;
    if (s->kind == TT_SUPP_LEAK)
      tt_out_printf(o, "%sused_suppression: %6llu %s %s:%d suppressed: %'llu bytes in %'llu blocks\n",
                    prefix, (unsigned long long)s->used, s->name, s->file, s->line,
                    (unsigned long long)s->bytes, (unsigned long long)s->blocks);
    else
      tt_out_printf(o, "%sused_suppression: %6llu %s %s:%d\n", prefix,
                    (unsigned long long)s->used, s->name, s->file, s->line);
  }
  tt_spin_unlock(&supp_lock);
}

const char *tt_suppress_kind_line(enum tt_supp_kind kind) {
  switch (kind) {
  case TT_SUPP_LEAK:
    return "Memcheck:Leak";
  case TT_SUPP_FREE:
    return "Memcheck:Free";
  case TT_SUPP_WRITE_AFTER_FREE:
    return "tether:WriteAfterFree";
  case TT_SUPP_DANGLING:
    return "tether:Dangling";
  default:
    return "tether:Refcount";
  }
}

const char *tt_suppress_frame_name(const struct tt_supp_frame *f, bool *is_fun) {
  const char *fn = f->mangled ? f->mangled : f->fun;
  *is_fun = fn != NULL;
  return fn ? fn : f->obj ? f->obj : "*";
}

void tt_suppress_print_block(struct tt_out *o, enum tt_supp_kind kind, unsigned leak_kind,
                             const struct tt_supp_frame *frames, int n) {
  tt_out_printf(o, "{\n   <insert_a_suppression_name_here>\n   %s\n", tt_suppress_kind_line(kind));
  if (kind == TT_SUPP_LEAK) {
    char kinds[64];
    tt_options_kinds_str(leak_kind, kinds, sizeof kinds);
    tt_out_printf(o, "   match-leak-kinds: %s\n", kinds);
  }
  for (int j = 0; j < n; j++) {
    bool is_fun;
    const char *name = tt_suppress_frame_name(&frames[j], &is_fun);
    tt_out_printf(o, "   %s:%s\n", is_fun ? "fun" : "obj", name);
  }
  tt_out_printf(o, "}\n");
}
