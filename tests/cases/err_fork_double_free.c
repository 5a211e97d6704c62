// err_fork_double_free: a block freed in the parent before fork() is freed again in
// the child: the child's report has the double free (with the parent's free and
// allocation stacks, inherited), the parent's report has no error.
// EXPECT reports: 2
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT errors: 0 from 0
// EXPECT no-line: ^Invalid free
// EXPECT child-line: ^Invalid free\(\) / delete / delete\[\] / realloc\(\)$
// EXPECT child-line: ^   by 0x[0-9A-F]+: main \(err_fork_double_free.c:39\)$
// EXPECT child-line: ^ Address 0x[0-9a-f]+ is 0 bytes inside a block of size 48 free'd$
// EXPECT child-line: ^   by 0x[0-9A-F]+: main \(err_fork_double_free.c:34\)$
// EXPECT child-line: ^   by 0x[0-9A-F]+: main \(err_fork_double_free.c:32\)$
// EXPECT child-line: ^ERROR SUMMARY: 1 errors from 1 contexts
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "case.h"

static NOINLINE void release(void *p)
{
    free(p);
}

int main(void)
{
    int status;
    pid_t pid;
    void *p = malloc(48);

    release(p);
    pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        release(p);
        exit(0);
    }
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return 1;
    return 0;
}
