// api_check_new_leaks: tether_check_new_leaks reports and returns only what
// no earlier check reported, and its LEAK SUMMARY gives each total's change
// since the last check; tether_check_leaks reports everything.
// TOOLS: tether
// EXPECT definitely: 300 bytes in 2 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT stdout: first: 100
// EXPECT stdout: second: 200
// EXPECT stdout: third: 0
// EXPECT stdout: full: 300
// EXPECT seq: ^Leak check, new leaks only \(tether_check_new_leaks\):$
// EXPECT seq: ^100 bytes in 1 blocks are definitely lost in loss record 1 of \d+$
// EXPECT seq: ^   definitely lost: 100 \(\+100\) bytes in 1 \(\+1\) blocks$
// EXPECT seq: ^Leak check, new leaks only \(tether_check_new_leaks\):$
// EXPECT seq: ^200 bytes in 1 blocks are definitely lost in loss record 1 of \d+$
// EXPECT seq: ^   definitely lost: 300 \(\+200\) bytes in 2 \(\+1\) blocks$
// EXPECT seq: ^Leak check, new leaks only \(tether_check_new_leaks\):$
// EXPECT next: ^$
// EXPECT next: ^LEAK SUMMARY:$
// EXPECT next: ^   definitely lost: 300 \(\+0\) bytes in 2 \(\+0\) blocks$
// EXPECT seq: ^Leak check \(tether_check_leaks\):$
// EXPECT seq: ^100 bytes in 1 blocks are definitely lost in loss record 1 of \d+$
// EXPECT seq: ^200 bytes in 1 blocks are definitely lost in loss record 2 of \d+$
// EXPECT seq: ^   definitely lost: 300 bytes in 2 blocks$
#include <stdio.h>
#include <stdlib.h>
#include <tether.h>
#include "case.h"

static NOINLINE void leak(size_t n)
{
    volatile char *p = malloc(n);
    (void)p;
}

int main(void)
{
    leak(100);
    scrub_stack();
    printf("first: %zu\n", tether_check_new_leaks());
    leak(200);
    scrub_stack();
    printf("second: %zu\n", tether_check_new_leaks());
    printf("third: %zu\n", tether_check_new_leaks());
    printf("full: %zu\n", tether_check_leaks());
    scrub_stack();
    return 0;
}
