// alloc_nopie_address: a non-PIE program that takes malloc's address in its
// code gets a canonical address for it, its own PLT entry; frame 0 of a
// report still shows libtether's malloc, not that PLT address (a mapped
// shared library's address: at least 9 hex digits, where a non-PIE
// program's text is at 0x4xxxxx). Built with -fno-pie -no-pie.
// RUN-OPTS: --show-leak-kinds=all
// EXPECT definitely: 10 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT seq: ^10 bytes in 1 blocks are definitely lost in loss record 1 of 1$
// EXPECT[tether] next: ^   at 0x[0-9A-F]{9,}: malloc \(in .*libtether\.so\)$
#include <stdlib.h>
#include "case.h"

static void *(*volatile allocate)(size_t);

static NOINLINE void leak(void)
{
    volatile char *p = allocate(10);
    (void)p;
}

int main(void)
{
    allocate = malloc;
    leak();
    allocate = NULL;
    scrub_stack();
    return 0;
}
