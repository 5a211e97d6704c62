/* SPDX-License-Identifier: MIT */
/* Formatting and output without stdio or malloc: a small printf with
 * Valgrind's thousands separators, buffered writers, and tether's own
 * error/warning/verbose messages with a count cap. */
#ifndef TT_LOG_H
#define TT_LOG_H

#include "tt_common.h"
#include "tt_fmt.h"

/* A buffered writer onto a file descriptor (or into memory when fd < 0,
 * for tests: the text accumulates in mem up to memsize). */
struct tt_out {
  int fd;
  int err; /* the first write's error (-errno), or 0 */
  size_t n;
  char *mem;
  size_t memsize, memlen;
  char buf[4096];
};
void tt_out_init(struct tt_out *o, int fd) TT_HIDDEN;
void tt_out_init_mem(struct tt_out *o, char *mem, size_t size) TT_HIDDEN;
void tt_out_write(struct tt_out *o, const char *s, size_t n) TT_HIDDEN;
void tt_out_printf(struct tt_out *o, const char *fmt, ...) TT_HIDDEN
    __attribute__((format(gnu_printf, 2, 3)));
void tt_out_flush(struct tt_out *o) TT_HIDDEN;

/* Where tether's messages go: the report destination once known. Messages
 * logged before that wait in a static buffer. */
void tt_log_set_fd(int fd) TT_HIDDEN;
int tt_log_fd(void) TT_HIDDEN;
/* Moves the report's descriptor to another number (the program is about to
 * dup2 onto it); false if no other could be had. */
bool tt_log_move_fd(void) TT_HIDDEN;
/* "==PID== " */
void tt_log_prefix(char *buf, size_t size) TT_HIDDEN;
void tt_log_set_verbosity(int v) TT_HIDDEN;
/* A report file name: %p becomes the process id, %q{VAR} the environment
 * variable VAR, %% a percent sign. */
void tt_log_expand_path(const char *tmpl, char *out, size_t size) TT_HIDDEN; /* -1 quiet, 0 normal, 1+ verbose */
/* fork: the lock of tether's own messages (a leaf). */
void tt_log_lock(void) TT_HIDDEN;
void tt_log_unlock(void) TT_HIDDEN;
/* Whether the calling thread holds that lock (a signal handler that
 * interrupted it writing a line cannot write one). */
bool tt_log_held_here(void) TT_HIDDEN;
int tt_log_verbosity(void) TT_HIDDEN;

void tt_error(const char *fmt, ...) TT_HIDDEN __attribute__((format(gnu_printf, 1, 2)));
void tt_warn(const char *fmt, ...) TT_HIDDEN __attribute__((format(gnu_printf, 1, 2)));
void tt_verbose(const char *fmt, ...) TT_HIDDEN __attribute__((format(gnu_printf, 1, 2)));
/* One line with the ==PID== prefix, no level word, always shown. */
void tt_log_line(const char *fmt, ...) TT_HIDDEN __attribute__((format(gnu_printf, 1, 2)));



/* ---- self-disable ----------------------------------------------------------
 * When tether itself breaks (out of memory for its tables, an internal
 * failure) it logs once, stops recording, and lets the program run on. */
extern volatile int tt_disabled TT_HIDDEN;
void tt_self_disable(const char *why) TT_HIDDEN;
#endif
