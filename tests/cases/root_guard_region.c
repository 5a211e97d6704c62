// root_guard_region: memory the map calls readable can still fault: Linux 6.13's
// MADV_GUARD_INSTALL makes pages of a mapping guard pages without splitting it (glibc
// 2.42 guards thread stacks so). Here an anonymous mapping takes the place of a large
// freed block (so it lies where tether's heap sweep looks for blocks), has a guard
// page, and holds the only pointer to a block after that page; a second mapping,
// wherever the kernel puts it, does the same (the root scan alone). The exit check
// must step over the guard pages, in the sweep and in the root scan, and find the
// pointers beyond them: both blocks are still reachable and the program ends
// normally (before, it died of SIGSEGV in the check). On a kernel without guard
// regions the case runs the same, without the guard pages.
// RUN-OPTS: --freelist-vol=0
// TOOLS: tether
// EXPECT definitely: 24 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 96 bytes in 2 blocks
// EXPECT exit: 0
// EXPECT stdout: mapped over the freed block
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "case.h"

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif

static NOINLINE void *make(size_t n)
{
    return malloc(n);
}

static NOINLINE void leak(void)
{
    volatile char *p = malloc(24);
    (void)p;
}

int main(void)
{
    char *big = make(300000); /* glibc maps it alone */
    uintptr_t base = (uintptr_t)big & ~(uintptr_t)4095;
    free(big);
    char *m = mmap((void *)base, 65536, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (m == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    memset(m, 0, 65536);
    madvise(m + 8192, 4096, MADV_GUARD_INSTALL); /* EINVAL before Linux 6.13 */
    void **slot = (void **)(m + 16384);
    *slot = make(40);
    char *m2 = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m2 == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    madvise(m2 + 4096, 4096, MADV_GUARD_INSTALL);
    *(void **)(m2 + 32768) = make(56);
    leak();
    printf("mapped over the freed block\n");
    scrub_stack();
    return 0;
}
