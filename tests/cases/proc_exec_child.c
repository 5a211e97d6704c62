// proc_exec_child: a forked child that execs a program (this binary, with argument
// "child") reports for the new image only; the parent reports separately.
// EXPECT reports: 2
// EXPECT definitely: 40 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT line: ^40 bytes in 1 blocks are definitely lost in loss record 1 of 1$
// EXPECT child-line: definitely lost: 24 bytes in 1 blocks
// EXPECT child-line: ^24 bytes in 1 blocks are definitely lost in loss record 1 of 1$
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "case.h"

static NOINLINE void *make_block(size_t n)
{
    return malloc(n);
}

int main(int argc, char **argv)
{
    int status;
    pid_t pid;

    if (argc > 1 && strcmp(argv[1], "child") == 0) {
        make_block(24);  /* the exec'd image's leak */
        scrub_stack();
        return 0;
    }
    make_block(40);  /* parent's leak; the exec'd child never sees it */
    pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        execl(argv[0], argv[0], "child", (char *)NULL);
        _exit(127);
    }
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return 1;
    scrub_stack();
    return 0;
}
