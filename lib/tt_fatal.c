/* SPDX-License-Identifier: MIT */
/* Fatal signals (see tt_fatal.h): which signals, the disposition the
 * program sees, who reports, and the end. The system calls are tt_os's. */
#include "tt_fatal.h"

#include <errno.h>
#include <string.h>

#include "tt_fmt.h"
#include "tt_log.h"
#include "tt_options.h"
#include "tt_os.h"

/* Every signal whose default action ends the process, as under Valgrind,
 * but the real-time ones: the faults and abort, then those others send. */
static const int reported[] = {SIGSEGV, SIGBUS,    SIGFPE,  SIGILL,  SIGABRT, SIGTRAP,
                               SIGSYS,  SIGTERM,   SIGINT,  SIGHUP,  SIGQUIT, SIGXCPU,
                               SIGXFSZ, SIGPIPE,   SIGALRM, SIGUSR1, SIGUSR2, SIGVTALRM,
                               SIGPROF, SIGSTKFLT, SIGPOLL, SIGPWR};
/* A signal tether itself uses (--check-signal): never taken. */
static int spared;

#define TT_FATAL_NSIG 65

/* The flag glibc's sigaction adds to every disposition it sets on x86-64
 * (its signal return trampoline), which the kernel then reports. */
#if defined(__x86_64__)
#define TT_SA_RESTORER 0x04000000
#else
#define TT_SA_RESTORER 0
#endif

/* Per signal: whether tether's handler is the disposition, and what the
 * program set last while it was (SIG_DFL, with the program's flags and
 * mask, which it gets back when it asks). */
static struct {
  bool owned;
  struct sigaction view;
  struct sigaction once; /* a one-shot handler of the program's (SA_RESETHAND), see below */
} disp[TT_FATAL_NSIG];
static tt_fatal_handler_fn handler;
static tt_spinlock_t disp_lock = TT_SPINLOCK_INIT;

/* The reporting thread (0: none yet) and its signal. */
static int reporter_tid;
static int first_sig;

bool tt_fatal_is_reported(int sig) {
  if (sig == spared)
    return false;
  for (size_t i = 0; i < sizeof reported / sizeof reported[0]; i++)
    if (reported[i] == sig)
      return true;
  return false;
}

/* tether's handler as sig's disposition: every signal blocked while it
 * runs but the synchronous faults (blocking them would not stop them: the
 * kernel kills the process instead) and the stop signal (a check stops the
 * other threads, a second fatal signal's waiting thread among them). */
static int take(int sig) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = handler;
  /* SA_ONSTACK only for the faults a stack overflow raises: there the
   * thread's own stack has no room left, and the alternate stack tether
   * gives each thread that has none (tt_fatal_altstack_give) has 64 KB.
   * Not for the others: a program's alternate stack is often small (Rust
   * gives every thread 8 KB and a guard page, much of it the kernel's signal
   * frame), and the thread's own stack is where the handler finds room. */
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  if (sig == SIGSEGV || sig == SIGBUS)
    sa.sa_flags |= SA_ONSTACK;
  sigfillset(&sa.sa_mask);
  const int sync[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, tt_os_stop_signal()};
  for (size_t i = 0; i < sizeof sync / sizeof sync[0]; i++)
    sigdelset(&sa.sa_mask, sync[i]);
  int rc = tt_os_sigaction(sig, &sa, NULL);
  if (rc == 0) {
    disp[sig].owned = true;
    memset(&disp[sig].view, 0, sizeof disp[sig].view);
    disp[sig].view.sa_handler = SIG_DFL;
  }
  return rc;
}

static bool is_ours(const struct sigaction *sa) {
  return handler && (sa->sa_flags & SA_SIGINFO) && sa->sa_sigaction == handler;
}

int tt_fatal_install(tt_fatal_handler_fn fn, int spare) {
  int n = 0;
  tt_spin_lock(&disp_lock);
  handler = fn;
  spared = spare;
  for (size_t i = 0; i < sizeof reported / sizeof reported[0]; i++) {
    int sig = reported[i];
    if (sig == spared)
      continue;
    struct sigaction cur;
    if (tt_os_sigaction(sig, NULL, &cur) == 0 && cur.sa_handler == SIG_DFL && take(sig) == 0)
      n++;
  }
  tt_spin_unlock(&disp_lock);
  return n;
}

