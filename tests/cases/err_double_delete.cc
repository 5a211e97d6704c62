// err_double_delete: deleting an object twice is an invalid free, reported at the
// second delete with the first delete's stack and the allocation's (operator new).
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT stdout: survived
// EXPECT errors: 1 from 1
// EXPECT seq: ^Invalid free\(\) / delete / delete\[\] / realloc\(\)$
// EXPECT next: ^   at 0x[0-9A-F]+: operator delete\(void\*, unsigned long\) \(
// EXPECT next: ^   by 0x[0-9A-F]+: destroy\(Node\*\) \(err_double_delete.cc:37\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_double_delete.cc:44\)$
// EXPECT next: ^ Address 0x[0-9a-f]+ is 0 bytes inside a block of size 16 free'd$
// EXPECT next: ^   at 0x[0-9A-F]+: operator delete\(void\*, unsigned long\) \(
// EXPECT next: ^   by 0x[0-9A-F]+: destroy\(Node\*\) \(err_double_delete.cc:37\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_double_delete.cc:43\)$
// EXPECT next: ^ Block was alloc'd at$
// EXPECT next: ^   at 0x[0-9A-F]+: operator new\(unsigned long\) \(
// EXPECT next: ^   by 0x[0-9A-F]+: make\(\) \(err_double_delete.cc:32\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(err_double_delete.cc:42\)$
#include <cstdio>
#include "case.h"

struct Node {
    long key;
    Node *next;
};

static NOINLINE Node *make()
{
    return new Node{1, nullptr};
}

static NOINLINE void destroy(Node *n)
{
    delete n;
}

int main()
{
    Node *n = make();
    destroy(n);
    destroy(n);
    for (int i = 0; i < 100; i++)
        delete new Node{i, nullptr};
    std::puts("survived");
    return 0;
}
