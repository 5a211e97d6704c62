// proc_child_silent: --child-silent-after-fork=yes, Valgrind's option. A forked
// child says nothing until it execs: neither a child that leaks and returns
// from main, nor one that leaks and ends with _exit, nor one that dies by
// abort, nor a grandchild writes a report. A child that execs a program
// (this binary, with argument "exec") is checked as usual: the new image loads
// tether afresh. The parent's report is unaffected. Its children free blocks
// the parent allocated (tether records them) and allocate and free their own
// (which it no longer records): none of that may crash or reach a report.
// RUN-OPTS: --child-silent-after-fork=yes
// EXPECT reports: 2
// EXPECT definitely: 40 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT stdout: exit 0, _exit 3, abort 6, grandchild 4, exec 0
// EXPECT line: ^40 bytes in 1 blocks are definitely lost in loss record 1 of 1$
// EXPECT child-line: ^16 bytes in 1 blocks are definitely lost in loss record 1 of 1$
// EXPECT no-line: Process terminating
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "case.h"

static NOINLINE void leak(size_t n)
{
    volatile char *p = malloc(n);
    (void)p;
}

/* A child's own blocks and the parent's, freed and reallocated in it. */
static NOINLINE void churn(char **inherited)
{
    for (int i = 0; i < 1000; i++) {
        char *p = malloc((size_t)(16 + i % 200));
        p[0] = (char)i;
        free(p);
    }
    *inherited = realloc(*inherited, 4096);
    free(*inherited);
    *inherited = NULL;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "exec") == 0) {
        leak(16); /* the exec'd image's leak: reported */
        scrub_stack();
        return 0;
    }
    char *inherited = malloc(100);
    int st[5];

    pid_t pid = fork();
    if (pid == 0) {
        churn(&inherited);
        leak(24);
        scrub_stack();
        return 0;
    }
    st[0] = wait_status(pid, 1);

    pid = fork();
    if (pid == 0) {
        churn(&inherited);
        leak(32);
        scrub_stack();
        _exit(3);
    }
    st[1] = wait_status(pid, 1);

    pid = fork();
    if (pid == 0) {
        leak(48);
        scrub_stack();
        abort();
    }
    st[2] = wait_status(pid, 1);

    pid = fork();
    if (pid == 0) {
        pid_t g = fork();
        if (g == 0) {
            churn(&inherited);
            leak(56);
            scrub_stack();
            _exit(4);
        }
        _exit(wait_status(g, 1));
    }
    st[3] = wait_status(pid, 1);

    pid = fork();
    if (pid == 0) {
        execl(argv[0], argv[0], "exec", (char *)NULL);
        _exit(127);
    }
    st[4] = wait_status(pid, 1);

    printf("exit %d, _exit %d, abort %d, grandchild %d, exec %d\n", st[0], st[1], st[2], st[3],
           st[4]);
    fflush(stdout);
    free(inherited);
    leak(40);
    scrub_stack();
    return 0;
}
