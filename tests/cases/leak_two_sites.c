// leak_two_sites: leaks from two call sites give two loss records (sorted by size).
// EXPECT definitely: 180 bytes in 11 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT line: ^80 bytes in 10 blocks are definitely lost in loss record 1 of 2$
// EXPECT line: ^100 bytes in 1 blocks are definitely lost in loss record 2 of 2$
// EXPECT line: ^   by 0x[0-9A-F]+: site_a \(leak_two_sites.c:17\)$
// EXPECT line: ^   by 0x[0-9A-F]+: site_b \(leak_two_sites.c:22\)$
// EXPECT line: ERROR SUMMARY: 2 errors from 2 contexts
#include <stdlib.h>
#include "case.h"

static NOINLINE void *site_a(void)
{
    return malloc(8);
}

static NOINLINE void *site_b(void)
{
    return malloc(100);
}

int main(void)
{
    site_b();
    for (int i = 0; i < 10; i++)
        site_a();
    scrub_stack();
    return 0;
}
