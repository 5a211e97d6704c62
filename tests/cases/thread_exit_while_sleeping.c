// thread_exit_while_sleeping: a worker calls exit(3) while the main thread
// sleeps. The exit check stops the main thread with a signal; the kernel
// never resumes a sleep after a handler, so it used to wake at once with
// EINTR, return from main and end the process with status 0 in the middle
// of the report. Threads taken out of a sleep now stay stopped until the
// report is out: the status is the worker's, the report whole.
// Valgrind finds the worker's 272-byte TLS block (glibc's DTV) possibly
// lost; tether's default suppressions cover it.
// TOOLS: tether
// EXPECT definitely: 40 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 3
// EXPECT stdout: worker exits
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
    usleep(200 * 1000); /* the main thread is asleep by then */
    leak_forty();
    scrub_stack();
    puts("worker exits");
    fflush(stdout);
    exit(3);
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    sleep(20);
    puts("main woke up early");
    return 0;
}
