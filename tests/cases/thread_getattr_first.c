// thread_getattr_first: a thread's first heap call comes from inside glibc's
// pthread_getattr_np (the JVM's threads ask for their stack first thing): glibc
// holds the thread's own lock there and grows a CPU set with realloc. tether, seeing
// the thread's first allocation, asked pthread_getattr_np for the thread's stack and
// waited for that lock forever: java hung at start. tether now leaves a thread's
// stack to a later allocation while a pthread_getattr_np is under way in it.
// EXPECT definitely: 24 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT stdout: stack known
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "case.h"

static NOINLINE void leak_24(void)
{
    volatile char *lost = malloc(24);
    lost[0] = 1;
}

static void *run(void *arg)
{
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) != 0)
        return NULL;
    void *addr = NULL;
    size_t size = 0;
    if (pthread_attr_getstack(&attr, &addr, &size) == 0)
        *(size_t *)arg = size;
    pthread_attr_destroy(&attr);
    leak_24();
    scrub_stack();
    return NULL;
}

int main(void)
{
    alarm(60); /* a hang ends as SIGALRM, not as the test's timeout */
    size_t size = 0;
    pthread_t t;
    if (pthread_create(&t, NULL, run, &size) != 0)
        return 1;
    pthread_join(t, NULL);
    printf(size ? "stack known\n" : "stack unknown\n");
    return 0;
}
