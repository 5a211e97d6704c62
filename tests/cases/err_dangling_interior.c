// err_dangling_interior: a global holding a pointer into the middle of a freed block
// (not its start) is not reported with --check-dangling=yes, which looks
// only for block starts (see err_dangling_interior_all for =all).
// RUN-OPTS: --check-dangling=yes
// TOOLS: tether
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT errors: 0 from 0
// EXPECT no-line: Dangling
#include <stdlib.h>
#include "case.h"

char *g_cursor;

int main(void)
{
    char *b = malloc(100);
    g_cursor = b + 10;
    free(b);
    b = NULL;
    scrub_stack();
    return 0;
}
