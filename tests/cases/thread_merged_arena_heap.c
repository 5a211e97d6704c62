// thread_merged_arena_heap: a heap of a thread's glibc arena (64 MiB aligned) that the
// kernel merged with the program's own anonymous memory right below it, as seen
// under ruby. tether knew an arena heap only by the start of its mapping: merged, the
// heap was scanned as a root, and the stale pointer a freed chunk there keeps to a
// lost block made it still reachable. The block is definitely lost, as it is when
// the heap is a mapping of its own. (tether only: Valgrind's allocator has no glibc
// arenas.)
// TOOLS: tether
// RUN-OPTS: --freelist-vol=0
// EXPECT definitely: 48 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT stdout: merged: 1
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "case.h"

#define HEAP_MAX ((uintptr_t)64 << 20)
#define PAGE 4096

static uintptr_t heap_base; /* the arena heap's start: not a block */
static uintptr_t lost_bits; /* the lost block's address, scrambled */

/* In the thread's own arena: a chunk that keeps the lost block's address
 * past the words glibc writes into a free chunk, then freed. */
static void *in_thread(void *arg)
{
    (void)arg;
    uintptr_t *c = malloc(400);
    if (!c)
        return NULL;
    memset(c, 0, 400);
    c[20] = lost_bits ^ 0x5a5a5a5a;
    heap_base = (uintptr_t)c & ~(HEAP_MAX - 1);
    free(c);
    return NULL;
}

static NOINLINE void make_lost(void)
{
    char *p = malloc(48);
    memset(p, 1, 48);
    lost_bits = (uintptr_t)p ^ 0x5a5a5a5a;
}

int main(void)
{
    make_lost();
    pthread_t t;
    if (pthread_create(&t, NULL, in_thread, NULL) != 0 || pthread_join(t, NULL) != 0)
        return 1;
    if (!heap_base)
        return 2;
    /* the program's pages right below the heap, with the heap's flags (glibc maps
     * it MAP_NORESERVE): the kernel merges the two */
    uintptr_t start = heap_base - 4 * PAGE;
    void *mine = mmap((void *)start, 4 * PAGE, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
    if (mine == MAP_FAILED || (uintptr_t)mine != start)
        return 3;
    memset(mine, 0, 4 * PAGE);
    printf("merged: %d\n", one_mapping(start, heap_base + PAGE));
    fflush(stdout);
    lost_bits = 0;
    scrub_stack();
    return 0;
}
