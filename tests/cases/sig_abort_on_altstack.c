// sig_abort_on_altstack: the program's SIGSEGV handler runs on a small alternate
// signal stack (8 KB below a guard page, as Rust gives every thread) and calls abort(),
// as Rust's stack-overflow handler does. tether's SIGABRT handler then runs nested on
// what is left of that stack, and its first call of a function bound lazily ran the
// dynamic linker's resolver there, which saves every vector register (several KB):
// the stack overflowed and the process died of SIGSEGV (139), with no report.
// libtether.so is linked -z now: the process ends by SIGABRT, as natively, reported.
// EXPECT definitely: 40 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: -6
// EXPECT stdout: start
// EXPECT seq: ^Process terminating with default action of signal 6 \(SIGABRT\)$
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "case.h"

#define ALT_BYTES 8192

static NOINLINE void leak_forty(void)
{
    volatile char *lost = malloc(40);
    lost[0] = 1;
}

static void on_segv(int sig)
{
    (void)sig;
    abort();
}

int main(void)
{
    no_core_dump();
    if (!small_altstack(ALT_BYTES))
        return 2;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_segv;
    sa.sa_flags = SA_ONSTACK;
    sigaction(SIGSEGV, &sa, NULL);
    leak_forty();
    scrub_stack();
    if (write(1, "start\n", 6) != 6)
        return 3;
    *(volatile int *)0 = 1;
    return 0;
}
