/* A child that enters a seccomp sandbox where creating a file fails with
 * ENOSYS (as man-db's helpers do), then leaks 24 bytes and exits: its
 * report must still reach the tether command's summary, through the
 * PID.json it opened when it was forked. With the argument "exec", the
 * child runs this program again inside the sandbox ("leak": it leaks 24
 * bytes and exits), which must find the report files its process opened
 * at the fork. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void *volatile keep;

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "leak") == 0) {
        keep = malloc(24);
        memset(keep, 1, 24);
        keep = NULL;
        return 0;
    }
    pid_t c = fork();
    if (c < 0)
        return 2;
    if (c == 0) {
        struct sock_filter f[] = {
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_openat, 0, 3),
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[2])),
            BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, O_CREAT, 0, 1),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        };
        struct sock_fprog prog = {sizeof f / sizeof f[0], f};
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
            prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
            _exit(3);
        if (argc > 1 && strcmp(argv[1], "exec") == 0) {
            char *again[] = {argv[0], "leak", NULL};
            execv(argv[0], again);
            _exit(4);
        }
        keep = malloc(24);
        memset(keep, 1, 24);
        keep = NULL;
        exit(0);
    }
    int st;
    waitpid(c, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
