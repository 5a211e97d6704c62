// alloc_prefix: tether keeps each block's record in 32 bytes just before the
// block, inside what the real allocator handed out. The program sees none of
// it: malloc_usable_size gives the bytes it may use, realloc(p, 0) frees as
// glibc does, aligned blocks (which have no prefix) move and free normally.
// A program that copies a block's prefix somewhere else and frees there
// gets an invalid free, not a second record: the prefix is bound to its
// block's address, and the real block stays intact.
// (tether only: the program reads below a block, which Valgrind reports.)
// TOOLS: tether
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT stdout: usable: 24 24 40 104
// EXPECT stdout: realloc to 0: NULL
// EXPECT stdout: aligned: ok
// EXPECT stdout: copied prefix: survived, block intact: 42
// EXPECT errors: 1 from 1
// EXPECT seq: ^Invalid free\(\) / delete / delete\[\] / realloc\(\)$
// EXPECT next: ^   at 0x[0-9A-F]+: free \(
// EXPECT next: ^   by 0x[0-9A-F]+: release \(alloc_prefix.c:36\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(alloc_prefix.c:72\)$
// EXPECT next: ^ Address 0x[0-9a-f]+ is 96 bytes inside a block of size 4,096 alloc'd$
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "case.h"

#define PREFIX 32

static NOINLINE void release(void *p)
{
    free(p);
}

int main(void)
{
    char *p = malloc(20);
    size_t n = malloc_usable_size(p);
    memset(p, 7, n); /* all of it is the program's */
    /* glibc's own sizes: 24 usable bytes for the smallest chunks */
    char *s1 = malloc(1), *s25 = malloc(25), *s100 = malloc(100);
    printf("usable: %zu %zu %zu %zu\n", malloc_usable_size(s1), n, malloc_usable_size(s25),
           malloc_usable_size(s100));
    free(s1);
    free(s25);
    free(s100);
    release(p);

    char *r = malloc(100);
    r = realloc(r, 0);
    printf("realloc to 0: %s\n", r ? "a block" : "NULL");
    free(r);

    char *a = aligned_alloc(64, 200);
    int aligned_ok = a && ((uintptr_t)a & 63) == 0;
    memset(a, 1, 200);
    a = realloc(a, 5000);
    aligned_ok = aligned_ok && a && a[199] == 1;
    free(a);
    printf("aligned: %s\n", aligned_ok ? "ok" : "bad");

    int *real = malloc(48);
    *real = 42;
    char *big = malloc(4096);
    memset(big, 0, 4096);
    /* a copy of real's prefix 32 bytes before big + 96 */
    memcpy(big + 96 - PREFIX, (const char *)((uintptr_t)real - PREFIX), PREFIX);
    release(big + 96);
    printf("copied prefix: survived, block intact: %d\n", *real);
    free(real);
    free(big);
    scrub_stack();
    return 0;
}
