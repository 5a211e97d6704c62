// err_write_after_free_novol: with --freelist-vol=0 there is no quarantine: a freed
// block goes straight back to the allocator, is not filled, and a write into it goes
// unseen (no error). Documents the cost of turning the quarantine off. (The write
// avoids the allocator's own bookkeeping in the first 16 bytes of a free chunk.)
// TOOLS: tether
// RUN-OPTS: --freelist-vol=0
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT errors: 0 from 0
// EXPECT no-line: ^Write after free
#include <stdint.h>
#include <stdlib.h>
#include "case.h"

static NOINLINE void scribble(char *p)
{
    *(volatile uint32_t *)(p + 32) = 0x11111111;
}

int main(void)
{
    char *p = malloc(64);
    free(p);
    for (int i = 0; i < 20; i++)
        free(malloc(16));
    scribble(p);
    return 0;
}
