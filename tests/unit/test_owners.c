/* SPDX-License-Identifier: MIT */
/* tt_owners: interned owner names, the per-thread scope stack and the
 * transfer stacks. The name table is global and never reset (other suites
 * may have named owners too), so these tests use names of their own and
 * count in deltas, never in absolute ids or totals. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "tt_owners.h"
#include "units.h"

/* ======================================================================== */
/* names                                                                     */
/* ======================================================================== */

static void test_intern_same_and_different(void) {
  uint32_t before = tt_owners_count();
  uint32_t a = tt_owners_intern("owners-test: cache");
  uint32_t b = tt_owners_intern("owners-test: parser");
  CU_ASSERT_NOT_EQUAL(a, 0);
  CU_ASSERT_NOT_EQUAL(b, 0);
  CU_ASSERT_NOT_EQUAL(a, b);
  CU_ASSERT_EQUAL(tt_owners_count(), before + 2);
  /* the same name again, also from another buffer: the same id, nothing new */
  char copy[] = "owners-test: cache";
  CU_ASSERT_EQUAL(tt_owners_intern(copy), a);
  CU_ASSERT_EQUAL(tt_owners_intern("owners-test: parser"), b);
  CU_ASSERT_EQUAL(tt_owners_count(), before + 2);
  /* ids run 1..count: the newest two are the last two */
  CU_ASSERT_EQUAL(b, a + 1);
  CU_ASSERT_EQUAL(b, tt_owners_count());
  CU_ASSERT_STRING_EQUAL(tt_owners_name(a), "owners-test: cache");
  CU_ASSERT_STRING_EQUAL(tt_owners_name(b), "owners-test: parser");
  /* names differ by case and by a prefix */
  uint32_t c = tt_owners_intern("owners-test: Cache");
  uint32_t d = tt_owners_intern("owners-test: cach");
  CU_ASSERT(c != 0 && c != a && c != b);
  CU_ASSERT(d != 0 && d != a && d != b && d != c);
  CU_ASSERT_EQUAL(tt_owners_count(), before + 4);
}

static void test_intern_null_and_empty(void) {
  uint32_t before = tt_owners_count();
  CU_ASSERT_EQUAL(tt_owners_intern(NULL), 0);
  CU_ASSERT_EQUAL(tt_owners_intern(""), 0);
  CU_ASSERT_EQUAL(tt_owners_find(NULL), 0);
  CU_ASSERT_EQUAL(tt_owners_find(""), 0);
  CU_ASSERT_EQUAL(tt_owners_count(), before);
}

static void test_intern_copies_the_name(void) {
  char buf[64];
  strcpy(buf, "owners-test: buffer one");
  uint32_t id = tt_owners_intern(buf);
  CU_ASSERT_NOT_EQUAL_FATAL(id, 0);
  CU_ASSERT_PTR_NOT_EQUAL(tt_owners_name(id), buf);
  memset(buf, 'Z', sizeof buf - 1);
  buf[sizeof buf - 1] = '\0';
  CU_ASSERT_STRING_EQUAL(tt_owners_name(id), "owners-test: buffer one");
  strcpy(buf, "owners-test: buffer two");
  uint32_t id2 = tt_owners_intern(buf);
  CU_ASSERT(id2 != 0 && id2 != id);
  CU_ASSERT_STRING_EQUAL(tt_owners_name(id), "owners-test: buffer one");
  CU_ASSERT_STRING_EQUAL(tt_owners_name(id2), "owners-test: buffer two");
  /* the old text finds the old id */
  CU_ASSERT_EQUAL(tt_owners_find("owners-test: buffer one"), id);
}

