// sig_stack_overflow: endless recursion overflows the main thread's stack.
// The kernel can run no handler on a stack with no room left: tether gives
// every thread that has none an alternate signal stack, and its SIGSEGV
// handler runs there. As Valgrind does, it says so ("Stack overflow in
// thread #1: can't grow stack to 0x..."), shows where, runs the leak check
// and lets the signal end the process. tether printed nothing but its
// banner before. The top frame is the function's first line, or the recursive
// call's when the page boundary falls on the return address's slot (1 run in 66:
// where the kernel puts the stack's top is random). An unlimited stack is set to
// 8 MB first: the recursion would otherwise take all the memory there is.
// TOOLS: tether valgrind
// EXPECT definitely: 40 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: -11
// EXPECT seq: ^Process terminating with default action of signal 11 \(SIGSEGV\)$
// EXPECT next: ^ Access not within mapped region at address 0x[0-9A-F]+$
// EXPECT next: ^Stack overflow in thread #1: can't grow stack to 0x[0-9a-f]+000$
// EXPECT next: ^   at 0x[0-9A-F]+: recurse \(sig_stack_overflow.c:(35|38)\)$
// EXPECT[tether] next: ^   by 0x[0-9A-F]+: recurse \(sig_stack_overflow.c:38\)$
// EXPECT seq: ^HEAP SUMMARY:$
// EXPECT line: ^   by 0x[0-9A-F]+: leak_forty \(sig_stack_overflow.c:30\)$
#include <stdlib.h>
#include <sys/resource.h>
#include "case.h"

static NOINLINE void leak_forty(void)
{
    volatile char *lost = malloc(40);
    lost[0] = 1;
}

static NOINLINE long recurse(long n)
{
    volatile char frame[1024];
    frame[0] = (char)n;
    return recurse(n + 1) + frame[0];
}

int main(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_STACK, &rl) == 0 && (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > (8u << 20))) {
        rl.rlim_cur = 8u << 20;
        setrlimit(RLIMIT_STACK, &rl);
    }
    leak_forty();
    scrub_stack();
    return (int)recurse(0);
}
