// api_register_root: memory tether does not scan (here: an anonymous
// mapping, with --use-other-mappings=no) becomes a root once registered; a
// block kept only there is reachable, and lost again once unregistered.
// TOOLS: tether
// RUN-OPTS: --use-other-mappings=no --show-leak-kinds=all
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 40 bytes in 1 blocks
// EXPECT stdout: registered: 0
// EXPECT stdout: unregistered: 40
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <tether.h>
#include "case.h"

static NOINLINE void keep_in(void **arena)
{
    arena[3] = malloc(40);
}

int main(void)
{
    void **arena = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    tether_register_root(arena, 4096);
    keep_in(arena);
    scrub_stack();
    printf("registered: %zu\n", tether_check_leaks());
    tether_unregister_root(arena);
    scrub_stack();
    printf("unregistered: %zu\n", tether_check_leaks());
    tether_register_root(arena, 4096);
    scrub_stack();
    return 0;
}
