// opt_num_callers: --num-callers=2 keeps only the allocator frame and its caller.
// RUN-OPTS: --num-callers=2
// EXPECT definitely: 48 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT line: ^   at 0x[0-9A-F]+: malloc \(
// EXPECT line: ^   by 0x[0-9A-F]+: level2 \(opt_num_callers.c:17\)$
// EXPECT no-line: ^   by 0x[0-9A-F]+: level1
// EXPECT no-line: ^   by 0x[0-9A-F]+: main
#include <stdlib.h>
#include "case.h"

static NOINLINE void *level2(void)
{
    return malloc(48);
}

static NOINLINE void *level1(void)
{
    return level2();
}

int main(void)
{
    level1();
    scrub_stack();
    return 0;
}
