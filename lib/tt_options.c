/* SPDX-License-Identifier: MIT */
/* The options parser (see tt_options.h). Shared by lib/ and tools/. */
#include "tt_options.h"

#include <stdlib.h>
#include <string.h>

#include "tt_fmt.h"

const struct tt_option_info tt_option_table[] = {
#define TT_OPT(type, field, flag, def, values, help) {flag, def, values, help},
#include "tt_options.inc"
#undef TT_OPT
};
const int tt_option_count = (int)TT_ARRAY_LEN(tt_option_table);

/* Compares a key against a flag name with '-' and '_' alike. */
static bool key_is(const char *key, size_t n, const char *flag) {
  size_t i = 0;
  for (; i < n && flag[i]; i++) {
    char a = key[i] == '_' ? '-' : key[i], b = flag[i];
    if (a != b)
      return false;
  }
  return i == n && flag[i] == '\0';
}

static bool word_is(const char *s, size_t n, const char *w) {
  return strlen(w) == n && strncmp(s, w, n) == 0;
}

static int parse_bool(const char *s, size_t n, bool *out) {
  static const char *yes[] = {"1", "yes", "true", "on"}, *no[] = {"0", "no", "false", "off"};
  for (unsigned i = 0; i < TT_ARRAY_LEN(yes); i++) {
    if (word_is(s, n, yes[i])) {
      *out = true;
      return 0;
    }
    if (word_is(s, n, no[i])) {
      *out = false;
      return 0;
    }
  }
  return -1;
}

static int parse_int(const char *s, size_t n, int lo, int hi, int *out) {
  if (n == 0 || n > 10)
    return -1;
  long v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  if (v < lo || v > hi)
    return -1;
  *out = (int)v;
  return 0;
}

/* "all", "none" or a comma-separated list of names[i], each setting bit
 * first_bit + i; -1 when malformed (an unknown name, an empty item). */
static int parse_name_set(const char *s, size_t n, const char *const *names, unsigned count,
                          unsigned first_bit, unsigned all, unsigned *out) {
  if (word_is(s, n, "all")) {
    *out = all;
    return 0;
  }
  if (word_is(s, n, "none")) {
    *out = 0;
    return 0;
  }
  if (n == 0)
    return -1;
  unsigned set = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && s[j] != ',')
      j++;
    bool known = false;
    for (unsigned k = 0; k < count && !known; k++)
      if (word_is(s + i, j - i, names[k])) {
        set |= 1u << (first_bit + k);
        known = true;
      }
    if (!known)
      return -1;
    i = j + 1;
    if (j < n && i == n)
      return -1; /* trailing comma */
  }
  *out = set;
  return 0;
}

/* One of words[]: its index into *out; -1 for anything else. */
static int parse_choice(const char *v, size_t n, const char *const *words, unsigned count,
                        int *out) {
  for (unsigned k = 0; k < count; k++)
    if (word_is(v, n, words[k])) {
      *out = (int)k;
      return 0;
    }
  return -1;
}

static const char *const kind_names[] = {"definite", "indirect", "possible", "reachable"};

int tt_options_parse_kinds(const char *s, size_t n, unsigned *out) {
  return parse_name_set(s, n, kind_names, TT_ARRAY_LEN(kind_names), 0, TT_KIND_ALL, out);
}

void tt_options_kinds_str(unsigned kinds, char *buf, size_t size) {
  const char *const *names = kind_names;
  size_t len = 0;
  buf[0] = '\0';
  if (kinds == 0) {
    tt_fmt(buf, size, "none");
    return;
  }
  for (unsigned i = 0; i < 4; i++)
    if (kinds & (1u << i))
      len += tt_fmt(buf + len, len < size ? size - len : 0, "%s%s", len ? "," : "", names[i]);
}

static int parse_range_int(const char *v, size_t n, const char *values, int *out);
static int parse_leak_check(const char *v, size_t n, int *out);
static int parse_gensupp(const char *v, size_t n, int *out) {
  static const char *const words[] = {"no", "yes", "all"}; /* enum tt_gen_suppressions */
  return parse_choice(v, n, words, TT_ARRAY_LEN(words), out);
}

