// err_invalid_free_global: freeing an address inside a global array is an invalid
// free, located by data symbol ("8 bytes inside data symbol").
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT stdout: table intact: 7
// EXPECT errors: 1 from 1
// EXPECT seq: ^Invalid free\(\) / delete / delete\[\] / realloc\(\)$
// EXPECT next: ^   at 0x[0-9A-F]+: free \(
// EXPECT next: ^   by 0x[0-9A-F]+: release \(err_invalid_free_global.c:23\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_invalid_free_global.c:29\)$
// EXPECT next: ^ Address 0x[0-9a-f]+ is 8 bytes inside data symbol "g_table"$
#include <stdio.h>
#include <stdlib.h>
#include "case.h"

int g_table[16] = {7};

static NOINLINE void release(void *p)
{
    free(p);
}

int main(void)
{
    void *volatile p = &g_table[2];
    release(p);
    printf("table intact: %d\n", g_table[0]);
    return 0;
}
