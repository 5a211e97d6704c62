// leak_simple: a malloc'd block whose only pointer is dropped is definitely lost;
// the stack is symbolized to function (file:line).
// RUN-OPTS: --show-leak-kinds=all
// EXPECT definitely: 48 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT line: ^48 bytes in 1 blocks are definitely lost in loss record 1 of 1$
// EXPECT line: ^   at 0x[0-9A-F]+: malloc \(
// EXPECT line: ^   by 0x[0-9A-F]+: make_block \(leak_simple.c:21\)$
// EXPECT line: ^   by 0x[0-9A-F]+: main \(leak_simple.c:26\)$
// EXPECT line: in use at exit: 48 bytes in 1 blocks
// EXPECT line: total heap usage: 1 allocs, 0 frees, 48 bytes allocated
// EXPECT line: ERROR SUMMARY: 1 errors from 1 contexts
#include <stdlib.h>
#include "case.h"

static NOINLINE void *make_block(size_t n)
{
    return malloc(n);
}

int main(void)
{
    make_block(48);
    scrub_stack();
    return 0;
}
