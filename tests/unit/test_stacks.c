/* SPDX-License-Identifier: MIT */
/* tt_stacks: the stack depot. Frames are made-up PCs; every test uses its
 * own PC range so the depot's global state does not couple the tests. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "tt_stacks.h"
#include "units.h"

static void test_same_frames_same_id(void) {
  uintptr_t a[4] = {0x10001000, 0x10001010, 0x10001020, 0x10001030};
  uintptr_t copy[4];
  memcpy(copy, a, sizeof a);
  uint32_t before = tt_stacks_count();
  uint32_t id = tt_stacks_intern(a, 4);
  CU_ASSERT_NOT_EQUAL(id, 0);
  CU_ASSERT_EQUAL(tt_stacks_intern(a, 4), id);
  CU_ASSERT_EQUAL(tt_stacks_intern(copy, 4), id); /* by content, not by pointer */
  CU_ASSERT_EQUAL(tt_stacks_count(), before + 1);
}

static void test_different_frames_different_ids(void) {
  uintptr_t a[3] = {0x10002000, 0x10002010, 0x10002020};
  uintptr_t b[3] = {0x10002000, 0x10002010, 0x10002021}; /* last differs */
  uintptr_t c[3] = {0x10002010, 0x10002000, 0x10002020}; /* order differs */
  uint32_t ia = tt_stacks_intern(a, 3), ib = tt_stacks_intern(b, 3), ic = tt_stacks_intern(c, 3);
  uint32_t ia2 = tt_stacks_intern(a, 2); /* a prefix is another stack */
  CU_ASSERT(ia && ib && ic && ia2);
  CU_ASSERT_NOT_EQUAL(ia, ib);
  CU_ASSERT_NOT_EQUAL(ia, ic);
  CU_ASSERT_NOT_EQUAL(ib, ic);
  CU_ASSERT_NOT_EQUAL(ia2, ia);
  CU_ASSERT_NOT_EQUAL(ia2, ib);
  CU_ASSERT_NOT_EQUAL(ia2, ic);
}

static void test_get_returns_frames(void) {
  uintptr_t a[5] = {0x10003000, 0x10003008, 0x7fffffffe000, 1, UINTPTR_MAX};
  uint32_t id = tt_stacks_intern(a, 5);
  const uintptr_t *pcs = NULL;
  CU_ASSERT_EQUAL_FATAL(tt_stacks_get(id, &pcs), 5);
  CU_ASSERT_PTR_NOT_NULL_FATAL(pcs);
  CU_ASSERT_EQUAL(memcmp(pcs, a, sizeof a), 0);
  CU_ASSERT_PTR_NOT_EQUAL(pcs, a); /* the depot keeps its own copy */
  a[0] = 0;
  CU_ASSERT_EQUAL(pcs[0], 0x10003000);
}

static void test_id_zero_and_unknown(void) {
  const uintptr_t *pcs = (const uintptr_t *)&pcs;
  CU_ASSERT_EQUAL(tt_stacks_get(0, &pcs), 0);
  CU_ASSERT_PTR_NULL(pcs);
  pcs = (const uintptr_t *)&pcs;
  CU_ASSERT_EQUAL(tt_stacks_get(tt_stacks_count() + 1000, &pcs), 0);
  CU_ASSERT_PTR_NULL(pcs);
  pcs = (const uintptr_t *)&pcs;
  CU_ASSERT_EQUAL(tt_stacks_get(0xffffffffu, &pcs), 0);
  CU_ASSERT_PTR_NULL(pcs);
}

static void test_empty_stack(void) {
  /* n == 0 is an ordinary stack (the unwinder found no frames): a real,
   * non-zero id, stable, with no frames. A negative n counts as 0. */
  uintptr_t dummy[1] = {0x10004000};
  uint32_t id = tt_stacks_intern(dummy, 0);
  CU_ASSERT_NOT_EQUAL(id, 0);
  CU_ASSERT_EQUAL(tt_stacks_intern(dummy, 0), id);
  CU_ASSERT_EQUAL(tt_stacks_intern(dummy, -3), id);
  const uintptr_t *pcs = NULL;
  CU_ASSERT_EQUAL(tt_stacks_get(id, &pcs), 0);
  CU_ASSERT_NOT_EQUAL(tt_stacks_intern(dummy, 1), id);
}

static void test_depth_capped(void) {
  uintptr_t a[TT_MAX_FRAMES + 44];
  for (int i = 0; i < TT_MAX_FRAMES + 44; i++)
    a[i] = 0x10005000 + (uintptr_t)i * 4;
  uint32_t full = tt_stacks_intern(a, TT_MAX_FRAMES);
  uint32_t over = tt_stacks_intern(a, TT_MAX_FRAMES + 44);
  CU_ASSERT_EQUAL(over, full);
  const uintptr_t *pcs;
  CU_ASSERT_EQUAL(tt_stacks_get(over, &pcs), TT_MAX_FRAMES);
}

static uintptr_t frame(uint32_t stack, int i) {
  return 0x20000000 + (uintptr_t)stack * 0x100 + (uintptr_t)i * 8;
}

