// thread_fork_sigaction: one thread keeps setting a signal's disposition
// while the main thread forks, and each child sets one before it ends (as
// children do between fork and exec). tether's sigaction takes a lock; a
// child that inherited it held by the other thread, which does not exist
// there, used to spin on it for ever with every signal blocked.
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT reports: 1
// EXPECT stdout: 200 children ended
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile int stop;

static void *keep_setting(void *arg)
{
    (void)arg;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    while (!stop)
        sigaction(SIGUSR2, &sa, NULL);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, keep_setting, NULL);
    int ended = 0;
    for (int i = 0; i < 200; i++) {
        pid_t p = fork();
        if (p == 0) {
            struct sigaction sa;
            memset(&sa, 0, sizeof sa);
            sa.sa_handler = SIG_DFL;
            sigaction(SIGINT, &sa, NULL);
            syscall(SYS_exit_group, 0); /* no report of its own */
        }
        int st = 0;
        for (int ms = 0; ms < 3000 && waitpid(p, &st, WNOHANG) == 0; ms++) {
            struct timespec one = {0, 1000000};
            nanosleep(&one, NULL);
            if (ms == 2999) {
                kill(p, SIGKILL); /* hung: the case fails on the count */
                waitpid(p, &st, 0);
                st = 1;
            }
        }
        ended += WIFEXITED(st) && WEXITSTATUS(st) == 0;
    }
    stop = 1;
    pthread_join(t, NULL);
    printf("%d children ended\n", ended);
    return 0;
}
