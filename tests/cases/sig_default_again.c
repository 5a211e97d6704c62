// sig_default_again: the program puts in a handler of its own for SIGFPE,
// then puts back the disposition it saved (SIG_DFL), and divides by zero.
// Setting SIG_DFL gives tether's handler its place back: the report says
// where, and the leak check runs before SIGFPE ends the process.
// EXPECT definitely: 40 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: -8
// EXPECT seq: ^Process terminating with default action of signal 8 \(SIGFPE\)$
// EXPECT next: ^ Integer divide by zero at address 0x[0-9A-F]+$
// EXPECT next: ^   at 0x[0-9A-F]+: divide \(sig_default_again.c:31\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(sig_default_again.c:44\)$
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "case.h"

static volatile int zero;

static void on_fpe(int sig) { (void)sig; }

static NOINLINE void leak_forty(void)
{
    volatile char *lost = malloc(40);
    lost[0] = 1;
}

static NOINLINE int divide(int x)
{
    return x / zero;
}

int main(void)
{
    no_core_dump();
    struct sigaction mine, saved;
    memset(&mine, 0, sizeof mine);
    mine.sa_handler = on_fpe;
    sigaction(SIGFPE, &mine, &saved);
    sigaction(SIGFPE, &saved, NULL);
    leak_forty();
    scrub_stack();
    return divide(1);
}
