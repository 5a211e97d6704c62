// thread_exit_dtor_frees: blocks a thread frees in its own key destructors,
// which run after tether's, must still leave the quarantine and go back to the
// allocator (tether once kept them for ever: 3,000 threads freeing 1 MB each
// grew the heap to 3 GB). The program checks its own data size.
// TOOLS: tether
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT stdout: heap bounded
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "case.h"

static pthread_key_t key;

static void dtor(void *v)
{
    void **blocks = v;
    for (int i = 0; i < 10; i++)
        free(blocks[i]);
    free(blocks);
}

static void *worker(void *arg)
{
    void **blocks = malloc(10 * sizeof *blocks);
    for (int i = 0; i < 10; i++)
        blocks[i] = malloc(100 * 1000);
    pthread_setspecific(key, blocks);
    return arg;
}

static long vmdata_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmData:", 7) == 0)
            kb = strtol(line + 7, NULL, 10);
    if (f)
        fclose(f);
    return kb;
}

int main(void)
{
    pthread_key_create(&key, dtor);
    for (int i = 0; i < 1000; i++) {
        pthread_t t;
        pthread_create(&t, NULL, worker, NULL);
        pthread_join(t, NULL);
    }
    /* 1,000 threads freed 1 MB each: far more than the 20 MB quarantine */
    long kb = vmdata_kb();
    puts(kb >= 0 && kb < 300 * 1024 ? "heap bounded" : "heap grew");
    return 0;
}
