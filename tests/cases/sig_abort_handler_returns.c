// sig_abort_handler_returns: the program's SIGABRT handler (a crash
// reporter) returns, and abort() then puts SIG_DFL back itself and raises
// SIGABRT again, as glibc's does. glibc does it with its internal
// sigaction, where tether could not stand in for SIG_DFL: the process died
// with no report. tether's abort() does it through the program's view of
// its dispositions.
// EXPECT definitely: 40 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: -6
// EXPECT stdout: handler ran
// EXPECT seq: ^Process terminating with default action of signal 6 \(SIGABRT\)$
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include "case.h"

static void on_abort(int sig)
{
    (void)sig;
    static const char msg[] = "handler ran\n";
    (void)!write(1, msg, sizeof msg - 1);
}

static NOINLINE void leak_forty(void)
{
    volatile char *lost = malloc(40);
    lost[0] = 1;
}

int main(void)
{
    no_core_dump();
    signal(SIGABRT, on_abort);
    leak_forty();
    scrub_stack();
    abort();
}
