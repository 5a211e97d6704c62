// thread_exited_lost: a block whose only pointer was on the stack of a thread that has
// since exited (and been joined) is definitely lost: dead thread stacks are not roots.
// RUN-OPTS: --show-leak-kinds=all
// EXPECT definitely: 100 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT line: ^100 bytes in 1 blocks are definitely lost in loss record 1 of 1$
// EXPECT line: ^   by 0x[0-9A-F]+: worker \(thread_exited_lost.c:25\)$
#include <pthread.h>
#include <stdlib.h>
#include "case.h"

static NOINLINE void *make_block(size_t n)
{
    return malloc(n);
}

static void *worker(void *arg)
{
    void *volatile on_stack;  /* the only reference, in this thread's frame */

    (void)arg;
    on_stack = make_block(100);
    (void)on_stack;
    return NULL;
}

int main(void)
{
    pthread_t t;

    if (pthread_create(&t, NULL, worker, NULL) != 0)
        return 1;
    pthread_join(t, NULL);
    scrub_stack();
    return 0;
}
