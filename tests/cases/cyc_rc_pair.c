// cyc_rc_pair: two refcounted nodes that hold each other (each count 1) and
// nothing else: one reference cycle of two blocks, whose counts are all
// references from the cycle; a weak pointer would break it. No refcount
// error: the counts are right. The LEAK SUMMARY stays Valgrind's.
// TOOLS: tether
// EXPECT definitely: 32 bytes in 1 blocks
// EXPECT indirectly: 32 bytes in 1 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT seq: ^64 bytes in 2 blocks form a reference cycle \(cycle 1 of 1\)$
// EXPECT next: ^   block A: 32 bytes, \+0 -> B$
// EXPECT next: ^      at 0x[0-9A-F]+: malloc \(
// EXPECT next: ^      by 0x[0-9A-F]+: node_new \(cyc_rc_pair.c:34\)$
// EXPECT next: ^      by 0x[0-9A-F]+: make_pair \(cyc_rc_pair.c:44\)$
// EXPECT next: ^      by 0x[0-9A-F]+: main \(cyc_rc_pair.c:51\)$
// EXPECT next: ^   block B: 32 bytes, \+0 -> A   \(same stack as A\)$
// EXPECT next: ^   2 of its blocks are refcounted, and each one's count is all references from lost blocks \(A, B\)$
// EXPECT next: ^   to break the cycle, make one of these a weak reference: A\+0 -> B, B\+0 -> A$
// EXPECT next: ^$
// EXPECT no-line: Refcount too
// EXPECT line: ^ERROR SUMMARY: 1 errors from 1 contexts
#include <stdlib.h>
#include <tether.h>
#include "case.h"

struct node {
    struct node *peer;
    unsigned refs;
    char pad[20];
};

static NOINLINE struct node *node_new(void)
{
    struct node *n = malloc(sizeof *n);
    n->refs = 0;
    tether_refcounted(n, &n->refs, sizeof n->refs);
    return n;
}

static NOINLINE void make_pair(void)
{
    struct node *n[2];
    for (int i = 0; i < 2; i++)
        n[i] = node_new();
    n[0]->peer = n[1], n[1]->refs++;
    n[1]->peer = n[0], n[0]->refs++;
}

int main(void)
{
    make_pair();
    scrub_stack();
    return 0;
}
