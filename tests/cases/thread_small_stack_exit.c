// thread_small_stack_exit: a thread with the smallest stack glibc allows
// (PTHREAD_STACK_MIN, 16 KB) calls exit(). The exit check runs in that
// thread, on a stack of tether's own: on the thread's, its symbolizing and
// reporting overflowed it and the program died of SIGSEGV.
// Valgrind finds the exiting thread's 272-byte TLS block (glibc's DTV) possibly
// lost; tether's default suppressions cover it (suppressed: 336 bytes).
// TOOLS: tether
// RUN-OPTS: --show-leak-kinds=definite
// EXPECT definitely: 40 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 8 bytes in 1 blocks
// EXPECT exit: 3
// EXPECT line: ^40 bytes in 1 blocks are definitely lost in loss record [0-9]+ of [0-9]+$
// EXPECT line: ^   by 0x[0-9A-F]+: leak_forty \(thread_small_stack_exit.c:25\)$
#include <limits.h>
#include <stdlib.h>
#include "case.h"
#include "case_thread.h"

static void *volatile kept; /* still reachable: a global */

static NOINLINE void leak_forty(void)
{
    volatile char *lost = malloc(40);
    lost[0] = 1;
}

static NOINLINE void *leak_and_exit(void *arg)
{
    (void)arg;
    kept = malloc(8);
    leak_forty();
    scrub_small();
    exit(3);
}

int main(void)
{
    return run_on_small_stack(leak_and_exit, PTHREAD_STACK_MIN);
}
