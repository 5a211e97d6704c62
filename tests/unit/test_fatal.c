/* SPDX-License-Identifier: MIT */
/* tt_fatal: Valgrind's words for a signal, the signals reported, the
 * program's view of its dispositions with tether's handler hidden, the
 * watchdog timer, and the stack captured from a signal's context. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "tt_fatal.h"
#include "tt_os.h"
#include "tt_unwind.h"
#include "units.h"

static siginfo_t info(int sig, int code, uintptr_t addr, int pid) {
  siginfo_t si;
  memset(&si, 0, sizeof si);
  si.si_signo = sig;
  si.si_code = code;
  if (pid)
    si.si_pid = pid;
  else
    si.si_addr = (void *)addr;
  return si;
}

static void test_describe(void) {
  char buf[160];
  siginfo_t si = info(SIGSEGV, SEGV_MAPERR, 0, 0);
  CU_ASSERT_STRING_EQUAL(tt_fatal_describe(&si, 100, buf, sizeof buf),
                         " Access not within mapped region at address 0x0");
  si = info(SIGSEGV, SEGV_ACCERR, 0x7f00dead1000, 0);
  CU_ASSERT_STRING_EQUAL(tt_fatal_describe(&si, 100, buf, sizeof buf),
                         " Bad permissions for mapped region at address 0x7F00DEAD1000");
  si = info(SIGFPE, FPE_INTDIV, 0x401000, 0);
  CU_ASSERT_STRING_EQUAL(tt_fatal_describe(&si, 100, buf, sizeof buf),
                         " Integer divide by zero at address 0x401000");
  si = info(SIGBUS, BUS_ADRERR, 0x1000, 0);
  CU_ASSERT_STRING_EQUAL(tt_fatal_describe(&si, 100, buf, sizeof buf),
                         " Non-existent physical address at address 0x1000");
  si = info(SIGILL, ILL_ILLOPN, 0x2000, 0);
  CU_ASSERT_STRING_EQUAL(tt_fatal_describe(&si, 100, buf, sizeof buf),
                         " Illegal operand at address 0x2000");
  si = info(SIGSEGV, SI_KERNEL, 0, 0);
  CU_ASSERT_STRING_EQUAL(tt_fatal_describe(&si, 100, buf, sizeof buf), " General Protection Fault");
  /* sent: by another process, or by the process itself (abort, raise) */
  si = info(SIGTERM, SI_USER, 0, 4321);
  CU_ASSERT_STRING_EQUAL(tt_fatal_describe(&si, 100, buf, sizeof buf), " Sent by process 4321");
  si = info(SIGABRT, SI_TKILL, 0, 100);
  CU_ASSERT_STRING_EQUAL(tt_fatal_describe(&si, 100, buf, sizeof buf), "");
  /* a code nobody named, and no information at all */
  si = info(SIGBUS, 99, 0x1000, 0);
  CU_ASSERT_STRING_EQUAL(tt_fatal_describe(&si, 100, buf, sizeof buf), "");
  CU_ASSERT_STRING_EQUAL(tt_fatal_describe(NULL, 100, buf, sizeof buf), "");
  /* the same, as the XML report takes it */
  struct tt_fatal_info fi;
  si = info(SIGSEGV, SEGV_ACCERR, 0x1000, 0);
  tt_fatal_info_of(&si, SIGSEGV, &fi);
  CU_ASSERT_EQUAL(fi.sig, SIGSEGV);
  CU_ASSERT_EQUAL(fi.code, SEGV_ACCERR);
  CU_ASSERT_STRING_EQUAL(fi.event, "Bad permissions for mapped region");
  CU_ASSERT_TRUE(fi.has_addr && fi.addr == 0x1000);
  si = info(SIGTERM, SI_USER, 0, 4321);
  tt_fatal_info_of(&si, SIGTERM, &fi);
  CU_ASSERT_PTR_NULL(fi.event);
  CU_ASSERT_FALSE(fi.has_addr);
  si = info(SIGSEGV, SI_KERNEL, 0, 0);
  tt_fatal_info_of(&si, SIGSEGV, &fi);
  CU_ASSERT_STRING_EQUAL(fi.event, "General Protection Fault");
  CU_ASSERT_FALSE(fi.has_addr);
  /* a small buffer: cut, terminated */
  char small[8];
  si = info(SIGSEGV, SEGV_MAPERR, 0, 0);
  CU_ASSERT_EQUAL(strlen(tt_fatal_describe(&si, 100, small, sizeof small)), sizeof small - 1);
}

