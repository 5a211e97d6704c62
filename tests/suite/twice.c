/* A test that frees a block twice. */
#include <stdlib.h>
int main(void)
{
    void *p = malloc(8);
    free(p);
    free(p);
    return 0;
}
