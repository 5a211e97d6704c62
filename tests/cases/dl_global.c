// dl_global: dlopen with RTLD_GLOBAL adds the library to the global scope,
// whose list ld.so grows with malloc (add_to_global_resize). The only
// pointer to that block is in the main program's link_map, which ld.so's
// allocator before malloc (__minimal_malloc) put in the rest of the last
// page of ld.so's own data segment, past its p_memsz. tether scanned a
// module's segments to p_memsz only and called the block definitely lost;
// Valgrind, which scans whole pages, calls it still reachable. As dl_root,
// the case dlopens "./libcase_dlhelper.so" from the library's directory, so
// the sizes of ld.so's blocks do not depend on the build path. The global
// scope's list is 40 bytes longer under tether: it lists the libraries
// libtether.so needs, where Valgrind has its two preloads.
// RUN-OPTS: --show-leak-kinds=all
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT[tether] reachable: 1,642 bytes in 5 blocks
// EXPECT[valgrind] reachable: 1,602 bytes in 5 blocks
// EXPECT exit: 0
// EXPECT line: ^\d+ bytes in 1 blocks are still reachable in loss record \d of 5$
// EXPECT line: ^   by 0x[0-9A-F]+: add_to_global_resize \(dl-open\.c:\d+\)$
#include <dlfcn.h>
#include <stdlib.h>
#include <unistd.h>
#include "case.h"

static NOINLINE int load_global(void)
{
    if (chdir(CASE_DLHELPER_DIR) != 0)
        return 1;
    void *h = dlopen("./" CASE_DLHELPER_NAME, RTLD_NOW | RTLD_GLOBAL);
    return h ? 0 : 1; /* the library stays loaded */
}

int main(void)
{
    if (load_global() != 0)
        return 1;
    scrub_stack();
    return 0;
}
