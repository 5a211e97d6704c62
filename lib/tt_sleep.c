/* SPDX-License-Identifier: MIT */
/* Blocking calls the kernel never restarts after a signal handler (sleeps,
 * pause, poll, select, epoll_wait, sigwait, a semaphore's timed wait): when
 * the stop signal of an on-demand check alone cut one short, it is called
 * again for the time left, so the program never sees the check. Only the
 * preload has them. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <semaphore.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#include "tt_common.h"
#include "tt_os.h"
#include "tt_preload.h"

/* After each call of a wrapped wait: whether the check alone cut it short
 * (it failed with EINTR and tt_os_wait_cut says so); then the caller calls
 * again for the time left. */
static bool cut_by_check(long rc, unsigned *cuts) {
  int e = errno;
  return tt_os_wait_cut(cuts) && rc == -1 && e == EINTR;
}

/* ---- time left ------------------------------------------------------------ */

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/* A deadline for a wait of ms milliseconds (negative: none). */
static long long deadline_ms(int ms) {
  if (ms <= 0) /* 0: already passed (a poll that does not wait asks no clock) */
    return ms < 0 ? -1 : 0;
  return now_ns() + (long long)ms * 1000000ll;
}

/* The milliseconds left before deadline, rounded up (-1: no deadline). */
static int ms_left(long long deadline) {
  if (deadline < 0)
    return -1;
  long long left = deadline - now_ns();
  return left <= 0 ? 0 : (int)((left + 999999) / 1000000);
}

/* A deadline for a wait of *ts (NULL: none); one that overflows waits for
 * ever, as the kernel would in practice. */
static long long deadline_ts(const struct timespec *ts) {
  if (!ts)
    return -1;
  if (ts->tv_sec < 0 || ts->tv_nsec < 0)
    return now_ns(); /* the call itself reports EINVAL */
  if (ts->tv_sec > 1000000000ll * 3600)
    return -1;
  return now_ns() + (long long)ts->tv_sec * 1000000000ll + ts->tv_nsec;
}

/* *out: what is left before deadline; NULL when there is none. */
static const struct timespec *ts_left(long long deadline, struct timespec *out) {
  if (deadline < 0)
    return NULL;
  long long left = deadline - now_ns();
  if (left < 0)
    left = 0;
  out->tv_sec = (time_t)(left / 1000000000ll);
  out->tv_nsec = (long)(left % 1000000000ll);
  return out;
}

/* ======================================================================== */
/* sleeps                                                                    */
/* ======================================================================== */

/* A relative sleep goes on to the end it had at its start: the kernel's
 * time left at the cut does not count the time the thread then spent
 * stopped for the check, and a loop of checks would stretch the sleep
 * without end. The rest is an absolute sleep on the same clock; should
 * another signal cut that short, *rem gets what is left, as the kernel
 * would write it. Returns an error number, as clock_nanosleep. */
static int sleep_on(clockid_t clk, int flags, const struct timespec *req, struct timespec *rem) {
  static __typeof__(&clock_nanosleep) real_cns;
  if (TT_UNLIKELY(!real_cns)) {
    real_cns = (__typeof__(&clock_nanosleep))tt_preload_next("clock_nanosleep");
    if (!real_cns)
      return ENOSYS;
  }
  struct timespec start, end, asked;
  bool timed = !(flags & TIMER_ABSTIME) && clock_gettime(clk, &start) == 0;
  /* the kernel writes *rem over *req when they are one (glibc's own sleep
   * does that); a copy from memory that may be bad, the call's to report */
  if (req == rem && !tt_os_read_memory((uintptr_t)req, &asked, sizeof asked))
    return real_cns(clk, flags, req, rem);
  unsigned cuts = tt_os_wait_begin();
  int rc = real_cns(clk, flags, req, rem);
  errno = rc;
  if (!cut_by_check(rc ? -1 : 0, &cuts)) {
    tt_os_wait_end();
    return rc;
  }
  if (req != rem)
    asked = *req; /* the kernel read it */
  if (flags & TIMER_ABSTIME) {
    end = asked;
  } else if (timed) {
    end.tv_sec = start.tv_sec + asked.tv_sec;
    end.tv_nsec = start.tv_nsec + asked.tv_nsec;
    if (end.tv_nsec >= 1000000000l) {
      end.tv_sec++;
      end.tv_nsec -= 1000000000l;
    }
  } else {
    tt_os_wait_end();
    return rc;
  }
  do {
    rc = real_cns(clk, TIMER_ABSTIME, &end, NULL);
    errno = rc;
  } while (cut_by_check(rc ? -1 : 0, &cuts));
  tt_os_wait_end();
  if (rc == EINTR && rem && !(flags & TIMER_ABSTIME)) {
    struct timespec now;
    clock_gettime(clk, &now);
    long long left = ((long long)end.tv_sec - now.tv_sec) * 1000000000ll + (end.tv_nsec - now.tv_nsec);
    if (left < 0)
      left = 0;
    rem->tv_sec = (time_t)(left / 1000000000ll);
    rem->tv_nsec = (long)(left % 1000000000ll);
  }
  return rc;
}