/* Bits 1..4 in Valgrind's order (tt_scan.h's enum tt_heuristic). */
static int parse_heuristics(const char *v, size_t n, unsigned *out) {
  static const char *const names[] = {"stdstring", "length64", "newarray", "multipleinheritance"};
  return parse_name_set(v, n, names, TT_ARRAY_LEN(names), 1, 0x1e, out);
}

static int parse_tool(const char *v, size_t n, int *out) {
  *out = 0;
  return word_is(v, n, "memcheck") ? 0 : -1;
}

static int copy_string(char *dst, size_t size, const char *v, size_t n);
static int parse_size(const char *v, size_t n, size_t *out);
static int parse_dangling(const char *v, size_t n, int *out);
static int append_owner(char *list, size_t size, const char *v, size_t n);
static int parse_signal(const char *v, size_t n, int *out);
static int parse_gensupp(const char *v, size_t n, int *out);
static int parse_tool(const char *v, size_t n, int *out);
static int parse_heuristics(const char *v, size_t n, unsigned *out);

/* Sets option number index from text; the macros pick the parser by type. */
static int set_value(struct tt_options *o, int index, const char *v, size_t n) {
  int i = 0;
#define TT_OPT(type, field, flag, def, values, help) \
  if (i++ == index)                                  \
    return set_##type(&o->field, sizeof o->field, v, n, values);
#define set_BOOL(p, sz, v, n, values) ((void)(sz), (void)(values), parse_bool(v, n, p))
#define set_INT(p, sz, v, n, values) ((void)(sz), parse_range_int(v, n, values, p))
#define set_LEAKCHECK(p, sz, v, n, values) ((void)(sz), (void)(values), parse_leak_check(v, n, p))
#define set_KINDS(p, sz, v, n, values) ((void)(sz), (void)(values), tt_options_parse_kinds(v, n, p))
#define set_STRING(p, sz, v, n, values) ((void)(values), copy_string(*(p), sz, v, n))
#define set_SIZE(p, sz, v, n, values) ((void)(sz), (void)(values), parse_size(v, n, p))
#define set_DANGLING(p, sz, v, n, values) ((void)(sz), (void)(values), parse_dangling(v, n, p))
#define set_OWNERS(p, sz, v, n, values) ((void)(values), append_owner(*(p), sz, v, n))
#define set_SIGNAL(p, sz, v, n, values) ((void)(sz), (void)(values), parse_signal(v, n, p))
#define set_PATHLIST(p, sz, v, n, values) ((void)(values), append_owner(*(p), sz, v, n))
#define set_GENSUPP(p, sz, v, n, values) ((void)(sz), (void)(values), parse_gensupp(v, n, p))
#define set_TOOL(p, sz, v, n, values) ((void)(sz), (void)(values), parse_tool(v, n, p))
#define set_HEURISTICS(p, sz, v, n, values) ((void)(sz), (void)(values), parse_heuristics(v, n, p))
#include "tt_options.inc"
#undef TT_OPT
  return -1;
}

#undef set_BOOL
#undef set_INT
#undef set_LEAKCHECK
#undef set_KINDS
#undef set_STRING
#undef set_SIZE
#undef set_DANGLING
#undef set_OWNERS
#undef set_SIGNAL
#undef set_PATHLIST
#undef set_GENSUPP
#undef set_TOOL
#undef set_HEURISTICS

static int parse_range_int(const char *v, size_t n, const char *values, int *out) {
  /* values is "LO..HI" */
  int lo = 0, hi = 0;
  const char *dots = strstr(values, "..");
  if (!dots)
    return -1;
  for (const char *c = values; c < dots; c++)
    lo = lo * 10 + (*c - '0');
  for (const char *c = dots + 2; *c; c++)
    hi = hi * 10 + (*c - '0');
  return parse_int(v, n, lo, hi, out);
}

static int parse_leak_check(const char *v, size_t n, int *out) {
  if (word_is(v, n, "no"))
    *out = TT_LEAK_CHECK_NO;
  else if (word_is(v, n, "summary"))
    *out = TT_LEAK_CHECK_SUMMARY;
  else if (word_is(v, n, "full") || word_is(v, n, "yes"))
    *out = TT_LEAK_CHECK_FULL;
  else
    return -1;
  return 0;
}

