// heur_none: with --leak-check-heuristics=none the same interior pointers
// leave their blocks possibly lost, as Valgrind does.
// RUN-OPTS: --leak-check-heuristics=none
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 88 bytes in 2 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT no-line: of which reachable via heuristic
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

static NOINLINE void make()
{
    array = new D[10];
    second_base = new C;
}

int main()
{
    make();
    scrub_stack();
    return 0;
}
