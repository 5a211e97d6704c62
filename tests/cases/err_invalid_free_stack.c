// err_invalid_free_stack: freeing the address of a local variable is an invalid
// free: the address is on the main thread's stack. The free is a no-op.
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT stdout: local intact: 42
// EXPECT errors: 1 from 1
// EXPECT seq: ^Invalid free\(\) / delete / delete\[\] / realloc\(\)$
// EXPECT next: ^   at 0x[0-9A-F]+: free \(
// EXPECT next: ^   by 0x[0-9A-F]+: release \(err_invalid_free_stack.c:22\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_invalid_free_stack.c:29\)$
// EXPECT next: ^ Address 0x[0-9a-f]+ is on thread 1's stack$
// EXPECT no-line: Block was alloc'd
#include <stdio.h>
#include <stdlib.h>
#include "case.h"

static NOINLINE void release(void *p)
{
    free(p);
}

int main(void)
{
    int local[4] = {42, 0, 0, 0};
    void *volatile p = local; /* hides the stack address from -Wfree-nonheap-object */
    release(p);
    printf("local intact: %d\n", local[0]);
    return 0;
}
