// err_mismatch_nothrow: blocks from the nothrow forms of new are checked like the
// others: new (std::nothrow) T[] released with delete, new (std::nothrow) T with
// delete[], and an over-aligned new (std::nothrow) T with free are mismatched frees;
// frame 0 of the allocation names the nothrow function.
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT errors: 3 from 3
// EXPECT seq: ^Mismatched free\(\) / delete / delete \[\]$
// EXPECT next: ^   at 0x[0-9A-F]+: operator delete\(void\*, unsigned long\) \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_mismatch_nothrow.cc:40\)$
// EXPECT next: ^ Address 0x[0-9a-f]+ is 0 bytes inside a block of size 8 alloc'd$
// EXPECT next: ^   at 0x[0-9A-F]+: operator new\[\]\(unsigned long, std::nothrow_t const&\) \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_mismatch_nothrow.cc:39\)$
// EXPECT seq: ^Mismatched free\(\) / delete / delete \[\]$
// EXPECT next: ^   at 0x[0-9A-F]+: operator delete\[\]\(void\*\) \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_mismatch_nothrow.cc:42\)$
// EXPECT next: ^ Address 0x[0-9a-f]+ is 0 bytes inside a block of size 4 alloc'd$
// EXPECT next: ^   at 0x[0-9A-F]+: operator new\(unsigned long, std::nothrow_t const&\) \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_mismatch_nothrow.cc:41\)$
// EXPECT seq: ^Mismatched free\(\) / delete / delete \[\]$
// EXPECT next: ^   at 0x[0-9A-F]+: free \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_mismatch_nothrow.cc:44\)$
// EXPECT next: ^ Address 0x[0-9a-f]+ is 0 bytes inside a block of size 64 alloc'd$
// EXPECT next: ^   at 0x[0-9A-F]+: operator new\(unsigned long, std::align_val_t, std::nothrow_t const&\) \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_mismatch_nothrow.cc:43\)$
#include <cstdlib>
#include <new>
#include "case.h"

struct alignas(64) Line {
    char bytes[64];
};

int main()
{
    int *a = new (std::nothrow) int[2];
    delete a;
    int *b = new (std::nothrow) int(1);
    delete[] b;
    Line *c = new (std::nothrow) Line;
    std::free(c);
    return 0;
}
