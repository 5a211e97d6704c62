// blk_protected_lost: a lost heap block with a page the program protected inside it
// (a leaked coroutine stack with its guard page). The passes over lost blocks (cliques,
// cycles) read it up to that page and no further: a block it points to from before
// the page is indirectly lost, one it points to only from after the page reads as
// definitely lost (Valgrind, which reads around the page, calls it indirectly lost).
// The program ends normally (before, it died of SIGSEGV in the check).
// TOOLS: tether
// EXPECT definitely: 65,560 bytes in 2 blocks
// EXPECT indirectly: 40 bytes in 1 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT stdout: protected and lost
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "case.h"

static NOINLINE void *make(size_t n)
{
    return malloc(n);
}

static NOINLINE int lose_a_stack(void)
{
    char *stack = aligned_alloc(4096, 65536);
    if (!stack)
        return 1;
    memset(stack, 0, 65536);
    *(void **)(stack + 64) = make(40);    /* before the page: indirectly lost */
    *(void **)(stack + 32768) = make(24); /* after it: read as definitely lost */
    return mprotect(stack + 8192, 4096, PROT_NONE);
}

int main(void)
{
    if (lose_a_stack() != 0) {
        perror("mprotect");
        return 1;
    }
    printf("protected and lost\n");
    scrub_stack();
    return 0;
}