static void test_names_and_set(void) {
  char buf[32];
  CU_ASSERT_STRING_EQUAL(tt_fatal_signal_name(SIGSEGV, buf, sizeof buf), "SIGSEGV");
  CU_ASSERT_STRING_EQUAL(tt_fatal_signal_name(SIGABRT, buf, sizeof buf), "SIGABRT");
  CU_ASSERT_STRING_EQUAL(tt_fatal_signal_name(200, buf, sizeof buf), "signal 200");
  const int yes[] = {SIGSEGV, SIGBUS,  SIGFPE,  SIGILL,    SIGABRT, SIGTRAP,   SIGSYS,  SIGTERM,
                     SIGINT,  SIGHUP,  SIGQUIT, SIGXCPU,   SIGXFSZ, SIGPIPE,   SIGALRM, SIGUSR1,
                     SIGUSR2, SIGVTALRM, SIGPROF, SIGSTKFLT, SIGPOLL, SIGPWR};
  for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
    CU_ASSERT_TRUE(tt_fatal_is_reported(yes[i]));
  /* signals whose default is not to end the process, those nobody can
   * catch, the real-time ones */
  const int no[] = {SIGCHLD, SIGURG, SIGWINCH, SIGCONT, SIGSTOP, SIGTSTP, SIGKILL, SIGRTMIN, 0, 99};
  for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
    CU_ASSERT_FALSE(tt_fatal_is_reported(no[i]));
}

static void stand_in(int sig, siginfo_t *si, void *uc) {
  (void)si;
  (void)uc;
  tt_fatal_die(sig); /* a crash in a later test still ends the run */
}

static volatile int mine_calls;
static void mine(int sig) {
  (void)sig;
  mine_calls++;
}

