// thread_fatal_while_sleeping: a worker aborts while the main thread
// sleeps. As at exit (thread_exit_while_sleeping), the check must not wake
// the main thread early: it would return from main and end the process
// with status 0 in the middle of the report. The status is SIGABRT's.
// Valgrind finds the worker's 272-byte TLS block (glibc's DTV) possibly
// lost; tether's default suppressions cover it.
// TOOLS: tether
// EXPECT definitely: 40 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: -6
// EXPECT seq: ^Process terminating with default action of signal 6 \(SIGABRT\)$
// EXPECT no-line: main woke up early
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "case.h"

static NOINLINE void leak_forty(void)
{
    volatile char *lost = malloc(40);
    lost[0] = 1;
}

static void *worker(void *arg)
{
    (void)arg;
    usleep(200 * 1000);
    leak_forty();
    scrub_stack();
    abort();
}

int main(void)
{
    no_core_dump();
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    sleep(20);
    puts("main woke up early");
    return 0;
}
