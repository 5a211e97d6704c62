/* Frees one block twice. Run it only under a checker: glibc alone aborts. */
#include <stdlib.h>

__attribute__((noinline)) static void release(void *p)
{
  free(p);
}

int main(void)
{
  void *p = malloc(32);

  release(p);
  release(p);
  return 0;
}
