// dl_root_unloaded: once the dlopen()ed library holding the only reference is
// dlclose()d, its data segment is gone and the block is definitely lost.
// RUN-OPTS: --show-leak-kinds=all
// RUN-OPTS[valgrind]: --keep-debuginfo=yes
// EXPECT definitely: 80 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT line: ^80 bytes in 1 blocks are definitely lost in loss record 1 of 1$
// EXPECT line: ^   by 0x[0-9A-F]+: dlhelper_keep \(dlhelper.c:14\)$
#include <dlfcn.h>
#include <stdlib.h>
#include "case.h"

static NOINLINE int load_keep_unload(void)
{
    void *h = dlopen(CASE_DLHELPER, RTLD_NOW);
    void (*keep)(size_t);

    if (!h)
        return 1;
    *(void **)&keep = dlsym(h, "dlhelper_keep");
    if (!keep)
        return 1;
    keep(80);
    return dlclose(h);
}

int main(void)
{
    if (load_keep_unload() != 0)
        return 1;
    scrub_stack();
    return 0;
}