static void test_dispositions(void) {
  struct sigaction dfl, cur, old;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigaction(SIGXFSZ, &dfl, NULL);
  CU_ASSERT_TRUE(tt_fatal_install(stand_in, SIGUSR1) > 0);
  CU_ASSERT_TRUE(tt_fatal_owns(SIGXFSZ));
  /* the kernel has tether's handler; the program is told SIG_DFL */
  sigaction(SIGXFSZ, NULL, &cur);
  CU_ASSERT_TRUE((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == stand_in);
  CU_ASSERT_EQUAL(tt_fatal_sigaction(SIGXFSZ, NULL, &old), 0);
  CU_ASSERT_PTR_EQUAL(old.sa_handler, SIG_DFL);

  /* the program's handler replaces it and is what it is told */
  struct sigaction act;
  memset(&act, 0, sizeof act);
  act.sa_handler = mine;
  CU_ASSERT_EQUAL(tt_fatal_sigaction(SIGXFSZ, &act, &old), 0);
  CU_ASSERT_PTR_EQUAL(old.sa_handler, SIG_DFL);
  CU_ASSERT_FALSE(tt_fatal_owns(SIGXFSZ));
  sigaction(SIGXFSZ, NULL, &cur);
  CU_ASSERT_PTR_EQUAL(cur.sa_handler, mine);
  tt_fatal_sigaction(SIGXFSZ, NULL, &old);
  CU_ASSERT_PTR_EQUAL(old.sa_handler, mine);

  /* SIG_DFL again: tether's handler is back, the program sees SIG_DFL
   * with the flags it gave */
  struct sigaction back = dfl;
  back.sa_flags = SA_RESTART;
  CU_ASSERT_EQUAL(tt_fatal_sigaction(SIGXFSZ, &back, &old), 0);
  CU_ASSERT_PTR_EQUAL(old.sa_handler, mine);
  CU_ASSERT_TRUE(tt_fatal_owns(SIGXFSZ));
  tt_fatal_sigaction(SIGXFSZ, NULL, &old);
  CU_ASSERT_PTR_EQUAL(old.sa_handler, SIG_DFL);
  CU_ASSERT_EQUAL(old.sa_flags & ~0x04000000, SA_RESTART); /* and SA_RESTORER, as libc sets */
  struct sigaction native;
  sigaction(SIGUSR2, &back, NULL);
  sigaction(SIGUSR2, NULL, &native);
  CU_ASSERT_EQUAL(old.sa_flags, native.sa_flags); /* what the kernel reports when libc set it */
  sigaction(SIGUSR2, &dfl, NULL);

  /* set behind its back (the raw system call, sigset): the program's */
  sigaction(SIGXFSZ, &act, NULL);
  tt_fatal_sigaction(SIGXFSZ, NULL, &old);
  CU_ASSERT_PTR_EQUAL(old.sa_handler, mine);
  CU_ASSERT_FALSE(tt_fatal_owns(SIGXFSZ));

  /* SIG_IGN is the program's too */
  struct sigaction ign = dfl;
  ign.sa_handler = SIG_IGN;
  tt_fatal_sigaction(SIGXFSZ, &dfl, NULL);
  CU_ASSERT_TRUE(tt_fatal_owns(SIGXFSZ));
  tt_fatal_sigaction(SIGXFSZ, &ign, NULL);
  sigaction(SIGXFSZ, NULL, &cur);
  CU_ASSERT_PTR_EQUAL(cur.sa_handler, SIG_IGN);

  /* the spared signal (tether's --check-signal) passes straight through,
   * SIG_DFL included */
  CU_ASSERT_FALSE(tt_fatal_is_reported(SIGUSR1));
  CU_ASSERT_FALSE(tt_fatal_owns(SIGUSR1));
  CU_ASSERT_EQUAL(tt_fatal_sigaction(SIGUSR1, &act, &old), 0);
  sigaction(SIGUSR1, NULL, &cur);
  CU_ASSERT_PTR_EQUAL(cur.sa_handler, mine);
  CU_ASSERT_EQUAL(tt_fatal_sigaction(SIGUSR1, &dfl, &old), 0);
  CU_ASSERT_PTR_EQUAL(old.sa_handler, mine);
  CU_ASSERT_FALSE(tt_fatal_owns(SIGUSR1));
  sigaction(SIGUSR1, NULL, &cur);
  CU_ASSERT_PTR_EQUAL(cur.sa_handler, SIG_DFL);
  /* a signal tether does not report passes straight through */
  CU_ASSERT_EQUAL(tt_fatal_sigaction(SIGCHLD, &act, &old), 0);
  sigaction(SIGCHLD, NULL, &cur);
  CU_ASSERT_PTR_EQUAL(cur.sa_handler, mine);
  CU_ASSERT_FALSE(tt_fatal_owns(SIGCHLD));
  sigaction(SIGCHLD, &dfl, NULL);

  /* a bad signal number: sigaction's own error */
  CU_ASSERT_EQUAL(tt_fatal_sigaction(0, &act, NULL), -1);
  CU_ASSERT_EQUAL(errno, EINVAL);
  CU_ASSERT_EQUAL(tt_fatal_sigaction(SIGKILL, &act, NULL), -1);
  CU_ASSERT_EQUAL(errno, EINVAL);

  sigaction(SIGXFSZ, &dfl, NULL);
}

/* SA_RESETHAND: the program's handler runs once, then tether's stands in
 * for SIG_DFL again (the kernel would have put the real SIG_DFL back). */
static void test_one_shot(void) {
  struct sigaction dfl, act, old, cur;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigaction(SIGXFSZ, &dfl, NULL);
  tt_fatal_install(stand_in, SIGUSR1);
  memset(&act, 0, sizeof act);
  act.sa_handler = mine;
  act.sa_flags = SA_RESETHAND;
  CU_ASSERT_EQUAL(tt_fatal_sigaction(SIGXFSZ, &act, &old), 0);
  CU_ASSERT_PTR_EQUAL(old.sa_handler, SIG_DFL);
  sigaction(SIGXFSZ, NULL, &cur);
  CU_ASSERT_FALSE(cur.sa_flags & SA_RESETHAND); /* the kernel has tether's trampoline */
  tt_fatal_sigaction(SIGXFSZ, NULL, &old); /* the program is told its own */
  CU_ASSERT_PTR_EQUAL(old.sa_handler, mine);
  CU_ASSERT_TRUE(old.sa_flags & SA_RESETHAND);
  mine_calls = 0;
  raise(SIGXFSZ);
  CU_ASSERT_EQUAL(mine_calls, 1);
  CU_ASSERT_TRUE(tt_fatal_owns(SIGXFSZ)); /* tether's handler, not the real SIG_DFL */
  tt_fatal_sigaction(SIGXFSZ, NULL, &old);
  CU_ASSERT_PTR_EQUAL(old.sa_handler, SIG_DFL);
  CU_ASSERT_TRUE(old.sa_flags & SA_RESETHAND); /* the kernel keeps the flags, resets the handler */
  /* sysv_signal sets SA_RESETHAND itself: the same */
  tt_fatal_signal_via(SIGXFSZ, mine, sysv_signal);
  sigaction(SIGXFSZ, NULL, &cur);
  CU_ASSERT_PTR_NOT_EQUAL(cur.sa_handler, mine);
  raise(SIGXFSZ);
  CU_ASSERT_EQUAL(mine_calls, 2);
  CU_ASSERT_TRUE(tt_fatal_owns(SIGXFSZ));
  sigaction(SIGXFSZ, &dfl, NULL);
}

static void test_signal_via(void) {
  struct sigaction dfl, cur;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigaction(SIGXCPU, &dfl, NULL);
  tt_fatal_install(stand_in, SIGUSR1);
  CU_ASSERT_TRUE_FATAL(tt_fatal_owns(SIGXCPU));
  /* libc's signal() sets the program's handler; the old one reads SIG_DFL */
  CU_ASSERT_PTR_EQUAL(tt_fatal_signal_via(SIGXCPU, mine, signal), SIG_DFL);
  sigaction(SIGXCPU, NULL, &cur);
  CU_ASSERT_PTR_EQUAL(cur.sa_handler, mine);
  CU_ASSERT_TRUE(cur.sa_flags & SA_RESTART);
  /* SIG_DFL: tether's handler again, the program told its own went */
  CU_ASSERT_PTR_EQUAL(tt_fatal_signal_via(SIGXCPU, SIG_DFL, signal), mine);
  CU_ASSERT_TRUE(tt_fatal_owns(SIGXCPU));
  CU_ASSERT_PTR_EQUAL(tt_fatal_signal_via(SIGXCPU, SIG_DFL, signal), SIG_DFL);
  /* siginterrupt() counts: libc leaves SA_RESTART out, as without tether
   * (deprecated, but what the programs the check is about still call) */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  siginterrupt(SIGXCPU, 1);
  tt_fatal_signal_via(SIGXCPU, mine, signal);
  sigaction(SIGXCPU, NULL, &cur);
  CU_ASSERT_PTR_EQUAL(cur.sa_handler, mine);
  CU_ASSERT_FALSE(cur.sa_flags & SA_RESTART);
  siginterrupt(SIGXCPU, 0);
#pragma GCC diagnostic pop
  CU_ASSERT_PTR_EQUAL(tt_fatal_signal_via(SIGXCPU, SIG_DFL, signal), mine);
  sigaction(SIGXCPU, &dfl, NULL);
}

static volatile int fired_tid, fired_cookie, fired_code;

static void on_timer(int sig, siginfo_t *si, void *uc) {
  (void)sig;
  (void)uc;
  fired_tid = tt_os_gettid();
  fired_cookie = si->si_value.sival_int;
  fired_code = si->si_code;
}

static void wait_fired(void) {
  for (int i = 0; i < 300 && !fired_tid; i++) {
    struct timespec ten_ms = {0, 10 * 1000 * 1000};
    nanosleep(&ten_ms, NULL);
  }
}

static void test_watchdog_timer(void) {
  struct sigaction act, dfl;
  memset(&act, 0, sizeof act);
  act.sa_sigaction = on_timer;
  act.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR2, &act, NULL);
  fired_tid = 0;
  int timer = -1;
  CU_ASSERT_TRUE_FATAL(tt_os_signal_timer(SIGUSR2, 200, true, 1234, &timer));
  CU_ASSERT_TRUE(timer >= 0);
  wait_fired();
  CU_ASSERT_EQUAL(fired_tid, tt_os_gettid()); /* this thread's, after 200 ms */
  CU_ASSERT_EQUAL(fired_cookie, 1234);
  CU_ASSERT_EQUAL(fired_code, SI_TIMER);
  /* the same timer, set again */
  int again = timer;
  fired_tid = 0;
  CU_ASSERT_TRUE_FATAL(tt_os_signal_timer(SIGUSR2, 50, true, 1234, &timer));
  CU_ASSERT_EQUAL(timer, again);
  wait_fired();
  CU_ASSERT_EQUAL(fired_tid, tt_os_gettid());
  /* to the process: the only thread here that takes it is this one */
  int ptimer = -1;
  fired_tid = 0;
  CU_ASSERT_TRUE_FATAL(tt_os_signal_timer(SIGUSR2, 50, false, 99, &ptimer));
  wait_fired();
  CU_ASSERT_EQUAL(fired_tid, tt_os_gettid());
  CU_ASSERT_EQUAL(fired_cookie, 99);
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigaction(SIGUSR2, &dfl, NULL);
}

