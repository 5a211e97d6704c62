// api_transfer: a block handed to another owner with tether_transfer is
// reported under its new owner, with the stack of the transfer; the owner
// name is copied (the caller's buffer changes after the call).
// TOOLS: tether
// EXPECT definitely: 24 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT stdout: owner: cache
// EXPECT seq: ^24 bytes in 1 blocks are definitely lost in loss record 1 of 1$
// EXPECT next: ^   at 0x[0-9A-F]+: malloc \(
// EXPECT next: ^   by 0x[0-9A-F]+: produce \(api_transfer.c:26\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(api_transfer.c:40\)$
// EXPECT next: ^ Owner: "cache", since a transfer at$
// EXPECT next: ^   at 0x[0-9A-F]+: tether_transfer \(in .*libtether\.so\)$
// EXPECT next: ^   by 0x[0-9A-F]+: hand_over \(api_transfer.c:33\)$
// EXPECT next: ^   by 0x[0-9A-F]+: main \(api_transfer.c:41\)$
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <tether.h>
#include "case.h"

static NOINLINE void *produce(void)
{
    return malloc(24);
}

static NOINLINE void hand_over(void *p)
{
    char name[16];
    strcpy(name, "cache");
    tether_transfer(p, name);
    strcpy(name, "clobbered");
}

int main(void)
{
    TETHER_SCOPE("request") {
        void *p = produce();
        hand_over(p);
        printf("owner: %s\n", tether_owner_of(p));
    }
    scrub_stack();
    return 0;
}