/* Alternate signal stacks: each thread's mapping (a guard page, then
 * TT_FATAL_ALTSTACK_BYTES), kept for the next thread when its thread ends
 * (a thread that starts and ends costs two sigaltstack calls, not a mapping
 * and an unmapping). The pool's slots are taken and filled by atomic
 * exchange: no lock, which a fork could leave held. */
#define TT_ALTSTACK_MAP (TT_FATAL_ALTSTACK_BYTES + 4096)
#define TT_ALTSTACK_POOL 64
static __thread char *altstack __attribute__((tls_model("initial-exec")));
static char *altstack_pool[TT_ALTSTACK_POOL];

static char *pool_take(void) {
  for (int i = 0; i < TT_ALTSTACK_POOL; i++)
    if (__atomic_load_n(&altstack_pool[i], __ATOMIC_RELAXED)) {
      char *m = __atomic_exchange_n(&altstack_pool[i], NULL, __ATOMIC_ACQ_REL);
      if (m)
        return m;
    }
  return NULL;
}

static void pool_put(char *m) {
  for (int i = 0; i < TT_ALTSTACK_POOL; i++) {
    char *none = NULL;
    if (__atomic_compare_exchange_n(&altstack_pool[i], &none, m, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_RELAXED))
      return;
  }
  tt_os_unmap(m, TT_ALTSTACK_MAP);
}

void tt_fatal_altstack_give(void) {
  if (altstack || !handler)
    return;
  char *m = pool_take();
  if (!m) {
    m = tt_os_map(TT_ALTSTACK_MAP);
    if (!m)
      return;
    tt_os_protect_none(m, 4096); /* an overflow of it faults, not corrupts */
  }
  if (!tt_os_altstack_set_if_none(m + 4096, TT_FATAL_ALTSTACK_BYTES)) {
    pool_put(m);
    return;
  }
  altstack = m;
}

void tt_fatal_altstack_drop(void) {
  char *m = altstack;
  if (!m || !tt_os_altstack_release(m + 4096))
    return;
  altstack = NULL;
  pool_put(m);
}

/* A one-shot handler (SA_RESETHAND: a crash handler that prints, then
 * raises the signal again) would have the kernel reset the disposition to
 * the real SIG_DFL, where tether's handler can no longer stand in for it,
 * and the raise would end the process with no report. tether installs its
 * own trampoline in its place, which puts tether's handler back (as the
 * kernel would have put SIG_DFL back) and calls the program's. */
static int once_fired[TT_FATAL_NSIG]; /* the one-shot handler ran (or runs) */

static void once_trampoline(int sig, siginfo_t *si, void *uc) {
  if (__atomic_exchange_n(&once_fired[sig], 1, __ATOMIC_ACQ_REL)) {
    /* another thread took the one shot first: for this delivery the
     * disposition was already SIG_DFL, whose place tether's handler has */
    handler(sig, si, uc);
    return;
  }
  struct sigaction prog = disp[sig].once;
  if (take(sig) == 0) { /* the kernel resets only the handler, not the flags and mask */
    disp[sig].view = prog;
    disp[sig].view.sa_handler = SIG_DFL;
  }
  if (prog.sa_flags & SA_SIGINFO)
    prog.sa_sigaction(sig, si, uc);
  else if (prog.sa_handler != SIG_DFL && prog.sa_handler != SIG_IGN)
    prog.sa_handler(sig);
}

static bool is_once(const struct sigaction *sa) {
  return (sa->sa_flags & SA_SIGINFO) && sa->sa_sigaction == once_trampoline;
}

static bool wants_once(const struct sigaction *act) {
  return (act->sa_flags & SA_RESETHAND) && act->sa_handler != SIG_DFL &&
         act->sa_handler != SIG_IGN;
}

/* Sets the program's one-shot act through the trampoline. */
static int set_once(int sig, const struct sigaction *act) {
  struct sigaction t = *act;
  t.sa_sigaction = once_trampoline;
  t.sa_flags = (act->sa_flags & ~SA_RESETHAND) | SA_SIGINFO;
  __atomic_store_n(&once_fired[sig], 0, __ATOMIC_RELEASE);
  int rc = tt_os_sigaction(sig, &t, NULL);
  if (rc == 0) {
    disp[sig].once = *act;
    disp[sig].once.sa_flags |= TT_SA_RESTORER;
    disp[sig].owned = false;
  }
  return rc;
}

bool tt_fatal_owns(int sig) {
  if (sig <= 0 || sig >= TT_FATAL_NSIG || !handler)
    return false;
  struct sigaction cur;
  return tt_os_sigaction(sig, NULL, &cur) == 0 && is_ours(&cur);
}

