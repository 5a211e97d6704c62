// api_ignore: an intentional leak marked with tether_ignore is never
// reported, nor is what only it reaches; both count as suppressed. What a
// root also reaches stays reachable.
// TOOLS: tether
// RUN-OPTS: --show-leak-kinds=all
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 8 bytes in 1 blocks
// EXPECT line: ^        suppressed: 112 bytes in 2 blocks$
// EXPECT no-line: definitely lost in loss record
// EXPECT no-line: indirectly lost in loss record
// EXPECT line: ^ERROR SUMMARY: 0 errors from 0 contexts
#include <stdlib.h>
#include <tether.h>
#include "case.h"

struct table { void *child; void *shared; char pad[48]; };
static void *shared_root;

static NOINLINE void setup(void)
{
    struct table *t = malloc(sizeof *t);
    t->child = malloc(48);
    shared_root = t->shared = malloc(8);
    tether_ignore(t);
}

int main(void)
{
    setup();
    scrub_stack();
    return 0;
}
