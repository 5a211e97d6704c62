// api_show_owner: --show-owner restricts the loss records and the owner table
// to the owners named (repeatable); the LEAK SUMMARY keeps the whole process.
// TOOLS: tether
// RUN-OPTS: --show-owner=beta --show-owner=gamma
// EXPECT definitely: 70 bytes in 3 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT line: ^20 bytes in 1 blocks are definitely lost in loss record 2 of 3$
// EXPECT line: ^ Owner: "beta"$
// EXPECT no-line: ^10 bytes in 1 blocks are definitely lost
// EXPECT no-line: ^40 bytes in 1 blocks are definitely lost
// EXPECT no-line: Owner: "alpha"
// EXPECT no-line: Owner: none
// EXPECT seq: ^LEAKS BY OWNER
// EXPECT next: ^   owner
// EXPECT next: ^   "beta"
// EXPECT next: ^$
// EXPECT line: ^ERROR SUMMARY: 3 errors from 3 contexts
#include <stdlib.h>
#include <tether.h>
#include "case.h"

static NOINLINE void leak(size_t n, const char *owner)
{
    tether_set_owner(malloc(n), owner);
}

int main(void)
{
    leak(10, "alpha");
    leak(20, "beta");
    leak(40, NULL);
    scrub_stack();
    return 0;
}
