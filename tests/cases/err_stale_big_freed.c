// err_stale_big_freed: a freed block waiting in the quarantine is no root,
// even a big one with a mapping of its own (glibc mmaps blocks over 128 KiB):
// a pointer left in it keeps nothing reachable.
// EXPECT definitely: 16 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
#include <stdlib.h>
#include "case.h"

static NOINLINE void leave_pointer_in_freed(void)
{
    void *leak = malloc(16);
    void **big = malloc(1 << 20);
    big[1000] = leak;
    free(big);
}

int main(void)
{
    leave_pointer_in_freed();
    scrub_stack();
    return 0;
}
