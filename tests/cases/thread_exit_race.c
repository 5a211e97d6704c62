// thread_exit_race: threads still freeing and allocating while main returns.
// A block freed after exit() began but before the leak check stopped the
// world must not be reported: tether once stopped honouring frees at the
// start of its exit check, and blocks freed in that window read as definitely
// lost (4 runs in 5 here). What is still reachable depends on timing.
// TOOLS: tether
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: any
// EXPECT reachable: any
// EXPECT exit: 0
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>
#include "case.h"

#define RING 64

static void *worker(void *arg)
{
    void **ring = calloc(RING, sizeof *ring);
    for (unsigned i = 0;; i = (i + 1) % RING) {
        free(ring[i]);
        ring[i] = malloc(100 + i);
    }
    return arg;
}

int main(void)
{
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    usleep(100000);
    return 0; /* the workers are still running */
}
