// thread_sig_siginterrupt: a BSD-style time limit on a read: siginterrupt() marks
// SIGALRM, signal() installs the handler, and the read fails with EINTR
// when the alarm comes. tether's signal() used to set SA_RESTART whatever
// siginterrupt() said, so the read went on waiting. It now lets libc's
// signal() choose the flags. (A thread writes to the pipe after 5 s, so a
// read that was not interrupted ends too, and the case fails on stdout.)
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT stdout: SA_RESTART: no
// EXPECT stdout: read: interrupted
#define _DEFAULT_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static int fds[2];

static void on_alarm(int sig) { (void)sig; }

static void *late_writer(void *arg)
{
    (void)arg;
    sleep(5);
    (void)!write(fds[1], "x", 1);
    return NULL;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (pipe(fds) != 0)
        return 2;
    pthread_t t;
    pthread_create(&t, NULL, late_writer, NULL);
    pthread_detach(t);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    siginterrupt(SIGALRM, 1);
#pragma GCC diagnostic pop
    signal(SIGALRM, on_alarm);
    struct sigaction sa;
    sigaction(SIGALRM, NULL, &sa);
    printf("SA_RESTART: %s\n", sa.sa_flags & SA_RESTART ? "yes" : "no");
    alarm(1);
    char c;
    ssize_t n = read(fds[0], &c, 1);
    printf("read: %s\n", n < 0 && errno == EINTR ? "interrupted" : "not interrupted");
    return 0;
}
