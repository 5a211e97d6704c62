// thread_many: 16 threads allocating, reallocating and freeing concurrently (the last
// block of each is freed by main) neither leak nor hang.
// RUN-OPTS: --show-leak-kinds=all
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT line: All heap blocks were freed -- no leaks are possible
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "case.h"

#define THREADS 16
#define ROUNDS 200
#define SLOTS 32

static void *handoff[THREADS];  /* freed by main after the joins */

static void *worker(void *arg)
{
    long id = (long)arg;
    void *slot[SLOTS];

    for (int r = 0; r < ROUNDS; r++) {
        for (int i = 0; i < SLOTS; i++) {
            slot[i] = (i % 3 == 0) ? calloc(1, 16 + i) : malloc(8 * (i + 1));
            memset(slot[i], 0xab, 16);
        }
        for (int i = 0; i < SLOTS; i++) {
            if (i % 4 == 0)
                slot[i] = realloc(slot[i], 256);
            free(slot[i]);
        }
    }
    handoff[id] = malloc(64);
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];

    for (long i = 0; i < THREADS; i++)
        if (pthread_create(&t[i], NULL, worker, (void *)i) != 0)
            return 1;
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < THREADS; i++)
        free(handoff[i]);
    return 0;
}