static volatile int again_pid, again_code;

static void on_term(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  const siginfo_t *why = tt_fatal_origin(sig, si);
  again_code = si->si_code;
  again_pid = why->si_pid;
}

static void test_defer(void) {
  siginfo_t fault = info(SIGSEGV, SEGV_MAPERR, 0, 0);
  CU_ASSERT_FALSE(tt_fatal_defer(SIGSEGV, &fault));
  siginfo_t aborted = info(SIGABRT, SI_TKILL, 0, tt_os_getpid());
  CU_ASSERT_FALSE(tt_fatal_defer(SIGABRT, &aborted));
  siginfo_t raised = info(SIGTERM, SI_TKILL, 0, tt_os_getpid());
  CU_ASSERT_FALSE(tt_fatal_defer(SIGTERM, &raised)); /* raise(SIGTERM) would go on past it */

  struct sigaction act, old;
  memset(&act, 0, sizeof act);
  act.sa_sigaction = on_term;
  act.sa_flags = SA_SIGINFO;
  sigaction(SIGTERM, &act, &old);
  again_pid = again_code = 0;
  siginfo_t sent = info(SIGTERM, SI_USER, 0, 4321);
  CU_ASSERT_TRUE_FATAL(tt_fatal_defer(SIGTERM, &sent));
  for (int i = 0; i < 300 && !again_pid; i++) {
    struct timespec ms = {0, 1000 * 1000};
    nanosleep(&ms, NULL);
  }
  /* it came again, by the timer, and still tells who sent it first */
  CU_ASSERT_EQUAL(again_code, SI_TIMER);
  CU_ASSERT_EQUAL(again_pid, 4321);
  /* not for ever: after its tries, the report goes ahead */
  int tries = 1;
  while (tt_fatal_defer(SIGTERM, &sent) && tries < 1000)
    tries++;
  CU_ASSERT_EQUAL(tries, TT_FATAL_DEFER_TRIES);
  for (int i = 0; i < 100; i++) { /* the timers' last signal */
    struct timespec ms = {0, 1000 * 1000};
    nanosleep(&ms, NULL);
  }
  sigaction(SIGTERM, &old, NULL);
}

