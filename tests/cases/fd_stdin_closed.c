// fd_stdin_closed: a program started with its stdin closed (posix_spawn's
// close action, `prog <&-`) must find fd 0 closed. libunwind opens a pipe
// for itself at tether's start and keeps it: it took fd 0, and the program
// found a pipe there (CPython's test_posix test_close_file failed so).
// The case runs itself again with fd 0 closed.
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT stdout: fd 0: closed
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc == 1) {
        close(0);
        char *again[] = {argv[0], "closed", NULL};
        execv(argv[0], again);
        return 2;
    }
    if (fcntl(0, F_GETFD) < 0 && errno == EBADF)
        printf("fd 0: closed\n");
    else
        printf("fd 0: open\n");
    return 0;
}
