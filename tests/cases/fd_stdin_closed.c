// fd_stdin_closed: a program started with its stdin closed (posix_spawn's
// close action, `prog <&-`) must find fd 0 closed. libunwind opens a pipe
// for itself at tether's start and keeps it: it took fd 0, and the program
// found a pipe there (CPython's test_posix test_close_file failed so).
// Nor may it take 3 and 4, which a program listing its descriptors saw
// (CPython's test_subprocess): the first files the program opens get 0
// and 3, as natively. And tether's own descriptors (the report's, the run
// directory's, libunwind's pipe) sit above the program's limit on open
// files, where a program that tries every number below it does not find
// them (CPython's test_subprocess listed 1000-1003). The case runs itself
// again with fd 0 closed and a soft limit of 256.
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT stdout: fd 0: closed
// EXPECT stdout: first opens: 0 3
// EXPECT stdout: open below the limit: 0 1 2 3
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc == 1) {
        struct rlimit rl;
        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max >= 256 + 16) {
            rl.rlim_cur = 256;
            setrlimit(RLIMIT_NOFILE, &rl);
        }
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
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    printf("open below the limit:");
    for (int fd = 0; fd < (int)rl.rlim_cur; fd++) {
        struct stat st;
        if (fstat(fd, &st) == 0)
            printf(" %d", fd);
    }
    printf("\n");
    return 0;
}
