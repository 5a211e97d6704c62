// jemalloc_leak: under another allocator (the suite runs this case with
// jemalloc preloaded after tether when libjemalloc.so.2 is installed), the
// allocator's own memory is no root: its free parts hold stale pointers and
// its blocks are scanned when reached. The leaks are reported as under glibc.
// EXPECT definitely: 125 bytes in 2 blocks
// EXPECT indirectly: 96 bytes in 2 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 100 bytes in 1 blocks
#include <stdlib.h>
#include "case.h"

struct node {
    struct node *next;
    char pad[40];
};

static void *keep;

static NOINLINE void leak_list(int n)
{
    struct node *h = NULL;
    for (int i = 0; i < n; i++) {
        struct node *x = malloc(sizeof *x);
        x->next = h;
        h = x;
    }
}

static NOINLINE void leak_one(void)
{
    volatile char *p = malloc(77);
    (void)p;
}

int main(void)
{
    leak_list(3);
    keep = malloc(100);
    leak_one();
    for (int i = 0; i < 1000; i++)
        free(malloc((size_t)i * 3 + 1));
    scrub_stack();
    return 0;
}
