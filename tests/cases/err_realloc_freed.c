// err_realloc_freed: realloc of an already freed block is an invalid free reported
// at realloc (frame 0), with the block's free and allocation stacks; realloc
// returns NULL and the program runs on.
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT stdout: realloc returned NULL
// EXPECT errors: 1 from 1
// EXPECT seq: ^Invalid free\(\) / delete / delete\[\] / realloc\(\)$
// EXPECT next: ^   at 0x[0-9A-F]+: realloc \(
// EXPECT next: ^   by 0x[0-9A-F]+: grow \(err_realloc_freed.c:27\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_realloc_freed.c:34\)$
// EXPECT next: ^ Address 0x[0-9a-f]+ is 0 bytes inside a block of size 32 free'd$
// EXPECT next: ^   at 0x[0-9A-F]+: free \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_realloc_freed.c:33\)$
// EXPECT next: ^ Block was alloc'd at$
// EXPECT next: ^   at 0x[0-9A-F]+: malloc \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_realloc_freed.c:32\)$
#include <stdio.h>
#include <stdlib.h>
#include "case.h"

static NOINLINE void *grow(void *p, size_t n)
{
    return realloc(p, n);
}

int main(void)
{
    void *p = malloc(32);
    free(p);
    void *q = grow(p, 64);
    printf("realloc returned %s\n", q ? "a block" : "NULL");
    free(q);
    return 0;
}
