// thread_fatal_signal: a second thread dies of SIGSEGV while the main
// thread waits for it. The report gives the stack of the thread that
// faulted; the main thread, stopped in pthread_join, is scanned like any
// other: the block its stack holds is still reachable, the one nobody
// holds definitely lost.
// Valgrind finds the faulting thread's 272-byte TLS block (glibc's DTV)
// possibly lost; tether's default suppressions cover it.
// TOOLS: tether
// EXPECT definitely: 40 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 24 bytes in 1 blocks
// EXPECT exit: -11
// EXPECT seq: ^Process terminating with default action of signal 11 \(SIGSEGV\)$
// EXPECT next: ^ Access not within mapped region at address 0x0$
// EXPECT next: ^   at 0x[0-9A-F]+: crash_null_write \(case.h:35\)$
// EXPECT next: ^   by 0x[0-9A-F]+: worker \(thread_fatal_signal.c:34\)$
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include "case.h"

static NOINLINE void leak_forty(void)
{
    volatile char *lost = malloc(40);
    lost[0] = 1;
}

static void *worker(void *arg)
{
    (void)arg;
    leak_forty();
    scrub_stack();
    crash_null_write(0, 0, 0, 0, 0, 0);
    return NULL;
}

int main(void)
{
    no_core_dump();
    char *volatile held = malloc(24); /* on main's stack while it waits */
    held[0] = 1;
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL);
    printf("%c\n", held[0]);
    return 0;
}
