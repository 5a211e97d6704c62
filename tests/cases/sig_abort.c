// sig_abort: the program gives up with abort(), as a failed assert does.
// tether reports SIGABRT with abort's stack, runs the leak check and lets
// SIGABRT end the process.
// EXPECT definitely: 40 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 8 bytes in 1 blocks
// EXPECT exit: -6
// EXPECT seq: ^Process terminating with default action of signal 6 \(SIGABRT\)$
// EXPECT next: ^   at 0x[0-9A-F]+: 
// EXPECT seq: ^   by 0x[0-9A-F]+: abort 
// EXPECT next: ^   by 0x[0-9A-F]+: give_up \(sig_abort.c:28\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(sig_abort.c:37\)$
// EXPECT line: ^   by 0x[0-9A-F]+: leak_forty \(sig_abort.c:22\)$
#include <stdlib.h>
#include "case.h"

static void *volatile kept;

static NOINLINE void leak_forty(void)
{
    volatile char *lost = malloc(40);
    lost[0] = 1;
}

static NOINLINE void give_up(void)
{
    abort();
}

int main(void)
{
    no_core_dump();
    kept = malloc(8);
    leak_forty();
    scrub_stack();
    give_up();
    return 0;
}
