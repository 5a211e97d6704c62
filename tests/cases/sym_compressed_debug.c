// sym_compressed_debug: a program whose debug sections are compressed
// (built with -gz=zlib, as Debian's -dbg and -dbgsym files are) still gets
// file:line in its report, read from the uncompressed copy tether keeps in
// the debug information cache (here one in the case's directory).
// RUN-OPTS[tether]: --debuginfo-cache=debuginfo-cache
// EXPECT definitely: 40 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT line: ^40 bytes in 1 blocks are definitely lost in loss record 1 of 1$
// EXPECT line: ^   at 0x[0-9A-F]+: malloc \(
// EXPECT line: ^   by 0x[0-9A-F]+: leak_forty \(sym_compressed_debug.c:21\)$
// EXPECT line: ^   by 0x[0-9A-F]+: main \(sym_compressed_debug.c:28\)$
#include <stdlib.h>
#include "case.h"

static NOINLINE void *leak_forty(void)
{
    volatile char *p;
    p = malloc(40);
    p[0] = 1;
    return (void *)p;
}

int main(void)
{
    leak_forty();
    scrub_stack();
    return 0;
}
