// err_double_free_two_sites: two double frees of one block from two call sites are
// two errors in two contexts (contexts are told apart by the bad free's stack); both
// records show the same first free.
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT errors: 2 from 2
// EXPECT seq: ^Invalid free\(\) / delete / delete\[\] / realloc\(\)$
// EXPECT next: ^   at 0x[0-9A-F]+: free \(
// EXPECT next: ^   by 0x[0-9A-F]+: site_a \(err_double_free_two_sites.c:32\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_double_free_two_sites.c:44\)$
// EXPECT next: ^ Address 0x[0-9a-f]+ is 0 bytes inside a block of size 40 free'd$
// EXPECT next: ^   at 0x[0-9A-F]+: free \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_double_free_two_sites.c:43\)$
// EXPECT seq: ^Invalid free\(\) / delete / delete\[\] / realloc\(\)$
// EXPECT next: ^   at 0x[0-9A-F]+: free \(
// EXPECT next: ^   by 0x[0-9A-F]+: site_b \(err_double_free_two_sites.c:37\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_double_free_two_sites.c:45\)$
// EXPECT next: ^ Address 0x[0-9a-f]+ is 0 bytes inside a block of size 40 free'd$
// EXPECT next: ^   at 0x[0-9A-F]+: free \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_double_free_two_sites.c:43\)$
// EXPECT next: ^ Block was alloc'd at$
// EXPECT next: ^   at 0x[0-9A-F]+: malloc \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_double_free_two_sites.c:42\)$
#include <stdlib.h>
#include "case.h"

static NOINLINE void site_a(void *p)
{
    free(p);
}

static NOINLINE void site_b(void *p)
{
    free(p);
}

int main(void)
{
    void *p = malloc(40);
    free(p);
    site_a(p);
    site_b(p);
    return 0;
}
