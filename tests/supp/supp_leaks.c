/* tt_supp_leaks: one program with a loss record of every kind and two
 * lifetime errors, each in functions of known names, for the suppression
 * tests (run_supp.py). Sizes differ so that bytes name the record:
 *
 *   100 definite   malloc <- make_leak <- chain_b <- chain_a <- main
 *   200 definite   malloc <- other_leak <- main
 *    64 possible   malloc <- make_interior <- main     (interior pointer)
 *    10 reachable  malloc <- keep_reachable <- main
 *    32 definite   calloc <- alloc_node <- make_tree <- main  (supp_tree.c)
 *    48 indirect   calloc <- alloc_node <- make_tree <- main  (its child)
 *   double free    free <- dbl_release <- do_double <- main, twice (one context)
 *   write after free  free <- waf_release <- do_waf <- main
 *
 * Prints "started" first thing, so a test can tell that the program ran. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "case.h"

void make_tree(void); /* supp_tree.c */

static char *interior; /* the only reference: 32 bytes into the block */
static void *reachable;

static NOINLINE void *make_leak(size_t n)
{
    return malloc(n);
}

static NOINLINE void chain_b(void)
{
    make_leak(100);
}

static NOINLINE void chain_a(void)
{
    chain_b();
}

static NOINLINE void *other_leak(size_t n)
{
    return malloc(n);
}

static NOINLINE char *make_interior(void)
{
    char *p = malloc(64);
    memset(p, 0, 64);
    return p + 32;
}

static NOINLINE void *keep_reachable(size_t n)
{
    return malloc(n);
}

static NOINLINE void dbl_release(void *p)
{
    free(p);
}

/* The same double free twice: one context, two errors. */
static NOINLINE void do_double(void)
{
    for (int i = 0; i < 2; i++) {
        char *p = malloc(24);
        dbl_release(p);
        dbl_release(p);
    }
}

static NOINLINE void waf_release(void *p)
{
    free(p);
}

static NOINLINE void scribble(char *p)
{
    *(volatile uint32_t *)(p + 8) = 0x11111111;
}

static NOINLINE void do_waf(void)
{
    char *p = malloc(40);
    waf_release(p);
    scribble(p);
}

int main(void)
{
    puts("started");
    fflush(stdout);
    chain_a();
    other_leak(200);
    interior = make_interior();
    reachable = keep_reachable(10);
    make_tree();
    do_double();
    do_waf();
    scrub_stack();
    return 0;
}
