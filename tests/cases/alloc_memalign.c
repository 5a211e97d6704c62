// alloc_memalign: a block from memalign() that is never freed is definitely lost,
// and the first frame names the allocation function.
// RUN-OPTS: --show-leak-kinds=all
// EXPECT definitely: 40 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT line: ^40 bytes in 1 blocks are definitely lost in loss record 1 of 1$
// EXPECT line: ^   at 0x[0-9A-F]+: memalign \(
// EXPECT line: ^   by 0x[0-9A-F]+: leak_memalign \(alloc_memalign.c:17\)$
#include <malloc.h>
#include "case.h"

static NOINLINE void *leak_memalign(void)
{
    return memalign(32, 40);
}

int main(void)
{
    leak_memalign();
    scrub_stack();
    return 0;
}
