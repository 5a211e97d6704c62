// err_thread_cross_free: blocks allocated in one thread and freed in another (a
// worker's blocks freed by main, main's blocks freed by a worker, and blocks passed
// between two workers) are no error at all.
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT errors: 0 from 0
// EXPECT line: All heap blocks were freed -- no leaks are possible
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "case.h"

#define N 200

static void *from_main[N], *from_worker[N], *passed[N];

static void *producer(void *arg)
{
    (void)arg;
    for (int i = 0; i < N; i++) {
        from_worker[i] = malloc(16 + i);
        passed[i] = calloc(1, 24);
    }
    return NULL;
}

static void *consumer(void *arg)
{
    (void)arg;
    for (int i = 0; i < N; i++) {
        free(from_main[i]);
        free(passed[i]);
        from_main[i] = passed[i] = NULL;
    }
    return NULL;
}

int main(void)
{
    pthread_t p, c;

    for (int i = 0; i < N; i++) {
        from_main[i] = malloc(8 + i);
        memset(from_main[i], 1, 8);
    }
    if (pthread_create(&p, NULL, producer, NULL) != 0)
        return 1;
    pthread_join(p, NULL);
    if (pthread_create(&c, NULL, consumer, NULL) != 0)
        return 1;
    pthread_join(c, NULL);
    for (int i = 0; i < N; i++) {
        free(from_worker[i]);
        from_worker[i] = NULL;
    }
    return 0;
}