/* A byte count: digits with an optional K, M or G (powers of 1024). */
static int parse_size(const char *v, size_t n, size_t *out) {
  if (n == 0 || n > 20)
    return -1;
  unsigned shift = 0;
  char last = v[n - 1];
  if (last == 'K' || last == 'k')
    shift = 10;
  else if (last == 'M' || last == 'm')
    shift = 20;
  else if (last == 'G' || last == 'g')
    shift = 30;
  if (shift)
    n--;
  if (n == 0)
    return -1;
  uint64_t x = 0;
  for (size_t i = 0; i < n; i++) {
    if (v[i] < '0' || v[i] > '9')
      return -1;
    uint64_t d = (uint64_t)(v[i] - '0');
    if (x > (UINT64_MAX - d) / 10)
      return -1;
    x = x * 10 + d;
  }
  if (shift && x > (UINT64_MAX >> shift))
    return -1;
  *out = (size_t)(x << shift);
  return 0;
}

static int parse_dangling(const char *v, size_t n, int *out) {
  static const char *const words[] = {"no", "yes", "all"}; /* enum tt_check_dangling */
  return parse_choice(v, n, words, TT_ARRAY_LEN(words), out);
}

/* --show-owner: each value adds a name to the list; an empty one empties it. */
static int append_owner(char *list, size_t size, const char *v, size_t n) {
  if (n == 0) {
    list[0] = '\0';
    return 0;
  }
  size_t len = strlen(list);
  if (memchr(v, '\n', n) || len + n + 2 > size)
    return -1;
  memcpy(list + len, v, n);
  list[len + n] = '\n';
  list[len + n + 1] = '\0';
  return 0;
}

bool tt_options_show_owner(const struct tt_options *o, const char *name) {
  const char *l = o->show_owner;
  if (!l[0])
    return true;
  if (!name)
    return false;
  size_t n = strlen(name);
  while (*l) {
    const char *end = strchr(l, '\n');
    if ((size_t)(end - l) == n && strncmp(l, name, n) == 0)
      return true;
    l = end + 1;
  }
  return false;
}

/* Linux's numbers (x86-64 and the generic table agree on these). SIGURG is
 * tether's own (it stops threads for a scan); SIGKILL and SIGSTOP cannot be
 * caught. */
static const struct {
  const char *name;
  int sig;
} signals[] = {{"SIGHUP", 1},   {"SIGINT", 2},   {"SIGQUIT", 3},  {"SIGTRAP", 5},
               {"SIGABRT", 6},  {"SIGUSR1", 10}, {"SIGUSR2", 12}, {"SIGPIPE", 13},
               {"SIGALRM", 14}, {"SIGTERM", 15}, {"SIGCHLD", 17}, {"SIGCONT", 18},
               {"SIGTSTP", 20}, {"SIGTTIN", 21}, {"SIGTTOU", 22}, {"SIGXCPU", 24},
               {"SIGXFSZ", 25}, {"SIGVTALRM", 26}, {"SIGPROF", 27}, {"SIGWINCH", 28},
               {"SIGIO", 29},   {"SIGPWR", 30},  {"SIGSYS", 31}};

const char *tt_options_signal_name(int sig) {
  for (unsigned i = 0; i < TT_ARRAY_LEN(signals); i++)
    if (signals[i].sig == sig)
      return signals[i].name;
  return NULL;
}

static int parse_signal(const char *v, size_t n, int *out) {
  if (word_is(v, n, "no") || word_is(v, n, "0") || word_is(v, n, "off")) {
    *out = 0;
    return 0;
  }
  int num;
  if (parse_int(v, n, 1, 64, &num) == 0) {
    if (num == 9 || num == 19 || num == 23 || num == 32 || num == 33)
      return -1; /* KILL, STOP, URG (tether's), glibc's internal two */
    *out = num;
    return 0;
  }
  if (n > 3 && strncmp(v, "SIG", 3) == 0) {
    v += 3;
    n -= 3;
  }
  for (unsigned i = 0; i < TT_ARRAY_LEN(signals); i++) {
    if (word_is(v, n, signals[i].name + 3)) {
      *out = signals[i].sig;
      return 0;
    }
  }
  return -1;
}

