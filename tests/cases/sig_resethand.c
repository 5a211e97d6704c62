// sig_resethand: a crash handler in the style of backward-cpp: installed
// with SA_RESETHAND, it prints a line and raises the signal again. The
// kernel resets a one-shot handler to the real SIG_DFL, where tether's
// handler could not stand in any more: the process died with no report.
// tether now installs a trampoline that calls the program's handler once
// and puts tether's back, so the raise is reported.
// EXPECT definitely: 40 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: -11
// EXPECT stdout: crash handler ran
// EXPECT seq: ^Process terminating with default action of signal 11 \(SIGSEGV\)$
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "case.h"

static void crash_handler(int sig, siginfo_t *si, void *uc)
{
    (void)si;
    (void)uc;
    static const char msg[] = "crash handler ran\n";
    (void)!write(1, msg, sizeof msg - 1);
    raise(sig);
}

static NOINLINE void leak_forty(void)
{
    volatile char *lost = malloc(40);
    lost[0] = 1;
}

int main(void)
{
    no_core_dump();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = crash_handler;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_RESETHAND;
    sigaction(SIGSEGV, &sa, NULL);
    leak_forty();
    scrub_stack();
    raise(SIGSEGV); /* the handler runs once, and raises it again */
    return 0;
}
