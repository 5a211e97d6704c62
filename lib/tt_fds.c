/* SPDX-License-Identifier: MIT */
/* The descriptors tether keeps for its reports (a copy of stderr or the
 * --log-file, and under the tether command the run directory's PID.json),
 * kept out of the program's reach as Valgrind keeps its own: a
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
#include "tt_export.h"
#include "tt_log.h"
#include "tt_os.h"
#include "tt_preload.h"
#include "tt_unwind.h"

/* tether's descriptors, at most two, in ascending order; returns how many. */
static int own_fds(int out[2]) {
  int a = tt_log_fd(), b = tt_export_run_fd(), n = 0;
  if (a > 2)
    out[n++] = a;
  if (b > 2 && b != a)
    out[n++] = b;
  if (n == 2 && out[0] > out[1]) {
    int t = out[0];
    out[0] = out[1];
    out[1] = t;
  }
  return n;
}

/* Whether fd is tether's (never 0, 1 or 2: a report to stderr uses a copy). */
static inline bool ours(int fd) {
  return fd > 2 && (fd == tt_log_fd() || fd == tt_export_run_fd());
}

/* Moves tether's descriptor fd away: the program's dup2 is about to take
 * its number. */
static void move_away(int fd) {
  if (fd == tt_log_fd())
    tt_log_move_fd();
  else
    tt_export_move_run_fd();
}

TT_EXPORT int close(int fd) {
  if (TT_UNLIKELY(ours(fd))) {
    errno = EBADF;
    return -1;
  }
  TT_PRELOAD_REAL(close)
  return real_close(fd);
}

/* The range less tether's descriptors: a call for each piece around them. */
TT_EXPORT int close_range(unsigned first, unsigned last, int flags) {
  TT_PRELOAD_REAL(close_range)
  int own[2], n = own_fds(own);
  unsigned from = first;
  for (int i = 0; i < n; i++) {
    unsigned fd = (unsigned)own[i];
    if (fd < from || fd > last)
      continue;
    if (fd > from) {
      int rc = real_close_range(from, fd - 1, flags);
      if (rc != 0)
        return rc;
    }
    if (fd == last)
      return 0;
    from = fd + 1;
  }
  return real_close_range(from, last, flags);
}

TT_EXPORT void closefrom(int lowfd) {
  int own[2], n = own_fds(own);
  if (n && own[n - 1] >= lowfd) {
    close_range((unsigned)(lowfd < 0 ? 0 : lowfd), (unsigned)own[n - 1], 0);
    lowfd = own[n - 1] + 1;
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
    move_away(newfd);
  return real_dup2(oldfd, newfd);
}

TT_EXPORT int dup3(int oldfd, int newfd, int flags) {
  TT_PRELOAD_REAL(dup3)
  if (TT_UNLIKELY(ours(newfd)) && oldfd != newfd)
    move_away(newfd);
  return real_dup3(oldfd, newfd, flags);
}

/* libunwind's own pipe (it checks addresses by writing them into one) goes
 * to tether's range (tt_os_dup_high), as the report's descriptors: at 3 and 4
 * (or 0, with stdin closed) the program found it among its own. */
TT_EXPORT int pipe2(int fds[2], int flags) {
  TT_PRELOAD_REAL(pipe2)
  int rc = real_pipe2(fds, flags);
  if (rc == 0 && TT_UNLIKELY(tt_unwind_in_library())) {
    for (int i = 0; i < 2; i++) {
      int hi = tt_os_dup_high(fds[i]); /* close-on-exec, as libunwind asks */
      if (hi >= 0) {
        tt_os_close(fds[i]);
        fds[i] = hi;
      }
    }
  }
  return rc;
}
