/* The bundled example: a small program with one leak of each kind, so the
 * first run of tether shows what a report looks like.
 *   tether build/bin/tether-example */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct node {
  struct node *next;
  char name[24];
};

static char *banner;    /* still reachable: a global keeps it */
static char *cursor;    /* points into the middle of a block: possibly lost */

__attribute__((noinline)) static struct node *make_list(int n) {
  struct node *head = NULL;
  for (int i = 0; i < n; i++) {
    struct node *e = malloc(sizeof *e);
    snprintf(e->name, sizeof e->name, "node %d", i);
    e->next = head;
    head = e;
  }
  return head;
}

__attribute__((noinline)) static void forget_list(void) {
  struct node *list = make_list(3); /* head definitely lost, the rest indirectly */
  printf("built %s\n", list->name);
}

__attribute__((noinline)) static void keep_banner(void) { banner = strdup("tether example"); }

__attribute__((noinline)) static void keep_cursor(void) {
  char *buf = calloc(1, 64);
  cursor = buf + 10;
}

int main(void) {
  forget_list();
  keep_banner();
  keep_cursor();
  puts(banner);
  return 0;
}
