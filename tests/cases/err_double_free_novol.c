// err_double_free_novol: with --freelist-vol=0 (no quarantine) tether forgets a
// block when it is freed, so a double free can only be reported as an invalid free
// of an unknown address: "not stack'd, malloc'd or (recently) free'd", without the
// free and allocation stacks. (Had the memory been handed out again in between, the
// second free would have released the new block unnoticed: keep the quarantine on.)
// RUN-OPTS: --freelist-vol=0
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT errors: 1 from 1
// EXPECT seq: ^Invalid free\(\) / delete / delete\[\] / realloc\(\)$
// EXPECT next: ^   at 0x[0-9A-F]+: free \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_double_free_novol.c:27\)$
// EXPECT[tether] next: ^ Address 0x[0-9a-f]+ is not stack'd, malloc'd or \(recently\) free'd$
// EXPECT[tether] no-line: Block was alloc'd
// Valgrind still knows the block with --freelist-vol=0 (it keeps the last freed one).
// EXPECT[valgrind] next: ^ Address 0x[0-9a-f]+ is 0 bytes inside a block of size 24 free'd$
#include <stdlib.h>
#include "case.h"

int main(void)
{
    void *p = malloc(24);
    free(p);
    free(p);
    return 0;
}
