// err_mismatch_sized: the sized deallocation functions, called directly, are checked
// like the others: operator delete(void*, size_t) on a new[] block and
// operator delete[](void*, size_t) on a new block are two mismatched frees; frame 0
// names the exact release function.
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT errors: 2 from 2
// EXPECT seq: ^Mismatched free\(\) / delete / delete \[\]$
// EXPECT next: ^   at 0x[0-9A-F]+: operator delete\(void\*, unsigned long\) \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_mismatch_sized.cc:29\)$
// EXPECT next: ^ Address 0x[0-9a-f]+ is 0 bytes inside a block of size 32 alloc'd$
// EXPECT next: ^   at 0x[0-9A-F]+: operator new\[\]\(unsigned long\) \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_mismatch_sized.cc:28\)$
// EXPECT seq: ^Mismatched free\(\) / delete / delete \[\]$
// EXPECT next: ^   at 0x[0-9A-F]+: operator delete\[\]\(void\*, unsigned long\) \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_mismatch_sized.cc:31\)$
// EXPECT next: ^ Address 0x[0-9a-f]+ is 0 bytes inside a block of size 8 alloc'd$
// EXPECT next: ^   at 0x[0-9A-F]+: operator new\(unsigned long\) \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_mismatch_sized.cc:30\)$
#include <new>
#include "case.h"

int main()
{
    long *a = new long[4];
    ::operator delete(a, 4 * sizeof(long));
    long *b = new long(3);
    ::operator delete[](b, sizeof(long));
    return 0;
}