static void test_many_stacks(void) {
  enum { N = 50000 };
  uint32_t *ids = calloc(N, sizeof *ids);
  CU_ASSERT_FATAL(ids != NULL);
  uint32_t before = tt_stacks_count();
  size_t bytes_before = tt_stacks_bytes();
  size_t zero = 0, bad = 0;
  for (uint32_t s = 0; s < N; s++) {
    uintptr_t pcs[8];
    int n = 1 + (int)(s % 8);
    for (int i = 0; i < n; i++)
      pcs[i] = frame(s, i);
    ids[s] = tt_stacks_intern(pcs, n);
    zero += ids[s] == 0;
  }
  CU_ASSERT_EQUAL(zero, 0);
  CU_ASSERT_EQUAL(tt_stacks_count() - before, N);
  CU_ASSERT(tt_stacks_bytes() - bytes_before >= (size_t)N * sizeof(uintptr_t));
  for (uint32_t s = 0; s < N; s++) {
    const uintptr_t *pcs;
    int n = tt_stacks_get(ids[s], &pcs);
    if (n != 1 + (int)(s % 8)) {
      bad++;
      continue;
    }
    for (int i = 0; i < n; i++)
      if (pcs[i] != frame(s, i))
        bad++;
  }
  CU_ASSERT_EQUAL(bad, 0);
  /* interning again finds the same ids (past the per-thread cache) */
  for (uint32_t s = 0; s < N; s++) {
    uintptr_t pcs[8];
    int n = 1 + (int)(s % 8);
    for (int i = 0; i < n; i++)
      pcs[i] = frame(s, i);
    if (tt_stacks_intern(pcs, n) != ids[s])
      bad++;
  }
  CU_ASSERT_EQUAL(bad, 0);
  CU_ASSERT_EQUAL(tt_stacks_count() - before, N);
  /* ids are distinct */
  uint32_t lo = ids[0], hi = ids[0];
  for (uint32_t s = 0; s < N; s++) {
    lo = ids[s] < lo ? ids[s] : lo;
    hi = ids[s] > hi ? ids[s] : hi;
  }
  unsigned char *seen = calloc(hi - lo + 1, 1);
  CU_ASSERT_FATAL(seen != NULL);
  for (uint32_t s = 0; s < N; s++)
    bad += seen[ids[s] - lo]++ != 0;
  CU_ASSERT_EQUAL(bad, 0);
  free(seen);
  free(ids);
}

/* Four threads intern the same 4,000 stacks, each in its own order. */
enum { TS = 4000, TT_THREADS = 4 };
struct thr {
  int t;
  uint32_t ids[TS];
};

static uintptr_t tframe(int s, int i) { return 0x30000000 + (uintptr_t)s * 0x40 + (uintptr_t)i; }

static void *intern_all_cb(void *arg) {
  struct thr *t = arg;
  for (int rep = 0; rep < 3; rep++) {
    for (int k = 0; k < TS; k++) {
      int s = t->t % 2 ? (k + t->t * 997) % TS : TS - 1 - (k + t->t * 131) % TS;
      uintptr_t pcs[6];
      for (int i = 0; i < 6; i++)
        pcs[i] = tframe(s, i);
      uint32_t id = tt_stacks_intern(pcs, 6);
      if (rep == 0)
        t->ids[s] = id;
      else if (t->ids[s] != id)
        t->ids[s] = 0; /* unstable: flag it */
    }
  }
  return NULL;
}

static void test_concurrent_interning(void) {
  static struct thr t[TT_THREADS];
  pthread_t th[TT_THREADS];
  uint32_t before = tt_stacks_count();
  for (int i = 0; i < TT_THREADS; i++) {
    t[i].t = i;
    CU_ASSERT_FATAL(pthread_create(&th[i], NULL, intern_all_cb, &t[i]) == 0);
  }
  for (int i = 0; i < TT_THREADS; i++)
    pthread_join(th[i], NULL);
  size_t bad = 0;
  for (int s = 0; s < TS; s++) {
    if (t[0].ids[s] == 0)
      bad++;
    for (int i = 1; i < TT_THREADS; i++)
      if (t[i].ids[s] != t[0].ids[s])
        bad++;
    const uintptr_t *pcs;
    if (tt_stacks_get(t[0].ids[s], &pcs) != 6 || pcs[0] != tframe(s, 0) || pcs[5] != tframe(s, 5))
      bad++;
  }
  CU_ASSERT_EQUAL(bad, 0);
  CU_ASSERT_EQUAL(tt_stacks_count() - before, TS);
}

static void test_lock_all(void) {
  uintptr_t a[2] = {0x10006000, 0x10006010};
  uint32_t id = tt_stacks_intern(a, 2);
  tt_stacks_lock_all();
  /* readers need no lock */
  const uintptr_t *pcs;
  int n = tt_stacks_get(id, &pcs);
  tt_stacks_unlock_all();
  CU_ASSERT_EQUAL(n, 2);
  CU_ASSERT_EQUAL(tt_stacks_intern(a, 2), id);
}

int stacks_init(void) { return 0; }
int stacks_cleanup(void) { return 0; }

CU_TestInfo stacks_tests[] = {
    {"same frames, same id", test_same_frames_same_id},
    {"different frames, different ids", test_different_frames_different_ids},
    {"get returns the frames", test_get_returns_frames},
    {"id 0 and unknown ids", test_id_zero_and_unknown},
    {"empty stack", test_empty_stack},
    {"depth capped at TT_MAX_FRAMES", test_depth_capped},
    {"50,000 distinct stacks", test_many_stacks},
    {"four threads interning", test_concurrent_interning},
    {"lock_all", test_lock_all},
    CU_TEST_INFO_NULL,
};