static sigjmp_buf trap_jump;
static uintptr_t trap_pcs[16];
static int trap_n;

static void on_trap(int sig, siginfo_t *si, void *uc) {
  (void)sig;
  (void)si;
  trap_n = tt_unwind_capture_context(trap_pcs, 16, uc);
  siglongjmp(trap_jump, 1);
}

static __attribute__((noinline)) void trap_here(void) {
  __asm__ volatile("ud2");
}

static __attribute__((noinline)) void call_trap(void) {
  trap_here();
  __asm__ volatile(""); /* not a tail call: this frame stays */
}

static void test_capture_context(void) {
  struct sigaction act, old;
  memset(&act, 0, sizeof act);
  act.sa_sigaction = on_trap;
  act.sa_flags = SA_SIGINFO;
  sigaction(SIGILL, &act, &old);
  trap_n = 0;
  if (!sigsetjmp(trap_jump, 1))
    call_trap();
  sigaction(SIGILL, &old, NULL);
  CU_ASSERT_TRUE_FATAL(trap_n >= 2);
  /* frame 0 is the faulting instruction itself, frame 1 its caller */
  CU_ASSERT_TRUE(trap_pcs[0] >= (uintptr_t)trap_here && trap_pcs[0] < (uintptr_t)trap_here + 32);
  CU_ASSERT_TRUE(trap_pcs[1] > (uintptr_t)call_trap && trap_pcs[1] < (uintptr_t)call_trap + 64);
  CU_ASSERT_EQUAL(tt_unwind_capture_context(trap_pcs, 16, NULL), 0);
}

/* ---- waits the stop signal cuts short (tt_os_wait_*) ---------------------- */

static volatile int waiter_tid, waiter_in, usr1_seen;
static volatile long waiter_rc, waiter_errno;
static volatile int waiter_cut, waiter_mask_same;
static volatile int send_usr1; /* the stopper sends SIGUSR1 while the world is stopped */
static volatile int skip_cut;   /* the waiter jumps out: no tt_os_wait_cut (a siglongjmp) */
static volatile int second_stop_done;
static volatile int late_cut;   /* the wrapper looks only after a second stop */
static volatile int waiter_held;

static void on_usr1(int sig) {
  (void)sig;
  usr1_seen++;
}

/* One wait of 5 s as a wrapper makes it: the system call right below. */
static void *waiter(void *arg) {
  (void)arg;
  sigset_t before, after;
  pthread_sigmask(SIG_SETMASK, NULL, &before);
  waiter_tid = tt_os_gettid();
  unsigned cuts = tt_os_wait_begin();
  waiter_in = 1;
  struct timespec ts = {5, 0};
  long rc = syscall(SYS_nanosleep, &ts, NULL);
  waiter_errno = errno;
  waiter_rc = rc;
  if (late_cut) {
    /* a second stop comes between the wait's return and the wrapper's look */
    pthread_sigmask(SIG_SETMASK, NULL, &after);
    waiter_held = sigismember(&after, SIGUSR1) == 1;
    while (!second_stop_done)
      sched_yield();
    waiter_cut = tt_os_wait_cut(&cuts);
  } else if (skip_cut) {
    /* as after a siglongjmp out of the wait: the hold is still on until
     * the next stop lets it go */
    pthread_sigmask(SIG_SETMASK, NULL, &after);
    waiter_cut = sigismember(&after, SIGUSR1) == 1; /* held: every signal blocked */
    while (!second_stop_done)
      sched_yield();
  } else {
    waiter_cut = tt_os_wait_cut(&cuts);
  }
  tt_os_wait_end();
  pthread_sigmask(SIG_SETMASK, NULL, &after);
  waiter_mask_same = sigismember(&after, SIGUSR1) == sigismember(&before, SIGUSR1) &&
                     sigismember(&after, SIGTERM) == sigismember(&before, SIGTERM);
  return NULL;
}

