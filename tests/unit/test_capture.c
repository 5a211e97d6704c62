/* SPDX-License-Identifier: MIT */
/* tt_stacks_capture: the per-thread capture cache. Real stacks, captured
 * through test_capture_helper.c's helper (which plays malloc): every answer
 * must be the id a fresh unwind gives, cached or not.
 *
 * The callers below come in pairs that differ only in a constant, so their
 * frames have the same size (the helper's return-address slot is at the
 * same address whichever of the pair called it: one cache key, two paths)
 * and identical-code folding cannot merge them. */
#include <pthread.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "test_capture.h"
#include "tt_os.h"
#include "tt_stacks.h"
#include "tt_symbolize.h"
#include "units.h"

#define MAX_FRAMES 8

static uintptr_t skip_lo, skip_hi;

static void setup(struct tt_unit_capture *c, int max) {
  memset(c, 0, sizeof *c);
  c->max = max;
  c->skip_lo = skip_lo;
  c->skip_hi = skip_hi;
}

static volatile int sink;

static TT_NOINLINE void via_a(struct tt_unit_capture *c, uintptr_t *ret) {
  tt_unit_capture_helper(c);
  *ret = (uintptr_t)__builtin_return_address(0);
  sink = 1;
}

static TT_NOINLINE void via_b(struct tt_unit_capture *c, uintptr_t *ret) {
  tt_unit_capture_helper(c);
  *ret = (uintptr_t)__builtin_return_address(0);
  sink = 2;
}

/* One level more, so two outer callers share the frames below. */
static TT_NOINLINE void middle(struct tt_unit_capture *c, uintptr_t *ret) {
  via_a(c, ret);
  sink = 3;
}

static TT_NOINLINE void outer_1(struct tt_unit_capture *c, uintptr_t *ret) {
  middle(c, ret);
  sink = 4;
}

static TT_NOINLINE void outer_2(struct tt_unit_capture *c, uintptr_t *ret) {
  middle(c, ret);
  sink = 5;
}

static uint64_t hits(void) {
  struct tt_capture_stats cs;
  tt_stacks_capture_stats(&cs);
  return cs.hits;
}

/* id is what a fresh unwind gives, and a real stack. */
static bool agrees(const struct tt_unit_capture *c) {
  return c->id != 0 && c->id == c->fresh_id && c->fresh_n > 0;
}

/* Test frames must lie outside the skip range, or the test proves nothing. */
static void check_layout(uintptr_t pc) {
  if (pc >= skip_lo && pc < skip_hi)
    CU_FAIL_FATAL("test frame inside the skip range: link order changed?");
}

static void test_capture_same_site_loop(void) {
  enum { N = 50 };
  static struct tt_unit_capture c[N];
  uintptr_t ret[N];
  uint64_t h0 = hits();
  size_t bad = 0;
  for (int i = 0; i < N; i++) {
    setup(&c[i], MAX_FRAMES);
    via_a(&c[i], &ret[i]);
  }
  check_layout(c[0].ra);
  check_layout(ret[0]);
  for (int i = 0; i < N; i++)
    bad += !agrees(&c[i]) || c[i].id != c[0].id || c[i].ra_slot != c[0].ra_slot;
  CU_ASSERT_EQUAL(bad, 0);
  /* after a few calls to learn the path, every call is a hit */
  CU_ASSERT(hits() - h0 >= N - 4);
}

static void test_capture_two_sites_same_depth(void) {
  enum { N = 50 };
  static struct tt_unit_capture ca[N], cb[N];
  uintptr_t ra[N], rb[N];
  uint64_t h0 = hits();
  for (int i = 0; i < N; i++) {
    setup(&ca[i], MAX_FRAMES);
    setup(&cb[i], MAX_FRAMES);
    via_a(&ca[i], &ra[i]);
    via_b(&cb[i], &rb[i]);
  }
  check_layout(ca[0].ra);
  check_layout(cb[0].ra);
  /* one cache key for both: the helper's slot is at the same address */
  CU_ASSERT_EQUAL(ca[0].ra_slot, cb[0].ra_slot);
  size_t bad = 0;
  for (int i = 0; i < N; i++)
    bad += !agrees(&ca[i]) || !agrees(&cb[i]) || ca[i].id != ca[0].id || cb[i].id != cb[0].id;
  CU_ASSERT_EQUAL(bad, 0);
  CU_ASSERT_NOT_EQUAL(ca[0].id, cb[0].id);
  CU_ASSERT(hits() - h0 >= 2 * N - 8); /* both paths cached at once */
}

