// err_dangling_global: at exit, a global and a file-static variable still hold the
// start of blocks that were freed (still in the quarantine): two dangling pointers,
// each located by data symbol, with the freed block's free and allocation stacks.
// RUN-OPTS: --check-dangling=yes
// TOOLS: tether
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT errors: 2 from 2
// EXPECT seq: ^Dangling pointer to free'd block$
// EXPECT next: ^ Address 0x[0-9a-f]+ is 0 bytes inside data symbol "g_last"$
// EXPECT next: ^ holds 0x[0-9a-f]+, 0 bytes inside a block of size 32 free'd$
// EXPECT next: ^   at 0x[0-9A-F]+: free \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_dangling_global.c:38\)$
// EXPECT next: ^ Block was alloc'd at$
// EXPECT next: ^   at 0x[0-9A-F]+: malloc \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_dangling_global.c:37\)$
// EXPECT line: ^ Address 0x[0-9a-f]+ is 0 bytes inside data symbol "s_cache"$
// EXPECT line: ^ holds 0x[0-9a-f]+, 0 bytes inside a block of size 48 free'd$
// EXPECT line: ^   by 0x[0-9A-F]+: main \(err_dangling_global.c:40\)$
// EXPECT line: ^   by 0x[0-9A-F]+: make_cache \(err_dangling_global.c:32\)$
#include <stdlib.h>
#include "case.h"

void *g_last;
static char *s_cache;

static NOINLINE char *make_cache(void)
{
    return calloc(1, 48);
}

int main(void)
{
    g_last = malloc(32);
    free(g_last);
    s_cache = make_cache();
    free(s_cache);
    return 0;
}
