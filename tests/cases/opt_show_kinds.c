// opt_show_kinds: --show-leak-kinds=definite prints only the definitely-lost record,
// while the LEAK SUMMARY still counts every kind.
// RUN-OPTS: --show-leak-kinds=definite
// EXPECT definitely: 16 bytes in 1 blocks
// EXPECT indirectly: 40 bytes in 1 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 20 bytes in 1 blocks
// EXPECT exit: 0
// EXPECT line: ^56 \(16 direct, 40 indirect\) bytes in 1 blocks are definitely lost in loss record 3 of 3$
// EXPECT no-line: indirectly lost in loss record
// EXPECT no-line: still reachable in loss record
#include <stdlib.h>
#include "case.h"

static void *keep;

static NOINLINE void *make_block(size_t n)
{
    return calloc(1, n);
}

static NOINLINE void make_pair(void)
{
    void **parent = make_block(16);
    parent[0] = make_block(40);
}

int main(void)
{
    keep = make_block(20);
    make_pair();
    scrub_stack();
    return 0;
}
