// err_thread_race_double_free: two threads, released together by a barrier, free the
// same block at once, 100 times over (a new block each round). Exactly one free of
// each pair succeeds and the other is a double free: 100 errors, one context (both
// threads free from the same stack); no block is freed twice into the allocator.
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT stdout: rounds 100
// EXPECT errors: 100 from 1
// EXPECT seq: ^Invalid free\(\) / delete / delete\[\] / realloc\(\)$
// EXPECT next: ^   at 0x[0-9A-F]+: free \(
// EXPECT next: ^   by 0x[0-9A-F]+: racing_free \(err_thread_race_double_free.c:35\)$
// EXPECT next: ^   by 0x[0-9A-F]+: racer \(err_thread_race_double_free.c:43\)$
// EXPECT seq: ^ Address 0x[0-9a-f]+ is 0 bytes inside a block of size 32 free'd$
// EXPECT next: ^   at 0x[0-9A-F]+: free \(
// EXPECT next: ^   by 0x[0-9A-F]+: racing_free \(err_thread_race_double_free.c:35\)$
// EXPECT next: ^   by 0x[0-9A-F]+: racer \(err_thread_race_double_free.c:43\)$
// EXPECT seq: ^ Block was alloc'd at$
// EXPECT next: ^   at 0x[0-9A-F]+: malloc \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_thread_race_double_free.c:54\)$
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include "case.h"

#define ROUNDS 100

static pthread_barrier_t start, done;
static void *blocks[ROUNDS];

static NOINLINE void racing_free(void *p)
{
    free(p);
}

static void *racer(void *arg)
{
    (void)arg;
    for (int r = 0; r < ROUNDS; r++) {
        pthread_barrier_wait(&start);
        racing_free(blocks[r]);
        pthread_barrier_wait(&done);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[2];

    for (int r = 0; r < ROUNDS; r++)
        blocks[r] = malloc(32 + r);
    pthread_barrier_init(&start, NULL, 2);
    pthread_barrier_init(&done, NULL, 2);
    for (int i = 0; i < 2; i++)
        if (pthread_create(&t[i], NULL, racer, NULL) != 0)
            return 1;
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&start);
    pthread_barrier_destroy(&done);
    for (int r = 0; r < ROUNDS; r++)
        blocks[r] = NULL;
    printf("rounds %d\n", ROUNDS);
    return 0;
}
