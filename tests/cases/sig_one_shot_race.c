/* sig_one_shot_race (run by fatal_signals.sh, not a case of its own): a
 * one-shot SIGINT handler (SA_RESETHAND) and two threads that get SIGINT at
 * the same moment. The kernel resets a one-shot handler as it delivers the
 * signal: one thread runs it, the other's SIGINT ends the process. tether's
 * trampoline once let both threads run it (and the process lived on).
 * Prints how many of 40 children ran the handler twice. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int hits;
static volatile pid_t tids[2];
static volatile int go;

static void on_int(int sig)
{
    (void)sig;
    __atomic_add_fetch(&hits, 1, __ATOMIC_SEQ_CST);
}

static void *spin(void *arg)
{
    long i = (long)arg;
    tids[i] = gettid();
    while (!go)
        ;
    for (;;)
        ;
    return NULL;
}

int main(void)
{
    int twice = 0;
    for (int it = 0; it < 40; it++) {
        pid_t c = fork();
        if (c == 0) {
            struct sigaction sa = {0};
            sa.sa_handler = on_int;
            sa.sa_flags = SA_RESETHAND;
            sigaction(SIGINT, &sa, NULL);
            pthread_t t[2];
            for (long i = 0; i < 2; i++)
                pthread_create(&t[i], NULL, spin, (void *)i);
            sigset_t intr;
            sigemptyset(&intr);
            sigaddset(&intr, SIGINT);
            pthread_sigmask(SIG_BLOCK, &intr, NULL);
            while (!tids[0] || !tids[1])
                ;
            go = 1;
            usleep(1000);
            pid_t p = getpid();
            syscall(SYS_tgkill, p, tids[0], SIGINT);
            syscall(SYS_tgkill, p, tids[1], SIGINT);
            usleep(20000);
            syscall(SYS_exit_group, hits == 2 ? 2 : 1);
        }
        int st;
        waitpid(c, &st, 0);
        twice += WIFEXITED(st) && WEXITSTATUS(st) == 2;
    }
    printf("ran twice: %d\n", twice);
    return 0;
}
