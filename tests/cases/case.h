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

/* No core file in the test's directory from a case that dies of a signal. */
static __attribute__((unused)) void no_core_dump(void)
{
    struct rlimit none = {0, 0};
    setrlimit(RLIMIT_CORE, &none);
}

#endif
