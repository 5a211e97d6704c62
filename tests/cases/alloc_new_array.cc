// alloc_new_array: an array from operator new[] that is never deleted is definitely
// lost, and the first frame names operator new[](unsigned long).
// RUN-OPTS: --show-leak-kinds=all
// EXPECT definitely: 100 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT line: ^100 bytes in 1 blocks are definitely lost in loss record 1 of 1$
// EXPECT line: ^   at 0x[0-9A-F]+: operator new\[\]\(unsigned long\) \(
// EXPECT line: ^   by 0x[0-9A-F]+: leak_new_array\(\) \(alloc_new_array.cc:16\)$
#include "case.h"

static NOINLINE char *leak_new_array()
{
    return new char[100];
}

int main()
{
    leak_new_array();
    scrub_stack();
    return 0;
}
