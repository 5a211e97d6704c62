// root_tls: a block referenced only from the main thread's __thread variable is
// still reachable (static TLS is part of the root set).
// RUN-OPTS: --show-leak-kinds=all
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 24 bytes in 1 blocks
// EXPECT exit: 0
// EXPECT line: ^24 bytes in 1 blocks are still reachable in loss record 1 of 1$
#include <stdlib.h>
#include "case.h"

static __thread void *tls_root;

static NOINLINE void *make_block(size_t n)
{
    return malloc(n);
}

int main(void)
{
    tls_root = make_block(24);
    scrub_stack();
    return 0;
}
