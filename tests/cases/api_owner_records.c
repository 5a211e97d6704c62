// api_owner_records: every loss record says its owner once the program names
// owners (a scope's owner, one set with tether_set_owner, or none), blocks of
// different owners never share a record, and the LEAKS BY OWNER table follows
// the LEAK SUMMARY, largest owner first.
// TOOLS: tether
// RUN-OPTS: --show-leak-kinds=all
// EXPECT definitely: 224 bytes in 4 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 40 bytes in 1 blocks
// EXPECT seq: ^40 bytes in 1 blocks are still reachable in loss record 1 of 4$
// EXPECT next: ^   at 0x[0-9A-F]+: malloc \(
// EXPECT next: ^   by 0x[0-9A-F]+: make \(api_owner_records.c:40\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(api_owner_records.c:53\)$
// EXPECT next: ^ Owner: "cache"$
// EXPECT seq: ^48 bytes in 1 blocks are definitely lost in loss record 2 of 4$
// EXPECT seq: ^ Owner: none$
// EXPECT seq: ^64 bytes in 2 blocks are definitely lost in loss record 3 of 4$
// EXPECT next: ^   at 0x[0-9A-F]+: malloc \(
// EXPECT next: ^   by 0x[0-9A-F]+: make \(api_owner_records.c:40\)$
// EXPECT next: ^   by 0x[0-9A-F]+: parse \(api_owner_records.c:46\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(api_owner_records.c:51\)$
// EXPECT next: ^ Owner: "parser"$
// EXPECT seq: ^112 bytes in 1 blocks are definitely lost in loss record 4 of 4$
// EXPECT seq: ^ Owner: "lexer"$
// EXPECT seq: ^LEAKS BY OWNER \(bytes in blocks, largest first\):$
// EXPECT next: ^   owner      definitely lost  indirectly lost  possibly lost  still reachable  suppressed$
// EXPECT next: ^   "lexer"           112 in 1           0 in 0         0 in 0           0 in 0      0 in 0$
// EXPECT next: ^   "parser"           64 in 2           0 in 0         0 in 0           0 in 0      0 in 0$
// EXPECT next: ^   \(unowned\)          48 in 1           0 in 0         0 in 0           0 in 0      0 in 0$
// EXPECT next: ^   "cache"             0 in 0           0 in 0         0 in 0          40 in 1      0 in 0$
#include <stdlib.h>
#include <tether.h>
#include "case.h"

static void *cache_entry;

static NOINLINE void *make(size_t n)
{
    return malloc(n);
}

static NOINLINE void parse(void)
{
    for (int i = 0; i < 2; i++)
        make(32); /* both lost, one record: same stack, same owner */
}

int main(void)
{
    TETHER_SCOPE("parser") parse();
    TETHER_SCOPE("parser") { TETHER_SCOPE("lexer") make(112); }
    cache_entry = make(40);
    tether_set_owner(cache_entry, "cache");
    make(48);
    scrub_stack();
    return 0;
}
