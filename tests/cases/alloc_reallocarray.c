// alloc_reallocarray: a block from reallocarray(NULL, n, size) that is never freed is
// definitely lost, and the first frame names the allocation function.
// RUN-OPTS: --show-leak-kinds=all
// EXPECT definitely: 96 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT line: ^96 bytes in 1 blocks are definitely lost in loss record 1 of 1$
// Valgrind 3.19 does not replace reallocarray: glibc's tail-calls realloc(NULL, n), shown as malloc.
// EXPECT[valgrind] line: ^   at 0x[0-9A-F]+: malloc \(
// EXPECT[tether] line: ^   at 0x[0-9A-F]+: reallocarray \(
// EXPECT line: ^   by 0x[0-9A-F]+: leak_reallocarray \(alloc_reallocarray.c:19\)$
#include <stdlib.h>
#include "case.h"

static NOINLINE void *leak_reallocarray(void)
{
    return reallocarray(NULL, 8, 12);
}

int main(void)
{
    leak_reallocarray();
    scrub_stack();
    return 0;
}
