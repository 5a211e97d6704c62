// dl_unloaded: a block allocated inside a dlopen()ed library and leaked after the
// library was dlclose()d is definitely lost, and its stack is still symbolized to the
// library's function and file:line (Valgrind needs --keep-debuginfo=yes for this).
// RUN-OPTS: --show-leak-kinds=all
// RUN-OPTS[valgrind]: --keep-debuginfo=yes
// EXPECT definitely: 72 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT line: ^72 bytes in 1 blocks are definitely lost in loss record 1 of 1$
// EXPECT line: ^   by 0x[0-9A-F]+: dlhelper_make \(dlhelper.c:9\)$
// EXPECT line: ^   by 0x[0-9A-F]+: load_make_unload \(dl_unloaded.c:28\)$
#include <dlfcn.h>
#include <stdlib.h>
#include "case.h"

static NOINLINE int load_make_unload(void)
{
    void *h = dlopen(CASE_DLHELPER, RTLD_NOW);
    void *(*make)(size_t);

    if (!h)
        return 1;
    *(void **)&make = dlsym(h, "dlhelper_make");
    if (!make)
        return 1;
    make(72);
    return dlclose(h);
}

int main(void)
{
    if (load_make_unload() != 0)
        return 1;
    scrub_stack();
    return 0;
}
