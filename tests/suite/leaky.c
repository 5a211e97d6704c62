/* A test that leaks one block in a helper. */
#include <stdlib.h>
__attribute__((noinline)) static void *keep(void) { return malloc(40); }
__attribute__((noinline)) static void scrub(void)
{
    volatile char buf[8192];
    for (unsigned i = 0; i < sizeof buf; i++)
        buf[i] = 0;
}
int main(void)
{
    keep();
    scrub();
    return 0;
}
