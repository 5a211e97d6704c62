// err_dangling_stack_all: with --check-dangling=all the stacks are searched too: a
// function that calls exit() while its local variable still holds a freed block has
// a dangling pointer "on thread 1's stack".
// TOOLS: tether
// RUN-OPTS: --check-dangling=all
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT errors: 1 from 1
// EXPECT seq: ^Dangling pointer to free'd block$
// EXPECT next: ^ Address 0x[0-9a-f]+ is on thread 1's stack$
// EXPECT next: ^ holds 0x[0-9a-f]+, 0 bytes inside a block of size 40 free'd$
// EXPECT next: ^   at 0x[0-9A-F]+: free \(
// EXPECT next: ^   by 0x[0-9A-F]+: finish \(err_dangling_stack_all.c:27\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_dangling_stack_all.c:33\)$
// EXPECT next: ^ Block was alloc'd at$
// EXPECT next: ^   at 0x[0-9A-F]+: malloc \(
// EXPECT next: ^   by 0x[0-9A-F]+: finish \(err_dangling_stack_all.c:26\)$
#include <stdlib.h>
#include "case.h"

static NOINLINE void finish(void)
{
    char *volatile p = malloc(40);
    free(p);
    exit(0);
}

int main(void)
{
    finish();
    return 1;
}
