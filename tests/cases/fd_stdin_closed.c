// fd_stdin_closed: a program started with its stdin closed (posix_spawn's
// close action, `prog <&-`) must find fd 0 closed. libunwind opens a pipe
// for itself at tether's start and keeps it: it took fd 0, and the program
// found a pipe there (CPython's test_posix test_close_file failed so).
// Nor may it take 3 and 4, which a program listing its descriptors saw
// (CPython's test_subprocess): the first files the program opens get 0
// and 3, as natively. The case runs itself again with fd 0 closed.
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT stdout: fd 0: closed
// EXPECT stdout: first opens: 0 3
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
    int a = open("/dev/null", O_RDONLY), b = open("/dev/null", O_RDONLY);
    printf("first opens: %d %d\n", a, b);
    return 0;
}
