/* sig_in_allocator (run by fatal_signals.sh, not a case of its own): the
 * program writes over the real allocator's size word just below tether's
 * 32-byte header, so that glibc's free, called by tether, aborts. The
 * fatal signal comes inside the allocator, whose locks may be held: tether
 * says so and runs no leak check. Only meaningful under tether with
 * --freelist-vol=0 (the free reaches glibc at once). */
#include <stdlib.h>
#include <string.h>
#include "case.h"

int main(void)
{
    no_core_dump();
    char *p = malloc(64);
    memset(p - 40, 0xff, 8);
    free(p);
    return 0;
}
