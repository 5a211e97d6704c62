// err_contexts_four_frames: errors whose stacks share their first 4 frames are one
// context, as in Valgrind (which compares errors at its "medium resolution"): two
// double frees reached through route_a and route_b (the fifth frame differs) are 2
// errors in 1 context, shown once with the first one's stack; a third through
// other_stage (the fourth frame differs) is a context of its own. tether told
// contexts apart by the whole stack: "3 errors from 3 contexts" where Valgrind said
// "from 2" (troff's mismatched frees had 11 contexts against Valgrind's 9).
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT errors: 3 from 2
// EXPECT count: 2 ^Invalid free\(\) / delete / delete\[\] / realloc\(\)$
// EXPECT seq: ^Invalid free\(\) / delete / delete\[\] / realloc\(\)$
// EXPECT next: ^   at 0x[0-9A-F]+: free \(
// EXPECT next: ^   by 0x[0-9A-F]+: release \(err_contexts_four_frames.c:31\)$
// EXPECT next: ^   by 0x[0-9A-F]+: step \(err_contexts_four_frames.c:36\)$
// EXPECT next: ^   by 0x[0-9A-F]+: stage \(err_contexts_four_frames.c:41\)$
// EXPECT next: ^   by 0x[0-9A-F]+: route_a \(err_contexts_four_frames.c:51\)$
// EXPECT seq: ^Invalid free\(\) / delete / delete\[\] / realloc\(\)$
// EXPECT next: ^   at 0x[0-9A-F]+: free \(
// EXPECT next: ^   by 0x[0-9A-F]+: release \(err_contexts_four_frames.c:31\)$
// EXPECT next: ^   by 0x[0-9A-F]+: step \(err_contexts_four_frames.c:36\)$
// EXPECT next: ^   by 0x[0-9A-F]+: other_stage \(err_contexts_four_frames.c:46\)$
#include <stdlib.h>
#include "case.h"

static NOINLINE void release(void *p)
{
    free(p);
}

static NOINLINE void step(void *p)
{
    release(p);
}

static NOINLINE void stage(void *p)
{
    step(p);
}

static NOINLINE void other_stage(void *p)
{
    step(p);
}

static NOINLINE void route_a(void *p)
{
    stage(p);
}

static NOINLINE void route_b(void *p)
{
    stage(p);
}

int main(void)
{
    void *a = malloc(40), *b = malloc(40), *c = malloc(40);
    free(a);
    free(b);
    free(c);
    route_a(a);
    route_b(b);
    other_stage(c);
    return 0;
}
