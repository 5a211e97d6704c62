// api_misuse: each misuse of the API is one warning line naming the call;
// the program runs on and its heap is untouched.
// TOOLS: tether
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT stdout: still running
// EXPECT line: ^Warning: tether_scope_pop: no scope to pop on this thread \(a pop without a push\); ignored$
// EXPECT line: ^Warning: tether_set_owner: a null pointer is not a heap block; ignored$
// EXPECT line: ^Warning: tether_set_owner: 0x[0-9a-f]+ is not the start of a heap block \(it is 8 bytes inside a block of size 32\); ignored$
// EXPECT line: ^Warning: tether_transfer: 0x[0-9a-f]+ is not a heap block tether knows; ignored$
// EXPECT line: ^Warning: tether_ignore: 0x[0-9a-f]+ is a freed block; ignored$
// EXPECT line: ^Warning: tether_register_root: \[0x0, \+16\) is not a memory range; ignored$
// EXPECT line: ^Warning: tether_unregister_root: no root was registered at 0x[0-9a-f]+; ignored$
// EXPECT line: ^Warning: tether_refcounted: a count of 3 bytes is not 1, 2, 4 or 8; ignored$
// EXPECT line: ^Warning: tether_refcounted: the count field is a null pointer; ignored$
// EXPECT line: ^Warning: tether_refcounted: 0x[0-9a-f]+ is not a heap block tether knows; ignored$
// EXPECT line: ^ERROR SUMMARY: 0 errors from 0 contexts
#include <stdio.h>
#include <stdlib.h>
#include <tether.h>
#include "case.h"

static int on_stack_marker;

int main(void)
{
    char *block = malloc(32);
    char *freed = malloc(16);
    free(freed);
    tether_scope_pop();
    tether_set_owner(NULL, "x");
    tether_set_owner(block + 8, "x");
    tether_transfer(&on_stack_marker, "y");
    tether_ignore(freed);
    tether_register_root(NULL, 16);
    tether_unregister_root(&on_stack_marker);
    tether_refcounted(block, block, 3);
    tether_refcounted(block, NULL, 4);
    tether_refcounted(&on_stack_marker, &on_stack_marker, 4);
    if (tether_owner_of(block + 8) == NULL && tether_owner_of(block) == NULL)
        printf("still running\n");
    free(block);
    return 0;
}
