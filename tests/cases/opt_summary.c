// opt_summary: --leak-check=summary prints the LEAK SUMMARY but no loss records.
// RUN-OPTS: --leak-check=summary --show-leak-kinds=all
// EXPECT definitely: 48 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 20 bytes in 1 blocks
// EXPECT exit: 0
// EXPECT line: LEAK SUMMARY:
// EXPECT no-line: loss record
// EXPECT no-line: ^   by 0x
#include <stdlib.h>
#include "case.h"

static void *keep;

static NOINLINE void *make_block(size_t n)
{
    return malloc(n);
}

int main(void)
{
    keep = make_block(20);
    make_block(48);
    scrub_stack();
    return 0;
}
