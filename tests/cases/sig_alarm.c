// sig_alarm: a test that limits its own time with alarm() and runs over:
// SIGALRM, whose default action ends the process, is reported like any
// fatal signal, and the leak check runs before it ends the process.
// EXPECT definitely: 40 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: -14
// EXPECT seq: ^Process terminating with default action of signal 14 \(SIGALRM\)$
#include <stdlib.h>
#include <unistd.h>
#include "case.h"

static NOINLINE void leak_forty(void)
{
    volatile char *lost = malloc(40);
    lost[0] = 1;
}

int main(void)
{
    leak_forty();
    scrub_stack();
    alarm(1);
    for (;;)
        pause();
}
