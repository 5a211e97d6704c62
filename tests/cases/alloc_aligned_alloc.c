// alloc_aligned_alloc: a block from aligned_alloc() that is never freed is definitely lost,
// and the first frame names the allocation function.
// RUN-OPTS: --show-leak-kinds=all
// EXPECT definitely: 128 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT line: ^128 bytes in 1 blocks are definitely lost in loss record 1 of 1$
// Valgrind 3.19 implements aligned_alloc with its memalign replacement and names that.
// EXPECT[valgrind] line: ^   at 0x[0-9A-F]+: memalign \(
// EXPECT[tether] line: ^   at 0x[0-9A-F]+: aligned_alloc \(
// EXPECT line: ^   by 0x[0-9A-F]+: leak_aligned_alloc \(alloc_aligned_alloc.c:19\)$
#include <stdlib.h>
#include "case.h"

static NOINLINE void *leak_aligned_alloc(void)
{
    return aligned_alloc(64, 128);
}

int main(void)
{
    leak_aligned_alloc();
    scrub_stack();
    return 0;
}
