// cyc_reachable: a cycle a global still reaches is not lost: no cycle is
// reported, and refcounts that match the references found are quiet.
// TOOLS: tether
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 48 bytes in 2 blocks
// EXPECT no-line: reference cycle
// EXPECT no-line: Refcount too
// EXPECT line: ^ERROR SUMMARY: 0 errors from 0 contexts
#include <stdlib.h>
#include <tether.h>
#include "case.h"

struct node {
    struct node *peer;
    unsigned refs;
    char pad[12];
};

static struct node *root;

static NOINLINE struct node *node_new(void)
{
    struct node *n = calloc(1, sizeof *n);
    tether_refcounted(n, &n->refs, sizeof n->refs);
    return n;
}

int main(void)
{
    struct node *a = node_new(), *b = node_new();
    a->peer = b, b->refs++;
    b->peer = a, a->refs++;
    root = a, a->refs++;
    a = b = NULL;
    scrub_stack();
    return 0;
}
