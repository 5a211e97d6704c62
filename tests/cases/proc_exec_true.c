// proc_exec_true: a forked child that execs /bin/true is followed (it prints its own
// report); the parent's report is unaffected.
// EXPECT reports: 2
// EXPECT definitely: 8 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT line: ^8 bytes in 1 blocks are definitely lost in loss record 1 of 1$
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "case.h"

static NOINLINE void *make_block(size_t n)
{
    return malloc(n);
}

int main(void)
{
    int status;
    pid_t pid = fork();

    if (pid < 0)
        return 1;
    if (pid == 0) {
        execl("/bin/true", "true", (char *)NULL);
        _exit(127);
    }
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return 1;
    make_block(8);
    scrub_stack();
    return 0;
}
