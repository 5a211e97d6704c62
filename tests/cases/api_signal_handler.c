// api_signal_handler: a signal handler that calls tether while the thread
// it interrupted is inside tether (in malloc or free) gets a warning, once
// for each function, and its call does nothing; it neither deadlocks on a
// lock the thread holds nor changes a record the thread is changing. A
// handler that interrupted the program's own code gets its answer. A timer
// fires every 100 us while the program allocates and frees, until the
// handler has seen both (or 20 s pass).
// TOOLS: tether
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 64 bytes in 1 blocks
// EXPECT stdout: refused: yes
// EXPECT stdout: answered: yes
// EXPECT stdout: owner after: main
// EXPECT count: 1 ^Warning: tether_owner_of: called while this thread was inside tether \(from a signal handler that interrupted malloc, free or a tether call\?\); ignored, here and from now on without a word: tether's functions must not be called from a signal handler \(for leak checks on a signal, --check-signal\)$
// EXPECT count: 1 ^Warning: tether_check_new_leaks: called while this thread was inside tether
// EXPECT count: 1 ^Warning: tether_set_owner: called while this thread was inside tether
// EXPECT no-line: ^Leak check
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <tether.h>
#include <time.h>
#include "case.h"

static void *volatile block;
static volatile sig_atomic_t refused, answered;

static void on_alarm(int sig)
{
    (void)sig;
    /* tether_owner_of answers NULL only when tether refuses the call: the
     * check is then refused too (the thread is still inside tether), and
     * never runs here (it would print a report) */
    if (tether_owner_of(block) == NULL) {
        tether_check_new_leaks();
        tether_set_owner(block, "handler");
        refused++;
    } else {
        answered++;
    }
}

int main(void)
{
    block = malloc(64);
    tether_set_owner(block, "main");
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {{0, 100}, {0, 100}};
    setitimer(ITIMER_REAL, &it, NULL);
    time_t start = time(NULL);
    while ((refused < 3 || answered < 3) && time(NULL) - start < 20) {
        void *p[16];
        for (int i = 0; i < 16; i++)
            p[i] = malloc(32 + (size_t)i * 8);
        for (int i = 0; i < 16; i++)
            free(p[i]);
    }
    struct itimerval off;
    memset(&off, 0, sizeof off);
    setitimer(ITIMER_REAL, &off, NULL);
    printf("refused: %s\n", refused ? "yes" : "no");
    printf("answered: %s\n", answered ? "yes" : "no");
    printf("owner after: %s\n", tether_owner_of(block));
    return 0;
}