static int copy_string(char *dst, size_t size, const char *v, size_t n) {
  if (n >= size)
    return -1;
  memcpy(dst, v, n);
  dst[n] = '\0';
  return 0;
}

void tt_options_defaults(struct tt_options *o) {
  memset(o, 0, sizeof *o);
  for (int i = 0; i < tt_option_count; i++) {
    const char *d = tt_option_table[i].def;
    set_value(o, i, d, strlen(d));
  }
}

static void expected_text(const struct tt_option_info *info, char *buf, size_t size) {
  if (strcmp(info->values, "yes|no") == 0) {
    tt_fmt(buf, size, "yes or no");
  } else if (strstr(info->values, "..")) {
    tt_fmt(buf, size, "a whole number in %s", info->values);
  } else if (strcmp(info->values, "BYTES") == 0) {
    tt_fmt(buf, size, "a byte count, optionally with K, M or G");
  } else if (strncmp(info->values, "stdstring,", 10) == 0) {
    tt_fmt(buf, size, "a comma-separated list of stdstring, length64, newarray, "
                      "multipleinheritance; or all, none");
  } else if (strcmp(info->values, "memcheck") == 0) {
    tt_fmt(buf, size, "memcheck (tether is memcheck's counterpart; Valgrind's other tools have "
                      "none here)");
  } else if (strcmp(info->values, "NAME") == 0) {
    tt_fmt(buf, size, "an owner name (all names together shorter than %d bytes)", TT_OPT_PATH_MAX);
  } else if (strcmp(info->values, "no|SIG") == 0) {
    tt_fmt(buf, size, "no, a signal name such as SIGUSR1 or USR1, or a number from 1 to 64 other than "
                      "9, 19, 23, 32 and 33 (SIGKILL, SIGSTOP, SIGURG which tether uses, and "
                      "glibc's own two)");
  } else if (strcmp(info->values, "PATH") == 0) {
    tt_fmt(buf, size, "a path shorter than %d bytes", TT_OPT_PATH_MAX);
  } else {
    /* "a|b|c" -> "a, b or c"; kind lists say so */
    size_t len = 0;
    const char *v = info->values;
    if (strchr(v, ','))
      len += tt_fmt(buf, size, "a comma-separated list of definite, indirect, possible, reachable; or all, none");
    else {
      const char *last = strrchr(v, '|');
      for (const char *c = v; *c && len + 4 < size; c++) {
        if (*c == '|')
          len += tt_fmt(buf + len, size - len, "%s", c == last ? " or " : ", ");
        else
          buf[len++] = *c;
      }
      buf[len < size ? len : size - 1] = '\0';
    }
  }
}

int tt_options_set(struct tt_options *o, const char *key, size_t keylen, const char *value,
                   size_t valuelen, char *err, size_t errsize) {
  for (int i = 0; i < tt_option_count; i++) {
    if (!key_is(key, keylen, tt_option_table[i].flag))
      continue;
    if (set_value(o, i, value, valuelen) == 0) {
      /* Valgrind's --show-reachable=yes is --show-leak-kinds=all */
      if (strcmp(tt_option_table[i].flag, "show-reachable") == 0)
        o->show_leak_kinds = o->show_reachable ? TT_KIND_ALL : TT_KIND_DEFINITE | TT_KIND_POSSIBLE;
      return 0;
    }
    char expected[256];
    expected_text(&tt_option_table[i], expected, sizeof expected);
    /* a long value is cut, so the option's name and the expected form fit;
     * so is one with a line break, so the message stays one line */
    size_t shown = valuelen > 64 ? 64 : valuelen;
    const char *nl = memchr(value, '\n', shown);
    if (nl)
      shown = (size_t)(nl - value);
    tt_fmt(err, errsize, "bad value '%.*s%s' for %s (expected %s)", (int)shown, value,
           shown < valuelen ? "..." : "", tt_option_table[i].flag, expected);
    return -1;
  }
  tt_fmt(err, errsize, "unknown option '%.*s'", (int)keylen, key);
  return -1;
}

