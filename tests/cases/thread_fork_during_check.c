// thread_fork_during_check: one thread runs leak checks on demand over and
// over while the main thread forks children that allocate and _exit. A check
// holds the dynamic linker's lock (dl_iterate_phdr's) while it runs, and glibc
// 2.36's fork does not reset that lock in the child: a child forked in the
// middle of a check inherited it held, and its own exit check waited for it
// forever (about 1 child in 75 hung). fork now waits for a check under way.
// Every child must end and write its report.
// RUN-OPTS: --leak-check=summary
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT reports: 301
// EXPECT stdout: forks 300, hung 0
// EXPECT child-line: ^ERROR SUMMARY:
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <tether.h>
#include <time.h>
#include <unistd.h>
#include "case.h"

#define FORKS 300

static volatile int stop;

static void *checker(void *arg)
{
    (void)arg;
    while (!stop)
        tether_check_leaks();
    return NULL;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, checker, NULL) != 0)
        return 1;
    int hung = 0;
    for (int i = 0; i < FORKS; i++) {
        pid_t c = fork();
        if (c < 0)
            return 2;
        if (c == 0) {
            volatile char *lost = malloc(10);
            lost[0] = 1;
            _exit(0);
        }
        int st;
        double deadline = now() + 10;
        pid_t w;
        while ((w = waitpid(c, &st, WNOHANG)) == 0 && now() < deadline) {
            struct timespec pause = {0, 2000000};
            nanosleep(&pause, NULL);
        }
        if (w != c) {
            hung++;
            kill(c, SIGKILL);
            waitpid(c, &st, 0);
        }
    }
    stop = 1;
    pthread_join(t, NULL);
    printf("forks %d, hung %d\n", FORKS, hung);
    return 0;
}