/* Whether thread tid sleeps in a system call now (state S in its stat). */
static int sleeping(int tid) {
  char path[64], buf[512];
  snprintf(path, sizeof path, "/proc/self/task/%d/stat", tid);
  FILE *f = fopen(path, "r");
  if (!f)
    return 0;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  const char *paren = strrchr(buf, ')');
  return paren && paren[1] == ' ' && paren[2] == 'S';
}

/* Starts the waiter and returns once it sleeps in its system call. */
static bool start_waiter(pthread_t *t) {
  waiter_tid = waiter_in = usr1_seen = 0;
  waiter_cut = -1;
  if (pthread_create(t, NULL, waiter, NULL) != 0)
    return false;
  for (int i = 0; i < 5000 && !(waiter_in && sleeping(waiter_tid)); i++)
    usleep(1000);
  return true;
}

static void cut_once(int with_usr1) {
  pthread_t t;
  CU_ASSERT_TRUE_FATAL(start_waiter(&t));
  struct tt_thread_state st[8];
  int n = tt_os_stop_world(st, 8);
  if (with_usr1)
    pthread_kill(t, SIGUSR1); /* pending: the stopped thread blocks it in the handler */
  else
    pthread_kill(t, SIGCHLD); /* no handler: pending under the hold, interrupts nothing */
  tt_os_resume_world();
  CU_ASSERT_TRUE(n >= 1);
  pthread_join(t, NULL);
  CU_ASSERT_EQUAL(waiter_rc, -1);
  CU_ASSERT_EQUAL(waiter_errno, EINTR);
  /* the check alone cut the sleep (a SIGCHLD nobody handles does not
   * count): a wrapper sleeps again; with SIGUSR1 due, its handler ran and
   * the wait ends as it would have */
  CU_ASSERT_EQUAL(waiter_cut, !with_usr1);
  CU_ASSERT_EQUAL(usr1_seen, with_usr1);
  CU_ASSERT_TRUE(waiter_mask_same);
}

/* One stop of every other thread, and the world resumed. */
static void stop_and_resume(void) {
  struct tt_thread_state st[8];
  tt_os_stop_world(st, 8);
  tt_os_resume_world();
}

/* A waiter that never comes back to tt_os_wait_cut (the program jumped out
 * of the wait) must not keep every signal blocked: the next stop lets the
 * hold go. */
static void test_wait_cut_jumped_out(void) {
  skip_cut = 1;
  second_stop_done = 0;
  pthread_t t;
  CU_ASSERT_TRUE_FATAL(start_waiter(&t));
  stop_and_resume();
  for (int i = 0; i < 5000 && waiter_cut == -1; i++)
    usleep(1000);
  CU_ASSERT_EQUAL(waiter_cut, 1); /* the hold was on */
  stop_and_resume();
  second_stop_done = 1;
  pthread_join(t, NULL);
  CU_ASSERT_TRUE(waiter_mask_same);
  skip_cut = 0;
}

/* A second stop between the wait's return and the wrapper's look lets the
 * hold go; the look must still tell the checks' cut (wait again) from a
 * signal of the program's (end the wait). It ended the wait with EINTR
 * either way: a sleeper woke with no signal, once in a few hundred with
 * checks back to back. */
static void second_stop_before_look(int with_usr1) {
  late_cut = 1;
  second_stop_done = 0;
  waiter_held = 0;
  pthread_t t;
  CU_ASSERT_TRUE_FATAL(start_waiter(&t));
  stop_and_resume();
  for (int i = 0; i < 5000 && !waiter_held; i++)
    usleep(1000);
  CU_ASSERT_EQUAL(waiter_held, 1);
  if (with_usr1)
    pthread_kill(t, SIGUSR1); /* pending under the hold */
  stop_and_resume();
  second_stop_done = 1;
  pthread_join(t, NULL);
  CU_ASSERT_EQUAL(waiter_cut, !with_usr1);
  CU_ASSERT_EQUAL(usr1_seen, with_usr1);
  CU_ASSERT_TRUE(waiter_mask_same);
  late_cut = 0;
}

