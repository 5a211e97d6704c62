// err_freed_protected: a program frees a block and then protects a page of it
// (mprotect PROT_NONE on memory it no longer owns). tether still holds the block in its
// quarantine, and at exit reads every quarantined block for writes after free: that
// read faulted, and the program died of SIGSEGV with no report. tether now passes over
// the block it cannot read and verifies the rest: the write into the other freed block
// is still reported.
// TOOLS: tether
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT errors: 1 from 1
// EXPECT stdout: protected
// EXPECT seq: ^Write after free\(\) / delete / delete\[\]$
// EXPECT next: ^ Bytes 8\.\.11 of a block of size 64 free'd were modified$
// EXPECT next: ^   at 0x[0-9A-F]+: free \(
// EXPECT next: ^   by 0x[0-9A-F]+: release \(err_freed_protected.c:29\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_freed_protected.c:49\)$
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "case.h"

static NOINLINE void release(void *p)
{
    free(p);
}

static NOINLINE void scribble(char *p)
{
    *(volatile uint32_t *)(p + 8) = 0x11111111;
}

int main(void)
{
    char *page = (char *)aligned_alloc(4096, 8192);
    if (!page)
        return 1;
    memset(page, 0, 8192);
    release(page);
    if (mprotect(page, 4096, PROT_NONE) != 0) {
        perror("mprotect");
        return 1;
    }
    char *p = malloc(64);
    release(p);
    scribble(p);
    printf("protected\n");
    return 0;
}
