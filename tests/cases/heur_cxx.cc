// heur_cxx: Valgrind's leak-check heuristics (on by default): interior
// pointers C++ keeps on purpose make their blocks still reachable, not
// possibly lost, and the LEAK SUMMARY says through which heuristic:
// new[] of objects with a destructor (the element count comes first), a
// pointer to a secondary base class (its own vtable pointer), a block whose
// first 8 bytes are the length of the rest.
// RUN-OPTS: --show-leak-kinds=all
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 196 bytes in 3 blocks
// EXPECT seq: ^   still reachable: 196 bytes in 3 blocks$
// EXPECT next: ^                      of which reachable via heuristic:$
// EXPECT next: ^                        length64           : 108 bytes in 1 blocks$
// EXPECT next: ^                        newarray           : 48 bytes in 1 blocks$
// EXPECT next: ^                        multipleinheritance: 40 bytes in 1 blocks$
// EXPECT next: ^        suppressed: 0 bytes in 0 blocks$
#include <cstdint>
#include <cstdlib>
#include "case.h"

struct D {
    int x;
    ~D() { x = 0; }
};
struct A {
    virtual ~A() {}
    long a;
};
struct B {
    virtual ~B() {}
    long b;
};
struct C : A, B {
    long c;
};

static D *array;
static B *second_base;
static char *counted;

static NOINLINE void make()
{
    array = new D[10];
    second_base = new C;
    uint64_t *l = static_cast<uint64_t *>(malloc(8 + 100));
    l[0] = 100;
    counted = reinterpret_cast<char *>(l + 1);
}

int main()
{
    make();
    scrub_stack();
    return 0;
}
