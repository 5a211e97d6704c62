// err_freed_taken_away: a program frees blocks and then takes their memory away
// behind the allocator's back: a page of one protected (mprotect PROT_NONE), a big
// block's first page emptied (madvise MADV_DONTNEED, with a length of 1: the kernel
// takes the whole page), another big block's pages unmapped (munmap), and an aligned
// block (no header: recorded in the index) unmapped, and a page in the third megabyte of
// a 3 MB block protected. Natively the allocator had each
// block back at its free and nothing looks at it again: the program runs to the end.
// tether held them in its quarantine, and evicting them read and released memory that
// was gone: the program died (SIGSEGV, or glibc's abort on the emptied chunk header).
// Now the blocks are checked at the mprotect/madvise/munmap, then forgotten: the write
// after the first free is still reported, once, errno is the call's, and a warning
// says what happened.
// TOOLS: tether
// RUN-OPTS: -v
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT errors: 1 from 1
// EXPECT stdout: errno kept
// EXPECT stdout: survived
// EXPECT line: ^Warning: the program's mprotect\(0x[0-9a-f]+, 4096\) takes away memory where 1 freed block waited in the quarantine: checked now, then left out of it and never reused$
// EXPECT line: ^quarantine: .*; forsaken \(memory the program took away\): 5 blocks, 3,997,696 bytes$
// EXPECT seq: ^Write after free\(\) / delete / delete\[\]$
// EXPECT next: ^ Bytes 8\.\.11 of a block of size 65,536 free'd were modified$
// EXPECT next: ^   at 0x[0-9A-F]+: free \(
// EXPECT next: ^   by 0x[0-9A-F]+: release \(err_freed_taken_away.c:42\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_freed_taken_away.c:61\)$
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "case.h"

#define BIG (256 * 1024) /* above glibc's mmap threshold: a mapping of its own */

static NOINLINE void release(void *p)
{
    free(p);
}

static NOINLINE void scribble(char *p)
{
    *(volatile uint32_t *)(p + 8) = 0x11111111;
}

static char *page_of(char *p) { return (char *)((uintptr_t)p & ~(uintptr_t)4095); }
/* The whole pages inside [p, p + n). */
static char *first_page(char *p) { return page_of(p + 4095); }
static char *last_page_end(char *p, size_t n) { return page_of(p + n); }

int main(void)
{
    char *a = malloc(65536), *b = malloc(BIG), *c = malloc(BIG), *d = aligned_alloc(4096, BIG);
    if (!a || !b || !c || !d)
        return 1;
    memset(a, 1, 65536);
    release(a);
    scribble(a);
    errno = 0;
    if (mprotect(first_page(a + 4096), 4096, PROT_NONE) != 0) {
        perror("mprotect");
        return 1;
    }
    printf("%s\n", errno == 0 ? "errno kept" : "errno changed");
    release(b);
    /* natively b is unmapped already: ENOMEM, which the program ignores */
    madvise(page_of(b), 1, MADV_DONTNEED);
    release(c);
    char *clo = first_page(c), *chi = last_page_end(c, BIG);
    munmap(clo, (size_t)(chi - clo));
    release(d);
    munmap(d, BIG);
    /* a block of 3 MB: a guard page in its third megabyte, where no block
     * starts (tether looked only where blocks start, and the eviction of
     * this one faulted) */
    char *e = malloc(3 << 20);
    if (!e)
        return 1;
    release(e);
    mprotect(first_page(e + (2 << 20)), 4096, PROT_NONE);
    /* 40 MB of frees: every block above leaves a 20 MB quarantine */
    for (int i = 0; i < 40000; i++) {
        char *volatile q = malloc(1024);
        q[0] = 1;
        free(q);
    }
    printf("survived\n");
    return 0;
}
