// err_dangling_interior_all: with --check-dangling=all a global holding a pointer
// into the middle of a freed block is reported ("10 bytes inside a block of size 100
// free'd"), and nothing else is: the program keeps no other pointer to the block.
// TOOLS: tether
// RUN-OPTS: --check-dangling=all
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT errors: 1 from 1
// EXPECT seq: ^Dangling pointer to free'd block$
// EXPECT next: ^ Address 0x[0-9a-f]+ is 0 bytes inside data symbol "g_cursor"$
// EXPECT next: ^ holds 0x[0-9a-f]+, 10 bytes inside a block of size 100 free'd$
// EXPECT next: ^   at 0x[0-9A-F]+: free \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_dangling_interior_all.c:29\)$
// EXPECT next: ^ Block was alloc'd at$
// EXPECT next: ^   at 0x[0-9A-F]+: malloc \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_dangling_interior_all.c:27\)$
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
