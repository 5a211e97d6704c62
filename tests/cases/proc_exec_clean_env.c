// proc_exec_clean_env: a program that execs with an environment it built
// itself (nginx's binary upgrade passes only TZ and NGINX; `env -i`; Python's
// subprocess with env=) dropped LD_PRELOAD, TETHER_OPTIONS and TETHER_RUN_DIR,
// and the new program ran unchecked: its leak was missed and the tree's gate
// passed. Valgrind's --trace-children follows every exec whatever the
// environment, and so does tether: execve with one variable, posix_spawn with
// none, execle with an empty LD_PRELOAD, and execv after clearenv each run
// this binary again ("exec"), which leaks 24 bytes, and each is checked.
// EXPECT reports: 5
// EXPECT definitely: 40 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT stdout: 0 0 0 0
// EXPECT line: ^40 bytes in 1 blocks are definitely lost in loss record 1 of 1$
// EXPECT child-line: ^24 bytes in 1 blocks are definitely lost in loss record 1 of 1$
#include <spawn.h>
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

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "exec") == 0) {
        leak(24);
        scrub_stack();
        return 0;
    }
    char *args[] = {argv[0], "exec", NULL};
    int st[4];

    pid_t pid = fork();
    if (pid == 0) {
        char *env[] = {"TZ=UTC", NULL};
        execve(argv[0], args, env);
        _exit(127);
    }
    st[0] = wait_status(pid, 0);

    char *none[] = {NULL};
    st[1] = posix_spawn(&pid, argv[0], NULL, NULL, args, none) == 0 ? wait_status(pid, 0) : -1;

    pid = fork();
    if (pid == 0) {
        char *env[] = {"LD_PRELOAD=", NULL};
        execle(argv[0], argv[0], "exec", (char *)NULL, env);
        _exit(127);
    }
    st[2] = wait_status(pid, 0);

    pid = fork();
    if (pid == 0) {
        clearenv();
        execv(argv[0], args);
        _exit(127);
    }
    st[3] = wait_status(pid, 0);

    printf("%d %d %d %d\n", st[0], st[1], st[2], st[3]);
    fflush(stdout);
    leak(40);
    scrub_stack();
    return 0;
}
