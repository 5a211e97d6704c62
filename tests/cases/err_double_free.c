// err_double_free: freeing a block twice is an invalid free. The report shows the
// second free, then the first ("0 bytes inside a block of size 24 free'd") and the
// allocation; the bad free is a no-op and the program runs on with a sound heap.
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT stdout: survived
// EXPECT errors: 1 from 1
// EXPECT seq: ^Invalid free\(\) / delete / delete\[\] / realloc\(\)$
// EXPECT next: ^   at 0x[0-9A-F]+: free \(
// EXPECT next: ^   by 0x[0-9A-F]+: release \(err_double_free.c:32\)$
// EXPECT next: ^   by 0x[0-9A-F]+: do_double \(err_double_free.c:39\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_double_free.c:44\)$
// EXPECT next: ^ Address 0x[0-9a-f]+ is 0 bytes inside a block of size 24 free'd$
// EXPECT next: ^   at 0x[0-9A-F]+: free \(
// EXPECT next: ^   by 0x[0-9A-F]+: release \(err_double_free.c:32\)$
// EXPECT next: ^   by 0x[0-9A-F]+: do_double \(err_double_free.c:38\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_double_free.c:44\)$
// EXPECT next: ^ Block was alloc'd at$
// EXPECT next: ^   at 0x[0-9A-F]+: malloc \(
// EXPECT next: ^   by 0x[0-9A-F]+: do_double \(err_double_free.c:37\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_double_free.c:44\)$
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "case.h"

static NOINLINE void release(void *p)
{
    free(p);
}

static NOINLINE void do_double(void)
{
    char *p = malloc(24);
    release(p);
    release(p);
}

int main(void)
{
    do_double();
    /* the heap is intact: more work succeeds */
    for (int i = 0; i < 100; i++) {
        char *q = malloc(24);
        memset(q, i, 24);
        free(q);
    }
    puts("survived");
    return 0;
}
