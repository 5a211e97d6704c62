// dl_root: a block referenced only from a global of a still-loaded dlopen()ed library
// is still reachable (the library's data segment is a root). ld.so's own blocks for
// the open library (link_map, name, origin buffer, version table) are also still
// reachable; their sizes include the name passed to dlopen, so the case dlopens
// "./libcase_dlhelper.so" from the library's directory, which keeps them independent
// of the build path (as long as that directory's path is under 128 characters).
// RUN-OPTS: --show-leak-kinds=all
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 1,570 bytes in 5 blocks
// EXPECT exit: 0
// EXPECT line: ^80 bytes in 1 blocks are still reachable in loss record 3 of 5$
// EXPECT line: ^   by 0x[0-9A-F]+: dlhelper_keep \(dlhelper.c:14\)$
#include <dlfcn.h>
#include <stdlib.h>
#include <unistd.h>
#include "case.h"

static NOINLINE int load_and_keep(void)
{
    void (*keep)(size_t);
    void *h;

    if (chdir(CASE_DLHELPER_DIR) != 0)
        return 1;
    h = dlopen("./" CASE_DLHELPER_NAME, RTLD_NOW);
    if (!h)
        return 1;
    *(void **)&keep = dlsym(h, "dlhelper_keep");
    if (!keep)
        return 1;
    keep(80);
    return 0;  /* the library stays loaded */
}

int main(void)
{
    if (load_and_keep() != 0)
        return 1;
    scrub_stack();
    return 0;
}
