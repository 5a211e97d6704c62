// possibly_interior: a block reachable only through an interior pointer is possibly
// lost, and possibly-lost counts as an error by default (--error-exitcode applies).
// RUN-OPTS: --show-leak-kinds=all --error-exitcode=42
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 64 bytes in 1 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 42
// EXPECT line: ^64 bytes in 1 blocks are possibly lost in loss record 1 of 1$
// EXPECT line: ^   by 0x[0-9A-F]+: make_interior \(possibly_interior.c:22\)$
// EXPECT line: ERROR SUMMARY: 1 errors from 1 contexts
#include <stdlib.h>
#include <string.h>
#include "case.h"

static char *interior;  /* the only reference: points 32 bytes into the block */

/* Zero contents and offset 32 keep Valgrind's interior-pointer heuristics
   (stdstring, length64, newarray, multipleinheritance) from matching. */
static NOINLINE char *make_interior(void)
{
    char *p = malloc(64);
    memset(p, 0, 64);
    return p + 32;
}

int main(void)
{
    interior = make_interior();
    scrub_stack();
    return 0;
}
