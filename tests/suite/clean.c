/* A test that frees everything. */
#include <stdlib.h>
#include <string.h>
int main(void)
{
    char *s = malloc(32);
    strcpy(s, "clean");
    free(s);
    return 0;
}
