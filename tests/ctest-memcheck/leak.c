/* Leaks: one block definitely lost, one list whose head is definitely lost
   and whose two nodes are indirectly lost, and one block still reachable
   from a global. */
#include <stdlib.h>

struct node {
  struct node *next;
  char payload[24];
};

void *keep;   /* still reachable */

__attribute__((noinline)) static void lose_block(void)
{
  void *volatile p = malloc(40);
  (void)p;
}

__attribute__((noinline)) static void lose_list(void)
{
  struct node *volatile head = NULL;
  int i;

  for (i = 0; i < 3; i++) {
    struct node *n = malloc(sizeof *n);
    if (n == NULL)
      abort();
    n->next = head;
    head = n;
  }
}

int main(void)
{
  lose_block();
  lose_list();
  keep = malloc(16);
  return 0;
}
