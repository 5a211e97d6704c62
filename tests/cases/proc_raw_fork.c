// proc_raw_fork: a child made by the fork system call itself
// (syscall(SYS_fork), as sandboxes and some runtimes make them), and one
// made by clone3 without CLONE_VM, ran none of glibc's fork handlers; each
// has its own memory and is checked and reports its own leak, as under
// Valgrind. tether took them for children sharing their parent's memory
// (a vfork's) and checked neither, with no word. (Valgrind 3.19 checks the
// first; it has no clone3, which fails there.)
// TOOLS: tether
// EXPECT reports: 3
// EXPECT definitely: 40 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT stdout: fork child 0, clone3 child 0
// EXPECT line: ^40 bytes in 1 blocks are definitely lost in loss record 1 of 1$
// EXPECT child-line: ^13 bytes in 1 blocks are definitely lost in loss record 1 of 1$
// EXPECT child-line: ^17 bytes in 1 blocks are definitely lost in loss record 1 of 1$
#define _GNU_SOURCE
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "case.h"

static NOINLINE void leak(size_t n)
{
    volatile char *p = malloc(n);
    p[0] = 1;
}

int main(void)
{
    int st1 = -1, st2 = -1;
    long pid = syscall(SYS_fork);
    if (pid == 0) {
        leak(13);
        scrub_stack();
        _exit(0);
    }
    waitpid((pid_t)pid, &st1, 0);
    struct clone_args ca;
    memset(&ca, 0, sizeof ca);
    ca.exit_signal = SIGCHLD;
    pid = syscall(SYS_clone3, &ca, sizeof ca);
    if (pid == 0) {
        leak(17);
        scrub_stack();
        exit(0);
    }
    waitpid((pid_t)pid, &st2, 0);
    printf("fork child %d, clone3 child %d\n", WEXITSTATUS(st1), WEXITSTATUS(st2));
    leak(40);
    scrub_stack();
    return 0;
}
