// err_dangling_no: with --check-dangling=no (the default), neither a global nor a live heap block
// holding the start of a freed block is reported.
// TOOLS: tether
// RUN-OPTS: --check-dangling=no
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 16 bytes in 1 blocks
// EXPECT exit: 0
// EXPECT errors: 0 from 0
// EXPECT no-line: Dangling
#include <stdlib.h>
#include "case.h"

void *g_last;
static void **g_holder;

int main(void)
{
    g_last = malloc(32);
    free(g_last);
    g_holder = calloc(2, sizeof(void *));
    g_holder[1] = malloc(40);
    free(g_holder[1]);
    return 0;
}
