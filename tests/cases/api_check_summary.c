// api_check_summary: the report options hold for checks on demand: with
// --leak-check=summary a check prints its heading and LEAK SUMMARY, no loss
// record; it still returns what it found.
// TOOLS: tether
// RUN-OPTS: --leak-check=summary
// EXPECT definitely: 64 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT stdout: lost: 64
// EXPECT seq: ^Leak check \(tether_check_leaks\):$
// EXPECT next: ^$
// EXPECT next: ^LEAK SUMMARY:$
// EXPECT next: ^   definitely lost: 64 bytes in 1 blocks$
// EXPECT no-line: are definitely lost in loss record
#include <stdio.h>
#include <stdlib.h>
#include <tether.h>
#include "case.h"

static NOINLINE void leak(void)
{
    volatile char *p = malloc(64);
    (void)p;
}

int main(void)
{
    leak();
    scrub_stack();
    printf("lost: %zu\n", tether_check_leaks());
    scrub_stack();
    return 0;
}
