// blk_protected_page: a program protects a page inside one of its own heap blocks (a
// coroutine's stack with a guard page, say: mprotect PROT_NONE, or MADV_GUARD_INSTALL).
// The exit check's mark reads every word of a reachable block; reading that page
// faults. tether steps over the page and scans the block on from the next one: the
// block beyond it is still reachable, found through a pointer past the page, and the
// program ends normally (before, it died of SIGSEGV in the check). The lost block is
// reported as lost.
// TOOLS: tether
// EXPECT definitely: 24 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 65,576 bytes in 2 blocks
// EXPECT exit: 0
// EXPECT stdout: protected
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

static NOINLINE void leak(void)
{
    volatile char *p = malloc(24);
    (void)p;
}

int main(void)
{
    char *stack = protected_block(65536, 8192);
    if (!stack)
        return 1;
    *(void **)(stack + 32768) = make(40);
    keep = stack;
    leak();
    printf("protected\n");
    scrub_stack();
    return 0;
}
