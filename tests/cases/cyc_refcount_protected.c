// cyc_refcount_protected: the refcount audit reads every block, reachable ones too,
// for references; a reachable block with a page the program protected (PROT_NONE)
// is read up to that page, and the reference to the refcounted object from before
// the page is counted: the count of 1 is right, no error, and the program ends
// normally (before, it died of SIGSEGV in the audit). A second such block is
// tether_ignore()d (reachable at the mark, suppressed after it): read the same way.
// TOOLS: tether
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 65,568 bytes in 2 blocks
// EXPECT line: ^   +suppressed: 65,536 bytes in 1 blocks$
// EXPECT exit: 0
// EXPECT errors: 0 from 0
// EXPECT stdout: audited
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <tether.h>
#include "case.h"

struct obj {
    uint64_t refs;
    char pad[24];
};

static char *volatile holder, *volatile ignored;

static NOINLINE struct obj *make(void)
{
    struct obj *o = calloc(1, sizeof *o);
    o->refs = 1;
    tether_refcounted(o, &o->refs, sizeof o->refs);
    return o;
}

int main(void)
{
    char *h = protected_block(65536, 8192);
    if (!h)
        return 1;
    *(struct obj **)(h + 64) = make(); /* the one reference, before the page */
    holder = h;
    char *i = protected_block(65536, 8192);
    if (!i)
        return 1;
    tether_ignore(i);
    ignored = i;
    printf("audited\n");
    scrub_stack();
    return 0;
}
