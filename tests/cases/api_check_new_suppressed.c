// api_check_new_suppressed: a suppressed leak stays suppressed in every later
// check for new leaks. Such a check makes loss records of new blocks only, so
// the suppression was never tried again on a block an earlier check had
// counted: from the second check on it moved from "suppressed" to
// "definitely lost (+100)", with no loss record to show for it (found with
// --check-signal, which makes the same checks).
// TOOLS: tether
// RUN-OPTS: --suppressions=@SRCDIR@/api_check_new_suppressed.supp
// EXPECT definitely: 200 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT stdout: first: 0
// EXPECT stdout: second: 200
// EXPECT stdout: third: 0
// EXPECT seq: ^Leak check, new leaks only \(tether_check_new_leaks\):$
// EXPECT next: ^$
// EXPECT next: ^LEAK SUMMARY:$
// EXPECT next: ^   definitely lost: 0 \(\+0\) bytes in 0 \(\+0\) blocks$
// EXPECT seq: ^        suppressed: 100 \(\+100\) bytes in 1 \(\+1\) blocks$
// EXPECT seq: ^Leak check, new leaks only \(tether_check_new_leaks\):$
// EXPECT seq: ^200 bytes in 1 blocks are definitely lost in loss record 1 of \d+$
// EXPECT seq: ^   definitely lost: 200 \(\+200\) bytes in 1 \(\+1\) blocks$
// EXPECT seq: ^        suppressed: 100 \(\+0\) bytes in 1 \(\+0\) blocks$
// EXPECT seq: ^Leak check, new leaks only \(tether_check_new_leaks\):$
// EXPECT next: ^$
// EXPECT next: ^LEAK SUMMARY:$
// EXPECT next: ^   definitely lost: 200 \(\+0\) bytes in 1 \(\+0\) blocks$
// EXPECT seq: ^        suppressed: 100 \(\+0\) bytes in 1 \(\+0\) blocks$
// EXPECT seq: ^        suppressed: 100 bytes in 1 blocks$
// EXPECT no-line: ^100 bytes in 1 blocks are definitely lost
#include <stdio.h>
#include <stdlib.h>
#include <tether.h>
#include "case.h"

static NOINLINE void hidden_leak(void)
{
    volatile char *p = malloc(100);
    (void)p;
}

static NOINLINE void leak(void)
{
    volatile char *p = malloc(200);
    (void)p;
}

int main(void)
{
    hidden_leak();
    scrub_stack();
    printf("first: %zu\n", tether_check_new_leaks());
    leak();
    scrub_stack();
    printf("second: %zu\n", tether_check_new_leaks());
    printf("third: %zu\n", tether_check_new_leaks());
    return 0;
}
