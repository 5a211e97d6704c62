// api_check_entry_registers: an on-demand check scans the calling thread's
// registers as the program left them at the call, as Valgrind scans a
// thread's registers: a block whose only pointer is in a callee-saved
// register (rbx here) is still reachable, not lost. The registers used to
// be taken deep inside the check, where tether's own code had saved the
// program's rbx below the scanned stack and put its own values in.
// TOOLS: tether
// EXPECT definitely: 64 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT stdout: lost while in rbx: 0
// EXPECT stdout: checking again
// EXPECT stdout: lost once dropped: 64
#include <stdio.h>
#include <stdlib.h>
#include <tether.h>
#include "case.h"

#if defined(__x86_64__)
static NOINLINE size_t check_with_block_in_rbx(void **out)
{
    register void *p __asm__("rbx") = malloc(64);
    __asm__ volatile("" : "+r"(p));
    size_t lost = tether_check_leaks();
    __asm__ volatile("" : "+r"(p));
    *out = p;
    return lost;
}
#endif

static NOINLINE void leak64(void)
{
    volatile char *q = malloc(64);
    q[0] = 1;
}

int main(void)
{
    void *p = NULL;
    size_t lost = 0;
#if defined(__x86_64__)
    lost = check_with_block_in_rbx(&p);
#endif
    printf("lost while in rbx: %zu\n", lost);
    free(p);
    leak64();
    scrub_stack();
    printf("checking again\n");
    size_t dropped = tether_check_new_leaks();
    printf("lost once dropped: %zu\n", dropped);
    return 0;
}