static void test_intern_long_names_cut(void) {
  static char a[TT_OWNER_NAME_MAX + 100], b[TT_OWNER_NAME_MAX + 100], exact[TT_OWNER_NAME_MAX + 1],
      shorter[TT_OWNER_NAME_MAX];
  /* a and b share their first TT_OWNER_NAME_MAX bytes, then differ */
  memset(a, 'L', sizeof a - 1);
  memcpy(a, "owners-test: long ", 18);
  memcpy(b, a, sizeof b);
  a[TT_OWNER_NAME_MAX] = 'x';
  b[TT_OWNER_NAME_MAX] = 'y';
  b[TT_OWNER_NAME_MAX + 10] = '\0';
  memcpy(exact, a, TT_OWNER_NAME_MAX);
  exact[TT_OWNER_NAME_MAX] = '\0';
  memcpy(shorter, a, TT_OWNER_NAME_MAX - 1);
  shorter[TT_OWNER_NAME_MAX - 1] = '\0';

  uint32_t before = tt_owners_count();
  uint32_t ia = tt_owners_intern(a);
  CU_ASSERT_NOT_EQUAL_FATAL(ia, 0);
  CU_ASSERT_EQUAL(tt_owners_intern(b), ia);
  CU_ASSERT_EQUAL(tt_owners_intern(exact), ia); /* exactly the cut length */
  CU_ASSERT_EQUAL(tt_owners_find(b), ia);
  CU_ASSERT_EQUAL(tt_owners_count(), before + 1);
  const char *name = tt_owners_name(ia);
  CU_ASSERT_PTR_NOT_NULL_FATAL(name);
  CU_ASSERT_EQUAL(strlen(name), TT_OWNER_NAME_MAX);
  CU_ASSERT_STRING_EQUAL(name, exact);
  /* one byte shorter is another name */
  uint32_t is = tt_owners_intern(shorter);
  CU_ASSERT(is != 0 && is != ia);
  CU_ASSERT_EQUAL(strlen(tt_owners_name(is)), TT_OWNER_NAME_MAX - 1);
  CU_ASSERT_EQUAL(tt_owners_count(), before + 2);
}

static void test_find_does_not_create(void) {
  uint32_t before = tt_owners_count();
  CU_ASSERT_EQUAL(tt_owners_find("owners-test: never interned"), 0);
  CU_ASSERT_EQUAL(tt_owners_find("owners-test: made later"), 0);
  CU_ASSERT_EQUAL(tt_owners_count(), before);
  CU_ASSERT_EQUAL(tt_owners_find("owners-test: made later"), 0); /* still not there */
  uint32_t id = tt_owners_intern("owners-test: made later");
  CU_ASSERT_NOT_EQUAL(id, 0);
  CU_ASSERT_EQUAL(tt_owners_count(), before + 1);
  CU_ASSERT_EQUAL(tt_owners_find("owners-test: made later"), id);
  CU_ASSERT_EQUAL(tt_owners_find("owners-test: made late"), 0);
  CU_ASSERT_EQUAL(tt_owners_find("owners-test: made later!"), 0);
  CU_ASSERT_EQUAL(tt_owners_find("owners-test: never interned"), 0);
  CU_ASSERT_EQUAL(tt_owners_count(), before + 1);
}

static void test_name_of_unknown_ids(void) {
  uint32_t id = tt_owners_intern("owners-test: the newest");
  CU_ASSERT_NOT_EQUAL_FATAL(id, 0);
  uint32_t n = tt_owners_count();
  CU_ASSERT(id <= n);
  CU_ASSERT_PTR_NULL(tt_owners_name(0));
  CU_ASSERT_PTR_NULL(tt_owners_name(n + 1)); /* never handed out */
  CU_ASSERT_PTR_NULL(tt_owners_name(n + 1000));
  CU_ASSERT_PTR_NULL(tt_owners_name(1u << 20)); /* past the id table */
  CU_ASSERT_PTR_NULL(tt_owners_name(UINT32_MAX));
  for (uint32_t i = 1; i <= n; i++)
    CU_ASSERT_PTR_NOT_NULL(tt_owners_name(i));
  CU_ASSERT_EQUAL(tt_owners_count(), n);
}

/* More names than one id chunk holds (1024 a chunk): ids stay distinct and
 * every name reads back. */
static void test_many_names(void) {
  enum { N = 1500 };
  static uint32_t ids[N];
  char name[64];
  uint32_t before = tt_owners_count();
  for (unsigned i = 0; i < N; i++) {
    snprintf(name, sizeof name, "owners-test: many %u", i);
    ids[i] = tt_owners_intern(name);
  }
  CU_ASSERT_EQUAL(tt_owners_count(), before + N);
  unsigned bad = 0;
  for (unsigned i = 0; i < N; i++) {
    snprintf(name, sizeof name, "owners-test: many %u", i);
    if (ids[i] != before + 1 + i || tt_owners_find(name) != ids[i] ||
        !tt_owners_name(ids[i]) || strcmp(tt_owners_name(ids[i]), name) != 0)
      bad++;
  }
  CU_ASSERT_EQUAL(bad, 0);
}

