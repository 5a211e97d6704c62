/* SPDX-License-Identifier: MIT */
/* Fatal signals: a program that dies by a signal gets what Valgrind gives
 * it, "Process terminating with default action of signal N" with where it
 * happened, then the leak check, then the death by that same signal.
 *
 * tether's handler takes the place of the default action (SIG_DFL) of the
 * signals below, and of nothing else: a handler or SIG_IGN the program set
 * stays the program's. The program never sees tether's handler: its
 * sigaction, signal and the rest go through tt_fatal_sigaction, which shows
 * it SIG_DFL where tether's handler stands, keeps tether's handler when the
 * program sets SIG_DFL, and gives way when the program sets anything else.
 * A program that changes a disposition with the raw system call is found
 * out the next time it asks (tether's handler is no longer there). */
#ifndef TT_FATAL_H
#define TT_FATAL_H

#include <signal.h>

#include "tt_common.h"

/* What the handler does with a fatal signal: run on the thread it hit,
 * with every signal but the synchronous faults and the stop signal blocked.
 * It never returns: it ends in tt_fatal_die. */
typedef void (*tt_fatal_handler_fn)(int sig, siginfo_t *si, void *ucontext);
typedef void (*tt_sighandler_t)(int);

/* The signals tether reports: every one whose default action ends the
 * process (as Valgrind), but the real-time signals and the one spared. */
bool tt_fatal_is_reported(int sig) TT_HIDDEN;
/* The program sets a disposition for sig: when that is the --check-signal
 * one, tether's handler goes, and a warning (once) says so. */
void tt_fatal_note_disposition(int sig) TT_HIDDEN;

/* Puts handler in the place of every reported signal whose disposition is
 * SIG_DFL now (what the program inherited as SIG_IGN stays so), but spare
 * (a signal of tether's own, or 0), which is left to its user. Returns how
 * many it took. */
int tt_fatal_install(tt_fatal_handler_fn handler, int spare) TT_HIDDEN;
/* Bytes of the alternate signal stack tether gives a thread that has none
 * (tt_fatal_altstack_give), above a guard page. */
#define TT_FATAL_ALTSTACK_BYTES ((size_t)64 * 1024)
/* Gives the calling thread an alternate signal stack if it has none, so a
 * stack overflow's SIGSEGV still finds room for tether's handler (taken
 * with SA_ONSTACK for SIGSEGV and SIGBUS). Nothing once installed handlers
 * are gone, or where the program set its own. */
void tt_fatal_altstack_give(void) TT_HIDDEN;
/* The calling thread is exiting: its alternate stack goes back to a pool
 * for the next thread (unless the program replaced it, or a handler runs
 * on it). */
void tt_fatal_altstack_drop(void) TT_HIDDEN;
/* Whether a SIGSEGV at fault address addr, with the stack pointer at sp,
 * is a stack overflow: the access is within 64 KB below or 4 KB above sp
 * (a call's push, a frame's probe or its first store). */
bool tt_fatal_is_stack_overflow(int sig, const siginfo_t *si, uintptr_t sp) TT_HIDDEN;

/* The program's sigaction(sig, act, old), with tether's handler hidden
 * (see above). 0, or -1 with errno set, as sigaction. Async-signal-safe,
 * as sigaction is: signals are blocked while it holds its lock. */
int tt_fatal_sigaction(int sig, const struct sigaction *act, struct sigaction *old) TT_HIDDEN;

/* Whether tether's handler is sig's disposition (for tests and -v). */
bool tt_fatal_owns(int sig) TT_HIDDEN;

/* The handler's first step. Returns true for the first fatal signal of the
 * process: the caller reports it. For a fatal signal in another thread
 * meanwhile it waits (stoppable by a check) until the first one ends the
 * process; for one in the reporting thread itself (tether crashed while
 * reporting) it ends the process by the first signal at once. */
bool tt_fatal_claim(int sig) TT_HIDDEN;

/* A fatal signal that came while the thread ran tether's own code (its
 * guard up), whose locks the report would need: one another process sent
 * (or a terminal, or a resource limit) is asked for again a little later,
 * out of that code, and this returns true: the handler returns. A signal
 * the thread caused (a fault, abort, raise) cannot wait, nor one asked for
 * again for two seconds: false. */
