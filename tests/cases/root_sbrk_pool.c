// root_sbrk_pool: a program that takes memory from the break itself (sbrk,
// brk) for a pool of its own, as graphviz's libexpr does, and keeps heap
// pointers there. That memory is inside [heap], which tether leaves out of
// the roots as glibc's allocator's; the blocks read as definitely lost.
// Valgrind scans its brk segment as a root: still reachable. glibc's malloc
// moves the break through its own internal __sbrk, so what comes through
// sbrk and brk is the program's: tether now scans it. Memory given back
// (sbrk with a negative increment) is no root: the block only it pointed to
// is lost.
// EXPECT definitely: 32 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 174 bytes in 2 blocks
// EXPECT exit: 0
// EXPECT stdout: pools ok
// EXPECT line: ^32 bytes in 1 blocks are definitely lost in loss record 1 of \d+$
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "case.h"

static NOINLINE void *make(size_t n)
{
    return malloc(n);
}

int main(void)
{
    free(make(100)); /* glibc's arena first, at the start of [heap] */
    void **pool = sbrk(32768);
    if (pool == (void *)-1)
        return 1;
    pool[10] = make(94);
    char *end = sbrk(0);
    if (brk(end + 8192) != 0)
        return 1;
    ((void **)end)[5] = make(80);
    void **gone = sbrk(4096);
    if (gone == (void *)-1)
        return 1;
    gone[3] = make(32);
    if (sbrk(-4096) == (void *)-1) /* given back, with the only pointer to it */
        return 1;
    pool = NULL;
    gone = NULL;
    end = NULL;
    puts("pools ok");
    fflush(stdout);
    scrub_stack();
    return 0;
}
