// coroutine_small_stack: a coroutine (makecontext) on an 8 KB stack, a
// heap block, allocates and frees. tether's stack capture ran deep on such
// a stack the thread did not start on: 11 KB, and it wrote over the heap
// below the block (the program crashed in glibc's malloc). It now takes
// some 7 KB (libunwind's own first walk of a path, 7.8 KB for a plain
// unw_backtrace, sets the floor).
// EXPECT definitely: 40 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 8,192 bytes in 1 blocks
// EXPECT line: ^   by 0x[0-9A-F]+: leak_forty \(coroutine_small_stack.c:25\)$
// EXPECT stdout: coroutine done
#include <stdio.h>
#include <stdlib.h>
#include <ucontext.h>
#include "case.h"

#define STACK_BYTES 8192

static ucontext_t main_ctx, co_ctx;
static char *co_stack; /* still reachable: a global */

static NOINLINE void leak_forty(void)
{
    volatile char *lost = malloc(40);
    lost[0] = 1;
}

static void body(void)
{
    leak_forty();
    for (int i = 0; i < 200; i++) {
        volatile char *p = malloc(16 + (size_t)i);
        p[0] = 1;
        free((void *)p);
    }
    scrub_small(); /* the coroutine's stack is a live block: scanned */
    swapcontext(&co_ctx, &main_ctx);
}

int main(void)
{
    co_stack = malloc(STACK_BYTES);
    getcontext(&co_ctx);
    co_ctx.uc_stack.ss_sp = co_stack;
    co_ctx.uc_stack.ss_size = STACK_BYTES;
    co_ctx.uc_link = &main_ctx;
    makecontext(&co_ctx, body, 0);
    swapcontext(&main_ctx, &co_ctx);
    puts("coroutine done");
    scrub_stack();
    return 0;
}
