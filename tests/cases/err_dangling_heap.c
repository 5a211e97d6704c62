// err_dangling_heap: at exit, a live heap block (reachable from a global) holds the
// start of a freed block in its second word: a dangling pointer located as "8 bytes
// inside a block of size 16 alloc'd", with the holder's allocation stack, then the
// freed block's free and allocation stacks. The holder itself is still reachable.
// RUN-OPTS: --check-dangling=yes
// TOOLS: tether
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 16 bytes in 1 blocks
// EXPECT exit: 0
// EXPECT errors: 1 from 1
// EXPECT seq: ^Dangling pointer to free'd block$
// EXPECT next: ^ Address 0x[0-9a-f]+ is 8 bytes inside a block of size 16 alloc'd$
// EXPECT next: ^   at 0x[0-9A-F]+: calloc \(
// EXPECT next: ^   by 0x[0-9A-F]+: make_holder \(err_dangling_heap.c:36\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_dangling_heap.c:41\)$
// EXPECT next: ^ holds 0x[0-9a-f]+, 0 bytes inside a block of size 40 free'd$
// EXPECT next: ^   at 0x[0-9A-F]+: free \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_dangling_heap.c:43\)$
// EXPECT next: ^ Block was alloc'd at$
// EXPECT next: ^   at 0x[0-9A-F]+: malloc \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_dangling_heap.c:42\)$
#include <stdlib.h>
#include "case.h"

struct holder {
    long id;
    void *data;
};

static struct holder *g_holder;

static NOINLINE struct holder *make_holder(void)
{
    return calloc(1, sizeof(struct holder));
}

int main(void)
{
    g_holder = make_holder();
    g_holder->data = malloc(40);
    free(g_holder->data);
    return 0;
}
