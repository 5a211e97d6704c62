// sym_reachable_unsymbolized: records nobody sees are not symbolized. Five
// still-reachable blocks from five stacks, shown by default to nobody, and
// the default suppressions (which match possibly lost blocks only): the
// check looks up no address. It used to symbolize every record to try the
// suppressions on it, most of a short process's exit (git --version: 15 ms
// under tether, 5 ms after).
// RUN-OPTS: -v
// TOOLS: tether
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 150 bytes in 5 blocks
// EXPECT exit: 0
// EXPECT line: ^symbols: 0 addresses looked up$
// EXPECT no-line: still reachable in loss record
// EXPECT line: ERROR SUMMARY: 0 errors from 0 contexts
#include <stdlib.h>
#include "case.h"

void *kept[5];

static NOINLINE void *one(void) { return malloc(10); }
static NOINLINE void *two(void) { return malloc(20); }
static NOINLINE void *three(void) { return malloc(30); }
static NOINLINE void *four(void) { return malloc(40); }
static NOINLINE void *five(void) { return malloc(50); }

int main(void)
{
    kept[0] = one();
    kept[1] = two();
    kept[2] = three();
    kept[3] = four();
    kept[4] = five();
    scrub_stack();
    return 0;
}
