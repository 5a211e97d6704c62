/* SPDX-License-Identifier: MIT */
/* The descriptor tether keeps for its report (a copy of stderr, or the
 * --log-file), kept out of the program's reach as Valgrind keeps its own: a
 * program that closes every descriptor from 3 up (a daemon, a child about
 * to exec) closed it too, and its report ended after the banner. Natively
 * that number is not open: close gets EBADF, as here, and a dup2 onto it
 * gets it, once tether's copy has moved away. Only the preload has them. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <unistd.h>

#include "tt_common.h"
#include "tt_log.h"
#include "tt_preload.h"

/* Whether fd is tether's (never 0, 1 or 2: a report to stderr uses a copy). */
static inline bool ours(int fd) { return fd > 2 && fd == tt_log_fd(); }

TT_EXPORT int close(int fd) {
  if (TT_UNLIKELY(ours(fd))) {
    errno = EBADF;
    return -1;
  }
  TT_PRELOAD_REAL(close)
  return real_close(fd);
}

/* The range, less tether's descriptor: two calls around it. */
TT_EXPORT int close_range(unsigned first, unsigned last, int flags) {
  TT_PRELOAD_REAL(close_range)
  int own = tt_log_fd();
  if (own <= 2 || (unsigned)own < first || (unsigned)own > last)
    return real_close_range(first, last, flags);
  int rc = 0;
  if ((unsigned)own > first)
    rc = real_close_range(first, (unsigned)own - 1, flags);
  if (rc == 0 && (unsigned)own < last)
    rc = real_close_range((unsigned)own + 1, last, flags);
  return rc;
}

TT_EXPORT void closefrom(int lowfd) {
  int own = tt_log_fd();
  if (own > 2 && own >= lowfd) {
    if (own > lowfd)
      close_range((unsigned)(lowfd < 0 ? 0 : lowfd), (unsigned)own - 1, 0);
    lowfd = own + 1;
  }
  static __typeof__(&closefrom) real_closefrom;
  if (TT_UNLIKELY(!real_closefrom))
    real_closefrom = (__typeof__(&closefrom))tt_preload_next("closefrom");
  if (real_closefrom)
    real_closefrom(lowfd);
}

/* The program's descriptor newfd is to be a copy of oldfd: tether's, if it
 * has that number, moves first. */
TT_EXPORT int dup2(int oldfd, int newfd) {
  TT_PRELOAD_REAL(dup2)
  if (TT_UNLIKELY(ours(newfd)) && oldfd != newfd)
    tt_log_move_fd();
  return real_dup2(oldfd, newfd);
}

TT_EXPORT int dup3(int oldfd, int newfd, int flags) {
  TT_PRELOAD_REAL(dup3)
  if (TT_UNLIKELY(ours(newfd)) && oldfd != newfd)
    tt_log_move_fd();
  return real_dup3(oldfd, newfd, flags);
}