/* Six call paths to one slot address, in rotation (as a parser's or a
 * B-tree's many callers of malloc at one stack depth): all six must stay
 * cached at once. With 4 ways a set they evicted each other and every
 * capture unwound (sqlite3: 577,000 unwinds in 5.1 million captures). */
#define VIA_N(n)                                                                  \
  static TT_NOINLINE void via_##n(struct tt_unit_capture *c, uintptr_t *ret) {   \
    tt_unit_capture_helper(c);                                                    \
    *ret = (uintptr_t)__builtin_return_address(0);                                \
    sink = 10 + n;                                                                \
  }
VIA_N(0)
VIA_N(1)
VIA_N(2)
VIA_N(3)
VIA_N(4)
VIA_N(5)

static void test_capture_six_paths_one_slot(void) {
  enum { ROUNDS = 40, PATHS = 6 };
  void (*const via[PATHS])(struct tt_unit_capture *, uintptr_t *) = {via_0, via_1, via_2,
                                                                     via_3, via_4, via_5};
  static struct tt_unit_capture c[ROUNDS][PATHS];
  uintptr_t ret;
  uint64_t h0 = hits();
  for (int r = 0; r < ROUNDS; r++)
    for (int p = 0; p < PATHS; p++) {
      setup(&c[r][p], MAX_FRAMES);
      via[p](&c[r][p], &ret);
    }
  size_t bad = 0, slots = 0;
  for (int r = 0; r < ROUNDS; r++)
    for (int p = 0; p < PATHS; p++) {
      bad += !agrees(&c[r][p]) || c[r][p].id != c[0][p].id;
      slots += c[r][p].ra_slot != c[0][0].ra_slot;
    }
  CU_ASSERT_EQUAL(bad, 0);
  CU_ASSERT_EQUAL(slots, 0); /* one key for all six, or the test proves nothing */
  /* a few rounds to learn the paths, then every capture a hit */
  CU_ASSERT(hits() - h0 >= (uint64_t)PATHS * (ROUNDS - 6));
}

/* A recursion reaches malloc at one stack depth by many call paths (a tree
 * built by a function that calls itself from two places: manylive's trees,
 * a parser): 2^DEPTH paths to one slot address, more than a set's ways. The
 * paths share their frames' layout, and the cache keeps them apart by the
 * return addresses at those slots: after a first round, hits. */
enum { TREE_DEPTH = 6 };
static TT_NOINLINE void tree_down(struct tt_unit_capture *c, int depth, unsigned path) {
  if (depth == 0) {
    tt_unit_capture_helper(c);
  } else if (path & 1) {
    tree_down(c, depth - 1, path >> 1);
    sink = 40;
  } else {
    tree_down(c, depth - 1, (path >> 1) | 0x80000000u);
    sink = 41;
  }
  __asm__ volatile("" ::: "memory"); /* no tail call: every level keeps its frame */
}

static void recursion_paths(bool stack_known) {
  enum { PATHS = 1 << TREE_DEPTH, ROUNDS = 6 };
  static struct tt_unit_capture c[ROUNDS][PATHS];
  uint64_t h0 = hits();
  for (int r = 0; r < ROUNDS; r++)
    for (unsigned p = 0; p < PATHS; p++) {
      setup(&c[r][p], TREE_DEPTH + 2);
      tree_down(&c[r][p], TREE_DEPTH, p);
    }
  size_t bad = 0, slots = 0, distinct = 0;
  for (int r = 0; r < ROUNDS; r++)
    for (unsigned p = 0; p < PATHS; p++) {
      bad += !agrees(&c[r][p]) || c[r][p].id != c[0][p].id;
      slots += c[r][p].ra_slot != c[0][0].ra_slot;
    }
  for (unsigned p = 1; p < PATHS; p++)
    distinct += c[0][p].id != c[0][p - 1].id;
  CU_ASSERT_EQUAL(bad, 0);
  CU_ASSERT_EQUAL(slots, 0); /* one key for every path */
  CU_ASSERT_EQUAL(distinct, PATHS - 1);
  /* the first two rounds learn the paths (a fill at the second sighting);
   * only where the thread's stack is known (every thread tether records) */
  if (stack_known)
    CU_ASSERT(hits() - h0 >= (uint64_t)PATHS * (ROUNDS - 2));
}

static void test_capture_recursion_paths(void) { recursion_paths(false); }

/* The frames of the ids: the helper's return address into its caller, then
 * the caller's return address. */
