// api_thread_scopes: scopes are per thread: a thread's blocks get its own
// innermost scope's owner, never another thread's; realloc keeps a block's
// owner even when it moves.
// TOOLS: tether
// EXPECT definitely: 4,144 bytes in 2 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT stdout: main: main-scope, worker: worker-scope, moved: main-scope
// EXPECT seq: ^48 bytes in 1 blocks are definitely lost
// EXPECT seq: ^ Owner: "worker-scope"$
// EXPECT seq: ^4,096 bytes in 1 blocks are definitely lost
// EXPECT seq: ^ Owner: "main-scope"$
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <tether.h>
#include "case.h"

static void *worker_block;

static void *worker(void *arg)
{
    (void)arg;
    tether_scope_push("worker-scope");
    worker_block = malloc(48);
    tether_scope_pop();
    return NULL;
}

int main(void)
{
    tether_scope_push("main-scope");
    void *mine = malloc(16);
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL);
    tether_scope_pop();
    void *grown = realloc(mine, 4096); /* outside the scope: keeps its owner */
    printf("main: %s, worker: %s, moved: %s\n", tether_owner_of(mine == grown ? mine : grown),
           tether_owner_of(worker_block), tether_owner_of(grown));
    worker_block = NULL;
    grown = NULL;
    mine = NULL;
    scrub_stack();
    return 0;
}
