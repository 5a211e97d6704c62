// err_dangling_exit_handler: a block freed by an atexit handler, with a global
// still pointing at it, is not a dangling pointer: the program is over once
// exit() runs its handlers (libraries such as OpenSSL leave such pointers
// behind in their clean-up). The same pointer left by main itself is.
// RUN-OPTS: --check-dangling=yes
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT errors: 1 from 1
// EXPECT line: ^Dangling pointer to free'd block$
// EXPECT line: ^ Address 0x[0-9a-f]+ is 0 bytes inside data symbol "freed_in_main"$
// EXPECT no-line: data symbol "freed_at_exit"
// TOOLS: tether
#include <stdlib.h>
#include "case.h"

char *freed_at_exit;
char *freed_in_main;

static void cleanup(void)
{
    free(freed_at_exit); /* freed_at_exit still points at it: harmless now */
}

static NOINLINE void setup(void)
{
    freed_at_exit = malloc(40);
    freed_in_main = malloc(24);
    atexit(cleanup);
}

int main(void)
{
    setup();
    free(freed_in_main); /* and keeps pointing at it: reported */
    return 0;
}
