// cyc_alike: 1,000 lost pairs made by the same code are one finding, with
// how many more cycles like it there are; a different pair stands apart.
// TOOLS: tether
// EXPECT definitely: 16,032 bytes in 1,001 blocks
// EXPECT indirectly: 16,032 bytes in 1,001 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT line: ^32 bytes in 2 blocks form a reference cycle \(cycle [12] of 2\)$
// EXPECT line: ^   and 999 more cycles like it: 31,968 bytes in 1,998 blocks$
// EXPECT line: ^64 bytes in 2 blocks form a reference cycle \(cycle [12] of 2\)$
// EXPECT no-line: cycle 3 of
#include <stdlib.h>
#include "case.h"

struct pair {
    struct pair *other;
    long v;
};

static NOINLINE void make_pairs(int n)
{
    for (int i = 0; i < n; i++) {
        struct pair *a = malloc(sizeof *a), *b = malloc(sizeof *b);
        a->other = b;
        b->other = a;
    }
}

static NOINLINE void make_big_pair(void)
{
    void **a = calloc(4, sizeof(void *)), **b = calloc(4, sizeof(void *));
    a[0] = b;
    b[0] = a;
}

int main(void)
{
    make_pairs(1000);
    make_big_pair();
    scrub_stack();
    return 0;
}
