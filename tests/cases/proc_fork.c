// proc_fork: after fork() parent and child each print their own report; a block
// leaked before the fork appears in both.
// EXPECT reports: 2
// EXPECT definitely: 80 bytes in 2 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT line: ^64 bytes in 1 blocks are definitely lost in loss record 2 of 2$
// EXPECT child-line: definitely lost: 48 bytes in 2 blocks
// EXPECT child-line: ^32 bytes in 1 blocks are definitely lost in loss record 2 of 2$
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
    pid_t pid;

    make_block(16);  /* leaked in both processes */
    pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        make_block(32);  /* child only */
        scrub_stack();
        exit(0);
    }
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return 1;
    make_block(64);  /* parent only */
    scrub_stack();
    return 0;
}