int tt_options_parse(struct tt_options *o, const char *s, char *err, size_t errsize) {
  char value[TT_OPT_PATH_MAX];
  char this_err[512];
  int rc = 0;
  /* Keeps every error, "; " between them, and goes on: one bad entry must
   * not discard the good ones after it, nor hide the bad ones (only the
   * first was named, and the others kept their defaults unsaid). */
  size_t errlen = 0;
#define TT_PARSE_FAIL()                                                              \
  do {                                                                               \
    if (errsize && errlen + 1 < errsize)                                             \
      errlen += tt_fmt(err + errlen, errsize - errlen, "%s%s", rc ? "; " : "", this_err); \
    if (errlen >= errsize)                                                           \
      errlen = errsize ? errsize - 1 : 0;                                            \
    rc = -1;                                                                         \
  } while (0)
  while (*s) {
    while (*s == ' ' || *s == ':' || *s == '\t' || *s == '\n')
      s++;
    if (!*s)
      break;
    /* Valgrind's spelling works too: --name=value, -q, -v (as the tether
     * command's flags and VALGRIND_OPTS have them). */
    if (s[0] == '-' && s[1] == '-')
      s += 2;
    const char *key = s;
    while (*s && *s != '=' && *s != ' ' && *s != ':' && *s != '\t' && *s != '\n')
      s++;
    size_t keylen = (size_t)(s - key);
    if (keylen == 2 && key[0] == '-' && (key[1] == 'q' || key[1] == 'v') && *s != '=') {
      if (key[1] == 'q')
        o->quiet = true;
      else if (o->verbose < 3)
        o->verbose++;
      continue;
    }
    if (*s != '=') {
      tt_fmt(this_err, sizeof this_err, "'%.*s' is not key=value", (int)keylen, key);
      TT_PARSE_FAIL();
      continue;
    }
    s++;
    size_t vn = 0;
    bool overlong = false;
    if (*s == '\'' || *s == '"') {
      char q = *s++;
      while (*s && *s != q) {
        if (vn + 1 < sizeof value)
          value[vn++] = *s;
        else
          overlong = true;
        s++;
      }
      if (*s != q) {
        tt_fmt(this_err, sizeof this_err, "unterminated quote in value of '%.*s'", (int)keylen,
               key);
        TT_PARSE_FAIL();
        break;
      }
      s++;
    } else {
      while (*s && *s != ' ' && *s != ':' && *s != '\t' && *s != '\n') {
        if (vn + 1 < sizeof value)
          value[vn++] = *s;
        else
          overlong = true;
        s++;
      }
    }
    value[vn] = '\0';
    if (overlong) {
      tt_fmt(this_err, sizeof this_err, "value of '%.*s' is too long", (int)keylen, key);
      TT_PARSE_FAIL();
      continue;
    }
    if (tt_options_set(o, key, keylen, value, vn, this_err, sizeof this_err) != 0)
      TT_PARSE_FAIL();
  }
#undef TT_PARSE_FAIL
  return rc;
}

const char *tt_options_env_name(const char *s, char *name, size_t size) {
  const char *end = strchr(s + 3, '}');
  size_t len = (size_t)(end - (s + 3));
  if (len >= size)
    len = size - 1;
  memcpy(name, s + 3, len);
  name[len] = '\0';
  return end;
}

int tt_options_check_path(const char *flag, const char *tmpl, char *err, size_t errsize) {
  for (const char *s = tmpl; *s; s++) {
    if (s[0] != '%')
      continue;
    if (s[1] == 'p' || s[1] == '%') {
      s++;
    } else if (s[1] == 'q' && s[2] == '{' && strchr(s + 3, '}')) {
      char name[256];
      const char *end = tt_options_env_name(s, name, sizeof name);
      if (!getenv(name)) {
        tt_fmt(err, errsize, "--%s: environment variable '%s' is not set", flag, name);
        return -1;
      }
      s = end;
    } else {
      tt_fmt(err, errsize, "--%s: expected 'p', 'q{VAR}' or '%%' after '%%' in '%s'", flag, tmpl);
      return -1;
    }
  }
  return 0;
}