static void test_capture_frames(void) {
  struct tt_unit_capture ca, cb;
  uintptr_t ra, rb;
  for (int i = 0; i < 8; i++) { /* the last answers come from the cache */
    setup(&ca, MAX_FRAMES);
    setup(&cb, MAX_FRAMES);
    via_a(&ca, &ra);
    via_b(&cb, &rb);
  }
  const uintptr_t *pa, *pb;
  int na = tt_stacks_get(ca.id, &pa), nb = tt_stacks_get(cb.id, &pb);
  CU_ASSERT_FATAL(na >= 2 && nb >= 2);
  CU_ASSERT(na <= MAX_FRAMES && nb <= MAX_FRAMES);
  CU_ASSERT_EQUAL(pa[0], ca.ra);
  CU_ASSERT_EQUAL(pb[0], cb.ra);
  CU_ASSERT_EQUAL(pa[1], ra);
  CU_ASSERT_EQUAL(pb[1], rb);
  struct tt_frame_info fi;
  tt_symbolize(pa[0], true, &fi);
  CU_ASSERT(fi.function && strncmp(fi.function, "via_a", 5) == 0);
  tt_symbolize(pb[0], true, &fi);
  CU_ASSERT(fi.function && strncmp(fi.function, "via_b", 5) == 0);
  tt_symbolize(pa[1], true, &fi);
  CU_ASSERT(fi.function && strncmp(fi.function, "test_capture_frames", 19) == 0);
}

/* The same first two frames, a different third: the cache must check
 * deeper than the key and the first return address. */
static void test_capture_deeper_frames_differ(void) {
  enum { N = 40 };
  static struct tt_unit_capture c1[N], c2[N];
  uintptr_t r1, r2;
  for (int i = 0; i < N; i++) {
    setup(&c1[i], MAX_FRAMES);
    setup(&c2[i], MAX_FRAMES);
    outer_1(&c1[i], &r1);
    outer_2(&c2[i], &r2);
  }
  CU_ASSERT_EQUAL(c1[0].ra_slot, c2[0].ra_slot);
  CU_ASSERT_EQUAL(c1[0].ra, c2[0].ra);
  size_t bad = 0;
  for (int i = 0; i < N; i++)
    bad += !agrees(&c1[i]) || !agrees(&c2[i]) || c1[i].id != c1[0].id || c2[i].id != c2[0].id;
  CU_ASSERT_EQUAL(bad, 0);
  CU_ASSERT_NOT_EQUAL(c1[0].id, c2[0].id);
  /* and a long run of one path, then the other once */
  for (int i = 0; i < 10; i++) {
    setup(&c1[i], MAX_FRAMES);
    outer_1(&c1[i], &r1);
  }
  setup(&c2[0], MAX_FRAMES);
  outer_2(&c2[0], &r2);
  CU_ASSERT_TRUE(agrees(&c2[0]));
  CU_ASSERT_NOT_EQUAL(c2[0].id, c1[9].id);
}

/* More frames than the cache keeps: every capture unwinds; same answers. */
static void test_capture_deep_not_cached(void) {
  enum { N = 10, DEEP = 20 };
  static struct tt_unit_capture c[N];
  uintptr_t ret;
  uint64_t h0 = hits();
  size_t bad = 0;
  for (int i = 0; i < N; i++) {
    setup(&c[i], DEEP);
    via_a(&c[i], &ret);
    bad += !agrees(&c[i]) || c[i].id != c[0].id;
  }
  CU_ASSERT_EQUAL(bad, 0);
  CU_ASSERT_EQUAL(hits(), h0);
}

/* The same scenarios in a fresh thread (an empty cache) that knows its
 * stack: every fill reads the stack instead of walking the frames, and every
 * answer is still the one a fresh unwind gives. */
static uint64_t walks(void) {
  struct tt_capture_stats cs;
  tt_stacks_capture_stats(&cs);
  return cs.walks;
}

static uint64_t fills_failed(void) {
  struct tt_capture_stats cs;
  tt_stacks_capture_stats(&cs);
  return cs.failed;
}

static void *read_stack_thread(void *arg) {
  uintptr_t lo, hi;
  *(int *)arg = tt_os_thread_stack(&lo, &hi);
  if (*(int *)arg) {
    tt_stacks_set_thread_stack(lo, hi);
    test_capture_same_site_loop();
    test_capture_two_sites_same_depth();
    test_capture_frames();
    test_capture_deeper_frames_differ();
    recursion_paths(true);
    test_capture_deep_not_cached();
  }
  return NULL;
}

