// cyc_mixed_ring: a lost ring of 100,000 nodes from two allocation sites in
// turn: no run of alike members to fold, so after 24 lines the rest of the
// ring is summed up before the member that closes it.
// TOOLS: tether
// EXPECT definitely: 16 bytes in 1 blocks
// EXPECT indirectly: 1,599,984 bytes in 99,999 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT seq: ^1,600,000 bytes in 100,000 blocks form a reference cycle \(cycle 1 of 1\)$
// EXPECT seq: ^    \.\.\. 99,98[0-9] more blocks, 1,599,[0-9]+ bytes$
// EXPECT next: ^   block EQXD: 16 bytes, \+0 -> A   \(same stack as [A-Z]+\)$
#include <stdlib.h>
#include "case.h"

struct node {
    struct node *next;
    long v;
};

static NOINLINE struct node *red(void) { return malloc(sizeof(struct node)); }
static NOINLINE struct node *black(void) { return malloc(sizeof(struct node)); }

static NOINLINE void make_ring(int n)
{
    struct node *first = red(), *prev = first;
    for (int i = 1; i < n; i++) {
        struct node *x = i % 2 ? black() : red();
        prev->next = x;
        prev = x;
    }
    prev->next = first;
}

int main(void)
{
    make_ring(100000);
    scrub_stack();
    return 0;
}