/* Runs fn(0) and fn(1) with on_usr1 as SIGUSR1's handler. */
static void with_usr1_handler(void (*fn)(int)) {
  struct sigaction act, old;
  memset(&act, 0, sizeof act);
  act.sa_handler = on_usr1;
  sigaction(SIGUSR1, &act, &old);
  fn(0);
  fn(1);
  sigaction(SIGUSR1, &old, NULL);
}

static void test_wait_second_stop_before_look(void) { with_usr1_handler(second_stop_before_look); }

static void test_wait_cut(void) {
  with_usr1_handler(cut_once);
  /* no cut: a call that ended by itself is not called again */
  unsigned cuts = tt_os_wait_begin();
  CU_ASSERT_FALSE(tt_os_wait_cut(&cuts));
  tt_os_wait_end();
}

static int count_threads(void) {
  int n = 0;
  char buf[4096];
  FILE *f = fopen("/proc/self/status", "r");
  while (f && fgets(buf, sizeof buf, f))
    if (sscanf(buf, "Threads: %d", &n) == 1)
      break;
  if (f)
    fclose(f);
  return n;
}

static volatile int parked_running;

static void *parked(void *arg) {
  volatile int *stop = arg;
  parked_running = 1;
  while (!*stop)
    usleep(1000);
  return NULL;
}

/* A stop touches only the slots of out[] its threads can take, whatever max
 * says: a check passes room for 4,095 threads, and clearing all of it
 * faulted in 3 MB at every process's exit. Here out[] ends in memory that
 * cannot be touched a few slots past what 2 threads need; the stop runs in
 * a child, which dies of SIGSEGV if it reaches there. */
static void test_stop_touches_found_slots(void) {
  pid_t pid = fork();
  CU_ASSERT_TRUE_FATAL(pid >= 0);
  if (pid == 0) {
    volatile int stop = 0;
    pthread_t t;
    if (pthread_create(&t, NULL, parked, (void *)&stop) != 0)
      _exit(3);
    /* past pthread_create's start, where a new thread blocks every signal
     * (a stop then leaves it running) */
    while (!parked_running)
      usleep(1000);
    int threads = count_threads();
    if (threads != 2)
      _exit(4);
    size_t page = (size_t)sysconf(_SC_PAGESIZE), usable = (size_t)threads + 12;
    size_t rw = TT_ALIGN_UP(usable * sizeof(struct tt_thread_state), page);
    char *m = mmap(NULL, rw + 64 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED || mprotect(m, rw, PROT_READ | PROT_WRITE) != 0)
      _exit(5);
    struct tt_thread_state *out =
        (struct tt_thread_state *)(void *)(m + rw - usable * sizeof(struct tt_thread_state));
    int n = tt_os_stop_world(out, 4095);
    bool ok = n == 1 && out[0].stopped && out[0].tid != 0 && !out[0].current;
    tt_os_resume_world();
    stop = 1;
    pthread_join(t, NULL);
    _exit(ok ? 0 : 6);
  }
  int status = 0;
  CU_ASSERT_EQUAL_FATAL(waitpid(pid, &status, 0), pid);
  CU_ASSERT_TRUE(WIFEXITED(status));
  CU_ASSERT_EQUAL(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), 0);
}

int fatal_init(void) { return 0; }
int fatal_cleanup(void) { return 0; }

/* Alternate signal stacks: one for a thread that has none, given back to
 * a pool at its end for the next thread; a program's own is left alone. */
struct alt_seen {
  bool before_disabled, given, sized, after_disabled, own_kept;
  void *sp;
};

/* A thread starts with none, but under ASan, which gives each thread one
 * (and unmaps what the thread ends with): that one is set aside meanwhile. */
static void set_aside(stack_t *saved) {
  stack_t off = {.ss_sp = NULL, .ss_size = 0, .ss_flags = SS_DISABLE};
  sigaltstack(&off, saved);
}

static void put_back(const stack_t *saved) {
  if (!(saved->ss_flags & SS_DISABLE))
    sigaltstack(saved, NULL);
}

static void *alt_thread(void *arg) {
  struct alt_seen *a = arg;
  stack_t ss, saved;
  set_aside(&saved);
  sigaltstack(NULL, &ss);
  a->before_disabled = (ss.ss_flags & SS_DISABLE) != 0;
  tt_fatal_altstack_give();
  sigaltstack(NULL, &ss);
  a->given = !(ss.ss_flags & SS_DISABLE);
  a->sized = ss.ss_size == TT_FATAL_ALTSTACK_BYTES;
  a->sp = ss.ss_sp;
  tt_fatal_altstack_drop();
  sigaltstack(NULL, &ss);
  a->after_disabled = (ss.ss_flags & SS_DISABLE) != 0;
  put_back(&saved);
  return NULL;
}

