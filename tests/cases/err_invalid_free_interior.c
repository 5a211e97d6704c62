// err_invalid_free_interior: freeing a pointer into the middle of a live block is an
// invalid free, located in that block (with its allocation stack); the block stays
// live and is freed properly afterwards.
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT stdout: block intact: abcdefghijklmnopqrstuvwxyz
// EXPECT errors: 1 from 1
// EXPECT seq: ^Invalid free\(\) / delete / delete\[\] / realloc\(\)$
// EXPECT next: ^   at 0x[0-9A-F]+: free \(
// EXPECT next: ^   by 0x[0-9A-F]+: release \(err_invalid_free_interior.c:26\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_invalid_free_interior.c:33\)$
// EXPECT next: ^ Address 0x[0-9a-f]+ is 8 bytes inside a block of size 40 alloc'd$
// EXPECT next: ^   at 0x[0-9A-F]+: malloc \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_invalid_free_interior.c:31\)$
// EXPECT no-line: free'd
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "case.h"

static NOINLINE void release(void *p)
{
    free(p);
}

int main(void)
{
    char *b = malloc(40);
    strcpy(b, "abcdefghijklmnopqrstuvwxyz");
    release(b + 8);
    printf("block intact: %s\n", b);
    free(b);
    return 0;
}
