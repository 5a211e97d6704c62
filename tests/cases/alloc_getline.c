// alloc_getline: a block from getline() that is never freed is definitely lost,
// and the first frame names the allocation function.
// RUN-OPTS: --show-leak-kinds=all
// EXPECT definitely: 120 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT line: ^120 bytes in 1 blocks are definitely lost in loss record 1 of 1$
// EXPECT line: ^   at 0x[0-9A-F]+: malloc \(
// EXPECT line: ^   by 0x[0-9A-F]+: getdelim \(
// EXPECT line: ^   by 0x[0-9A-F]+: leak_getline \(alloc_getline.c:24\)$
#include <stdio.h>
#include "case.h"

static NOINLINE void *leak_getline(void)
{
    static char text[] = "first line\nsecond line\n";
    FILE *f = fmemopen(text, sizeof text - 1, "r");
    char *line = NULL;
    size_t cap = 0;
    if (!f)
        return NULL;
    if (getline(&line, &cap, f) < 0)
        line = NULL;
    fclose(f);
    return line;
}

int main(void)
{
    leak_getline();
    scrub_stack();
    return 0;
}
