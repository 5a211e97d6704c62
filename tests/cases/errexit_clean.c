// errexit_clean: with --error-exitcode=42 and no leak (only still-reachable memory,
// which is not an error) the program's own exit status 3 passes through.
// RUN-OPTS: --error-exitcode=42
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 32 bytes in 1 blocks
// EXPECT exit: 3
// EXPECT line: ERROR SUMMARY: 0 errors from 0 contexts
#include <stdlib.h>
#include "case.h"

static void *keep;

static NOINLINE void *make_block(size_t n)
{
    return malloc(n);
}

int main(void)
{
    keep = make_block(32);
    free(make_block(16));
    scrub_stack();
    return 3;
}
