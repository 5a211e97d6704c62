// err_realloc_interior: realloc of a pointer into the middle of a live block is an
// invalid free reported at realloc, located in the live block; realloc returns NULL,
// the block stays intact and is freed properly afterwards.
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT stdout: realloc returned NULL
// EXPECT stdout: block intact: 0123456789
// EXPECT errors: 1 from 1
// EXPECT seq: ^Invalid free\(\) / delete / delete\[\] / realloc\(\)$
// EXPECT next: ^   at 0x[0-9A-F]+: realloc \(
// EXPECT next: ^   by 0x[0-9A-F]+: grow \(err_realloc_interior.c:26\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_realloc_interior.c:33\)$
// EXPECT next: ^ Address 0x[0-9a-f]+ is 4 bytes inside a block of size 40 alloc'd$
// EXPECT next: ^   at 0x[0-9A-F]+: malloc \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_realloc_interior.c:31\)$
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "case.h"

static NOINLINE void *grow(void *p, size_t n)
{
    return realloc(p, n);
}

int main(void)
{
    char *b = malloc(40);
    strcpy(b, "0123456789");
    void *q = grow(b + 4, 100);
    printf("realloc returned %s\n", q ? "a block" : "NULL");
    printf("block intact: %s\n", b);
    free(q);
    free(b);
    return 0;
}
