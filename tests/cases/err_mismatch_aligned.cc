// err_mismatch_aligned: over-aligned types (alignas(64)) use the align_val_t forms
// of new and delete; mixing scalar and array forms, or freeing with free(), is a
// mismatched free like with the plain forms: three errors, each naming the exact
// allocation and release functions.
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT errors: 3 from 3
// EXPECT seq: ^Mismatched free\(\) / delete / delete \[\]$
// EXPECT next: ^   at 0x[0-9A-F]+: operator delete\(void\*, unsigned long, std::align_val_t\) \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_mismatch_aligned.cc:39\)$
// EXPECT next: ^ Address 0x[0-9a-f]+ is 0 bytes inside a block of size 128 alloc'd$
// EXPECT next: ^   at 0x[0-9A-F]+: operator new\[\]\(unsigned long, std::align_val_t\) \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_mismatch_aligned.cc:38\)$
// EXPECT seq: ^Mismatched free\(\) / delete / delete \[\]$
// EXPECT next: ^   at 0x[0-9A-F]+: operator delete\[\]\(void\*, std::align_val_t\) \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_mismatch_aligned.cc:41\)$
// EXPECT next: ^ Address 0x[0-9a-f]+ is 0 bytes inside a block of size 64 alloc'd$
// EXPECT next: ^   at 0x[0-9A-F]+: operator new\(unsigned long, std::align_val_t\) \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_mismatch_aligned.cc:40\)$
// EXPECT seq: ^Mismatched free\(\) / delete / delete \[\]$
// EXPECT next: ^   at 0x[0-9A-F]+: free \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_mismatch_aligned.cc:43\)$
// EXPECT next: ^ Address 0x[0-9a-f]+ is 0 bytes inside a block of size 64 alloc'd$
// EXPECT next: ^   at 0x[0-9A-F]+: operator new\(unsigned long, std::align_val_t\) \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_mismatch_aligned.cc:42\)$
#include <cstdlib>
#include "case.h"

struct alignas(64) Line {
    char bytes[64];
};

int main()
{
    Line *a = new Line[2];
    delete a;
    Line *b = new Line;
    delete[] b;
    Line *c = new Line;
    std::free(c);
    return 0;
}