bool tt_fatal_defer(int sig, const siginfo_t *si) TT_HIDDEN;
/* Whether sig came from outside the thread's own doing (another process, a
 * terminal, a timer), so that the thread could go on past it. */
bool tt_fatal_from_outside(int sig, const siginfo_t *si) TT_HIDDEN;
#define TT_FATAL_DEFER_MS 20u
#define TT_FATAL_DEFER_TRIES 100
/* The siginfo that tells why sig came: si, or for a signal asked for
 * again, the first one's. */
const siginfo_t *tt_fatal_origin(int sig, const siginfo_t *si) TT_HIDDEN;

/* The calling thread, or the process, is ending, out of tether's code: a
 * fatal signal asked for again (tt_fatal_defer) and not reported yet is
 * taken now, in this thread (the others may block it, and it would be
 * lost with the thread, or the process would end with a status of its own
 * where the signal would have ended it). */
void tt_fatal_take_deferred(void) TT_HIDDEN;

/* Whether another thread is reporting a fatal signal (then the process
 * ends with that signal, when the report is out: a thread that would end it
 * otherwise, by exit or a return from main, waits instead). */
bool tt_fatal_reporting_elsewhere(void) TT_HIDDEN;

/* In a fork child: the parent's state of other threads is not the
 * child's (a held lock, a report under way, the timers). */
void tt_fatal_fork_child(void) TT_HIDDEN;

/* The program's signal(), bsd_signal(), sysv_signal()... for a reported
 * signal: real_fn, libc's, sets the disposition with the flags it chooses
 * (siginterrupt's among them); tether's handler stays hidden (the old
 * disposition the program is told) and takes SIG_DFL's place again. */
tt_sighandler_t tt_fatal_signal_via(int sig, tt_sighandler_t disposition,
                                 tt_sighandler_t (*real_fn)(int, tt_sighandler_t)) TT_HIDDEN;

/* Arms the watchdog: if the process still runs after seconds (a report that
 * cannot finish), sig ends it (the timer sends SIGALRM, or SIGVTALRM when
 * sig is SIGALRM, whose handler tether takes over). sig itself stays
 * blocked and tether's handler in place, so that a second copy of it waits
 * for the report. */
void tt_fatal_begin(int sig, unsigned seconds) TT_HIDDEN;
#define TT_FATAL_WATCHDOG_SECONDS 60u

/* Sets SIG_DFL for sig as the program would (tether's handler takes its
 * place), unblocks sig and raises it: what glibc's abort does once the
 * program's SIGABRT handler returned. */
void tt_fatal_raise_default(int sig) TT_HIDDEN;

/* Ends the process by sig (its default action, core dump included). */
__attribute__((noreturn)) void tt_fatal_die(int sig) TT_HIDDEN;

/* What the reports say of a fatal signal. */
struct tt_fatal_info {
  int sig;
  int code;          /* si_code */
  const char *event; /* Valgrind's words for a fault the kernel raised, or NULL */
  bool has_addr;     /* addr is the faulting address (event says "at address") */
  uintptr_t addr;
  uint32_t stack;    /* where it hit (tt_unwind_capture_context's frames), or 0 */
};
/* Fills *out from a signal's siginfo (stack left 0). */
void tt_fatal_info_of(const siginfo_t *si, int sig, struct tt_fatal_info *out) TT_HIDDEN;

/* "SIGSEGV" for 11 (the abbreviation glibc knows, else "signal N"). */
const char *tt_fatal_signal_name(int sig, char *buf, size_t size) TT_HIDDEN;

/* Valgrind's description of why a signal came: " Access not within mapped
 * region at address 0x0" for a SIGSEGV the kernel sent, " Sent by process
 * 1234" for one another process sent, "" when there is nothing to say.
 * Writes at most size bytes (NUL included) into buf and returns it. */
const char *tt_fatal_describe(const siginfo_t *si, int self_pid, char *buf, size_t size) TT_HIDDEN;

#endif
