// err_thread_small_stack: a thread with the smallest stack glibc allows
// (PTHREAD_STACK_MIN, 16 KB) frees a block twice and then writes to a block
// it freed, which the small quarantine pushes out while the thread runs. Both
// errors are reported where they happen, on a stack of tether's own: on the
// thread's, symbolizing the first report overflowed it (SIGSEGV).
// TOOLS: tether
// RUN-OPTS: --freelist-vol=1000
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT stdout: survived
// EXPECT errors: 2 from 2
// EXPECT seq: ^Invalid free\(\) / delete / delete\[\] / realloc\(\)$
// EXPECT next: ^   at 0x[0-9A-F]+: free \(
// EXPECT next: ^   by 0x[0-9A-F]+: twice \(err_thread_small_stack.c:32\)$
// EXPECT seq: ^Write after free\(\) / delete / delete\[\]$
// EXPECT next: ^ Bytes 3\.\.3 of a block of size 100 free'd were modified$
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include "case.h"
#include "case_thread.h"

#define FREE_AGAIN(p) free(p)

static NOINLINE void twice(void)
{
    char *p = malloc(24);
    free(p);
    FREE_AGAIN(p);
}

static NOINLINE void write_late(void)
{
    volatile char *p = malloc(100);
    free((void *)p);
    for (int i = 0; i < 16; i++) /* the free is queued a batch at a time */
        free(malloc(8));
    p[3] = 1;
    for (int i = 0; i < 100; i++) /* push it out of the 1000-byte quarantine */
        free(malloc(100));
}

static void *worker(void *arg)
{
    (void)arg;
    twice();
    write_late();
    return NULL;
}

int main(void)
{
    if (run_on_small_stack(worker, PTHREAD_STACK_MIN))
        return 1;
    puts("survived");
    return 0;
}
