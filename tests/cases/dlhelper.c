/* dlhelper: the shared library the dl_* cases dlopen (by the absolute path compiled
 * into them as CASE_DLHELPER). */
#include <stdlib.h>

void *dlhelper_root;  /* a root in the library's data segment */

__attribute__((noinline)) void *dlhelper_make(size_t n)
{
    return malloc(n);
}

__attribute__((noinline)) void dlhelper_keep(size_t n)
{
    dlhelper_root = malloc(n);
}

__attribute__((noinline)) void dlhelper_free(void *p)
{
    free(p);
}
