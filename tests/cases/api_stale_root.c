// api_stale_root: a root the program registered and then unmapped without
// unregistering is scanned only where something is mapped again, and never
// where tether's own memory (the check's tables, which hold every block's
// address) now lies: the leak is still definitely lost.
// TOOLS: tether
// EXPECT definitely: 24 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT stdout: alive: 1
// EXPECT line: ^ It is definitely lost: nothing points to it any more$
// EXPECT no-line: root registered at
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <tether.h>
#include "case.h"

static NOINLINE void leak(void)
{
    volatile char *p = malloc(24);
    (void)p;
}

int main(void)
{
    size_t len = 1 << 20;
    void *arena = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    tether_register_root(arena, len);
    munmap(arena, len); /* the program forgets to unregister */
    TETHER_SCOPE("x") leak();
    scrub_stack();
    printf("alive: %zu\n", tether_check_owner("x"));
    scrub_stack();
    return 0;
}
