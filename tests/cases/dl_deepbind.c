// dl_deepbind: a library loaded with RTLD_DEEPBIND (as Debian's PHP loads its
// extensions) binds first to its own dependencies, libc.so.6 among them, so
// its malloc and free were glibc's, not tether's: the program's block freed in
// the library crashed glibc (free of a pointer into a chunk, past tether's
// prefix) and the library's block freed by the program read as an invalid
// free. tether loads such a library without RTLD_DEEPBIND (-v says so), so
// both directions work and the library's leak is found with its stack (the
// library unloaded: tether keeps its symbols, Valgrind shows ???).
// EXPECT definitely: 48 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT stdout: crossed
// EXPECT line: ^48 bytes in 1 blocks are definitely lost in loss record 1 of 1$
// EXPECT[tether] line: by 0x[0-9A-F]+: dlhelper_make \(dlhelper\.c:\d+\)
// EXPECT no-line: Invalid free
// EXPECT no-line: Process terminating
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include "case.h"

static NOINLINE int cross(void)
{
    void *h = dlopen(CASE_DLHELPER, RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
    if (!h)
        return 1;
    void *(*make)(size_t);
    void (*release)(void *);
    *(void **)&make = dlsym(h, "dlhelper_make");
    *(void **)&release = dlsym(h, "dlhelper_free");
    if (!make || !release)
        return 1;
    free(make(100));          /* the library's block, freed by the program */
    release(malloc(200));     /* the program's block, freed in the library */
    release(make(300));       /* the library's own, both ways there */
    volatile char *lost = make(48);
    (void)lost;
    return dlclose(h); /* ld.so's own blocks for it go (their sizes hold its path) */
}

int main(void)
{
    if (cross() != 0)
        return 1;
    puts("crossed");
    fflush(stdout);
    scrub_stack();
    return 0;
}
