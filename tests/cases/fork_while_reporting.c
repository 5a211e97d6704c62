// fork_while_reporting: one thread reports invalid frees while main forks;
// every child must be able to finish (tether once let a child inherit the
// error-report and symbolizer locks held by the reporting thread: it spun for
// ever at exit).
// TOOLS: tether
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT reports: 61
// EXPECT errors: 2000 from 1
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "case.h"

static void *bad_frees(void *arg)
{
    for (uintptr_t i = 0; i < 2000; i++) {
        void *volatile p = (void *)(0x10000 + i * 16); /* never allocated */
        free(p);
    }
    return arg;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, bad_frees, NULL);
    for (int i = 0; i < 60; i++) {
        pid_t pid = fork();
        if (pid == 0)
            exit(0);
        waitpid(pid, NULL, 0);
    }
    pthread_join(t, NULL);
    return 0;
}
