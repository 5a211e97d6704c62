// cyc_dlist: a doubly linked list of five nodes lost as a whole is one
// component: every node reaches every other. One cycle of five blocks.
// TOOLS: tether
// EXPECT definitely: 24 bytes in 1 blocks
// EXPECT indirectly: 96 bytes in 4 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT seq: ^120 bytes in 5 blocks form a reference cycle \(cycle 1 of 1\)$
// EXPECT next: ^   block A: 24 bytes, \+0 -> B$
// EXPECT seq: ^   block B: 24 bytes, \+0 -> C   \(same stack as A\)$
// EXPECT next: ^   block C: 24 bytes, \+0 -> D   \(same stack as A\)$
// EXPECT next: ^   block D: 24 bytes, \+0 -> E   \(same stack as A\)$
// EXPECT next: ^   block E: 24 bytes, \+8 -> D   \(same stack as A\)$
// EXPECT next: ^$
// EXPECT no-line: cycle 2 of
#include <stdlib.h>
#include "case.h"

struct node {
    struct node *next, *prev;
    long value;
};

static NOINLINE void make_list(void)
{
    struct node *head = NULL, *tail = NULL;
    for (int i = 0; i < 5; i++) {
        struct node *n = calloc(1, sizeof *n);
        n->prev = tail;
        if (tail)
            tail->next = n;
        else
            head = n;
        tail = n;
    }
    (void)head;
}

int main(void)
{
    make_list();
    scrub_stack();
    return 0;
}
