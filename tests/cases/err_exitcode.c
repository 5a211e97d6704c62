// err_exitcode: with --error-exitcode=9 one lifetime error (a double free) and no
// leak make the exit status 9, overriding the program's own status 0.
// RUN-OPTS: --error-exitcode=9
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 9
// EXPECT errors: 1 from 1
// EXPECT line: ^Invalid free\(\) / delete / delete\[\] / realloc\(\)$
// EXPECT line: All heap blocks were freed -- no leaks are possible
#include <stdlib.h>
#include "case.h"

int main(void)
{
    void *p = malloc(24);
    free(p);
    free(p);
    return 0;
}
