// leak_many: 100,000 leaks from one call site fold into a single loss record.
// EXPECT definitely: 1,600,000 bytes in 100,000 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT line: ^1,600,000 bytes in 100,000 blocks are definitely lost in loss record 1 of 1$
// EXPECT line: ^   by 0x[0-9A-F]+: main \(leak_many.c:22\)$
// EXPECT line: total heap usage: 100,000 allocs, 0 frees, 1,600,000 bytes allocated
// EXPECT line: ERROR SUMMARY: 1 errors from 1 contexts
#include <stdlib.h>
#include "case.h"

static NOINLINE void *make_block(size_t n)
{
    return malloc(n);
}

int main(void)
{
    for (int i = 0; i < 100000; i++)
        make_block(16);
    scrub_stack();
    return 0;
}
