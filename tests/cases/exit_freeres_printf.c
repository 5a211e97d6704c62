// exit_freeres_printf: a program registers its own printf conversion and
// modifier (as libquadmath does when it loads, so every gfortran program and
// ffmpeg). At exit glibc's __libc_freeres frees printf's tables but keeps
// pointing at them, and tether's report then formats through printf (libdw
// does). Released to the allocator, the tables were reused by the report's own
// allocations and printf called through garbage: SIGSEGV, no leak check.
// tether now keeps the memory of what the C runtime frees at exit.
// EXPECT definitely: 10 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT stdout: <7>
// EXPECT line: ^10 bytes in 1 blocks are definitely lost in loss record 1 of 1$
// EXPECT line: by 0x[0-9A-F]+: leak \(exit_freeres_printf\.c:\d+\)
// EXPECT no-line: Process terminating
#include <printf.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>
#include "case.h"

static int print_b(FILE *f, const struct printf_info *info, const void *const *args)
{
    (void)info;
    return fprintf(f, "<%d>", *(const int *)args[0]);
}

static int arginfo_b(const struct printf_info *info, size_t n, int *types, int *sizes)
{
    (void)info;
    (void)sizes;
    if (n > 0)
        types[0] = PA_INT;
    return 1;
}

static NOINLINE void leak(void)
{
    volatile char *p = malloc(10);
    (void)p;
}

int main(void)
{
    if (register_printf_specifier('B', print_b, arginfo_b) != 0 ||
        register_printf_modifier(L"Z") < 0)
        return 1;
    char buf[64];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
    snprintf(buf, sizeof buf, "%B", 7);
#pragma GCC diagnostic pop
    puts(buf);
    fflush(stdout);
    leak();
    scrub_stack();
    return 0;
}
