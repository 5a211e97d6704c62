// err_mismatch_newarr_delete: an array from new[] released with delete (compiled as
// the sized scalar operator delete) is a mismatched free.
// The block is released all the same (as in Valgrind): no leak.
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT errors: 1 from 1
// EXPECT seq: ^Mismatched free\(\) / delete / delete \[\]$
// EXPECT next: ^   at 0x[0-9A-F]+: operator delete\(void\*, unsigned long\) \(
// EXPECT next: ^   by 0x[0-9A-F]+: drop\(int\*\) \(err_mismatch_newarr_delete.cc:28\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_mismatch_newarr_delete.cc:34\)$
// EXPECT next: ^ Address 0x[0-9a-f]+ is 0 bytes inside a block of size 16 alloc'd$
// EXPECT next: ^   at 0x[0-9A-F]+: operator new\[\]\(unsigned long\) \(
// EXPECT next: ^   by 0x[0-9A-F]+: make\(\) \(err_mismatch_newarr_delete.cc:23\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_mismatch_newarr_delete.cc:33\)$
#include <cstdlib>
#include "case.h"

static NOINLINE int *make()
{
    return new int[4];
}

static NOINLINE void drop(int *p)
{
    delete p;
}

int main()
{
    int *p = make();
    drop(p);
    return 0;
}
