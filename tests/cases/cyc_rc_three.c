// cyc_rc_three: three refcounted nodes in a ring, each holding the next
// (count 1 each) and nothing else: one cycle of three blocks, every count
// explained by the ring; any one pointer made weak breaks it.
// TOOLS: tether
// EXPECT definitely: 32 bytes in 1 blocks
// EXPECT indirectly: 64 bytes in 2 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT seq: ^96 bytes in 3 blocks form a reference cycle \(cycle 1 of 1\)$
// EXPECT next: ^   block A: 32 bytes, \+0 -> B$
// EXPECT seq: ^   block B: 32 bytes, \+0 -> C   \(same stack as A\)$
// EXPECT next: ^   block C: 32 bytes, \+0 -> A   \(same stack as A\)$
// EXPECT next: ^   3 of its blocks are refcounted, and each one's count is all references from lost blocks \(A, B, C\)$
// EXPECT next: ^   to break the cycle, make one of these a weak reference: A\+0 -> B, B\+0 -> C, C\+0 -> A$
// EXPECT no-line: Refcount too
#include <stdlib.h>
#include <tether.h>
#include "case.h"

struct node {
    struct node *next;
    unsigned long refs;
    char pad[16];
};

static NOINLINE struct node *node_new(void)
{
    struct node *n = calloc(1, sizeof *n);
    tether_refcounted(n, &n->refs, sizeof n->refs);
    return n;
}

static NOINLINE void make_ring(void)
{
    struct node *n[3];
    for (int i = 0; i < 3; i++)
        n[i] = node_new();
    for (int i = 0; i < 3; i++) {
        n[i]->next = n[(i + 1) % 3];
        n[(i + 1) % 3]->refs++;
    }
}

int main(void)
{
    make_ring();
    scrub_stack();
    return 0;
}
