// root_static_local: a block referenced from a function-local static is still reachable.
// RUN-OPTS: --show-leak-kinds=all
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 88 bytes in 1 blocks
// EXPECT exit: 0
// EXPECT line: ^88 bytes in 1 blocks are still reachable in loss record 1 of 1$
// EXPECT line: ^   by 0x[0-9A-F]+: cache \(root_static_local.c:17\)$
#include <stdlib.h>
#include "case.h"

static NOINLINE void *cache(void)
{
    static void *memo;
    if (!memo)
        memo = malloc(88);
    return memo;
}

int main(void)
{
    cache();
    cache();
    scrub_stack();
    return 0;
}
