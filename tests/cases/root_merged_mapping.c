// root_merged_mapping: a block big enough for glibc to map alone (1 MiB)
// sits in a mapping the kernel merges with the program's own anonymous
// memory right before it, as it merged CPython's arenas inside gdb. Memory
// of another allocator that holds tracked blocks is skipped as a root (its
// free parts hold stale pointers), but glibc's lone chunks are not such
// memory: the program's half of the mapping stays a root, so the block only
// it holds is still reachable, and the big block itself is lost.
// (tether only: Valgrind places mappings itself, so the program cannot put
// its pages next to the block's.)
// TOOLS: tether
// RUN-OPTS: --show-leak-kinds=all
// EXPECT definitely: 1,048,576 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 40 bytes in 1 blocks
// EXPECT stdout: merged: 1
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "case.h"

#define BIG ((size_t)1 << 20)
#define PAGE 4096

static NOINLINE void *big_block(void)
{
    return malloc(BIG);
}

static NOINLINE void keep_small(uintptr_t *slot)
{
    *slot = (uintptr_t)malloc(40);
}

int main(void)
{
    char *big = big_block();
    if (!big)
        return 1;
    memset(big, 0, BIG);
    /* the program's pages right below glibc's mapping of it (the kernel
     * hands out mappings top down: the pages above are taken) */
    uintptr_t start = ((uintptr_t)big & ~(uintptr_t)(PAGE - 1)) - 4 * PAGE;
    uintptr_t *mine = mmap((void *)start, 4 * PAGE, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (mine == MAP_FAILED || (uintptr_t)mine != start)
        return 2;
    keep_small(&mine[100]);
    printf("merged: %d\n", one_mapping(start, (uintptr_t)big + BIG));
    fflush(stdout);
    big = NULL;
    scrub_stack();
    return 0;
}
