// errkinds_definite: with --errors-for-leak-kinds=definite a possibly-lost block is
// reported but is not an error, so --error-exitcode does not apply (status 5 passes).
// RUN-OPTS: --errors-for-leak-kinds=definite --error-exitcode=42
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 64 bytes in 1 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 5
// EXPECT line: ^64 bytes in 1 blocks are possibly lost in loss record 1 of 1$
// EXPECT line: ERROR SUMMARY: 0 errors from 0 contexts
#include <stdlib.h>
#include <string.h>
#include "case.h"

static char *interior;  /* the only reference: points 32 bytes into the block */

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
    return 5;
}
