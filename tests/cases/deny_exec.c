/* deny_exec: runs a program with some system calls refused (EPERM), as a
 * sandbox's seccomp filter would: for tests of what tether does without
 * them.
 * usage: deny_exec NAME[,NAME...] PROGRAM [ARG...]
 *        NAME: process_vm_readv, pipe2 or gettid */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: deny_exec NAME[,NAME...] PROGRAM [ARG...]\n");
        return 2;
    }
    struct sock_filter f[16];
    unsigned n = 0;
    f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
    char names[256];
    snprintf(names, sizeof names, "%s", argv[1]);
    for (char *tok = strtok(names, ","); tok && n < 12; tok = strtok(NULL, ",")) {
        long nr = strcmp(tok, "process_vm_readv") == 0 ? SYS_process_vm_readv
                  : strcmp(tok, "pipe2") == 0           ? SYS_pipe2
                  : strcmp(tok, "gettid") == 0          ? SYS_gettid
                                                        : -1;
        if (nr < 0) {
            fprintf(stderr, "deny_exec: unknown system call %s\n", tok);
            return 2;
        }
        f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 1);
        f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
    }
    f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    struct sock_fprog prog = {(unsigned short)n, f};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
        perror("deny_exec: seccomp");
        return 77;
    }
    execv(argv[2], argv + 2);
    perror("deny_exec: execv");
    return 127;
}
