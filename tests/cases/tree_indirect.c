// tree_indirect: a lost root is definitely lost and the blocks reachable only through
// it are indirectly lost; the root's record shows the "T (D direct, I indirect)" form.
// RUN-OPTS: --show-leak-kinds=all
// EXPECT definitely: 16 bytes in 1 blocks
// EXPECT indirectly: 116 bytes in 3 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT line: ^36 bytes in 1 blocks are indirectly lost in loss record 1 of 3$
// EXPECT line: ^80 bytes in 2 blocks are indirectly lost in loss record 2 of 3$
// EXPECT line: ^132 \(16 direct, 116 indirect\) bytes in 1 blocks are definitely lost in loss record 3 of 3$
// EXPECT line: ^   by 0x[0-9A-F]+: build_tree \(tree_indirect.c:30\)$
// EXPECT line: ERROR SUMMARY: 1 errors from 1 contexts
#include <stdlib.h>
#include "case.h"

struct kid {
    void *grandchild;
    char pad[32];
};

static NOINLINE void *new_block(size_t n)
{
    return calloc(1, n);
}

/* root (16) -> 2 kids (40 each, one call site) -> kid[0] -> grandchild (36). */
static NOINLINE void build_tree(void)
{
    struct kid **root = new_block(2 * sizeof *root);
    for (int i = 0; i < 2; i++)
        root[i] = new_block(sizeof(struct kid));
    root[0]->grandchild = new_block(36);
}

int main(void)
{
    build_tree();
    scrub_stack();
    return 0;
}
