// sig_own_handler: a program with signal handlers of its own. It never sees
// tether's: asked, sigaction and signal answer SIG_DFL where tether's
// handler stands (a program that installs a handler only over the default,
// as Rust's runtime does for SIGSEGV, still installs it); setting SIG_DFL
// gives SIG_DFL back; and the program's own SIGSEGV handler is the one that
// runs, which exits with 7: no "Process terminating" from tether.
// EXPECT definitely: 40 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 7
// EXPECT no-line: Process terminating
// EXPECT stdout: segv asked: default
// EXPECT stdout: int set: was default
// EXPECT stdout: int default: was mine
// EXPECT stdout: int default again: was default
// EXPECT stdout: term via sysv_signal: was default
// EXPECT stdout: segv set: was default
// EXPECT stdout: segv asked: mine
// EXPECT stdout: caught SIGSEGV
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "case.h"

static void on_int(int sig) { (void)sig; }

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)sig; (void)si; (void)uc;
    static const char msg[] = "caught SIGSEGV\n";
    write(1, msg, sizeof msg - 1);
    _exit(7);
}

static const char *what(void (*h)(int))
{
    if (h == SIG_DFL)
        return "default";
    if (h == SIG_IGN)
        return "ignored";
    if (h == on_int || h == (void (*)(int))on_segv)
        return "mine";
    return "someone else's";
}

static NOINLINE void leak_forty(void)
{
    volatile char *lost = malloc(40);
    lost[0] = 1;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction cur;
    sigaction(SIGSEGV, NULL, &cur);
    printf("segv asked: %s\n", what(cur.sa_handler));
    printf("int set: was %s\n", what(signal(SIGINT, on_int)));
    printf("int default: was %s\n", what(signal(SIGINT, SIG_DFL)));
    printf("int default again: was %s\n", what(signal(SIGINT, SIG_DFL)));
    printf("term via sysv_signal: was %s\n", what(sysv_signal(SIGTERM, SIG_DFL)));

    struct sigaction mine, old;
    memset(&mine, 0, sizeof mine);
    mine.sa_sigaction = on_segv;
    mine.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &mine, &old);
    printf("segv set: was %s\n", what(old.sa_handler));
    sigaction(SIGSEGV, NULL, &cur);
    printf("segv asked: %s\n", what(cur.sa_handler));

    leak_forty();
    scrub_stack();
    crash_null_write(0, 0, 0, 0, 0, 0);
    return 0;
}
