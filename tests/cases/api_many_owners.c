// api_many_owners: loss records are per (stack, owner, transfer, state), so one
// allocation site with many owners makes many records. The records' table was
// sized from the number of distinct stacks only: with more than 64 owners it
// filled up, and the search for a free slot went on for ever at exit (a hang
// that SIGTERM could not end). It now grows.
// TOOLS: tether
// EXPECT definitely: 2,400 bytes in 300 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT stdout: done
// EXPECT line: ^8 bytes in 1 blocks are definitely lost in loss record 1 of 300$
// EXPECT line: owner299
#include <stdio.h>
#include <stdlib.h>
#include <tether.h>
#include "case.h"

static NOINLINE void leak_owned(int i)
{
    char name[32];
    snprintf(name, sizeof name, "owner%d", i);
    void *p = malloc(8);
    tether_set_owner(p, name);
}

int main(void)
{
    for (int i = 0; i < 300; i++)
        leak_owned(i);
    puts("done");
    fflush(stdout);
    scrub_stack();
    return 0;
}
