// api_check_owner: tether_check_owner reports the live blocks of one owner,
// grouped by stack, each with why its first block is alive: the chain of
// blocks (offset and stack of each) up to the global that holds it; or that
// nothing holds it. It returns the number of blocks; a name never used owns
// nothing; NULL checks the unowned blocks (here stdout's buffer).
// TOOLS: tether
// EXPECT definitely: 16 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 64 bytes in 2 blocks
// EXPECT stdout: request 1: 0
// EXPECT stdout: request 2: 2
// EXPECT stdout: never used: 0
// EXPECT stdout: unowned: 1
// EXPECT seq: ^16 bytes in 1 blocks of owner "request" are still alive$
// EXPECT next: ^   at 0x[0-9A-F]+: malloc \(
// EXPECT next: ^   by 0x[0-9A-F]+: forget \(api_check_owner.c:46\)$
// EXPECT next: ^   by 0x[0-9A-F]+: handle \(api_check_owner.c:57\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(api_check_owner.c:68\)$
// EXPECT next: ^ It is definitely lost: nothing points to it any more$
// EXPECT seq: ^32 bytes in 1 blocks of owner "request" are still alive$
// EXPECT next: ^   at 0x[0-9A-F]+: malloc \(
// EXPECT next: ^   by 0x[0-9A-F]+: remember \(api_check_owner.c:41\)$
// EXPECT next: ^   by 0x[0-9A-F]+: handle \(api_check_owner.c:56\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(api_check_owner.c:68\)$
// EXPECT next: ^ Held at offset 8 of a block of size 32 alloc'd at$
// EXPECT next: ^   at 0x[0-9A-F]+: calloc \(
// EXPECT next: ^   by 0x[0-9A-F]+: main \(api_check_owner.c:64\)$
// EXPECT next: ^ which is held by data symbol "registry", at offset 0 \(0x[0-9a-f]+\)$
// EXPECT line: ^4,096 bytes in 1 blocks with no owner are still alive$
#include <stdio.h>
#include <stdlib.h>
#include <tether.h>
#include "case.h"

struct holder { long tag; void *kept; char pad[16]; };
static struct holder *registry;

static NOINLINE void remember(void)
{
    registry->kept = malloc(32); /* the request's block, kept by a global's block */
}

static NOINLINE void forget(void)
{
    volatile char *p = malloc(16); /* the request's block, lost */
    (void)p;
}

static NOINLINE void handle(int n)
{
    tether_scope_push("request");
    void *tmp = malloc(100);
    free(tmp);
    if (n == 2) {
        remember();
        forget();
    }
    tether_scope_pop();
}

int main(void)
{
    registry = calloc(1, sizeof *registry);
    tether_set_owner(registry, "registry");
    for (int n = 1; n <= 2; n++) {
        scrub_stack();
        handle(n);
        scrub_stack();
        printf("request %d: %zu\n", n, tether_check_owner("request"));
    }
    printf("never used: %zu\n", tether_check_owner("no-such-owner"));
    printf("unowned: %zu\n", tether_check_owner(NULL));
    scrub_stack();
    return 0;
}
