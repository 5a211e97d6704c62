// realloc_grow: a block grown by realloc and then leaked is counted once, with its
// final size and the stack of the last realloc.
// RUN-OPTS: --show-leak-kinds=all
// EXPECT definitely: 1,000 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT line: ^1,000 bytes in 1 blocks are definitely lost in loss record 1 of 1$
// EXPECT line: ^   at 0x[0-9A-F]+: realloc \(
// EXPECT line: ^   by 0x[0-9A-F]+: grow \(realloc_grow.c:21\)$
// EXPECT line: in use at exit: 1,000 bytes in 1 blocks
// EXPECT line: total heap usage: 3 allocs, 2 frees, 1,110 bytes allocated
#include <stdlib.h>
#include "case.h"

static NOINLINE void *grow(void)
{
    char *p = malloc(10);
    p = realloc(p, 100);
    p = realloc(p, 1000);
    return p;
}

int main(void)
{
    grow();
    scrub_stack();
    return 0;
}
