/* sig_deferred_exit (run by fatal_signals.sh, not a case of its own): a
 * SIGTERM from another process reaches a worker thread in the middle of an
 * on-demand check (tether's code: the signal is asked for again later),
 * then the worker ends, and the main thread, which blocks SIGTERM, returns
 * from main. Without the check the worker takes SIGTERM and the process
 * dies of it (143); the signal asked for again used to be lost with the
 * worker, and the process exited 0. It is now taken at exit. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "tether.h"

#define BLOCKS 300000

static void *volatile *kept; /* the blocks make the check take a while */
static int fds[2], sent[2];

static void *worker(void *arg)
{
    (void)arg;
    (void)!write(fds[1], "x", 1); /* the sender: the check starts now */
    tether_check_leaks();
    /* The worker ends only once the signal is on its way: on a loaded
     * machine the sender could run after the whole check, the signal then
     * came after the worker had gone, and the process exited 0 natively
     * too (a SIGTERM here, outside tether, ends it as it would natively). */
    char c;
    (void)!read(sent[0], &c, 1);
    return NULL;
}

int main(void)
{
    kept = malloc(BLOCKS * sizeof *kept);
    for (int i = 0; i < BLOCKS; i++)
        kept[i] = malloc(48);
    if (pipe(fds) != 0 || pipe(sent) != 0)
        return 2;
    pid_t parent = getpid();
    if (fork() == 0) {
        char c;
        (void)!read(fds[0], &c, 1);
        usleep(5000);
        kill(parent, SIGTERM);
        (void)!write(sent[1], "s", 1);
        syscall(SYS_exit_group, 0); /* no report of its own */
    }
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL); /* it can take SIGTERM... */
    pthread_sigmask(SIG_BLOCK, &term, NULL); /* ...the main thread cannot */
    pthread_join(t, NULL);
    return 0;
}
