// alloc_calloc: a block from calloc() that is never freed is definitely lost,
// and the first frame names the allocation function.
// RUN-OPTS: --show-leak-kinds=all
// EXPECT definitely: 120 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT line: ^120 bytes in 1 blocks are definitely lost in loss record 1 of 1$
// EXPECT line: ^   at 0x[0-9A-F]+: calloc \(
// EXPECT line: ^   by 0x[0-9A-F]+: leak_calloc \(alloc_calloc.c:17\)$
#include <stdlib.h>
#include "case.h"

static NOINLINE void *leak_calloc(void)
{
    return calloc(10, 12);
}

int main(void)
{
    leak_calloc();
    scrub_stack();
    return 0;
}