void tt_fatal_note_disposition(int sig) {
  static int said;
  if (!spared || sig != spared || __atomic_exchange_n(&said, 1, __ATOMIC_RELAXED))
    return;
  const char *name = tt_options_signal_name(sig);
  char num[16];
  if (!name) {
    tt_fmt(num, sizeof num, "%d", sig);
    name = num;
  }
  tt_warn("the program set its own disposition for %s, the --check-signal signal: it gets "
          "that signal from now on, and no leak check runs on it",
          name);
}

int tt_fatal_sigaction(int sig, const struct sigaction *act, struct sigaction *old) {
  if (act)
    tt_fatal_note_disposition(sig);
  if (sig <= 0 || sig >= TT_FATAL_NSIG || !handler || !tt_fatal_is_reported(sig)) {
    int rc = tt_os_sigaction(sig, act, old);
    if (rc < 0) {
      errno = -rc;
      return -1;
    }
    return 0;
  }
  /* A handler that calls sigaction must not find the lock held by the
   * code it interrupted in its own thread. */
  tt_sigmask_t saved;
  tt_os_block_signals(&saved);
  tt_spin_lock(&disp_lock);
  struct sigaction cur;
  int rc = tt_os_sigaction(sig, NULL, &cur);
  if (rc == 0) {
    /* Set behind tether's back (the raw system call, or a libc function
     * that does not come through here): the program's. */
    disp[sig].owned = is_ours(&cur);
    struct sigaction seen = disp[sig].owned ? disp[sig].view : is_once(&cur) ? disp[sig].once : cur;
    if (act && wants_once(act)) {
      rc = set_once(sig, act);
    } else if (act && act->sa_handler == SIG_DFL) {
      if (!disp[sig].owned)
        rc = take(sig);
      if (rc == 0) {
        disp[sig].view = *act;
        disp[sig].view.sa_flags |= TT_SA_RESTORER; /* what libc's sigaction would have added */
      }
    } else if (act) {
      rc = tt_os_sigaction(sig, act, NULL);
      if (rc == 0)
        disp[sig].owned = false;
    }
    if (rc == 0 && old)
      *old = seen;
  }
  tt_spin_unlock(&disp_lock);
  tt_os_restore_signals(&saved);
  if (rc < 0) {
    errno = -rc;
    return -1;
  }
  return 0;
}

bool tt_fatal_claim(int sig) {
  int me = tt_os_gettid(), none = 0;
  if (__atomic_compare_exchange_n(&reporter_tid, &none, me, false, __ATOMIC_ACQ_REL,
                                  __ATOMIC_ACQUIRE)) {
    first_sig = sig;
    return true;
  }
  if (none == me) /* tether failed while reporting: the first signal ends it */
    tt_fatal_die(first_sig ? first_sig : sig);
  for (;;)
    tt_os_pause(); /* the reporting thread ends the process */
}

/* The signal being asked for again, the siginfo it first came with, and
 * how many times (shared by the threads: the timer sends it to the
 * process, any thread that does not block it takes it). The timers are
 * made once (per signal for the deferral) and set again after: their ids
 * plus one, 0 for none. */
static int deferred_sig;
static siginfo_t deferred_si;
static int deferred_tries;
static int defer_timers[TT_FATAL_NSIG];
static int watchdog_timer;
#define TT_FATAL_COOKIE 0x7e7e4e2d /* si_value of tether's own timers' signals */

static bool timer_set(int *id_plus_one, int sig, unsigned ms, bool thread) {
  int id = *id_plus_one - 1;
  bool ok = tt_os_signal_timer(sig, ms, thread, TT_FATAL_COOKIE, &id);
  *id_plus_one = id + 1;
  return ok;
}

static bool sent_by_self(const siginfo_t *si, int self) {
  return si && (si->si_code == SI_USER || si->si_code == SI_TKILL || si->si_code == SI_QUEUE) &&
         si->si_pid == self;
}

bool tt_fatal_from_outside(int sig, const siginfo_t *si) {
  switch (sig) {
  case SIGTERM: case SIGINT: case SIGHUP: case SIGQUIT: case SIGXCPU: case SIGXFSZ:
  case SIGALRM: case SIGUSR1: case SIGUSR2: case SIGVTALRM: case SIGPROF: case SIGSTKFLT:
  case SIGPOLL: case SIGPWR:
    break;
  default:
    return false; /* a fault, abort: the thread cannot go on */
  }
  return !sent_by_self(si, tt_os_getpid()); /* raise: it would go on past it */
}

