// err_dangling_all_clean: with --check-dangling=all, a program that frees blocks and
// keeps no pointer to any of them has no dangling pointer: tether's own records of
// freed blocks (quarantine, per-thread batches) are not the program's pointers.
// TOOLS: tether
// RUN-OPTS: --check-dangling=all
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT errors: 0 from 0
// EXPECT no-line: Dangling
#include <stdlib.h>
#include <string.h>
#include "case.h"

static NOINLINE void work(int n)
{
    for (int i = 0; i < n; i++) {
        char *p = malloc(8 + i);
        memset(p, i, 8);
        free(p);
        p = NULL;
    }
}

int main(void)
{
    work(3);
    work(40);
    scrub_stack();
    return 0;
}
