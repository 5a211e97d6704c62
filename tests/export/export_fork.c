/* tt_export_fork: the parent and a forked child each leak, in functions of
 * their own, and each writes its own reports (--json=...%p...). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "case.h"

static NOINLINE void *child_leak(size_t n)
{
    return malloc(n); /* LINE:child */
}

static NOINLINE void *parent_leak(size_t n)
{
    return malloc(n); /* LINE:parent */
}

int main(void)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return 2;
    if (pid == 0) {
        child_leak(11);
        scrub_stack();
        return 3; /* the child's own exit status */
    }
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 3)
        return 4;
    parent_leak(22);
    scrub_stack();
    return 0;
}
