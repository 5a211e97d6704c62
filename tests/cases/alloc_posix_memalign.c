// alloc_posix_memalign: a block from posix_memalign() that is never freed is definitely lost,
// and the first frame names the allocation function.
// RUN-OPTS: --show-leak-kinds=all
// EXPECT definitely: 100 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT line: ^100 bytes in 1 blocks are definitely lost in loss record 1 of 1$
// Valgrind 3.19 shows its memalign replacement first, then posix_memalign.
// EXPECT[valgrind] line: ^   at 0x[0-9A-F]+: memalign \(
// EXPECT[tether] line: ^   at 0x[0-9A-F]+: posix_memalign \(
// EXPECT line: ^   by 0x[0-9A-F]+: leak_posix_memalign \(alloc_posix_memalign.c:20\)$
#include <stdlib.h>
#include "case.h"

static NOINLINE void *leak_posix_memalign(void)
{
    void *p = NULL;
    if (posix_memalign(&p, 64, 100) != 0)
        return NULL;
    return p;
}

int main(void)
{
    leak_posix_memalign();
    scrub_stack();
    return 0;
}
