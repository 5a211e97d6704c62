// sig_sigset: the program uses the System V signal API: it holds SIGFPE with
// sigset(SIG_HOLD), puts in a handler of its own and then SIG_DFL again with
// sigset, and divides by zero. glibc's sigset sets the disposition through its
// internal sigaction, which tether does not see: SIG_DFL took tether's handler out,
// and the process died of SIGFPE with no report; sigset also answered tether's
// handler for "what was there". tether now wraps sigset as it does signal: SIG_DFL
// gives its handler its place back, and the answers are the program's own view.
// EXPECT definitely: 40 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 4,096 bytes in 1 blocks
// EXPECT exit: -8
// EXPECT stdout: answers: default hold mine
// EXPECT seq: ^Process terminating with default action of signal 8 \(SIGFPE\)$
// EXPECT next: ^ Integer divide by zero at address 0x[0-9A-F]+$
// EXPECT next: ^   at 0x[0-9A-F]+: divide \(sig_sigset.c:44\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(sig_sigset.c:60\)$
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "case.h"

#pragma GCC diagnostic ignored "-Wdeprecated-declarations" /* sigset: the point */

static volatile int zero;

static void on_fpe(int sig) { (void)sig; }

static const char *name(void (*h)(int))
{
    return h == SIG_DFL ? "default" : h == SIG_HOLD ? "hold" : h == on_fpe ? "mine" : "other";
}

static NOINLINE void leak_forty(void)
{
    volatile char *lost = malloc(40);
    lost[0] = 1;
}

static NOINLINE int divide(int x)
{
    return x / zero;
}

int main(void)
{
    no_core_dump();
    void (*a)(int) = sigset(SIGFPE, SIG_HOLD); /* was: the default (tether's hidden) */
    void (*b)(int) = sigset(SIGFPE, on_fpe);   /* was held */
    void (*c)(int) = sigset(SIGFPE, SIG_DFL);  /* was mine */
    printf("answers: %s %s %s\n", name(a), name(b), name(c));
    fflush(stdout);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    leak_forty();
    scrub_stack();
    return divide(1);
}
