// zero_size: a leaked malloc(0) block is still a block: "0 bytes in 1 blocks".
// RUN-OPTS: --show-leak-kinds=all
// EXPECT definitely: 0 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT line: ^0 bytes in 1 blocks are definitely lost in loss record 1 of 1$
// EXPECT line: in use at exit: 0 bytes in 1 blocks
// EXPECT line: total heap usage: 1 allocs, 0 frees, 0 bytes allocated
// EXPECT no-line: All heap blocks were freed
#include <stdlib.h>
#include "case.h"

static NOINLINE void *make_block(size_t n)
{
    return malloc(n);
}

int main(void)
{
    make_block(0);
    scrub_stack();
    return 0;
}
