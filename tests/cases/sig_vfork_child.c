// sig_vfork_child: a vfork child dies of SIGTERM before it execs, then the
// parent aborts. The child shares the parent's memory: tether's handler in
// the child took the report for itself there, and the parent's own fatal
// signal then waited for it for ever. A vfork child now just dies by its
// signal; the parent reports its SIGABRT.
// EXPECT definitely: 40 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: -6
// Valgrind runs vfork as fork: its child writes a report of its own.
// EXPECT[valgrind] reports: 2
// EXPECT stdout: child: SIGTERM
// EXPECT seq: ^Process terminating with default action of signal 6 \(SIGABRT\)$
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "case.h"

static NOINLINE void leak_forty(void)
{
    volatile char *lost = malloc(40);
    lost[0] = 1;
}

int main(void)
{
    no_core_dump();
    setvbuf(stdout, NULL, _IONBF, 0);
    pid_t p = vfork();
    if (p == 0) {
        raise(SIGTERM);
        _exit(1);
    }
    int st = 0;
    waitpid(p, &st, 0);
    printf("child: %s\n", WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM ? "SIGTERM" : "other");
    leak_forty();
    scrub_stack();
    abort();
}
