// thread_blocks_signals: a live thread that blocks every signal (as thread
// pools that sigwait elsewhere do) cannot be stopped for the leak check; it is
// left running and its whole stack is scanned, so the block only it holds is
// still reachable. (tether also no longer waits 2 s for such a thread to
// answer: it reads the thread's blocked-signal mask first.)
// TOOLS: tether
// (tether's default suppressions hide that DTV; this case compares the scan with
// Valgrind's, so it runs without them.)
// RUN-OPTS: --show-leak-kinds=all
// RUN-OPTS[tether]: --default-suppressions=no
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 336 bytes in 1 blocks
// EXPECT reachable: 1,234 bytes in 1 blocks
// EXPECT exit: 0
// EXPECT line: ^1,234 bytes in 1 blocks are still reachable in loss record
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include "case.h"

static volatile int ready;

static void *worker(void *arg)
{
    void *volatile held = malloc(1234); /* only this thread's stack holds it */
    ready = 1;
    for (;;)
        pause();
    return held ? arg : NULL;
}

int main(void)
{
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL); /* the worker inherits the mask */
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    while (!ready)
        usleep(1000);
    return 0;
}
