/* tt_export_leaks: a loss record of every kind, a reference cycle, an owner
 * and a double free, for the machine-readable reports (run_export.py).
 * Each allocation a report points at carries a "LINE:" marker comment that
 * run_export.py looks up to know the line a SARIF location must name.
 *
 *   100 definite                 make_definite
 *    24 definite, 96 indirect    make_tree (root -> child 40 -> grandchild 56)
 *    32 definite, 32 indirect    make_cycle (a <-> b: a reference cycle)
 *    48 definite, owner "request"  make_owned, in tether_scope_push("request")
 *    64 possibly lost            make_interior (only an interior pointer)
 *    10 still reachable          make_reachable (a global holds it)
 *   double free                  release <- do_double <- main */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tether.h>
#include "case.h"

struct node {
    struct node *next;
    char pad[24];
};

static char *interior; /* 32 bytes into a 64-byte block */
static void *reachable;

static NOINLINE void *make_definite(size_t n)
{
    return malloc(n); /* LINE:definite */
}

static NOINLINE void *new_block(size_t n)
{
    return calloc(1, n); /* LINE:tree */
}

static NOINLINE void make_tree(void)
{
    void **root = new_block(24);
    void **child = new_block(40);
    root[0] = child;
    child[0] = new_block(56);
}

static NOINLINE void make_cycle(void)
{
    struct node *a = malloc(sizeof *a); /* LINE:cycle */
    struct node *b = malloc(sizeof *b); /* LINE:cycle2 */
    a->next = b;
    b->next = a;
}

static NOINLINE void *make_owned(size_t n)
{
    return malloc(n); /* LINE:owned */
}

static NOINLINE char *make_interior(void)
{
    char *p = malloc(64); /* LINE:possible */
    memset(p, 0, 64);
    return p + 32;
}

static NOINLINE void *make_reachable(size_t n)
{
    return malloc(n); /* LINE:reachable */
}

static NOINLINE void release(void *p)
{
    free(p); /* LINE:release */
}

static NOINLINE void do_double(void)
{
    char *p = malloc(24); /* LINE:double_alloc */
    release(p);
    release(p);
}

int main(void)
{
    puts("started");
    fflush(stdout);
    make_definite(100);
    make_tree();
    make_cycle();
    tether_scope_push("request");
    make_owned(48);
    tether_scope_pop();
    interior = make_interior();
    reachable = make_reachable(10);
    do_double();
    scrub_stack();
    return 0;
}
