// cyc_interior_self: a lost block that points into its own middle (a buffer
// with a cursor into its own data; a C++ string's inline buffer) keeps
// nothing alive: it is no cycle. One that holds its own start is.
// TOOLS: tether
// EXPECT definitely: 112 bytes in 2 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT line: ^48 bytes in 1 blocks form a reference cycle \(cycle 1 of 1\)$
// EXPECT no-line: ^64 bytes in 1 blocks form a reference cycle
#include <stdlib.h>
#include "case.h"

struct buffer {
    char *cursor; /* points into data */
    char data[56];
};

struct selfish {
    struct selfish *me;
    char pad[40];
};

static NOINLINE void make(void)
{
    struct buffer *b = malloc(sizeof *b);
    b->cursor = b->data + 10;
    struct selfish *s = malloc(sizeof *s);
    s->me = s;
}

int main(void)
{
    make();
    scrub_stack();
    return 0;
}
