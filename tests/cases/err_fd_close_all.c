// err_fd_close_all: a program closes every descriptor from 3 up, as daemons and
// children about to exec do: with close() one by one, with closefrom, with
// close_range, and with the raw close_range system call, which no wrapper
// sees. tether's report descriptor went with them, and the report ended
// after the banner (gpg-agent's child lost its report so). close and its
// kin now leave tether's descriptor alone (EBADF, as natively for a number
// that is not open), and a report finds its file again when a raw system
// call closed it. A dup2 onto tether's number (the program cannot know it)
// gets it, tether's copy moving away. A double free after the closes (its
// error is written at once, through the descriptor the wrappers kept) and
// the leak of 42 bytes (after the raw close) must both be reported.
// EXPECT definitely: 42 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT stdout: dup2 onto 1000: ok
// EXPECT stdout: closed
// EXPECT line: ^42 bytes in 1 blocks are definitely lost in loss record 1 of 1$
// EXPECT line: ^Invalid free\(\) / delete / delete\[\] / realloc\(\)$
// EXPECT errors: 2 from 2
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "case.h"

static void *volatile keep;

static NOINLINE void leak(void)
{
    keep = malloc(42);
    memset(keep, 1, 42);
    keep = NULL;
}

int main(void)
{
    fflush(stdout);
    /* a copy of stdout at 1000, tether's usual number */
    if (dup2(1, 1000) == 1000 && write(1000, "dup2 onto 1000: ok\n", 19) == 19)
        close(1000);
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 65536)
        max = 65536;
    for (int fd = 3; fd < max; fd++)
        close(fd);
    closefrom(3);
    close_range(3, ~0U, 0);
    char *twice = malloc(8);
    free(twice);
    free(twice);
#ifdef SYS_close_range
    syscall(SYS_close_range, 3, ~0U, 0);
#endif
    leak();
    printf("closed\n");
    return 0;
}