static void test_capture_reading_the_stack(void) {
  struct tt_capture_stats before;
  tt_stacks_capture_stats(&before);
  uint64_t w0 = walks(), f0 = fills_failed();
  pthread_t t;
  int known = 0;
  CU_ASSERT_FATAL(pthread_create(&t, NULL, read_stack_thread, &known) == 0);
  pthread_join(t, NULL);
  CU_ASSERT_TRUE(known);
  struct tt_capture_stats after;
  tt_stacks_capture_stats(&after);
  CU_ASSERT(after.fills > before.fills); /* paths were learnt */
  CU_ASSERT_EQUAL(walks(), w0);          /* all by reading the stack */
  CU_ASSERT_EQUAL(fills_failed(), f0);
}

/* Without bounds (or a slot outside them) the fill walks the frames. */
static void *walk_thread(void *arg) {
  uintptr_t lo, hi;
  (void)arg;
  if (tt_os_thread_stack(&lo, &hi))
    tt_stacks_set_thread_stack(hi, hi + 4096); /* a stack that is not this one */
  test_capture_same_site_loop();
  return NULL;
}

static void test_capture_outside_known_stack_walks(void) {
  uint64_t w0 = walks(), f0 = fills_failed();
  pthread_t t;
  CU_ASSERT_FATAL(pthread_create(&t, NULL, walk_thread, NULL) == 0);
  pthread_join(t, NULL);
  CU_ASSERT(walks() > w0);
  CU_ASSERT_EQUAL(fills_failed(), f0);
}

/* Hits are counted per thread, in counters a thread gives back at exit and
 * the next thread reuses: every capture is a hit or a miss, so over rounds
 * of threads the two must add up to the captures made, exactly. */
enum { COUNT_THREADS = 4, COUNT_CALLS = 2000 };

static uint64_t captures_counted(void) {
  struct tt_capture_stats cs;
  tt_stacks_capture_stats(&cs);
  return cs.hits + cs.misses;
}

static void *count_thread(void *arg) {
  size_t *bad = arg;
  struct tt_unit_capture c;
  uintptr_t ret;
  uint32_t id = 0;
  for (int i = 0; i < COUNT_CALLS; i++) {
    setup(&c, MAX_FRAMES);
    via_a(&c, &ret);
    if (!id)
      id = c.id;
    *bad += !agrees(&c) || c.id != id;
  }
  tt_stacks_thread_exiting(); /* what libtether's thread-exit hook does */
  return NULL;
}

static void test_capture_hits_counted_per_thread(void) {
  uint64_t n0 = captures_counted(), h0 = hits();
  for (int round = 0; round < 3; round++) {
    pthread_t t[COUNT_THREADS];
    size_t bad[COUNT_THREADS] = {0};
    for (int i = 0; i < COUNT_THREADS; i++)
      CU_ASSERT_FATAL(pthread_create(&t[i], NULL, count_thread, &bad[i]) == 0);
    for (int i = 0; i < COUNT_THREADS; i++) {
      pthread_join(t[i], NULL);
      CU_ASSERT_EQUAL(bad[i], 0);
    }
    CU_ASSERT_EQUAL(captures_counted() - n0,
                    (uint64_t)(round + 1) * COUNT_THREADS * COUNT_CALLS);
  }
  /* most of them from the cache */
  CU_ASSERT(hits() - h0 >= (uint64_t)3 * COUNT_THREADS * (COUNT_CALLS - 8));
}

/* ======================================================================== */

int capture_init(void) {
  /* [the helper, the end of this program's text): the helper, then
   * tether_core (linked after every test object) */
  uintptr_t lo, hi;
  if (!tt_os_module_span((uintptr_t)tt_unit_capture_helper, &lo, &hi, NULL, 0))
    return -1;
  skip_lo = (uintptr_t)tt_unit_capture_helper;
  skip_hi = hi;
  return skip_lo < skip_hi && (uintptr_t)tt_stacks_capture > skip_lo &&
                 (uintptr_t)tt_stacks_capture < skip_hi
             ? 0
             : -1;
}
int capture_cleanup(void) { return 0; }

CU_TestInfo capture_tests[] = {
    {"one call site in a loop: hits, same id", test_capture_same_site_loop},
    {"two call sites at one depth", test_capture_two_sites_same_depth},
    {"six call paths to one slot address, in rotation", test_capture_six_paths_one_slot},
    {"a recursion's 64 paths to one slot address (hits: below)", test_capture_recursion_paths},
    {"frames are the callers' return addresses", test_capture_frames},
    {"same first frames, different deeper ones", test_capture_deeper_frames_differ},
    {"more than 16 frames: not cached", test_capture_deep_not_cached},
    {"fills read the stack: the same answers", test_capture_reading_the_stack},
    {"a slot outside the known stack: the frame walk", test_capture_outside_known_stack_walks},
    {"hits counted per thread, counters reused", test_capture_hits_counted_per_thread},
    CU_TEST_INFO_NULL,
};
