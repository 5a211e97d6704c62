// sig_segv: the program writes through a null pointer and dies of SIGSEGV.
// As Valgrind does, tether says where ("Process terminating with default
// action of signal 11"), runs the leak check, then lets the signal end the
// process: the 40-byte block is definitely lost, the 8-byte one (a global
// holds it) still reachable, and the exit status is the signal's.
// Under Valgrind memcheck the write is also an "Invalid write" error.
// EXPECT definitely: 40 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 8 bytes in 1 blocks
// EXPECT exit: -11
// EXPECT seq: ^Process terminating with default action of signal 11 \(SIGSEGV\)$
// EXPECT next: ^ Access not within mapped region at address 0x0$
// EXPECT next: ^   at 0x[0-9A-F]+: crash_null_write \(case.h:35\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(sig_segv.c:35\)$
// EXPECT seq: ^HEAP SUMMARY:$
// EXPECT line: ^40 bytes in 1 blocks are definitely lost in loss record [0-9]+ of [0-9]+$
// EXPECT line: ^   by 0x[0-9A-F]+: leak_forty \(sig_segv.c:25\)$
#include <stdlib.h>
#include "case.h"

static void *volatile kept; /* still reachable: a global */
static NOINLINE void leak_forty(void)
{
    volatile char *lost = malloc(40);
    lost[0] = 1;
}

int main(void)
{
    no_core_dump();
    kept = malloc(8);
    leak_forty();
    scrub_stack();
    crash_null_write(0, 0, 0, 0, 0, 0);
    return 0;
}
