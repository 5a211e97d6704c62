// exit_return: returning from main ends main's frame, so a block referenced only from
// main's local variable is definitely lost (compare exit_call.c).
// RUN-OPTS: --show-leak-kinds=all
// EXPECT definitely: 56 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 3
// EXPECT line: ^56 bytes in 1 blocks are definitely lost in loss record 1 of 1$
#include <stdlib.h>
#include "case.h"

static NOINLINE void *make_block(size_t n)
{
    return malloc(n);
}

int main(void)
{
    void *volatile local = make_block(56);

    (void)local;
    scrub_stack();
    return 3;
}