bool tt_fatal_defer(int sig, const siginfo_t *si) {
  if (!tt_fatal_from_outside(sig, si))
    return false;
  int none = 0;
  if (__atomic_compare_exchange_n(&deferred_sig, &none, sig, false, __ATOMIC_ACQ_REL,
                                  __ATOMIC_ACQUIRE)) {
    if (si)
      deferred_si = *si; /* the first one's: it names who sent it */
    else
      memset(&deferred_si, 0, sizeof deferred_si);
  }
  if (__atomic_fetch_add(&deferred_tries, 1, __ATOMIC_ACQ_REL) >= TT_FATAL_DEFER_TRIES)
    return false;
  /* To the process, not this thread: it may exit (or block the signal)
   * before the timer goes off, and the signal would be lost with it. */
  return timer_set(&defer_timers[sig], sig, TT_FATAL_DEFER_MS, false);
}

const siginfo_t *tt_fatal_origin(int sig, const siginfo_t *si) {
  if (si && si->si_code == SI_TIMER && si->si_value.sival_int == TT_FATAL_COOKIE &&
      __atomic_load_n(&deferred_sig, __ATOMIC_ACQUIRE) == sig)
    return &deferred_si;
  return si;
}

void tt_fatal_take_deferred(void) {
  int sig = __atomic_load_n(&deferred_sig, __ATOMIC_ACQUIRE);
  if (!sig || __atomic_load_n(&reporter_tid, __ATOMIC_ACQUIRE))
    return;
  /* A signal asked for again may find no thread to take it once this one
   * is gone (the others block it): take it here, as the timer would have
   * sent it. */
  siginfo_t si;
  memset(&si, 0, sizeof si);
  si.si_signo = sig;
  si.si_code = SI_TIMER;
  si.si_value.sival_int = TT_FATAL_COOKIE;
  tt_os_unblock_signal(sig);
  tt_os_queue_signal_self(sig, &si);
}

bool tt_fatal_reporting_elsewhere(void) {
  int tid = __atomic_load_n(&reporter_tid, __ATOMIC_ACQUIRE);
  return tid && tid != tt_os_gettid();
}

void tt_fatal_fork_child(void) {
  /* the parent's other threads do not exist here: a lock one held, a
   * report one was making, are not the child's; nor are the timers */
  disp_lock = (tt_spinlock_t)TT_SPINLOCK_INIT;
  reporter_tid = 0;
  first_sig = 0;
  deferred_sig = 0;
  deferred_tries = 0;
  memset(defer_timers, 0, sizeof defer_timers);
  watchdog_timer = 0;
}

tt_sighandler_t tt_fatal_signal_via(int sig, tt_sighandler_t disposition,
                                 tt_sighandler_t (*real_fn)(int, tt_sighandler_t)) {
  tt_sigmask_t saved;
  tt_os_block_signals(&saved);
  tt_spin_lock(&disp_lock);
  struct sigaction cur;
  tt_sighandler_t seen = SIG_ERR;
  if (tt_os_sigaction(sig, NULL, &cur) == 0) {
    disp[sig].owned = is_ours(&cur);
    seen = disp[sig].owned  ? disp[sig].view.sa_handler
           : is_once(&cur) ? disp[sig].once.sa_handler
                           : cur.sa_handler;
    /* libc's own function sets it, with the flags it would have chosen
     * (siginterrupt's among them) */
    struct sigaction now;
    if (real_fn(sig, disposition) == SIG_ERR) {
      seen = SIG_ERR;
    } else if (tt_os_sigaction(sig, NULL, &now) != 0) {
      disp[sig].owned = false;
    } else if (disposition == SIG_DFL) {
      if (take(sig) == 0)
        disp[sig].view = now; /* SIG_DFL with libc's flags and mask */
    } else if (wants_once(&now)) { /* sysv_signal's SA_RESETHAND */
      set_once(sig, &now);
    } else {
      disp[sig].owned = false;
    }
  }
  tt_spin_unlock(&disp_lock);
  tt_os_restore_signals(&saved);
  return seen;
}

/* The watchdog's signal went off: the report did not finish in time. */
static void watchdog_fired(int w) {
  (void)w;
  tt_fatal_die(first_sig);
}

