// err_invalid_free_interior_freed: freeing a pointer into the middle of an already
// freed block is an invalid free located in that freed block ("16 bytes inside a
// block of size 40 free'd"), with its free and allocation stacks.
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT errors: 1 from 1
// EXPECT seq: ^Invalid free\(\) / delete / delete\[\] / realloc\(\)$
// EXPECT next: ^   at 0x[0-9A-F]+: free \(
// EXPECT next: ^   by 0x[0-9A-F]+: release \(err_invalid_free_interior_freed.c:26\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_invalid_free_interior_freed.c:33\)$
// EXPECT next: ^ Address 0x[0-9a-f]+ is 16 bytes inside a block of size 40 free'd$
// EXPECT next: ^   at 0x[0-9A-F]+: free \(
// EXPECT next: ^   by 0x[0-9A-F]+: release \(err_invalid_free_interior_freed.c:26\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_invalid_free_interior_freed.c:32\)$
// EXPECT next: ^ Block was alloc'd at$
// EXPECT next: ^   at 0x[0-9A-F]+: malloc \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_invalid_free_interior_freed.c:31\)$
#include <stdlib.h>
#include "case.h"

static NOINLINE void release(void *p)
{
    free(p);
}

int main(void)
{
    char *b = malloc(40);
    release(b);
    release(b + 16);
    return 0;
}
