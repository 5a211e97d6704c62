// thread_live_root: a block referenced only from the stack of a thread that is still
// alive (blocked) when the program exits is still reachable. The thread's DTV (glibc's
// calloc in allocate_dtv; 272 bytes with this program's TLS modules) is possibly lost:
// the TCB points to dtv[1], i.e. into the block, not at its start. Under tether the
// DTV is 336 bytes: libtether.so and libunwind bring thread-local variables of their
// own, so glibc sizes every thread's DTV for more TLS modules.
// (tether's default suppressions hide that DTV; this case compares the scan with
// Valgrind's, so it runs without them.)
// RUN-OPTS: --show-leak-kinds=all
// RUN-OPTS[tether]: --default-suppressions=no
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT[valgrind] possibly: 272 bytes in 1 blocks
// EXPECT[tether] possibly: 336 bytes in 1 blocks
// EXPECT reachable: 100 bytes in 1 blocks
// EXPECT exit: 0
// EXPECT line: ^100 bytes in 1 blocks are still reachable in loss record 1 of 2$
// EXPECT[valgrind] line: ^272 bytes in 1 blocks are possibly lost in loss record 2 of 2$
// EXPECT[tether] line: ^336 bytes in 1 blocks are possibly lost in loss record 2 of 2$
// EXPECT line: ^   by 0x[0-9A-F]+: worker \(thread_live_root.c:39\)$
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <unistd.h>
#include "case.h"

static sem_t ready;

static NOINLINE void *make_block(size_t n)
{
    return malloc(n);
}

static void *worker(void *arg)
{
    void *volatile on_stack;  /* the only reference, in this thread's frame */

    (void)arg;
    on_stack = make_block(100);
    sem_post(&ready);
    for (;;)
        pause();
    return on_stack;
}

int main(void)
{
    pthread_t t;

    sem_init(&ready, 0, 0);
    if (pthread_create(&t, NULL, worker, NULL) != 0)
        return 1;
    while (sem_wait(&ready) != 0)
        ;
    scrub_stack();
    return 0;  /* exits with worker still blocked in pause() */
}
