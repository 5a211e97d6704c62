// tt_supp_mismatch: an object from new released with free (a mismatched
// free), for the Memcheck:Free suppression tests (run_supp.py). No leak.
#include <cstdio>
#include <cstdlib>
#include "case.h"

static NOINLINE int *make_int()
{
    return new int(5);
}

static NOINLINE void drop_int(int *p)
{
    std::free(p);
}

int main()
{
    std::puts("started");
    std::fflush(stdout);
    drop_int(make_int());
    return 0;
}
