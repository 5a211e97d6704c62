// alloc_strdup: a block from strdup() that is never freed is definitely lost,
// and the first frame names the allocation function.
// RUN-OPTS: --show-leak-kinds=all
// EXPECT definitely: 14 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT line: ^14 bytes in 1 blocks are definitely lost in loss record 1 of 1$
// EXPECT line: ^   at 0x[0-9A-F]+: malloc \(
// EXPECT line: ^   by 0x[0-9A-F]+: strdup \(
// EXPECT line: ^   by 0x[0-9A-F]+: leak_strdup \(alloc_strdup.c:18\)$
#include <string.h>
#include "case.h"

static NOINLINE void *leak_strdup(void)
{
    return strdup("thirteen char");
}

int main(void)
{
    leak_strdup();
    scrub_stack();
    return 0;
}
