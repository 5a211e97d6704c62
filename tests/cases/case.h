/* Shared helpers for tether's case programs (tests/cases). */
#ifndef TETHER_CASE_H
#define TETHER_CASE_H

#include <stddef.h>
#include <sys/resource.h>

#define NOINLINE __attribute__((noinline))

/* Zero the dead stack below the caller, so that no stale copy of a fixture pointer
 * left by an earlier helper call survives into the frames of the exit path (both
 * Valgrind and tether scan the live stack conservatively at exit). */
static NOINLINE __attribute__((unused)) void scrub_stack(void)
{
    volatile char buf[32768];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = 0;
}

/* scrub_stack for a thread or coroutine whose stack has room for 2 KB, not 32. */
static NOINLINE __attribute__((unused)) void scrub_small(void)
{
    volatile char buf[2048];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = 0;
}

/* Writes through a null pointer (SIGSEGV), passed zeros in every argument
 * register so that none keeps a stale copy of a block's address into the
 * registers a check scans. */
static int *volatile case_nowhere;
static NOINLINE __attribute__((unused)) void crash_null_write(long a, long b, long c, long d,
                                                              long e, long f)
{
    *case_nowhere = (int)(a + b + c + d + e + f);
}

#include <sys/types.h> /* here: the cases name case.h's lines above (crash_null_write) */
#include <sys/wait.h>

/* Waits for child pid: its exit status, the signal that ended it with
 * signal_too (else -1 for one a signal ended), -1 if it cannot be waited for. */
static __attribute__((unused)) int wait_status(pid_t pid, int signal_too)
{
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    if (WIFSIGNALED(status))
        return signal_too ? WTERMSIG(status) : -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* No core file in the test's directory from a case that dies of a signal. */
static __attribute__((unused)) void no_core_dump(void)
{
    struct rlimit none = {0, 0};
    setrlimit(RLIMIT_CORE, &none);
}

/* (here, not at the top: the fatal-signal cases expect crash_null_write's
 * line numbers above) */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Gives the calling thread an alternate signal stack of bytes bytes below a
 * guard page, as Rust gives every thread one (8 KB); false if it cannot. */
static NOINLINE __attribute__((unused)) int small_altstack(size_t bytes)
{
    char *m = (char *)mmap(NULL, 4096 + bytes, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED || mprotect(m, 4096, PROT_NONE) != 0) /* the guard page */
        return 0;
    stack_t ss;
    memset(&ss, 0, sizeof ss);
    ss.ss_sp = m + 4096;
    ss.ss_size = bytes;
    return sigaltstack(&ss, NULL) == 0;
}

/* A heap block of size bytes (page-aligned, zeroed) with the page at offset
 * made unreadable (PROT_NONE), as a coroutine stack's guard page; NULL (and a
 * message) if that cannot be done. */
static NOINLINE __attribute__((unused)) char *protected_block(size_t size, size_t offset)
{
    char *b = (char *)aligned_alloc(4096, size);
    if (!b)
        return NULL;
    memset(b, 0, size);
    if (mprotect(b + offset, 4096, PROT_NONE) != 0) {
        perror("mprotect");
        return NULL;
    }
    return b;
}

/* Whether [lo, hi) lies in one line of /proc/self/maps (one mapping: the
 * kernel merged what the case put next to each other). */
#include <stdint.h>
#include <stdio.h>
static __attribute__((unused)) int one_mapping(uintptr_t lo, uintptr_t hi)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    int found = 0;
    while (f && fgets(line, sizeof line, f)) {
        unsigned long a, b;
        if (sscanf(line, "%lx-%lx", &a, &b) == 2 && a <= lo && hi <= b)
            found = 1;
    }
    if (f)
        fclose(f);
    return found;
}

#endif
