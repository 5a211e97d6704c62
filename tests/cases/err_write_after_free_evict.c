// err_write_after_free_evict: with a small quarantine (--freelist-vol=1000) a freed
// block written to is checked when later frees push it out, i.e. before the program
// ends: the report comes before the invalid free made after that churn (a marker).
// Only the first 64 bytes of a block are filled and checked: a write to bytes 60..69
// of a 100-byte block is reported as bytes 60..63.
// The block is freed, then 16 other small blocks are freed before the bad write, so
// that the free is surely complete (tether fills freed blocks a batch at a time).
// TOOLS: tether
// RUN-OPTS: --freelist-vol=1000
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT errors: 2 from 2
// EXPECT seq: ^Write after free\(\) / delete / delete\[\]$
// EXPECT next: ^ Bytes 60\.\.63 of a block of size 100 free'd were modified$
// EXPECT next: ^   at 0x[0-9A-F]+: free \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_write_after_free_evict.c:46\)$
// EXPECT next: ^ Block was alloc'd at$
// EXPECT next: ^   at 0x[0-9A-F]+: malloc \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_write_after_free_evict.c:45\)$
// EXPECT seq: ^Invalid free\(\) / delete / delete\[\] / realloc\(\)$
// EXPECT next: ^   at 0x[0-9A-F]+: free \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_write_after_free_evict.c:51\)$
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "case.h"

static NOINLINE void scribble(char *p)
{
    memset(p + 60, 0x22, 10);
}

static NOINLINE void churn(int n, size_t size)
{
    for (int i = 0; i < n; i++)
        free(malloc(size));
}

int main(void)
{
    volatile uintptr_t wild = 0x1000;
    char *p = malloc(100);
    free(p);
    churn(16, 16);  /* 256 bytes: p stays in the quarantine */
    scribble(p);
    p = NULL;
    churn(40, 100); /* 4,000 bytes: p leaves the quarantine, its check fails */
    free((void *)wild); /* marker */
    return 0;
}
