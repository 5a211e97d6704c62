// thread_fatal_main_returns: a worker dies of SIGSEGV while the main thread
// is busy and then returns from main. Without tether SIGSEGV ends the
// process first; under tether the report takes a while, and main's return
// used to end the process with status 0 in the middle of it. A thread that
// would end the process while another reports a fatal signal now waits.
// Valgrind finds the worker's 272-byte TLS block (glibc's DTV) possibly
// lost; tether's default suppressions cover it.
// TOOLS: tether
// EXPECT definitely: 40 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: -11
// EXPECT seq: ^Process terminating with default action of signal 11 \(SIGSEGV\)$
// EXPECT seq: ^ERROR SUMMARY:
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
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
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    struct timespec t0, t1; /* 50 ms of work, no sleep */
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do
        clock_gettime(CLOCK_MONOTONIC, &t1);
    while ((t1.tv_sec - t0.tv_sec) * 1000000000L + (t1.tv_nsec - t0.tv_nsec) < 50000000L);
    return 0;
}