/* ======================================================================== */
/* scopes                                                                    */
/* ======================================================================== */

static void test_scope_nesting(void) {
  CU_ASSERT_EQUAL_FATAL(tt_owners_depth(), 0);
  CU_ASSERT_EQUAL(tt_owners_current(), 0);
  uint32_t a = tt_owners_intern("owners-test: outer");
  uint32_t b = tt_owners_intern("owners-test: inner");
  tt_owners_push(a);
  CU_ASSERT_EQUAL(tt_owners_current(), a);
  CU_ASSERT_EQUAL(tt_owners_depth(), 1);
  tt_owners_push(b);
  CU_ASSERT_EQUAL(tt_owners_current(), b); /* the innermost wins */
  CU_ASSERT_EQUAL(tt_owners_depth(), 2);
  tt_owners_push(a); /* the same owner again */
  CU_ASSERT_EQUAL(tt_owners_current(), a);
  CU_ASSERT_EQUAL(tt_owners_depth(), 3);
  tt_owners_push(0); /* an unowned scope inside owned ones */
  CU_ASSERT_EQUAL(tt_owners_current(), 0);
  CU_ASSERT_EQUAL(tt_owners_depth(), 4);
  CU_ASSERT_TRUE(tt_owners_pop());
  CU_ASSERT_EQUAL(tt_owners_current(), a);
  CU_ASSERT_TRUE(tt_owners_pop());
  CU_ASSERT_EQUAL(tt_owners_current(), b);
  CU_ASSERT_TRUE(tt_owners_pop());
  CU_ASSERT_EQUAL(tt_owners_current(), a); /* pop restores */
  CU_ASSERT_EQUAL(tt_owners_depth(), 1);
  CU_ASSERT_TRUE(tt_owners_pop());
  CU_ASSERT_EQUAL(tt_owners_current(), 0);
  CU_ASSERT_EQUAL(tt_owners_depth(), 0);
}

static void test_scope_pop_without_push(void) {
  CU_ASSERT_EQUAL_FATAL(tt_owners_depth(), 0);
  CU_ASSERT_FALSE(tt_owners_pop());
  CU_ASSERT_FALSE(tt_owners_pop());
  CU_ASSERT_EQUAL(tt_owners_depth(), 0);
  CU_ASSERT_EQUAL(tt_owners_current(), 0);
  /* one push, one good pop, then nothing again */
  tt_owners_push(tt_owners_intern("owners-test: once"));
  CU_ASSERT_TRUE(tt_owners_pop());
  CU_ASSERT_FALSE(tt_owners_pop());
  CU_ASSERT_EQUAL(tt_owners_depth(), 0);
  CU_ASSERT_EQUAL(tt_owners_current(), 0);
}

/* Level k (1-based) has owner 0x10000 + k. Deeper than TT_OWNER_SCOPE_MAX,
 * the depth is counted and the innermost still wins while pushing; popping
 * back above the limit restores the deepest remembered owner (level 64). */
static void test_scope_deeper_than_max(void) {
  enum { DEEP = 70 };
  CU_ASSERT_EQUAL_FATAL(TT_OWNER_SCOPE_MAX, 64);
  CU_ASSERT_EQUAL_FATAL(tt_owners_depth(), 0);
  unsigned bad = 0;
  for (uint32_t k = 1; k <= DEEP; k++) {
    tt_owners_push(0x10000 + k);
    if (tt_owners_current() != 0x10000 + k || tt_owners_depth() != k)
      bad++;
  }
  CU_ASSERT_EQUAL(bad, 0);
  CU_ASSERT_EQUAL(tt_owners_depth(), DEEP);
  CU_ASSERT_EQUAL(tt_owners_current(), 0x10000 + DEEP);
  for (unsigned d = DEEP - 1; d >= TT_OWNER_SCOPE_MAX; d--) {
    CU_ASSERT_TRUE(tt_owners_pop());
    CU_ASSERT_EQUAL(tt_owners_depth(), d);
    CU_ASSERT_EQUAL(tt_owners_current(), 0x10000 + TT_OWNER_SCOPE_MAX);
  }
  CU_ASSERT_EQUAL(tt_owners_depth(), 64);
  bad = 0;
  for (unsigned d = TT_OWNER_SCOPE_MAX - 1; d >= 1; d--) {
    if (!tt_owners_pop() || tt_owners_depth() != d || tt_owners_current() != 0x10000 + d)
      bad++;
  }
  CU_ASSERT_EQUAL(bad, 0);
  CU_ASSERT_EQUAL(tt_owners_current(), 0x10001);
  CU_ASSERT_TRUE(tt_owners_pop());
  CU_ASSERT_EQUAL(tt_owners_depth(), 0);
  CU_ASSERT_EQUAL(tt_owners_current(), 0);
  CU_ASSERT_FALSE(tt_owners_pop());
}