/* Linux's nanosleep measures CLOCK_MONOTONIC. */
TT_EXPORT int nanosleep(const struct timespec *req, struct timespec *rem) {
  int saved = errno;
  int rc = sleep_on(CLOCK_MONOTONIC, 0, req, rem);
  errno = rc ? rc : saved;
  return rc ? -1 : 0;
}

/* Returns an error number and leaves errno alone. */
TT_EXPORT int clock_nanosleep(clockid_t clk, int flags, const struct timespec *req,
                              struct timespec *rem) {
  int saved = errno;
  int rc = sleep_on(clk, flags, req, rem);
  errno = saved;
  return rc;
}

/* glibc's sleep and usleep call its nanosleep inside libc, where tether's
 * cannot stand between: they are written here on libc's nanosleep, as
 * glibc writes them (a cancellation point still). */
TT_EXPORT unsigned sleep(unsigned seconds) {
  int saved = errno;
  struct timespec ts = {(time_t)seconds, 0}, left;
  if (nanosleep(&ts, &left) != 0)
    return (unsigned)left.tv_sec; /* another signal: the whole seconds left, as glibc */
  errno = saved;
  return 0;
}

TT_EXPORT int usleep(useconds_t usec) {
  struct timespec ts = {(time_t)(usec / 1000000), (long)(usec % 1000000) * 1000};
  return nanosleep(&ts, NULL);
}

/* ======================================================================== */
/* waits for a signal                                                        */
/* ======================================================================== */

TT_EXPORT int pause(void) {
  TT_PRELOAD_REAL(pause)
  unsigned cuts = tt_os_wait_begin();
  int rc = real_pause();
  while (cut_by_check(rc, &cuts))
    rc = real_pause();
  tt_os_wait_end();
  return rc;
}

TT_EXPORT int sigsuspend(const sigset_t *mask) {
  TT_PRELOAD_REAL(sigsuspend)
  unsigned cuts = tt_os_wait_begin();
  int rc = real_sigsuspend(mask);
  while (cut_by_check(rc, &cuts))
    rc = real_sigsuspend(mask);
  tt_os_wait_end();
  return rc;
}

TT_EXPORT int sigwaitinfo(const sigset_t *set, siginfo_t *info) {
  TT_PRELOAD_REAL(sigwaitinfo)
  unsigned cuts = tt_os_wait_begin();
  int rc = real_sigwaitinfo(set, info);
  while (cut_by_check(rc, &cuts))
    rc = real_sigwaitinfo(set, info);
  tt_os_wait_end();
  return rc;
}

TT_EXPORT int sigtimedwait(const sigset_t *set, siginfo_t *info, const struct timespec *timeout) {
  TT_PRELOAD_REAL(sigtimedwait)
  long long deadline = deadline_ts(timeout);
  unsigned cuts = tt_os_wait_begin();
  int rc = real_sigtimedwait(set, info, timeout);
  struct timespec left;
  while (cut_by_check(rc, &cuts))
    rc = real_sigtimedwait(set, info, ts_left(deadline, &left));
  tt_os_wait_end();
  return rc;
}

/* ======================================================================== */
/* waits for file descriptors                                                */
/* ======================================================================== */

TT_EXPORT int poll(struct pollfd *fds, nfds_t n, int timeout) {
  TT_PRELOAD_REAL(poll)
  long long deadline = deadline_ms(timeout);
  unsigned cuts = tt_os_wait_begin();
  int rc = real_poll(fds, n, timeout);
  while (cut_by_check(rc, &cuts))
    rc = real_poll(fds, n, ms_left(deadline));
  tt_os_wait_end();
  return rc;
}

TT_EXPORT int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *timeout,
                    const sigset_t *mask) {
  TT_PRELOAD_REAL(ppoll)
  long long deadline = deadline_ts(timeout);
  unsigned cuts = tt_os_wait_begin();
  int rc = real_ppoll(fds, n, timeout, mask);
  struct timespec left;
  while (cut_by_check(rc, &cuts))
    rc = real_ppoll(fds, n, ts_left(deadline, &left), mask);
  tt_os_wait_end();
  return rc;
}

