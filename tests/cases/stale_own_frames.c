// stale_own_frames: tether must not leave copies of a new block's address in
// its own dead stack frames. Built with -O2: leaker() tail-calls malloc, so
// the frames of tether's malloc lie right where the exit path's frames go
// later, and a slot they leave uninitialised would hold the address: the leak
// would read "still reachable" (it did, until tether scrubbed below its
// frames). Valgrind's allocator runs on its own stack and says definitely
// lost.
// RUN-OPTS: --show-leak-kinds=all
// EXPECT definitely: 11 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT line: ^11 bytes in 1 blocks are definitely lost in loss record 1 of 1$
#include <stdlib.h>

static inline __attribute__((always_inline)) void *inner(int n) { return malloc(n); }
static inline __attribute__((always_inline)) void *outer(int n) { return inner(n + 1); }

__attribute__((noinline)) void *leaker(int n) { return outer(n); }

int main(void)
{
    leaker(10);
    return 0;
}
