// alloc_libc_synonyms: glibc's other names for its allocator, which a
// program may call directly (__libc_malloc, __libc_free, __libc_calloc,
// __libc_realloc, __libc_memalign), mix freely with malloc and free: every
// block is tracked, none is freed wrongly, one is leaked on purpose.
// EXPECT definitely: 48 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT stdout: mixed: ok
// EXPECT errors: 1 from 1
// EXPECT line: ^48 bytes in 1 blocks are definitely lost in loss record 1 of 1$
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "case.h"

extern void *__libc_malloc(size_t);
extern void __libc_free(void *);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static NOINLINE void leak(void)
{
    void *volatile p = __libc_malloc(48);
    (void)p;
}

int main(void)
{
    char *a = malloc(40);
    strcpy(a, "from malloc");
    __libc_free(a);
    char *b = __libc_malloc(30);
    strcpy(b, "from __libc_malloc");
    b = __libc_realloc(b, 3000);
    int ok = b && strcmp(b, "from __libc_malloc") == 0;
    free(b);
    int *c = __libc_calloc(4, sizeof *c);
    ok = ok && c && c[3] == 0;
    c = realloc(c, 64);
    __libc_free(c);
    void *d = __libc_memalign(64, 100);
    ok = ok && d && ((size_t)d & 63) == 0;
    free(d);
    leak();
    printf("mixed: %s\n", ok ? "ok" : "bad");
    scrub_stack();
    return 0;
}
