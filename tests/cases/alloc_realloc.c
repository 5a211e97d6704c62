// alloc_realloc: a block from realloc(NULL, n) that is never freed is definitely lost,
// and the first frame names the allocation function.
// RUN-OPTS: --show-leak-kinds=all
// EXPECT definitely: 72 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT line: ^72 bytes in 1 blocks are definitely lost in loss record 1 of 1$
// Valgrind 3.19 names realloc(NULL, n)'s frame malloc (its replacement forwards).
// EXPECT[valgrind] line: ^   at 0x[0-9A-F]+: malloc \(
// EXPECT[tether] line: ^   at 0x[0-9A-F]+: realloc \(
// EXPECT line: ^   by 0x[0-9A-F]+: leak_realloc \(alloc_realloc.c:23\)$
#include <stdlib.h>
#include "case.h"

/* Called through a volatile pointer: gcc turns a direct realloc(NULL, n)
 * into malloc(n), even at -O0. */
static void *(*volatile realloc_fn)(void *, size_t) = realloc;

static NOINLINE void *leak_realloc(void)
{
    return realloc_fn(NULL, 72);
}

int main(void)
{
    leak_realloc();
    scrub_stack();
    return 0;
}
