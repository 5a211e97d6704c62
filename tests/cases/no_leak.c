// no_leak: a program that frees everything (and uses stdio) reports no leaks at all.
// RUN-OPTS: --show-leak-kinds=all
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT exit: 0
// EXPECT stdout: hello
// EXPECT line: All heap blocks were freed -- no leaks are possible
// EXPECT line: ERROR SUMMARY: 0 errors from 0 contexts
// EXPECT no-line: loss record
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    char *s = malloc(16);
    strcpy(s, "hello");
    puts(s);
    free(s);
    return 0;
}
