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

static int status_of(pid_t pid)
{
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

int main(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        leak(24);
        scrub_stack();
        _exit(3);
    }
    int child = status_of(pid);

    pid = vfork();
    if (pid == 0)
        _exit(5); /* only _exit is allowed here */
    int vchild = status_of(pid);

    printf("child %d, vfork child %d\n", child, vchild);
    fflush(stdout);
    leak(40);
    scrub_stack();
    return 0;
}
