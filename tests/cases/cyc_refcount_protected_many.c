// cyc_refcount_protected_many: cyc_refcount_protected with 4,200 reachable blocks that
// each have a protected page, and one lost one: the probe before the cliques finds the
// lost one, and the refcount audit's probe finds more than its first array holds
// (4,096) and grows it while it looks up what the first found (it read a freed array
// and the audit died of SIGSEGV).
// TOOLS: tether
// EXPECT definitely: 8,192 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 34,406,432 bytes in 4,201 blocks
// EXPECT exit: 0
// EXPECT errors: 1 from 1
// EXPECT stdout: audited 4200
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <tether.h>
#include "case.h"

#define N 4200

static char *blocks[N];
static uint64_t *obj;

static NOINLINE int lose_one(void)
{
    return protected_block(8192, 4096) ? 0 : 1;
}

int main(void)
{
    for (int i = 0; i < N; i++)
        if (!(blocks[i] = protected_block(8192, 4096)))
            return 1;
    if (lose_one() != 0)
        return 1;
    obj = calloc(1, 32);
    *obj = 1;
    tether_refcounted(obj, obj, sizeof *obj);
    printf("audited %d\n", N);
    scrub_stack();
    return 0;
}