/* Linux leaves the sets as they were when select fails, and writes the time
 * left into *tv: the same call again, with the time left to the deadline
 * (the kernel's figure leaves out the check), waits the rest. */
TT_EXPORT int select(int n, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv) {
  TT_PRELOAD_REAL(select)
  long long deadline = -1;
  if (tv && tv->tv_sec >= 0 && tv->tv_usec >= 0 && tv->tv_sec < 1000000000ll * 3600)
    deadline = now_ns() + (long long)tv->tv_sec * 1000000000ll + (long long)tv->tv_usec * 1000;
  unsigned cuts = tt_os_wait_begin();
  int rc = real_select(n, r, w, e, tv);
  while (cut_by_check(rc, &cuts)) {
    struct timespec left;
    if (ts_left(deadline, &left)) {
      tv->tv_sec = left.tv_sec;
      tv->tv_usec = left.tv_nsec / 1000;
    }
    rc = real_select(n, r, w, e, tv);
  }
  tt_os_wait_end();
  return rc;
}

/* glibc's pselect keeps the program's timeout as it was. */
TT_EXPORT int pselect(int n, fd_set *r, fd_set *w, fd_set *e, const struct timespec *timeout,
                      const sigset_t *mask) {
  TT_PRELOAD_REAL(pselect)
  long long deadline = deadline_ts(timeout);
  unsigned cuts = tt_os_wait_begin();
  int rc = real_pselect(n, r, w, e, timeout, mask);
  struct timespec left;
  while (cut_by_check(rc, &cuts))
    rc = real_pselect(n, r, w, e, ts_left(deadline, &left), mask);
  tt_os_wait_end();
  return rc;
}

TT_EXPORT int epoll_wait(int fd, struct epoll_event *ev, int max, int timeout) {
  TT_PRELOAD_REAL(epoll_wait)
  long long deadline = deadline_ms(timeout);
  unsigned cuts = tt_os_wait_begin();
  int rc = real_epoll_wait(fd, ev, max, timeout);
  while (cut_by_check(rc, &cuts))
    rc = real_epoll_wait(fd, ev, max, ms_left(deadline));
  tt_os_wait_end();
  return rc;
}

TT_EXPORT int epoll_pwait(int fd, struct epoll_event *ev, int max, int timeout,
                          const sigset_t *mask) {
  TT_PRELOAD_REAL(epoll_pwait)
  long long deadline = deadline_ms(timeout);
  unsigned cuts = tt_os_wait_begin();
  int rc = real_epoll_pwait(fd, ev, max, timeout, mask);
  while (cut_by_check(rc, &cuts))
    rc = real_epoll_pwait(fd, ev, max, ms_left(deadline), mask);
  tt_os_wait_end();
  return rc;
}

TT_EXPORT int epoll_pwait2(int fd, struct epoll_event *ev, int max, const struct timespec *timeout,
                           const sigset_t *mask) {
  TT_PRELOAD_REAL(epoll_pwait2)
  long long deadline = deadline_ts(timeout);
  unsigned cuts = tt_os_wait_begin();
  int rc = real_epoll_pwait2(fd, ev, max, timeout, mask);
  struct timespec left;
  while (cut_by_check(rc, &cuts))
    rc = real_epoll_pwait2(fd, ev, max, ts_left(deadline, &left), mask);
  tt_os_wait_end();
  return rc;
}

/* ======================================================================== */
/* semaphores                                                                */
/* ======================================================================== */

/* A futex wait with a time limit, which the kernel never restarts (sem_wait
 * has none, and SA_RESTART restarts it). The limit is absolute: the same
 * call again. */
TT_EXPORT int sem_timedwait(sem_t *sem, const struct timespec *abstime) {
  TT_PRELOAD_REAL(sem_timedwait)
  unsigned cuts = tt_os_wait_begin();
  int rc = real_sem_timedwait(sem, abstime);
  while (cut_by_check(rc, &cuts))
    rc = real_sem_timedwait(sem, abstime);
  tt_os_wait_end();
  return rc;
}

TT_EXPORT int sem_clockwait(sem_t *sem, clockid_t clk, const struct timespec *abstime) {
  TT_PRELOAD_REAL(sem_clockwait)
  unsigned cuts = tt_os_wait_begin();
  int rc = real_sem_clockwait(sem, clk, abstime);
  while (cut_by_check(rc, &cuts))
    rc = real_sem_clockwait(sem, clk, abstime);
  tt_os_wait_end();
  return rc;
}
