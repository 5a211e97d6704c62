// err_double_free_loop: three double frees from one call site (three blocks, each
// freed once before) are 3 errors from 1 context; only the first is printed.
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT errors: 3 from 1
// EXPECT seq: ^Invalid free\(\) / delete / delete\[\] / realloc\(\)$
// EXPECT next: ^   at 0x[0-9A-F]+: free \(
// EXPECT next: ^   by 0x[0-9A-F]+: free_again \(err_double_free_loop.c:26\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_double_free_loop.c:37\)$
// EXPECT next: ^ Address 0x[0-9a-f]+ is 0 bytes inside a block of size 16 free'd$
// EXPECT next: ^   at 0x[0-9A-F]+: free \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_double_free_loop.c:35\)$
// EXPECT next: ^ Block was alloc'd at$
// EXPECT next: ^   at 0x[0-9A-F]+: malloc \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_double_free_loop.c:33\)$
// The first record only: sizes 24 and 32 (blocks 2 and 3) are counted, not printed.
// EXPECT no-line: block of size (24|32)
#include <stdlib.h>
#include "case.h"

static NOINLINE void free_again(void *p)
{
    free(p);
}

int main(void)
{
    void *b[3];
    for (int i = 0; i < 3; i++)
        b[i] = malloc(16 + 8 * i);
    for (int i = 0; i < 3; i++)
        free(b[i]);
    for (int i = 0; i < 3; i++)
        free_again(b[i]);
    return 0;
}