struct scope_seen {
  uint32_t id;                         /* what the thread pushes */
  uint32_t current_at_start, depth_at_start;
  uint32_t current_inside, depth_inside;
  uint32_t current_after;
  bool popped, popped_again;
};

static void *scope_thread(void *arg) {
  struct scope_seen *s = arg;
  s->current_at_start = tt_owners_current();
  s->depth_at_start = tt_owners_depth();
  tt_owners_push(s->id);
  s->current_inside = tt_owners_current();
  s->depth_inside = tt_owners_depth();
  s->popped = tt_owners_pop();
  s->popped_again = tt_owners_pop();
  s->current_after = tt_owners_current();
  return NULL;
}

static void test_scope_per_thread(void) {
  CU_ASSERT_EQUAL_FATAL(tt_owners_depth(), 0);
  uint32_t mine = tt_owners_intern("owners-test: main thread");
  uint32_t theirs = tt_owners_intern("owners-test: other thread");
  tt_owners_push(mine);
  tt_owners_push(mine);
  struct scope_seen s;
  memset(&s, 0xff, sizeof s);
  s.id = theirs;
  pthread_t t;
  CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, scope_thread, &s), 0);
  CU_ASSERT_EQUAL_FATAL(pthread_join(t, NULL), 0);
  CU_ASSERT_EQUAL(s.current_at_start, 0);
  CU_ASSERT_EQUAL(s.depth_at_start, 0);
  CU_ASSERT_EQUAL(s.current_inside, theirs);
  CU_ASSERT_EQUAL(s.depth_inside, 1);
  CU_ASSERT_TRUE(s.popped);
  CU_ASSERT_FALSE(s.popped_again); /* the main thread's scopes are not its */
  CU_ASSERT_EQUAL(s.current_after, 0);
  /* the thread's push and pops did not touch this thread's stack */
  CU_ASSERT_EQUAL(tt_owners_current(), mine);
  CU_ASSERT_EQUAL(tt_owners_depth(), 2);
  CU_ASSERT_TRUE(tt_owners_pop());
  CU_ASSERT_TRUE(tt_owners_pop());
  CU_ASSERT_FALSE(tt_owners_pop());
  CU_ASSERT_EQUAL(tt_owners_current(), 0);
}

/* ======================================================================== */
/* transfers                                                                 */
/* ======================================================================== */

/* Block addresses are only keys here: never dereferenced. */
#define XA ((uintptr_t)0x7f0000001000)
#define XB ((uintptr_t)0x7f0000002000)
#define XC ((uintptr_t)0x7f0000003000)

static void test_transfer_set_and_forget(void) {
  CU_ASSERT_EQUAL(tt_owners_transfer_of(XA), 0);
  tt_owners_set_transfer(XA, 41);
  tt_owners_set_transfer(XB, 42);
  CU_ASSERT_EQUAL(tt_owners_transfer_of(XA), 41);
  CU_ASSERT_EQUAL(tt_owners_transfer_of(XB), 42);
  CU_ASSERT_EQUAL(tt_owners_transfer_of(XC), 0);
  CU_ASSERT_EQUAL(tt_owners_transfer_of(XA + 8), 0); /* by exact address only */
  /* a later transfer replaces the stack */
  tt_owners_set_transfer(XA, 43);
  CU_ASSERT_EQUAL(tt_owners_transfer_of(XA), 43);
  CU_ASSERT_EQUAL(tt_owners_transfer_of(XB), 42);
  tt_owners_forget_transfer(XA);
  CU_ASSERT_EQUAL(tt_owners_transfer_of(XA), 0);
  CU_ASSERT_EQUAL(tt_owners_transfer_of(XB), 42);
  tt_owners_forget_transfer(XA); /* twice, and one never set: nothing happens */
  tt_owners_forget_transfer(XC);
  CU_ASSERT_EQUAL(tt_owners_transfer_of(XB), 42);
  tt_owners_forget_transfer(XB);
  CU_ASSERT_EQUAL(tt_owners_transfer_of(XB), 0);
  /* set again after forgetting */
  tt_owners_set_transfer(XA, 44);
  CU_ASSERT_EQUAL(tt_owners_transfer_of(XA), 44);
  tt_owners_forget_transfer(XA);
  CU_ASSERT_EQUAL(tt_owners_transfer_of(XA), 0);
}

