// errexit_leak: with --error-exitcode=42 a definite leak makes the exit status 42,
// overriding the program's own status 0.
// RUN-OPTS: --error-exitcode=42
// EXPECT definitely: 32 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 42
// EXPECT line: ERROR SUMMARY: 1 errors from 1 contexts
#include <stdlib.h>
#include "case.h"

static NOINLINE void *make_block(size_t n)
{
    return malloc(n);
}

int main(void)
{
    make_block(32);
    scrub_stack();
    return 0;
}
