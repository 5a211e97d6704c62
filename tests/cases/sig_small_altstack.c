// sig_small_altstack: the program gives its thread a small alternate signal
// stack (8 KB below a guard page, as Rust does for every thread) and then
// aborts. tether's handler ran on that stack and overflowed it: the process
// died of SIGSEGV with no report. It now runs on the thread's own stack.
// EXPECT definitely: 40 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: -6
// EXPECT seq: ^Process terminating with default action of signal 6 \(SIGABRT\)$
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include "case.h"

#define ALT_BYTES 8192

static NOINLINE void leak_forty(void)
{
    volatile char *lost = malloc(40);
    lost[0] = 1;
}

int main(void)
{
    no_core_dump();
    if (!small_altstack(ALT_BYTES))
        return 2;
    leak_forty();
    scrub_stack();
    abort();
}
