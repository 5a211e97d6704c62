// err_write_after_free: a write into a freed 64-byte block (bytes 8..11) changes the
// pattern tether filled it with; the block is still in the quarantine at exit, where
// the change is found and reported with the block's free and allocation stacks.
// (Valgrind sees the write itself: "Invalid write of size 4" in scribble.)
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT errors: 1 from 1
// EXPECT[tether] seq: ^Write after free\(\) / delete / delete\[\]$
// EXPECT[tether] next: ^ Bytes 8\.\.11 of a block of size 64 free'd were modified$
// EXPECT[tether] next: ^   at 0x[0-9A-F]+: free \(
// EXPECT[tether] next: ^   by 0x[0-9A-F]+: release \(err_write_after_free.c:29\)$
// EXPECT[tether] next: ^   by 0x[0-9A-F]+: main \(err_write_after_free.c:40\)$
// EXPECT[tether] next: ^ Block was alloc'd at$
// EXPECT[tether] next: ^   at 0x[0-9A-F]+: malloc \(
// EXPECT[tether] next: ^   by 0x[0-9A-F]+: main \(err_write_after_free.c:39\)$
// EXPECT[valgrind] seq: ^Invalid write of size 4$
// EXPECT[valgrind] next: ^   at 0x[0-9A-F]+: scribble \(err_write_after_free.c:34\)$
// EXPECT[valgrind] next: ^   by 0x[0-9A-F]+: main \(err_write_after_free.c:41\)$
// EXPECT[valgrind] next: ^ Address 0x[0-9a-f]+ is 8 bytes inside a block of size 64 free'd$
#include <stdint.h>
#include <stdlib.h>
#include "case.h"

static NOINLINE void release(void *p)
{
    free(p);
}

static NOINLINE void scribble(char *p)
{
    *(volatile uint32_t *)(p + 8) = 0x11111111;
}

int main(void)
{
    char *p = malloc(64);
    release(p);
    scribble(p);
    return 0;
}
