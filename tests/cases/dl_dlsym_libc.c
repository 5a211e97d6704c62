// dl_dlsym_libc: dlsym on a handle of libc.so.6 (Python's
// ctypes.CDLL("libc.so.6").free, a plugin loader's explicit lookups) returned
// glibc's malloc and free themselves: their blocks were never seen (Valgrind's
// 25 lost blocks in a ctypes script read as none) and a block crossing between
// them and the program crashed glibc. tether answers such a lookup with its
// own function when glibc's answer is the one tether stands in front of.
// RTLD_NEXT still resolves from its real caller (tether's dlsym is a jump, not
// a call): from the main program the next malloc is the one the program's own
// calls reach, with tether or without.
// EXPECT definitely: 64 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT stdout: next ok, crossed
// EXPECT line: ^64 bytes in 1 blocks are definitely lost in loss record 1 of 1$
// EXPECT line: by 0x[0-9A-F]+: lose \(dl_dlsym_libc\.c:\d+\)
// EXPECT no-line: Invalid free
// EXPECT no-line: Process terminating
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include "case.h"

typedef void *(*malloc_fn)(size_t);
typedef void (*free_fn)(void *);

static malloc_fn libc_malloc;
static free_fn libc_free;

static NOINLINE void lose(void)
{
    volatile char *p = libc_malloc(64);
    (void)p;
}

int main(void)
{
    void *next = dlsym(RTLD_NEXT, "malloc");
    malloc_fn ours = malloc;
    printf("next %s, ", next == *(void **)&ours ? "ok" : "WRONG");

    void *h = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
    if (!h)
        return 1;
    *(void **)&libc_malloc = dlsym(h, "malloc");
    *(void **)&libc_free = dlsym(h, "free");
    if (!libc_malloc || !libc_free)
        return 1;
    free(libc_malloc(100));     /* glibc's handle's block, freed by the program */
    libc_free(malloc(200));     /* the program's block, freed through the handle */
    libc_free(libc_malloc(300));
    lose();
    puts("crossed");
    fflush(stdout);
    scrub_stack();
    return 0;
}
