/* sig_pipe_pending (run by fatal_signals.sh, not a case of its own): the
 * program blocks SIGPIPE, has one pending for the process, and then makes
 * tether write a report (a double free) to a pipe nobody reads. tether's
 * write raises a SIGPIPE of its own on the thread, which it takes back: the
 * program's handler runs once, for its own, when it unblocks. Writes the
 * count into the file named by argv[1]. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static volatile int hits;

static void on_pipe(int sig)
{
    (void)sig;
    hits++;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    sleep(1); /* the reader of stderr is gone by then */
    signal(SIGPIPE, on_pipe);
    sigset_t pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    sigprocmask(SIG_BLOCK, &pipe_only, NULL);
    kill(getpid(), SIGPIPE); /* the program's own, pending for the process */
    char *volatile p = malloc(10);
    free(p);
    free(p); /* tether reports it: its write gets EPIPE */
    sigprocmask(SIG_UNBLOCK, &pipe_only, NULL);
    FILE *f = fopen(argv[1], "w");
    if (!f)
        return 3;
    fprintf(f, "hits=%d\n", hits);
    fclose(f);
    return 0;
}
