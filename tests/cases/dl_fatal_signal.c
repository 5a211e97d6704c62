// dl_fatal_signal: a program that dlopened a library dies of SIGTERM.
// glibc keeps a table of the loaded objects' mappings (_dl_find_object),
// held by an interior pointer; __libc_freeres frees it at exit, but a
// process that a fatal signal ends gets no freeres, and the table read as
// 2,304 bytes possibly lost (an error with the default
// --errors-for-leak-kinds). Valgrind reports it so; tether's default
// suppressions cover it, as the runtime's own one-time state.
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: any
// EXPECT exit: -15
// EXPECT errors: 0 from 0
// EXPECT seq: ^Process terminating with default action of signal 15 \(SIGTERM\)$
// TOOLS: tether
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>

int main(void)
{
    void *h = dlopen(CASE_DLHELPER, RTLD_NOW);
    printf("%s\n", h ? "opened" : dlerror());
    fflush(stdout);
    raise(SIGTERM);
    return 0;
}
