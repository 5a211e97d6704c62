// api_check_signal: with --check-signal=USR1 each SIGUSR1 makes tether check
// for new leaks (in its own thread, not in the handler); the program goes on.
// TOOLS: tether
// RUN-OPTS: --check-signal=USR1
// EXPECT definitely: 96 bytes in 2 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT stdout: done
// EXPECT seq: ^Leak check, new leaks only \(on SIGUSR1\):$
// EXPECT seq: ^32 bytes in 1 blocks are definitely lost in loss record 1 of 1$
// EXPECT seq: ^   definitely lost: 32 \(\+32\) bytes in 1 \(\+1\) blocks$
// EXPECT seq: ^Leak check, new leaks only \(on SIGUSR1\):$
// EXPECT seq: ^64 bytes in 1 blocks are definitely lost in loss record 1 of 1$
// EXPECT seq: ^   definitely lost: 96 \(\+64\) bytes in 2 \(\+1\) blocks$
// EXPECT seq: ^HEAP SUMMARY:$
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "case.h"

static NOINLINE void leak(size_t n)
{
    volatile char *p = malloc(n);
    (void)p;
}

/* The check stops this thread with a signal, which ends a sleep early
 * (EINTR, as any signal handler does): sleep the rest, as programs must. */
static void pause_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

int main(void)
{
    leak(32);
    scrub_stack();
    raise(SIGUSR1);
    pause_ms(700); /* the check runs within a second, in tether's thread */
    leak(64);
    scrub_stack();
    raise(SIGUSR1);
    pause_ms(700);
    printf("done\n");
    return 0;
}
