// inline_frames: functions inlined at an allocation's call site appear as
// frames of their own, each at the line where it was called, as Valgrind
// shows them. Built with -O2 so that inner() and outer() are inlined.
// EXPECT definitely: 11 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT stdout: 3
// EXPECT seq: ^11 bytes in 1 blocks are definitely lost in loss record 1 of 1$
// EXPECT next: ^   at 0x[0-9A-F]+: malloc \(
// EXPECT next: ^   by 0x([0-9A-F]+): inner \(inline_frames.c:22\)$
// EXPECT next: ^   by 0x[0-9A-F]+: outer \(inline_frames.c:30\)$
// EXPECT next: ^   by 0x[0-9A-F]+: leaker \(inline_frames.c:38\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(inline_frames.c:44\)$
#include <stdio.h>
#include <stdlib.h>
#include "case.h"

static inline __attribute__((always_inline)) char *inner(int n)
{
    char *p = malloc(n);
    if (p) /* a possible NULL keeps gcc from eliding the allocation */
        p[0] = 1;
    return p;
}

static inline __attribute__((always_inline)) char *outer(int n)
{
    char *p = inner(n + 1);
    if (p)
        p[1] = 2;
    return p;
}

__attribute__((noinline)) int leaker(int n)
{
    char *p = outer(n);
    return p[0] + p[1];
}

int main(void)
{
    int r = leaker(10);
    scrub_stack();
    printf("%d\n", r);
    return 0;
}
