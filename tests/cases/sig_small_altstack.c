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
    char *m = mmap(NULL, 4096 + ALT_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return 2;
    mprotect(m, 4096, PROT_NONE); /* the guard page */
    stack_t ss = {.ss_sp = m + 4096, .ss_size = ALT_BYTES, .ss_flags = 0};
    sigaltstack(&ss, NULL);
    leak_forty();
    scrub_stack();
    abort();
}
