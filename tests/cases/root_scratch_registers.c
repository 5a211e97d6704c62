// root_scratch_registers: the registers a function may change (rcx, rdx, rsi, rdi,
// r8-r11) are read right after each allocation returns: none may hold the new block's
// address. The leak check scans a thread's registers as roots; a program whose next
// instructions leave such a register alone (main of case sig_abort_on_altstack: a
// write(2), then a fault) kept tether's copy there, and a lost block read as still
// reachable (r9, left by the index insert). Valgrind's allocator runs on its own
// machine state and leaves none; tether's clears them before it returns.
// TOOLS: tether
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT stdout: malloc: clear
// EXPECT stdout: calloc: clear
// EXPECT stdout: realloc: clear
// EXPECT stdout: aligned_alloc: clear
// EXPECT stdout: posix_memalign: clear
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "case.h"

#if defined(__x86_64__)
static uint64_t regs[8];
/* rip-relative stores: no register is needed to hold an address */
#define LOOK()                                                                        \
    __asm__ volatile("movq %%rcx, regs+0(%%rip)\n\tmovq %%rdx, regs+8(%%rip)\n\t"    \
                     "movq %%rsi, regs+16(%%rip)\n\tmovq %%rdi, regs+24(%%rip)\n\t"   \
                     "movq %%r8, regs+32(%%rip)\n\tmovq %%r9, regs+40(%%rip)\n\t"     \
                     "movq %%r10, regs+48(%%rip)\n\tmovq %%r11, regs+56(%%rip)"       \
                     ::: "memory")
static const char *const names[8] = {"rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11"};

static void verdict(const char *what, void *p, size_t n)
{
    int bad = 0;
    for (int i = 0; i < 8; i++)
        if (regs[i] >= (uintptr_t)p && regs[i] < (uintptr_t)p + n) {
            printf("%s: %s holds the block\n", what, names[i]);
            bad = 1;
        }
    if (!bad)
        printf("%s: clear\n", what);
}
#else
#define LOOK() ((void)0)
static void verdict(const char *what, void *p, size_t n)
{
    (void)p;
    (void)n;
    printf("%s: clear\n", what);
}
#endif

int main(void)
{
    void *m = malloc(40);
    LOOK();
    verdict("malloc", m, 40);
    void *c = calloc(5, 8);
    LOOK();
    verdict("calloc", c, 40);
    void *r = realloc(m, 4000);
    LOOK();
    verdict("realloc", r, 4000);
    void *a = aligned_alloc(64, 128);
    LOOK();
    verdict("aligned_alloc", a, 128);
    void *pm = NULL;
    int rc = posix_memalign(&pm, 64, 128);
    LOOK();
    verdict("posix_memalign", rc == 0 ? pm : NULL, 128);
    free(r);
    free(c);
    free(a);
    free(pm);
    return 0;
}
