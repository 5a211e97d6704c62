/* SPDX-License-Identifier: MIT */
/* tether's own messages and buffered writers, without stdio or malloc (see
 * tt_log.h).
 *
 * Notes on locking: log_lock protects the message destination and the early
 * buffer; a leaf (only write(2) is called under it). */
#include "tt_log.h"

#include <string.h>

#include "tt_options.h"
#include "tt_os.h"

#define TT_LOG_MAX_ERRORS 50
#define TT_LOG_MAX_WARNINGS 50
#define TT_LOG_EARLY_BYTES 4096

/* ======================================================================== */
/* writers                                                                   */
/* ======================================================================== */

void tt_out_init(struct tt_out *o, int fd) {
  o->fd = fd;
  o->err = 0;
  o->n = 0;
  o->mem = NULL;
  o->memsize = o->memlen = 0;
}

void tt_out_init_mem(struct tt_out *o, char *mem, size_t size) {
  tt_out_init(o, -1);
  o->mem = mem;
  o->memsize = size;
  if (size)
    mem[0] = '\0';
}

void tt_out_flush(struct tt_out *o) {
  if (!o->n)
    return;
  if (o->fd >= 0) {
    long rc = tt_os_write(o->fd, o->buf, o->n);
    if (rc < 0 && !o->err)
      o->err = (int)rc;
  } else if (o->mem && o->memsize) {
    size_t room = o->memsize - 1 - o->memlen;
    size_t k = o->n < room ? o->n : room;
    memcpy(o->mem + o->memlen, o->buf, k);
    o->memlen += k;
    o->mem[o->memlen] = '\0';
  }
  o->n = 0;
}

void tt_out_write(struct tt_out *o, const char *s, size_t n) {
  while (n) {
    size_t room = sizeof o->buf - o->n;
    size_t k = n < room ? n : room;
    memcpy(o->buf + o->n, s, k);
    o->n += k;
    s += k;
    n -= k;
    if (o->n == sizeof o->buf)
      tt_out_flush(o);
  }
}

void tt_out_printf(struct tt_out *o, const char *fmt, ...) {
  char line[2048];
  va_list ap;
  va_start(ap, fmt);
  size_t n = tt_vfmt(line, sizeof line, fmt, ap);
  va_end(ap);
  if (n >= sizeof line)
    n = sizeof line - 1;
  tt_out_write(o, line, n);
}

/* ======================================================================== */
/* tether's own messages                                                     */
/* ======================================================================== */

static int log_fd = -1;
static int verbosity;
static int n_errors, n_warnings;
static char early[TT_LOG_EARLY_BYTES];
static size_t early_len;
static tt_spinlock_t log_lock = TT_SPINLOCK_INIT;
/* Whether this thread holds log_lock: a signal handler that interrupted it
 * there must not ask for it again (tt_log_held_here). */
static __thread bool log_lock_mine __attribute__((tls_model("initial-exec")));

static void log_take(void) {
  tt_spin_lock(&log_lock);
  log_lock_mine = true;
}

static void log_give(void) {
  log_lock_mine = false;
  tt_spin_unlock(&log_lock);
}

bool tt_log_held_here(void) { return log_lock_mine; }

void tt_log_set_fd(int fd) {
  log_take();
  log_fd = fd;
  if (fd >= 0 && early_len) {
    tt_os_write(fd, early, early_len);
    early_len = 0;
  }
  log_give();
}

int tt_log_fd(void) { return __atomic_load_n(&log_fd, __ATOMIC_RELAXED); }

bool tt_log_move_fd(void) {
  log_take();
  int old = log_fd, moved = old >= 0 ? tt_os_dup_high(old) : -1;
  if (moved >= 0) {
    __atomic_store_n(&log_fd, moved, __ATOMIC_RELAXED);
    tt_os_close(old);
  }
  log_give();
  return moved >= 0;
}
void tt_log_lock(void) { log_take(); }
void tt_log_unlock(void) { log_give(); }
void tt_log_set_verbosity(int v) { verbosity = v; }
int tt_log_verbosity(void) { return verbosity; }

void tt_log_prefix(char *buf, size_t size) { tt_fmt(buf, size, "==%d== ", tt_os_getpid()); }

static void emit(const char *level, const char *fmt, va_list ap) {
  char line[1024];
  size_t n = 0;
  tt_log_prefix(line, sizeof line);
  n = strlen(line);
  if (level)
    n += tt_fmt(line + n, sizeof line - n, "%s", level);
  if (n < sizeof line)
    n += tt_vfmt(line + n, sizeof line - n, fmt, ap);
  if (n > sizeof line - 2)
    n = sizeof line - 2;
  line[n++] = '\n';
  log_take();
  if (log_fd >= 0) {
    tt_os_write(log_fd, line, n);
  } else if (early_len + n <= sizeof early) {
    memcpy(early + early_len, line, n);
    early_len += n;
  }
  log_give();
}

void tt_error(const char *fmt, ...) {
  if (__atomic_fetch_add(&n_errors, 1, __ATOMIC_RELAXED) >= TT_LOG_MAX_ERRORS)
    return;
  va_list ap;
  va_start(ap, fmt);
  emit("tether: error: ", fmt, ap);
  va_end(ap);
}

void tt_warn(const char *fmt, ...) {
  if (verbosity < 0 ||
      __atomic_fetch_add(&n_warnings, 1, __ATOMIC_RELAXED) >= TT_LOG_MAX_WARNINGS)
    return;
  va_list ap;
  va_start(ap, fmt);
  emit("Warning: ", fmt, ap);
  va_end(ap);
}

void tt_verbose(const char *fmt, ...) {
  if (verbosity < 1)
    return;
  va_list ap;
  va_start(ap, fmt);
  emit(NULL, fmt, ap);
  va_end(ap);
}

void tt_log_line(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  emit(NULL, fmt, ap);
  va_end(ap);
}

void tt_assert_fail(const char *expr, const char *file, int line) {
  char buf[512];
  size_t n = tt_fmt(buf, sizeof buf, "==%d== tether: internal error: assertion '%s' failed at %s:%d\n",
                    tt_os_getpid(), expr, file, line);
  tt_os_write(log_fd >= 0 ? log_fd : 2, buf, n < sizeof buf ? n : sizeof buf - 1);
  tt_os_abort();
}

volatile int tt_disabled;

void tt_self_disable(const char *why) {
  if (__atomic_exchange_n(&tt_disabled, 1, __ATOMIC_ACQ_REL))
    return;
  tt_log_line("tether: disabled: %s; the program runs on unchecked", why);
  tt_log_line("HINT: report this at the tether issue tracker with the program and options");
}

/* Expands %p (pid), %q{VAR} (environment) and %% in a log file template. */
void tt_log_expand_path(const char *tmpl, char *out, size_t size) {
  size_t n = 0;
  for (const char *s = tmpl; *s && n + 1 < size; s++) {
    if (s[0] == '%' && s[1] == 'p') {
      n += tt_fmt(out + n, size - n, "%d", tt_os_getpid());
      s++;
    } else if (s[0] == '%' && s[1] == '%') {
      out[n++] = '%';
      s++;
    } else if (s[0] == '%' && s[1] == 'q' && s[2] == '{') {
      if (!strchr(s + 3, '}')) {
        out[n++] = *s;
        continue;
      }
      char name[256];
      const char *end = tt_options_env_name(s, name, sizeof name);
      const char *v = tt_os_getenv(name);
      n += tt_fmt(out + n, size - n, "%s", v ? v : "");
      s = end;
    } else {
      out[n++] = *s;
    }
  }
  out[n < size ? n : size - 1] = '\0';
}

