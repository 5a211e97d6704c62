// sig_stack_overflow_thread: endless recursion overflows a thread's stack
// into its guard page (SIGSEGV, "Bad permissions"). The thread got
// tether's alternate signal stack at its first allocation; the report names
// it as Valgrind numbers threads, and the check runs. The top frame is the
// function's opening or its recursive call (where the page boundary falls).
// TOOLS: tether
// EXPECT definitely: 40 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 16 bytes in 1 blocks
// EXPECT exit: -11
// EXPECT seq: ^Process terminating with default action of signal 11 \(SIGSEGV\)$
// EXPECT next: ^ Bad permissions for mapped region at address 0x[0-9A-F]+$
// EXPECT next: ^Stack overflow in thread #2: can't grow stack to 0x[0-9a-f]+000$
// EXPECT next: ^   at 0x[0-9A-F]+: descend \(sig_stack_overflow_thread.c:(31|34)\)$
// EXPECT seq: ^HEAP SUMMARY:$
// EXPECT line: ^   by 0x[0-9A-F]+: leak_forty \(sig_stack_overflow_thread.c:25\)$
#include <pthread.h>
#include <stdlib.h>
#include "case.h"

static void *volatile kept;
static NOINLINE void leak_forty(void)
{
    char *volatile lost = malloc(40);
    (void)lost;
}

/* a thread's stack (8 MB) overflows after 4,000 frames of 2 KB */
static NOINLINE unsigned descend(unsigned depth)
{
    volatile unsigned words[512];
    words[depth % 512] = depth;
    return descend(depth + 1) ^ words[0];
}

static void *run(void *arg)
{
    (void)arg;
    kept = malloc(16); /* the thread's first allocation */
    return (void *)(long)descend(0);
}

int main(void)
{
    leak_forty();
    scrub_stack();
    pthread_t t;
    pthread_create(&t, NULL, run, NULL);
    pthread_join(t, NULL);
    return 0;
}
