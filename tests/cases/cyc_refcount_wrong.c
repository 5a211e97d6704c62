// cyc_refcount_wrong: a count higher than the references found is a missing
// release ("Refcount too high"); a lower one a missing retain ("Refcount too
// low"); each reported once with the block's stack and owner. Counts of
// every size (1, 2, 4, 8 bytes) are read.
// TOOLS: tether
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 160 bytes in 5 blocks
// EXPECT seq: ^Refcount too high$
// EXPECT next: ^ Block 0x[0-9a-f]+ of size 32 has a count of 3 \(4 bytes at offset 8\), but 1 reference to it was found: a release is missing, and the block will leak$
// EXPECT next: ^ Block was alloc'd at$
// EXPECT next: ^   at 0x[0-9A-F]+: calloc \(
// EXPECT next: ^   by 0x[0-9A-F]+: make \(cyc_refcount_wrong.c:35\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(cyc_refcount_wrong.c:44\)$
// EXPECT next: ^ Owner: "cache"$
// EXPECT seq: ^Refcount too low$
// EXPECT next: ^ Block 0x[0-9a-f]+ of size 32 has a count of 1 \(1 byte at offset 8\), but 2 references to it were found: a retain is missing, and a pointer will dangle after the next release$
// EXPECT line: ^ERROR SUMMARY: 2 errors from 2 contexts
#include <stdint.h>
#include <stdlib.h>
#include <tether.h>
#include "case.h"

struct obj {
    void *other;
    uint64_t refs; /* read as 1, 2, 4 or 8 bytes */
    char pad[16];
};

static struct obj *slot[6];

static NOINLINE struct obj *make(unsigned size, uint64_t count)
{
    struct obj *o = calloc(1, sizeof *o);
    o->refs = count;
    tether_refcounted(o, &o->refs, size);
    return o;
}

int main(void)
{
    tether_scope_push("cache");
    slot[0] = make(4, 3);                 /* one reference, count 3: too high */
    tether_scope_pop();
    slot[1] = make(1, 1);                 /* two references, count 1: too low */
    slot[2] = slot[1];
    slot[3] = make(2, 1);                 /* right, 2-byte count */
    slot[4] = make(8, 2);                 /* right: slot[4] and slot[5]->other */
    slot[5] = make(4, 1);
    slot[5]->other = slot[4];
    scrub_stack();
    return 0;
}
