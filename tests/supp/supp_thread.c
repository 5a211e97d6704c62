/* tt_supp_thread: a thread still running (blocked) when the program exits.
 * glibc allocated its DTV in pthread_create and keeps a pointer one word
 * into it, so the block reads as possibly lost; tether's default
 * suppressions (share/tether/default.supp) hide it. No other leak. */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <unistd.h>
#include "case.h"

static sem_t ready;

static void *worker(void *arg)
{
    (void)arg;
    sem_post(&ready);
    for (;;)
        pause();
    return NULL;
}

int main(void)
{
    pthread_t t;

    puts("started");
    fflush(stdout);
    sem_init(&ready, 0, 0);
    if (pthread_create(&t, NULL, worker, NULL) != 0)
        return 1;
    while (sem_wait(&ready) != 0)
        ;
    scrub_stack();
    return 0; /* exits with worker still blocked in pause() */
}
