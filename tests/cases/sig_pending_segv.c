// sig_pending_segv: a program blocks every signal and has a SIGSEGV sent to it (kill),
// which stays pending; then it exits normally, and the pending signal is discarded
// with the process: status 0. The exit check unblocks SIGSEGV around its reads (a
// fault while it is blocked would end the process); the pending one must not be
// taken for a fault of tether's (before, the check died of it: "no leak check", 139).
// TOOLS: tether
// EXPECT definitely: 24 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT stdout: pending
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "case.h"

static NOINLINE void leak(void)
{
    volatile char *p = malloc(24);
    (void)p;
}

int main(void)
{
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, NULL);
    kill(getpid(), SIGSEGV);
    leak();
    printf("pending\n");
    scrub_stack();
    return 0;
}
