// heur_protected_page: Valgrind's interior-pointer heuristics read the first words of
// the block a pointer points into. Here that block's first page is protected (a
// coroutine stack with its guard page at the bottom), and pointers into it (start+8,
// which length64 and newarray look at) sit in a global and in a reachable block, each
// followed by the only pointer to another block. The check must not fault on the
// protected page, nor stop scanning the global or the block there: both other blocks
// are still reachable, the protected block (reached only by interior pointers) is
// possibly lost, and the program ends normally (before: SIGSEGV, or the blocks after
// the pointer read as definitely lost).
// TOOLS: tether
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 65,536 bytes in 1 blocks
// EXPECT reachable: 88 bytes in 3 blocks
// EXPECT exit: 0
// EXPECT stdout: guarded
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "case.h"

static struct {
    void *interior;
    void *only;
} g;
static void **holder;

static NOINLINE void *make(size_t n)
{
    return malloc(n);
}

int main(void)
{
    char *s = protected_block(65536, 0);
    if (!s)
        return 1;
    g.interior = s + 8;
    g.only = make(40);
    holder = make(16);
    holder[0] = s + 8;
    holder[1] = make(32);
    s = NULL;
    printf("guarded\n");
    scrub_stack();
    return 0;
}
