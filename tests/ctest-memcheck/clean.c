/* Frees everything it allocates: no defect under tether or Valgrind. */
#include <stdlib.h>
#include <string.h>

int main(void)
{
  char *p = malloc(64);
  char *q;

  if (p == NULL)
    return 1;
  strcpy(p, "clean");
  q = realloc(p, 128);
  if (q == NULL) {
    free(p);
    return 1;
  }
  free(q);
  return 0;
}
