// sig_term_sender: another process ends this one with SIGTERM (a test
// runner's timeout does so). The report says who sent it, the leak check
// runs, and SIGTERM ends the process. The child that sends it writes a
// report of its own (it ends with _exit, which tether checks too).
// EXPECT definitely: 40 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 8 bytes in 1 blocks
// EXPECT exit: -15
// EXPECT reports: 2
// EXPECT seq: ^Process terminating with default action of signal 15 \(SIGTERM\)$
// EXPECT[tether] next: ^ Sent by process [0-9]+$
// EXPECT line: ^   by 0x[0-9A-F]+: leak_forty \(sig_term_sender.c:23\)$
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include "case.h"

static void *volatile kept;

static NOINLINE void leak_forty(void)
{
    volatile char *lost = malloc(40);
    lost[0] = 1;
}

int main(void)
{
    kept = malloc(8);
    leak_forty();
    scrub_stack();
    pid_t parent = getpid();
    if (fork() == 0) {
        kill(parent, SIGTERM);
        _exit(0);
    }
    for (;;)
        pause();
}
