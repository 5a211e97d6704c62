// root_untouched_pages: a big mapping the program reserved and a big .bss
// array are roots, but most of their pages were never touched. tether reads a
// root range of 16 pages or more only where the process has pages in memory
// (/proc/self/pagemap: present, or swapped out): reading the rest faulted in
// a zero page each (a gigabyte reserved cost 0.3 s at exit; a PostgreSQL
// backend's look at 128 MB of shared buffers 60-90 ms). The pointers in the
// pages the program wrote are still found; the words scanned stay few.
// RUN-OPTS: -v
// EXPECT definitely: 24 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 96 bytes in 2 blocks
// EXPECT exit: 0
// EXPECT[tether] line: ^leak check: 3 blocks, [\d,]{1,9} words scanned
// EXPECT[tether] no-line: ^leak check: 3 blocks, \d{1,3},\d{3},\d{3} words scanned
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include "case.h"

#define MAP_BYTES ((size_t)256 << 20)
#define BSS_BYTES ((size_t)64 << 20)

static void *bss_area[BSS_BYTES / sizeof(void *)];

static NOINLINE void *make(size_t n)
{
    return malloc(n);
}

int main(void)
{
    void **map = mmap(NULL, MAP_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED)
        return 1;
    map[MAP_BYTES / sizeof(void *) / 2 + 3] = make(40);       /* a page in the middle */
    bss_area[BSS_BYTES / sizeof(void *) / 3 + 5] = make(56);  /* one page of the array */
    volatile char *lost = make(24);                           /* dropped */
    (void)lost;
    lost = NULL;
    scrub_stack();
    return 0;
}
