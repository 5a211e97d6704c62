/* Frees an address the allocator never returned (a global), and a pointer
   into the middle of a live block. Run it only under a checker. */
#include <stdlib.h>

static char global_buf[16];

__attribute__((noinline)) static void release(void *p)
{
  free(p);
}

int main(void)
{
  char *p = malloc(32);
  char *volatile g = global_buf;

  release(g);
  release(p + 8);
  free(p);
  return 0;
}
