// blk_protected_blocked: blk_protected_page, but the program blocks every signal before
// it exits (as daemons and some test runners do). A fault while SIGSEGV is blocked ends
// the process whatever the handler, so the check unblocks SIGSEGV and SIGBUS around
// its reads: the page is stepped over as ever, and the program ends normally (before,
// it died of SIGSEGV with no report).
// TOOLS: tether
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 65,576 bytes in 2 blocks
// EXPECT exit: 0
// EXPECT stdout: blocked
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "case.h"

static void *volatile keep;

static NOINLINE void *make(size_t n)
{
    return malloc(n);
}

int main(void)
{
    char *stack = protected_block(65536, 8192);
    if (!stack)
        return 1;
    *(void **)(stack + 32768) = make(40);
    keep = stack;
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, NULL);
    printf("blocked\n");
    scrub_stack();
    return 0;
}
