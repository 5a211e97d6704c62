// tt_export_errors: one lifetime error of every kind, so that the JSON,
// SARIF and XML writers show each (run_export.py; run with
// --check-dangling=yes for the dangling pointer):
//   invalid free      a pointer into the middle of a live block
//   invalid free      a pointer 8 bytes before a live block (delete[]'s cookie)
//   mismatched free   new, then free
//   write after free  a freed block written to (found at exit)
//   dangling pointer  a global still holding a freed block's start at exit
//   refcount high     a registered count of 3 with one reference
//   refcount low      a registered count of 1 with two references
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <tether.h>
#include "case.h"

struct obj {
    void *other;
    uint64_t refs;
    char pad[16];
};

static void *g_dangling;       // the start of a freed block
static obj *g_high;            // one reference; its count says 3
static obj *g_low, *g_low2;    // two references; its count says 1

static NOINLINE void bad_free_interior(void)
{
    char *p = static_cast<char *>(std::malloc(32));  // LINE:interior_alloc
    std::free(p + 8);                                // LINE:invalid_free
    std::free(p);
}

static NOINLINE void bad_free_before(void)
{
    char *p = static_cast<char *>(std::malloc(40));  // LINE:before_alloc
    std::free(p - 8);                                // LINE:before_free
    std::free(p);
}

static NOINLINE void bad_mismatch(void)
{
    int *p = new int(7);                             // LINE:mismatch_alloc
    std::free(p);                                    // LINE:mismatched_free
}

static NOINLINE void release(void *p)
{
    std::free(p);                                    // LINE:release
}

static NOINLINE void bad_write_after_free(void)
{
    char *p = static_cast<char *>(std::malloc(48));
    release(p);
    *reinterpret_cast<volatile uint32_t *>(p + 16) = 0x22222222;
}

static NOINLINE void bad_dangling(void)
{
    void *p = std::malloc(16);
    g_dangling = p;
    release(p);
}

static NOINLINE obj *make_obj(uint64_t refs)
{
    obj *o = static_cast<obj *>(std::calloc(1, sizeof(obj)));  // LINE:refcount
    o->refs = refs;
    tether_refcounted(o, &o->refs, sizeof o->refs);
    return o;
}

int main()
{
    std::puts("started");
    std::fflush(stdout);
    bad_free_interior();
    bad_free_before();
    bad_mismatch();
    bad_write_after_free();
    bad_dangling();
    g_high = make_obj(3);
    g_low = make_obj(1);
    g_low2 = g_low;
    scrub_stack();
    return 0;
}
