// err_invalid_free_wild: freeing an address that was never allocated (0x1000, below
// any mapping) is an invalid free: "not stack'd, malloc'd or (recently) free'd".
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT stdout: survived
// EXPECT errors: 1 from 1
// EXPECT seq: ^Invalid free\(\) / delete / delete\[\] / realloc\(\)$
// EXPECT next: ^   at 0x[0-9A-F]+: free \(
// EXPECT next: ^   by 0x[0-9A-F]+: release \(err_invalid_free_wild.c:22\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_invalid_free_wild.c:28\)$
// EXPECT next: ^ Address 0x1000 is not stack'd, malloc'd or \(recently\) free'd$
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "case.h"

static NOINLINE void release(void *p)
{
    free(p);
}

int main(void)
{
    volatile uintptr_t wild = 0x1000;
    release((void *)wild);
    puts("survived");
    return 0;
}
