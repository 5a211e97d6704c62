// proc_quick_exit: a process that ends with quick_exit() is checked, after
// its at_quick_exit handlers (this one frees a block), as Valgrind checks
// it, and the gate holds. glibc's quick_exit calls its _exit inside libc,
// past tether's wrapper: the process ended with no report and its status,
// and a CI gate passed.
// RUN-OPTS: --error-exitcode=99
// TOOLS: tether valgrind
// EXPECT definitely: 32 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 16 bytes in 1 blocks
// EXPECT exit: 99
// EXPECT stdout: handler ran
// EXPECT line: ^   by 0x[0-9A-F]+: leak_thirty_two \(proc_quick_exit.c:24\)$
#include <stdio.h>
#include <stdlib.h>
#include "case.h"

static void *volatile kept;  /* still reachable: a global */
static void *volatile temp;  /* freed by the handler */

static NOINLINE void leak_thirty_two(void)
{
    volatile char *lost = malloc(32);
    lost[0] = 1;
}

static void cleanup(void)
{
    free(temp);
    temp = NULL;
    puts("handler ran");
    fflush(stdout);
}

int main(void)
{
    kept = malloc(16);
    temp = malloc(64);
    leak_thirty_two();
    scrub_stack();
    at_quick_exit(cleanup);
    quick_exit(3);
}
