// exit_call: calling exit() from main keeps main's frame live, so a block referenced
// from main's local variable is still reachable (compare exit_return.c).
// RUN-OPTS: --show-leak-kinds=all
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 56 bytes in 1 blocks
// EXPECT exit: 3
// EXPECT line: ^56 bytes in 1 blocks are still reachable in loss record 1 of 1$
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
    exit(3);
}
