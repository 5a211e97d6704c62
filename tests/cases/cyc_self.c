// cyc_self: a block that points to itself is a cycle of one; a refcounted
// one whose count (1) is that pointer is held by the cycle alone.
// TOOLS: tether
// EXPECT definitely: 32 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT seq: ^32 bytes in 1 blocks form a reference cycle \(cycle 1 of 1\)$
// EXPECT next: ^   block A: 32 bytes, \+16 -> A$
// EXPECT seq: ^   block A is refcounted, and its count \(1\) is all references from lost blocks$
// EXPECT next: ^   to break the cycle, make one of these a weak reference: A\+16 -> A$
// EXPECT no-line: Refcount too
#include <stdint.h>
#include <stdlib.h>
#include <tether.h>
#include "case.h"

struct obj {
    uint64_t refs;
    long tag;
    struct obj *self;
    long pad;
};

static NOINLINE void make_self(void)
{
    struct obj *o = calloc(1, sizeof *o);
    tether_refcounted(o, &o->refs, sizeof o->refs);
    o->self = o;
    o->refs = 1;
}

int main(void)
{
    make_self();
    scrub_stack();
    return 0;
}
