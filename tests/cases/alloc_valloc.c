// alloc_valloc: a block from valloc() that is never freed is definitely lost,
// and the first frame names the allocation function.
// RUN-OPTS: --show-leak-kinds=all
// EXPECT definitely: 50 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT line: ^50 bytes in 1 blocks are definitely lost in loss record 1 of 1$
// Valgrind 3.19 implements valloc with its memalign replacement and names that.
// EXPECT[valgrind] line: ^   at 0x[0-9A-F]+: memalign \(
// EXPECT[tether] line: ^   at 0x[0-9A-F]+: valloc \(
// EXPECT line: ^   by 0x[0-9A-F]+: leak_valloc \(alloc_valloc.c:19\)$
#include <stdlib.h>
#include "case.h"

static NOINLINE void *leak_valloc(void)
{
    return valloc(50);
}

int main(void)
{
    leak_valloc();
    scrub_stack();
    return 0;
}
