// cyc_big_ring: a lost ring of 100,000 nodes is one short finding: the
// members with one stack fold into "... N more blocks like", and the
// search for components is linear (no recursion: no stack overflow).
// TOOLS: tether
// EXPECT definitely: 32 bytes in 1 blocks
// EXPECT indirectly: 3,199,968 bytes in 99,999 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT seq: ^3,200,000 bytes in 100,000 blocks form a reference cycle \(cycle 1 of 1\)$
// EXPECT next: ^   block A: 32 bytes, \+0 -> B$
// EXPECT next: ^      at 0x[0-9A-F]+: malloc \(
// EXPECT seq: ^   block B: 32 bytes, \+0 -> C$
// EXPECT next: ^      at 0x[0-9A-F]+: malloc \(
// EXPECT seq: ^   block C: 32 bytes, \+0 -> D   \(same stack as B\)$
// EXPECT next: ^   block D: 32 bytes, \+0 -> E   \(same stack as B\)$
// EXPECT next: ^    \.\.\. 99,995 more blocks like D, each \+0 -> the next$
// EXPECT next: ^   block EQXD: 32 bytes, \+0 -> A   \(same stack as B\)$
// EXPECT next: ^$
#include <stdlib.h>
#include "case.h"

#define N 100000

struct node {
    struct node *next;
    char pad[24];
};

static NOINLINE void make_ring(void)
{
    struct node *first = malloc(sizeof *first), *prev = first;
    for (int i = 1; i < N; i++) {
        struct node *n = malloc(sizeof *n);
        prev->next = n;
        prev = n;
    }
    prev->next = first;
}

int main(void)
{
    make_ring();
    scrub_stack();
    return 0;
}