static void test_transfer_move(void) {
  tt_owners_set_transfer(XA, 51);
  tt_owners_move_block(XA, XB);
  CU_ASSERT_EQUAL(tt_owners_transfer_of(XA), 0);
  CU_ASSERT_EQUAL(tt_owners_transfer_of(XB), 51);
  /* onto an address that has one: the moved stack wins */
  tt_owners_set_transfer(XC, 52);
  tt_owners_move_block(XC, XB);
  CU_ASSERT_EQUAL(tt_owners_transfer_of(XC), 0);
  CU_ASSERT_EQUAL(tt_owners_transfer_of(XB), 52);
  /* realloc in place */
  tt_owners_move_block(XB, XB);
  CU_ASSERT_EQUAL(tt_owners_transfer_of(XB), 52);
  /* from a block without one: nothing made, the target's own kept */
  tt_owners_move_block(XA, XC);
  CU_ASSERT_EQUAL(tt_owners_transfer_of(XA), 0);
  CU_ASSERT_EQUAL(tt_owners_transfer_of(XC), 0);
  tt_owners_move_block(XA, XB);
  CU_ASSERT_EQUAL(tt_owners_transfer_of(XB), 52);
  tt_owners_forget_transfer(XB);
  CU_ASSERT_EQUAL(tt_owners_transfer_of(XB), 0);
}

static void test_transfer_many(void) {
  enum { N = 3000 };
  const uintptr_t base = 0x7f1000000000;
  for (uintptr_t i = 0; i < N; i++)
    tt_owners_set_transfer(base + i * 16, (uint32_t)(1000 + i));
  for (uintptr_t i = 0; i < N; i += 2)
    tt_owners_forget_transfer(base + i * 16);
  unsigned bad = 0;
  for (uintptr_t i = 0; i < N; i++) {
    uint32_t want = i % 2 ? (uint32_t)(1000 + i) : 0;
    if (tt_owners_transfer_of(base + i * 16) != want)
      bad++;
  }
  CU_ASSERT_EQUAL(bad, 0);
  for (uintptr_t i = 1; i < N; i += 2)
    tt_owners_forget_transfer(base + i * 16);
  bad = 0;
  for (uintptr_t i = 0; i < N; i++)
    if (tt_owners_transfer_of(base + i * 16) != 0)
      bad++;
  CU_ASSERT_EQUAL(bad, 0);
}

/* ======================================================================== */

int owners_init(void) { return 0; }
int owners_cleanup(void) { return 0; }

CU_TestInfo owners_tests[] = {
    {"intern: same name, same id", test_intern_same_and_different},
    {"intern: NULL and empty are unowned", test_intern_null_and_empty},
    {"intern copies the name", test_intern_copies_the_name},
    {"intern: long names cut at TT_OWNER_NAME_MAX", test_intern_long_names_cut},
    {"find makes nothing", test_find_does_not_create},
    {"name of 0 and of unknown ids", test_name_of_unknown_ids},
    {"1,500 names across id chunks", test_many_names},
    {"scopes nest", test_scope_nesting},
    {"scope pop without push", test_scope_pop_without_push},
    {"scopes deeper than TT_OWNER_SCOPE_MAX", test_scope_deeper_than_max},
    {"scopes are per thread", test_scope_per_thread},
    {"transfer: set, replace, forget", test_transfer_set_and_forget},
    {"transfer: move", test_transfer_move},
    {"transfer: 3,000 blocks", test_transfer_many},
    CU_TEST_INFO_NULL,
};
