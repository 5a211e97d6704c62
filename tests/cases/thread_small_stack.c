// thread_small_stack: threads created with the smallest stack glibc allows
// (PTHREAD_STACK_MIN, 16 KB) and with 32 KB start under tether as they do
// natively, allocate, free and leak: tether's per-thread state is not in
// TLS, which comes out of every thread's stack (57 KB of it once made
// pthread_create fail with EINVAL here).
// RUN-OPTS: --show-leak-kinds=all
// EXPECT definitely: 64 bytes in 2 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT line: ^64 bytes in 2 blocks are definitely lost in loss record 1 of 1$
// EXPECT line: ^   by 0x[0-9A-F]+: leak_in_thread \(thread_small_stack.c:26\)$
#include <limits.h>
#include <stdlib.h>
#include "case.h"
#include "case_thread.h"

static NOINLINE void *leak_in_thread(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100; i++) {
        volatile char *p = malloc(16 + (size_t)i);
        free((void *)p);
    }
    volatile char *lost = malloc(32);
    lost[0] = 1;
    return NULL;
}

int main(void)
{
    if (run_on_small_stack(leak_in_thread, PTHREAD_STACK_MIN) || run_on_small_stack(leak_in_thread, 32768))
        return 1;
    scrub_stack();
    return 0;
}
