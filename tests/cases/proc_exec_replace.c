// proc_exec_replace: a process that execs without forking prints one report, for the
// new image only (the old image's leak dies with it); its exit status passes through.
// RUN-OPTS: --show-leak-kinds=all
// EXPECT reports: 1
// EXPECT definitely: 24 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 7
// EXPECT line: ^24 bytes in 1 blocks are definitely lost in loss record 1 of 1$
// EXPECT no-line: ^40 bytes
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "case.h"

static NOINLINE void *make_block(size_t n)
{
    return malloc(n);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "again") == 0) {
        make_block(24);
        scrub_stack();
        return 7;
    }
    make_block(40);
    execl(argv[0], argv[0], "again", (char *)NULL);
    return 1;
}