static void *alt_own_thread(void *arg) {
  struct alt_seen *a = arg;
  static char mine_stack[32768];
  stack_t own = {.ss_sp = mine_stack, .ss_size = sizeof mine_stack, .ss_flags = 0}, ss, saved;
  sigaltstack(&own, &saved);
  tt_fatal_altstack_give();
  sigaltstack(NULL, &ss);
  a->own_kept = ss.ss_sp == mine_stack;
  tt_fatal_altstack_drop();
  sigaltstack(NULL, &ss);
  a->own_kept = a->own_kept && ss.ss_sp == mine_stack && !(ss.ss_flags & SS_DISABLE);
  stack_t off = {.ss_sp = NULL, .ss_size = 0, .ss_flags = SS_DISABLE};
  sigaltstack(&off, NULL);
  put_back(&saved); /* ASan unmaps whatever stack a thread ends with */
  return NULL;
}

static void test_altstack(void) {
  tt_fatal_install(stand_in, SIGUSR1);
  struct alt_seen a, b, c;
  memset(&a, 0, sizeof a);
  memset(&b, 0, sizeof b);
  memset(&c, 0, sizeof c);
  pthread_t t;
  CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, alt_thread, &a), 0);
  pthread_join(t, NULL);
  CU_ASSERT_TRUE(a.before_disabled && a.given && a.sized && a.after_disabled);
  CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, alt_thread, &b), 0);
  pthread_join(t, NULL);
  CU_ASSERT_TRUE(b.given);
  CU_ASSERT_PTR_EQUAL(b.sp, a.sp); /* the pool's */
  CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, alt_own_thread, &c), 0);
  pthread_join(t, NULL);
  CU_ASSERT_TRUE(c.own_kept);
  /* SIGSEGV's handler runs there; SIGABRT's on the thread's own stack */
  struct sigaction cur;
  sigaction(SIGSEGV, NULL, &cur);
  if (tt_fatal_owns(SIGSEGV))
    CU_ASSERT_TRUE(cur.sa_flags & SA_ONSTACK);
  sigaction(SIGABRT, NULL, &cur);
  if (tt_fatal_owns(SIGABRT))
    CU_ASSERT_FALSE(cur.sa_flags & SA_ONSTACK);
}

/* A child of a raw fork has memory of its own; one made with CLONE_VM
 * shares its parent's. */
static int clone_vm_child(void *arg) {
  int parent = *(int *)arg;
  return tt_os_same_memory(tt_os_getpid(), parent) == 1 ? 0 : 1;
}

static void test_same_memory(void) {
  int parent = tt_os_getpid();
  CU_ASSERT_EQUAL(tt_os_same_memory(parent, parent), 1);
  long pid = syscall(SYS_fork);
  if (pid == 0)
    _exit(tt_os_same_memory(tt_os_getpid(), parent) == 0 ? 0 : 1);
  int st = -1;
  CU_ASSERT_EQUAL(waitpid((pid_t)pid, &st, 0), (pid_t)pid);
  CU_ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  size_t size = 256 * 1024;
  char *stack = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CU_ASSERT_FATAL(stack != MAP_FAILED);
  pid = clone(clone_vm_child, stack + size, CLONE_VM | SIGCHLD, &parent);
  CU_ASSERT_TRUE_FATAL(pid > 0);
  CU_ASSERT_EQUAL(waitpid((pid_t)pid, &st, 0), (pid_t)pid);
  CU_ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  munmap(stack, size);
}

CU_TestInfo fatal_tests[] = {
    {"describe: Valgrind's words", test_describe},
    {"signal names, the reported set", test_names_and_set},
    {"dispositions: tether's handler hidden", test_dispositions},
    {"watchdog timer: to the calling thread", test_watchdog_timer},
    {"defer: only what another process sent", test_defer},
    {"signal(): libc's flags, tether hidden", test_signal_via},
    {"SA_RESETHAND: once, then tether's again", test_one_shot},
    {"capture from a signal's context", test_capture_context},
    {"a wait the stop signal cut: again, unless a signal is due", test_wait_cut},
    {"a wait jumped out of: the next stop lets the hold go", test_wait_cut_jumped_out},
    {"a wait a second stop let go before its look: cut, or a signal", test_wait_second_stop_before_look},
    {"stop: only the slots its threads can take", test_stop_touches_found_slots},
    {"alternate stacks: given where none, pooled, a program's kept", test_altstack},
    {"same memory: a raw fork's child no, a CLONE_VM child yes", test_same_memory},
    CU_TEST_INFO_NULL,
};
