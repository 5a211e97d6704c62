// api_check_signal_taken: a program that sets its own handler for the
// --check-signal signal (PostgreSQL's backends take SIGUSR2, servers take
// SIGUSR1) replaces tether's: the signal is the program's from then on and
// no check runs on it. tether now says so, once, instead of staying silent.
// TOOLS: tether
// RUN-OPTS: --check-signal=USR1
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT stdout: handled 2
// EXPECT line: ^Warning: the program set its own disposition for SIGUSR1, the --check-signal signal: it gets that signal from now on, and no leak check runs on it$
// EXPECT no-line: Leak check, new leaks only
#include <signal.h>
#include <stdio.h>
#include "case.h"

static volatile sig_atomic_t handled;

static void on_usr1(int sig)
{
    (void)sig;
    handled++;
}

int main(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_usr1;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGUSR1, &sa, NULL) != 0 || signal(SIGUSR1, on_usr1) == SIG_ERR)
        return 1;
    raise(SIGUSR1);
    raise(SIGUSR1);
    printf("handled %d\n", (int)handled);
    return 0;
}
