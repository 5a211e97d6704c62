/* The tree of tt_supp_leaks, in a source file of its own so that a
 * LeakSanitizer pattern can name the file (leak:*_tree.c). */
#include <stdlib.h>
#include "case.h"

void make_tree(void); /* called from supp_leaks.c */

struct node {
    struct node *child;
    char pad[24];
};

/* Both blocks of the tree come from here: the root (32 bytes) is definitely
 * lost and its child (48 bytes) indirectly lost through it. */
static NOINLINE void *alloc_node(size_t n)
{
    return calloc(1, n);
}

NOINLINE void make_tree(void)
{
    struct node *root = alloc_node(32);
    root->child = alloc_node(48);
}
