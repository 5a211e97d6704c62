// root_global: blocks referenced from global variables (.bss and .data) are still
// reachable, not lost, and are not errors.
// RUN-OPTS: --show-leak-kinds=all
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 150 bytes in 2 blocks
// EXPECT exit: 0
// EXPECT line: ^50 bytes in 1 blocks are still reachable in loss record 1 of 2$
// EXPECT line: ^100 bytes in 1 blocks are still reachable in loss record 2 of 2$
// EXPECT line: ^   by 0x[0-9A-F]+: main \(root_global.c:26\)$
// EXPECT line: ERROR SUMMARY: 0 errors from 0 contexts
#include <stdlib.h>
#include "case.h"

void *global_bss;                 /* .bss */
void *global_data = &global_bss;  /* .data, overwritten below */

static NOINLINE void *make_block(size_t n)
{
    return malloc(n);
}

int main(void)
{
    global_bss = make_block(100);
    global_data = make_block(50);
    scrub_stack();
    return 0;
}
