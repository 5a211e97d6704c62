// thread_first_free_race: a single-threaded process changes its blocks' headers with
// plain stores; the first heap call of its second thread switches every later change
// to compare-and-swap, after waiting for changes under way. Here that first call is a
// free racing the main thread's free of the same block (a double free at once). In
// each of 40 forked children (each single-threaded until then), exactly one free
// must win: glibc aborts the child if both reach it ("double free detected"), and
// tether reports the other as an invalid free. The parent's report is clean. (The
// switch takes microseconds and a plain change a few instructions: the case cannot
// force the two to overlap; it checks that a switch on a racing double free loses
// no report and frees nothing twice.)
// RUN-OPTS: --freelist-vol=0
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT reports: 41
// EXPECT stdout: children 40, clean 40
// EXPECT errors: 0 from 0
// EXPECT child-line: ^ERROR SUMMARY: 1 errors from 1 contexts
// EXPECT child-line: ^Invalid free\(\) / delete / delete\[\] / realloc\(\)$
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "case.h"

#define CHILDREN 40

static pthread_barrier_t start;
static void *volatile block;

static NOINLINE void racing_free(void)
{
    free(block);
}

static void *racer(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&start);
    racing_free(); /* this thread's first call into the allocator */
    return NULL;
}

/* The child: one block, one more thread, both free the block at once. */
static NOINLINE int child(void)
{
    pthread_t t;
    block = malloc(48);
    if (pthread_barrier_init(&start, NULL, 2) != 0 || pthread_create(&t, NULL, racer, NULL) != 0)
        return 2;
    pthread_barrier_wait(&start);
    racing_free();
    pthread_join(t, NULL);
    block = NULL;
    return 0;
}

int main(void)
{
    int clean = 0;
    for (int i = 0; i < CHILDREN; i++) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid < 0)
            return 1;
        if (pid == 0)
            exit(child());
        int st = 0;
        if (waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0)
            clean++;
    }
    printf("children %d, clean %d\n", CHILDREN, clean);
    return 0;
}
