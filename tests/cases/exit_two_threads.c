// exit_two_threads: while the main thread is in exit (in an atexit handler of
// the program's), a worker calls exit too. glibc's exit guards nothing: the
// worker found tether's exit handler taken by the main thread, ran on and ended
// the process with _exit while the main thread wrote its report, which was
// lost every time (two threads calling exit at once, 20 runs of 20). Now the
// thread that came second waits for the first one's report; the first one's
// status wins. (Calling exit from two threads is undefined in C; natively
// the worker's exit ends the process, with its status and no report;
// Valgrind reports at the worker's exit, status 6.)
// TOOLS: tether
// EXPECT definitely: 77 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 7
// EXPECT line: ^77 bytes in 1 blocks are definitely lost in loss record 1 of \d+$
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include "case.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int go;

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu);
    while (!go)
        pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    exit(6);
}

/* Runs in the main thread's exit: lets the worker exit too, and gives it
 * time to get there. */
static void at_exit_handler(void)
{
    pthread_mutex_lock(&mu);
    go = 1;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
    struct timespec ts = {0, 300000000};
    nanosleep(&ts, NULL);
}

static NOINLINE void leak(void)
{
    volatile char *p = malloc(77);
    (void)p;
}

int main(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, worker, NULL) != 0)
        return 1;
    atexit(at_exit_handler);
    leak();
    scrub_stack();
    exit(7);
}
