// cyc_owned_ring: a ring of three nodes with an owner, pointing to each
// other at offset 8; members with the same allocation stack point to the
// first one's stack; a chain of three blocks hangs off the ring.
// TOOLS: tether
// EXPECT definitely: 24 bytes in 1 blocks
// EXPECT indirectly: 168 bytes in 5 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT seq: ^72 bytes in 3 blocks form a reference cycle \(cycle 1 of 1\)$
// EXPECT next: ^   block A: 24 bytes, owner "graph", \+8 -> B$
// EXPECT next: ^      at 0x[0-9A-F]+: calloc \(
// EXPECT next: ^      by 0x[0-9A-F]+: node_new \(cyc_owned_ring.c:36\)$
// EXPECT next: ^      by 0x[0-9A-F]+: make_ring \(cyc_owned_ring.c:43\)$
// EXPECT next: ^      by 0x[0-9A-F]+: main \(cyc_owned_ring.c:54\)$
// EXPECT next: ^   block B: 24 bytes, owner "graph", \+8 -> C   \(same stack as A\)$
// EXPECT next: ^   block C: 24 bytes, owner "graph", \+8 -> A   \(same stack as A\)$
// EXPECT next: ^   hanging off the cycle: 3 blocks, 120 bytes$
// EXPECT next: ^$
#include <stdlib.h>
#include <tether.h>
#include "case.h"

struct node {
    long tag;
    struct node *next;
    void *extra;
};

struct chain {
    struct chain *next;
    char pad[32];
};

static NOINLINE struct node *node_new(void)
{
    return calloc(1, sizeof(struct node));
}

static NOINLINE void make_ring(void)
{
    struct node *n[3];
    for (int i = 0; i < 3; i++)
        n[i] = node_new();
    for (int i = 0; i < 3; i++)
        n[i]->next = n[(i + 1) % 3];
    struct chain *c = calloc(1, sizeof *c);
    c->next = calloc(1, sizeof *c);
    c->next->next = calloc(1, sizeof *c);
    n[1]->extra = c;
}

int main(void)
{
    TETHER_SCOPE("graph") make_ring();
    scrub_stack();
    return 0;
}
