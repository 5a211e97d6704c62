/* ring.c - tether benchmark: one lost ring of N nodes, for the cost of the
 * cycle search and of the refcount audit at the exit check.
 *
 * usage: ring N [rc]
 *   N    nodes in the ring (32-byte blocks from one allocation site, each
 *        pointing to the next, the last to the first); nothing else leaks
 *   rc   also register every node with tether_refcounted (count 1, which
 *        the ring's pointer explains)
 *
 * Under `tether -v` the exit check prints how long the search and the audit
 * took ("cycles: ... found in N us; refcount audit of M blocks: K us").
 */
#include <stdlib.h>
#include <string.h>

#include <tether.h>

struct node {
    struct node *next;
    unsigned refs;
    char pad[20];
};

static __attribute__((noinline)) void ring(long n, int rc) {
    struct node *first = calloc(1, sizeof *first), *prev = first;
    if (!first)
        abort();
    for (long i = 1; i < n; i++) {
        struct node *x = calloc(1, sizeof *x);
        if (!x)
            abort();
        x->refs = 1;
        if (rc)
            tether_refcounted(x, &x->refs, sizeof x->refs);
        prev->next = x;
        prev = x;
    }
    first->refs = 1;
    if (rc)
        tether_refcounted(first, &first->refs, sizeof first->refs);
    prev->next = first;
}

/* Overwrite the stack ring() used, so no stale pointer keeps the ring. */
static __attribute__((noinline)) void scrub_stack(void) {
    volatile unsigned char buf[16384];
    memset((unsigned char *)buf, 0, sizeof buf);
    __asm__ volatile("" : : "r"(buf) : "memory");
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 100000;
    ring(n > 0 ? n : 1, argc > 2 && strcmp(argv[2], "rc") == 0);
    scrub_stack();
    return 0;
}
