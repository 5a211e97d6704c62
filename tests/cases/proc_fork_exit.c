// proc_fork_exit: a forked child that ends with _exit (no atexit handlers, as
// Debian's sh and many forked children end) is still checked and reports its
// own leak, as under Valgrind. A child made by vfork shares its parent's
// memory until it execs or exits: tether must not check it (its check would
// run on the parent's heap and state); Valgrind turns vfork into fork and
// reports it. The parent's report is unaffected by both.
// EXPECT[tether] reports: 2
// EXPECT[valgrind] reports: 3
// EXPECT definitely: 40 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT stdout: child 3, vfork child 5
// EXPECT line: ^40 bytes in 1 blocks are definitely lost in loss record 1 of 1$
// EXPECT child-line: ^24 bytes in 1 blocks are definitely lost in loss record 1 of 1$
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "case.h"

static NOINLINE void leak(size_t n)
{
    volatile char *p = malloc(n);
    (void)p;
}

int main(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        leak(24);
        scrub_stack();
        _exit(3);
    }
    int child = wait_status(pid, 0);

    pid = vfork();
    if (pid == 0)
        _exit(5); /* only _exit is allowed here */
    int vchild = wait_status(pid, 0);

    printf("child %d, vfork child %d\n", child, vchild);
    fflush(stdout);
    leak(40);
    scrub_stack();
    return 0;
}
