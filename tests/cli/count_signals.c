/* count_signals: counts the SIGINTs it gets. Writes the file named by its
 * argument when it is ready, and once the first SIGINT came, waits a
 * second for more, then prints how many came and exits 0. The CLI test
 * checks that a signal for the whole process group or tree reaches the
 * program under tether once, as it does natively. */
#include <signal.h>
#include <stdio.h>
#include <time.h>

static volatile sig_atomic_t count;

static void on_int(int sig)
{
    (void)sig;
    count++;
}

int main(int argc, char **argv)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_int;
    sigemptyset(&sa.sa_mask);
    if (argc != 2 || sigaction(SIGINT, &sa, NULL) != 0)
        return 2;
    FILE *f = fopen(argv[1], "w");
    if (!f || fclose(f) != 0)
        return 2;
    struct timespec tick = {0, 10000000};
    for (int i = 0; i < 3000 && !count; i++) /* at most 30 s */
        nanosleep(&tick, NULL);
    for (int i = 0; i < 100; i++)
        nanosleep(&tick, NULL);
    printf("%d\n", (int)count);
    return 0;
}
