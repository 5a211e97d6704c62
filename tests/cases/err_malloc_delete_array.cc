// err_malloc_delete_array: delete[] of a malloc'd array of a class with a
// destructor. The compiled delete[] reads the element count from the word
// before the block (where new[] keeps it) and runs that many destructors,
// then releases the address of that word. tether keeps the owner there, 0
// without one, as Valgrind's redzone reads 0: no destructor runs and the
// release is an invalid free 8 bytes before the block, as under Valgrind
// (natively glibc's size word is read as the count, and glibc aborts).
// Under tether the count was the header's check word, and the destructors
// ran for ever. The block stays allocated, reachable from a global.
// TOOLS: tether valgrind
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 40 bytes in 1 blocks
// EXPECT exit: 0
// EXPECT stdout: destructors run: 0
// EXPECT[tether] errors: 1 from 1
// EXPECT seq: ^Invalid free\(\) / delete / delete\[\] / realloc\(\)$
// EXPECT next: ^   at 0x[0-9A-F]+: operator delete\[\]\(void\*, unsigned long\) \(
// EXPECT next: ^   by 0x[0-9A-F]+: drop\(Item\*\) \(err_malloc_delete_array.cc:41\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_malloc_delete_array.cc:47\)$
// EXPECT next: ^ Address 0x[0-9a-f]+ is 8 bytes before a block of size 40 alloc'd$
// EXPECT next: ^   at 0x[0-9A-F]+: malloc \(
// EXPECT next: ^   by 0x[0-9A-F]+: make\(\) \(err_malloc_delete_array.cc:36\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_malloc_delete_array.cc:46\)$
#include <cstdio>
#include <cstdlib>
#include "case.h"

static long destructors;
struct Item { int v; ~Item() { destructors++; } };
static Item *volatile keep;

static NOINLINE Item *make()
{
    return static_cast<Item *>(std::malloc(10 * sizeof(Item)));
}

static NOINLINE void drop(Item *p)
{
    delete[] p;
}

int main()
{
    keep = make();
    drop(keep);
    std::printf("destructors run: %ld\n", destructors);
    return 0;
}
