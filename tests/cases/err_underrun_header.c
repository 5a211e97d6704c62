// err_underrun_header: a program that writes just below a block writes over
// tether's record of it (32 bytes before each malloc'd block): the block is
// no longer recognised, its free is an invalid free, it is not freed, and
// the exit check leaves it out, saying so. The program runs on. The report
// says the header was written over (not "not stack'd, malloc'd or free'd").
// EXPECT line: ^Warning: 1 block tether recorded could not be found at exit: the 32 bytes before each, where tether keeps its record, were written over \(an underrun of the block, or an overrun of the one before it\) or made unreadable; it is left out of this report$
// (docs/usage.md, "What tether changes in the program's heap")
// TOOLS: tether
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT stdout: survived
// EXPECT errors: 1 from 1
// EXPECT seq: ^Invalid free\(\) / delete / delete\[\] / realloc\(\)$
// EXPECT next: ^   at 0x[0-9A-F]+: free \(
// EXPECT next: ^   by 0x[0-9A-F]+: release \(err_underrun_header.c:28\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_underrun_header.c:39\)$
// EXPECT next: ^ Address 0x[0-9a-f]+ is the start of a block whose header was written over \(the 32 bytes before it, where tether keeps the block's record\): an underrun of this block, or an overrun of the one before it; tether no longer knows the block and leaves it allocated$
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "case.h"

static NOINLINE void release(void *p)
{
    free(p);
}

int main(void)
{
    char *volatile p = malloc(40);
    memset(p, 'a', 40);
    /* one byte before the block, changed for sure (the top byte of the
     * header's owner word, 0 there: a constant other than 0 would do, as
     * long as the header stays where it is; the xor does wherever it is) */
    p[-1] = (char)(p[-1] ^ 0x5a);
    release(p);
    puts("survived");
    p = NULL;
    scrub_stack();
    return 0;
}
