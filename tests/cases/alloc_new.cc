// alloc_new: an object from operator new that is never deleted is definitely lost,
// and the first frame names operator new(unsigned long).
// RUN-OPTS: --show-leak-kinds=all
// EXPECT definitely: 32 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT line: ^32 bytes in 1 blocks are definitely lost in loss record 1 of 1$
// EXPECT line: ^   at 0x[0-9A-F]+: operator new\(unsigned long\) \(
// EXPECT line: ^   by 0x[0-9A-F]+: leak_new\(\) \(alloc_new.cc:20\)$
#include "case.h"

struct Quad {
    long v[4];
};

static NOINLINE Quad *leak_new()
{
    return new Quad();
}

int main()
{
    leak_new();
    scrub_stack();
    return 0;
}
