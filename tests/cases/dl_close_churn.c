// dl_close_churn: one thread loads and unloads a library over and over while
// another allocates and frees by varied call paths. The dynamic linker frees
// inside dlclose while it holds its write lock; tether captured that free's
// stack with libunwind, which takes a lock of its own around dl_iterate_phdr,
// and dl_iterate_phdr waits for the linker's write lock: the other thread,
// inside libunwind for its own capture, waited for the write lock, and both hung.
// tether no longer unwinds the dynamic linker's own frees inside dlclose.
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT stdout: cycles 400, done
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "case.h"

static volatile int stop;

/* a call path of depth levels: each depth a stack of its own */
static NOINLINE unsigned down(int levels, unsigned seed)
{
    if (levels > 0)
        return down(levels - 1, seed * 1103515245u + 12345u) + 1;
    char *p = malloc(16 + seed % 200);
    if (p)
        p[0] = (char)seed;
    free(p);
    return seed;
}

static void *churn(void *arg)
{
    (void)arg;
    unsigned seed = 1;
    while (!stop)
        seed = down((int)(seed % 24), seed);
    return NULL;
}

int main(void)
{
    alarm(120); /* a hang ends as SIGALRM, not as the test's timeout */
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        if (pthread_create(&t[i], NULL, churn, NULL) != 0)
            return 1;
    int cycles = 0;
    for (; cycles < 400; cycles++) {
        void *h = dlopen(CASE_DLHELPER, RTLD_NOW);
        if (!h)
            return 2;
        dlclose(h);
    }
    stop = 1;
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    printf("cycles %d, done\n", cycles);
    return 0;
}
