/* SPDX-License-Identifier: MIT */
/* An ELF file for the debug information cache's tests: built once with its
 * debug sections compressed (-gz=zlib) and once without. */
#include <stdio.h>

static int twice(int x) { return 2 * x; }

int main(int argc, char **argv) {
  (void)argv;
  printf("%d\n", twice(argc));
  return 0;
}
