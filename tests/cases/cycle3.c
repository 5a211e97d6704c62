// cycle3: a lost ring of three blocks (a->b->c->a): one is definitely lost (the
// cycle's leader), the other two indirectly lost through it.
// RUN-OPTS: --show-leak-kinds=all
// EXPECT definitely: 16 bytes in 1 blocks
// EXPECT indirectly: 32 bytes in 2 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT line: ^32 bytes in 2 blocks are indirectly lost in loss record 1 of 2$
// EXPECT line: ^48 \(16 direct, 32 indirect\) bytes in 1 blocks are definitely lost in loss record 2 of 2$
// EXPECT line: ^   by 0x[0-9A-F]+: make_cycle \(cycle3.c:28\)$
#include <stdlib.h>
#include "case.h"

#define N 3

struct node {
    struct node *next;
    long payload;
};

/* All nodes come from one call site, so the records do not depend on which node
   the leak checker picks as the cycle's leader. */
static NOINLINE void make_cycle(void)
{
    struct node *n[N];
    for (int i = 0; i < N; i++)
        n[i] = malloc(sizeof(struct node));
    for (int i = 0; i < N; i++)
        n[i]->next = n[(i + 1) % N];
}

int main(void)
{
    make_cycle();
    scrub_stack();
    return 0;
}