void tt_fatal_begin(int sig, unsigned seconds) {
  /* sig stays blocked in this thread and tether's handler stays in place:
   * a second copy of it (a timeout signals the whole process group, and
   * the tether command passes its own copy on) waits for the report,
   * pending here or in the handler of another thread, instead of ending
   * the process in the middle of it. The watchdog uses another signal,
   * taken over for the purpose: the process is ending anyway. */
  if (!seconds)
    return;
  int w = sig == SIGALRM ? SIGVTALRM : SIGALRM;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = watchdog_fired;
  sigfillset(&sa.sa_mask);
  if (tt_os_sigaction(w, &sa, NULL) == 0) {
    tt_os_unblock_signal(w);
    timer_set(&watchdog_timer, w, seconds * 1000u, true);
  }
}

void tt_fatal_die(int sig) { tt_os_die_by(sig); }

void tt_fatal_raise_default(int sig) {
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  tt_fatal_sigaction(sig, &dfl, NULL);
  tt_os_unblock_signal(sig);
  tt_os_raise(sig);
}

const char *tt_fatal_signal_name(int sig, char *buf, size_t size) {
  const char *abbrev = tt_os_signal_abbrev(sig);
  if (abbrev)
    tt_fmt(buf, size, "SIG%s", abbrev);
  else
    tt_fmt(buf, size, "signal %d", sig);
  return buf;
}

/* Valgrind's words for each si_code the kernel gives a fault. */
static const char *fault_text(int sig, int code) {
  switch (sig) {
  case SIGSEGV:
    switch (code) {
    case SEGV_MAPERR: return "Access not within mapped region";
    case SEGV_ACCERR: return "Bad permissions for mapped region";
    default: return NULL;
    }
  case SIGBUS:
    switch (code) {
    case BUS_ADRALN: return "Invalid address alignment";
    case BUS_ADRERR: return "Non-existent physical address";
    case BUS_OBJERR: return "Hardware error";
    default: return NULL;
    }
  case SIGFPE:
    switch (code) {
    case FPE_INTDIV: return "Integer divide by zero";
    case FPE_INTOVF: return "Integer overflow";
    case FPE_FLTDIV: return "FP divide by zero";
    case FPE_FLTOVF: return "FP overflow";
    case FPE_FLTUND: return "FP underflow";
    case FPE_FLTRES: return "FP inexact";
    case FPE_FLTINV: return "FP invalid operation";
    case FPE_FLTSUB: return "FP subscript out of range";
    default: return NULL;
    }
  case SIGILL:
    switch (code) {
    case ILL_ILLOPC: return "Illegal opcode";
    case ILL_ILLOPN: return "Illegal operand";
    case ILL_ILLADR: return "Illegal addressing mode";
    case ILL_ILLTRP: return "Illegal trap";
    case ILL_PRVOPC: return "Privileged opcode";
    case ILL_PRVREG: return "Privileged register";
    case ILL_COPROC: return "Coprocessor error";
    case ILL_BADSTK: return "Internal stack error";
    default: return NULL;
    }
  default:
    return NULL;
  }
}

void tt_fatal_info_of(const siginfo_t *si, int sig, struct tt_fatal_info *out) {
  memset(out, 0, sizeof *out);
  out->sig = sig;
  if (!si)
    return;
  out->code = si->si_code;
  if (si->si_code == SI_KERNEL && sig == SIGSEGV) {
    out->event = "General Protection Fault"; /* no address: the kernel gives 0 */
  } else if (si->si_code > 0 && (out->event = fault_text(sig, si->si_code))) {
    out->has_addr = true;
    out->addr = (uintptr_t)si->si_addr;
  }
}

bool tt_fatal_is_stack_overflow(int sig, const siginfo_t *si, uintptr_t sp) {
  if (sig != SIGSEGV || !si || si->si_code <= 0 || !sp)
    return false;
  uintptr_t a = (uintptr_t)si->si_addr;
  return a < sp ? sp - a <= 64 * 1024 : a - sp < 4096;
}

const char *tt_fatal_describe(const siginfo_t *si, int self_pid, char *buf, size_t size) {
  if (size)
    buf[0] = '\0';
  if (!si)
    return buf;
  int sig = si->si_signo, code = si->si_code;
  if (code == SI_USER || code == SI_TKILL || code == SI_QUEUE) {
    if (si->si_pid != self_pid)
      tt_fmt(buf, size, " Sent by process %d", (int)si->si_pid);
    return buf;
  }
  struct tt_fatal_info fi;
  tt_fatal_info_of(si, sig, &fi);
  if (fi.has_addr)
    tt_fmt(buf, size, " %s at address 0x%lX", fi.event, (unsigned long)fi.addr);
  else if (fi.event)
    tt_fmt(buf, size, " %s", fi.event);
  return buf;
}
