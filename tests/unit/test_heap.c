/* SPDX-License-Identifier: MIT */
/* tt_heap: the index of live blocks. Addresses are plain integers (the index
 * never touches the memory); each test uses its own address range and removes
 * what it inserted, so the counters are compared as differences. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "tt_heap.h"
#include "units.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static struct tt_heap_stats stats(void) {
  struct tt_heap_stats st;
  tt_heap_stats(&st);
  return st;
}

static void test_insert_lookup_remove(void) {
  const uintptr_t a = 0x100000001000ull;
  struct tt_block b;
  CU_ASSERT_FALSE(tt_heap_lookup(a, &b));
  CU_ASSERT_TRUE(tt_heap_insert(a, 100, 7, 9, TT_ALLOC_CALLOC));
  memset(&b, 0xff, sizeof b);
  CU_ASSERT_TRUE_FATAL(tt_heap_lookup(a, &b));
  CU_ASSERT_EQUAL(b.addr, a);
  CU_ASSERT_EQUAL(tt_block_size(&b), 100);
  CU_ASSERT_EQUAL(tt_block_kind(&b), TT_ALLOC_CALLOC);
  CU_ASSERT_EQUAL(tt_block_flags(&b), 0);
  CU_ASSERT_EQUAL(b.stack, 7);
  CU_ASSERT_EQUAL(b.owner, 9);
  CU_ASSERT_TRUE(tt_heap_lookup(a, NULL));
  /* neighbours are not the block: the index is by exact address */
  CU_ASSERT_FALSE(tt_heap_lookup(a + 16, NULL));
  CU_ASSERT_FALSE(tt_heap_lookup(a + 1, NULL));
  struct tt_block out;
  memset(&out, 0, sizeof out);
  CU_ASSERT_TRUE(tt_heap_remove(a, &out));
  CU_ASSERT_EQUAL(out.addr, a);
  CU_ASSERT_EQUAL(tt_block_size(&out), 100);
  CU_ASSERT_EQUAL(out.stack, 7);
  CU_ASSERT_EQUAL(out.owner, 9);
  CU_ASSERT_FALSE(tt_heap_lookup(a, NULL));
  CU_ASSERT_FALSE(tt_heap_remove(a, &out));
  /* remove with no output record */
  CU_ASSERT_TRUE(tt_heap_insert(a, 1, 0, 0, TT_ALLOC_MALLOC));
  CU_ASSERT_TRUE(tt_heap_remove(a, NULL));
  CU_ASSERT_FALSE(tt_heap_lookup(a, NULL));
}

static void test_remove_unknown(void) {
  struct tt_heap_stats s0 = stats();
  struct tt_block out = {.addr = 0x1234, .size_kind = 5, .stack = 6, .owner = 7};
  CU_ASSERT_FALSE(tt_heap_remove(0x200000002000ull, &out));
  CU_ASSERT_FALSE(tt_heap_remove(0x200000002010ull, NULL));
  CU_ASSERT_EQUAL(out.addr, 0x1234); /* untouched */
  CU_ASSERT_EQUAL(out.stack, 6);
  struct tt_heap_stats s1 = stats();
  CU_ASSERT_EQUAL(s1.frees, s0.frees);
  CU_ASSERT_EQUAL(s1.live_blocks, s0.live_blocks);
  CU_ASSERT_EQUAL(s1.live_bytes, s0.live_bytes);
}

static void test_stats(void) {
  const uintptr_t a = 0x300000003000ull;
  struct tt_heap_stats s0 = stats();
  CU_ASSERT_TRUE(tt_heap_insert(a, 10, 1, 0, TT_ALLOC_MALLOC));
  CU_ASSERT_TRUE(tt_heap_insert(a + 32, 20, 1, 0, TT_ALLOC_MALLOC));
  CU_ASSERT_TRUE(tt_heap_insert(a + 64, 30, 1, 0, TT_ALLOC_NEW));
  struct tt_heap_stats s1 = stats();
  CU_ASSERT_EQUAL(s1.allocs - s0.allocs, 3);
  CU_ASSERT_EQUAL(s1.frees - s0.frees, 0);
  CU_ASSERT_EQUAL(s1.bytes_allocated - s0.bytes_allocated, 60);
  CU_ASSERT_EQUAL(s1.live_blocks - s0.live_blocks, 3);
  CU_ASSERT_EQUAL(s1.live_bytes - s0.live_bytes, 60);
  CU_ASSERT(s1.index_bytes > 0);
  CU_ASSERT_TRUE(tt_heap_remove(a + 32, NULL));
  struct tt_heap_stats s2 = stats();
  CU_ASSERT_EQUAL(s2.allocs - s0.allocs, 3);
  CU_ASSERT_EQUAL(s2.frees - s0.frees, 1);
  CU_ASSERT_EQUAL(s2.bytes_allocated - s0.bytes_allocated, 60);
  CU_ASSERT_EQUAL(s2.live_blocks - s0.live_blocks, 2);
  CU_ASSERT_EQUAL(s2.live_bytes - s0.live_bytes, 40);
  CU_ASSERT_TRUE(tt_heap_remove(a, NULL));
  CU_ASSERT_TRUE(tt_heap_remove(a + 64, NULL));
  struct tt_heap_stats s3 = stats();
  CU_ASSERT_EQUAL(s3.frees - s0.frees, 3);
  CU_ASSERT_EQUAL(s3.live_blocks, s0.live_blocks);
  CU_ASSERT_EQUAL(s3.live_bytes, s0.live_bytes);
}

static void test_insert_existing_address_replaces(void) {
  /* a block the program released behind our back: the new record wins */
  const uintptr_t a = 0x380000003800ull;
  struct tt_heap_stats s0 = stats();
  CU_ASSERT_TRUE(tt_heap_insert(a, 100, 1, 2, TT_ALLOC_MALLOC));
  CU_ASSERT_TRUE(tt_heap_insert(a, 40, 3, 4, TT_ALLOC_NEW_ARRAY));
  struct tt_heap_stats s1 = stats();
  CU_ASSERT_EQUAL(s1.live_blocks - s0.live_blocks, 1);
  CU_ASSERT_EQUAL(s1.live_bytes - s0.live_bytes, 40);
  struct tt_block b;
  CU_ASSERT_TRUE_FATAL(tt_heap_lookup(a, &b));
  CU_ASSERT_EQUAL(tt_block_size(&b), 40);
  CU_ASSERT_EQUAL(b.stack, 3);
  CU_ASSERT_EQUAL(b.owner, 4);
  CU_ASSERT_EQUAL(tt_block_kind(&b), TT_ALLOC_NEW_ARRAY);
  CU_ASSERT_TRUE(tt_heap_remove(a, NULL));
  CU_ASSERT_FALSE(tt_heap_lookup(a, NULL));
  struct tt_heap_stats s2 = stats();
  CU_ASSERT_EQUAL(s2.live_blocks, s0.live_blocks);
  CU_ASSERT_EQUAL(s2.live_bytes, s0.live_bytes);
}

static void test_restore(void) {
  const uintptr_t a = 0x400000004000ull;
  CU_ASSERT_TRUE(tt_heap_insert(a, 72, 11, 12, TT_ALLOC_NEW_ALIGNED));
  struct tt_heap_stats s0 = stats();
  struct tt_block out;
  CU_ASSERT_TRUE_FATAL(tt_heap_remove(a, &out));
  tt_heap_restore(&out);
  struct tt_heap_stats s1 = stats();
  CU_ASSERT_EQUAL(s1.allocs, s0.allocs);
  CU_ASSERT_EQUAL(s1.frees, s0.frees);
  CU_ASSERT_EQUAL(s1.bytes_allocated, s0.bytes_allocated);
  CU_ASSERT_EQUAL(s1.live_blocks, s0.live_blocks);
  CU_ASSERT_EQUAL(s1.live_bytes, s0.live_bytes);
  struct tt_block b;
  CU_ASSERT_TRUE_FATAL(tt_heap_lookup(a, &b));
  CU_ASSERT_EQUAL(b.addr, a);
  CU_ASSERT_EQUAL(tt_block_size(&b), 72);
  CU_ASSERT_EQUAL(tt_block_kind(&b), TT_ALLOC_NEW_ALIGNED);
  CU_ASSERT_EQUAL(b.stack, 11);
  CU_ASSERT_EQUAL(b.owner, 12);
  CU_ASSERT_TRUE(tt_heap_remove(a, NULL));
}

static void test_growth_random_against_reference(void) {
  enum { N = 20000, OPS = 80000 };
  const uintptr_t base = 0x500000000000ull;
  uint32_t *size = calloc(N, sizeof *size); /* 0: not live */
  CU_ASSERT_FATAL(size != NULL);
  struct tt_heap_stats s0 = stats();
  size_t live = 0, bad = 0;
  uint64_t live_bytes = 0;
  for (int op = 0; op < OPS; op++) {
    size_t k = rnd() % N;
    /* addresses spread over bit patterns: some 16 apart, some far apart */
    uintptr_t a = base + (k % 2 ? k * 16 : k * 0x10000);
    if (size[k]) {
      struct tt_block out;
      if (!tt_heap_remove(a, &out) || tt_block_size(&out) != size[k] || out.stack != k)
        bad++;
      live--;
      live_bytes -= size[k];
      size[k] = 0;
    } else {
      uint32_t sz = (uint32_t)(rnd() % 1000) + 1;
      if (!tt_heap_insert(a, sz, (uint32_t)k, 0, TT_ALLOC_MALLOC))
        bad++;
      size[k] = sz;
      live++;
      live_bytes += sz;
    }
    if (op % 16 == 0) {
      size_t q = rnd() % N;
      uintptr_t qa = base + (q % 2 ? q * 16 : q * 0x10000);
      if (tt_heap_lookup(qa, NULL) != (size[q] != 0))
        bad++;
    }
  }
  CU_ASSERT_EQUAL(bad, 0);
  struct tt_heap_stats s1 = stats();
  CU_ASSERT_EQUAL(s1.live_blocks - s0.live_blocks, live);
  CU_ASSERT_EQUAL(s1.live_bytes - s0.live_bytes, live_bytes);
  /* every address agrees with the reference; then empty the index again */
  for (size_t k = 0; k < N; k++) {
    uintptr_t a = base + (k % 2 ? k * 16 : k * 0x10000);
    struct tt_block b;
    bool found = tt_heap_lookup(a, &b);
    if (found != (size[k] != 0) || (found && tt_block_size(&b) != size[k]))
      bad++;
    if (found && !tt_heap_remove(a, NULL))
      bad++;
  }
  CU_ASSERT_EQUAL(bad, 0);
  struct tt_heap_stats s2 = stats();
  CU_ASSERT_EQUAL(s2.live_blocks, s0.live_blocks);
  CU_ASSERT_EQUAL(s2.live_bytes, s0.live_bytes);
  free(size);
}

static void test_snapshot_under_lock_all(void) {
  enum { N = 3000 };
  const uintptr_t base = 0x600000000000ull;
  for (size_t i = 0; i < N; i++)
    CU_ASSERT_TRUE(tt_heap_insert(base + i * 48, i + 1, (uint32_t)i, 0, TT_ALLOC_MALLOC));
  /* and some removed again: they must not appear */
  for (size_t i = 0; i < N; i += 3)
    CU_ASSERT_TRUE(tt_heap_remove(base + i * 48, NULL));
  struct tt_block *out = calloc(N + 8, sizeof *out);
  unsigned char *seen = calloc(N, 1);
  CU_ASSERT_FATAL(out && seen);
  tt_heap_lock_all();
  size_t count = tt_heap_count_locked(NULL);
  size_t n = count <= N ? tt_heap_snapshot_locked(out, N + 8, NULL, 0) : 0;
  out[2].addr = 0x77; /* a short snapshot still counts everything ... */
  size_t n_short = tt_heap_snapshot_locked(out, 2, NULL, 0);
  tt_heap_unlock_all();
  /* ... and writes no more than it was given room for */
  CU_ASSERT_EQUAL(out[2].addr, 0x77);
  CU_ASSERT_EQUAL(n_short, count);
  const size_t want = N - (N + 2) / 3;
  CU_ASSERT_EQUAL(count, want); /* only this test's blocks are live */
  CU_ASSERT_EQUAL(n, count);
  /* the lock is free again */
  CU_ASSERT_TRUE(tt_heap_lookup(base + 48, NULL));
  tt_heap_lock_all();
  n = tt_heap_snapshot_locked(out, N + 8, NULL, 0);
  tt_heap_unlock_all();
  size_t bad = 0;
  for (size_t j = 0; j < n && j < N; j++) {
    uintptr_t a = out[j].addr;
    size_t i = (a - base) / 48;
    if (a < base || (a - base) % 48 || i >= N || i % 3 == 0 || seen[i] ||
        tt_block_size(&out[j]) != i + 1 || out[j].stack != i)
      bad++;
    else
      seen[i] = 1;
  }
  CU_ASSERT_EQUAL(bad, 0);
  CU_ASSERT_EQUAL(n, want);
  for (size_t i = 0; i < N; i++)
    if (i % 3)
      CU_ASSERT_TRUE(tt_heap_remove(base + i * 48, NULL));
  free(out);
  free(seen);
}

static void test_kind_and_size_packing(void) {
  const uintptr_t a = 0x700000007000ull;
  struct tt_block b;
  CU_ASSERT_TRUE(tt_heap_insert(a, TT_SIZE_MASK, 0xfffffffeu, 0xffffffffu,
                                TT_ALLOC_NEW_ARRAY_ALIGNED_NOTHROW));
  CU_ASSERT_TRUE(tt_heap_insert(a + 16, 0, 1, 1, TT_ALLOC_MALLOC));
  CU_ASSERT_TRUE_FATAL(tt_heap_lookup(a, &b));
  CU_ASSERT_EQUAL(tt_block_size(&b), TT_SIZE_MASK);
  CU_ASSERT_EQUAL(tt_block_kind(&b), TT_ALLOC_NEW_ARRAY_ALIGNED_NOTHROW);
  CU_ASSERT_EQUAL(tt_block_flags(&b), 0);
  CU_ASSERT_EQUAL(b.stack, 0xfffffffeu);
  CU_ASSERT_EQUAL(b.owner, 0xffffffffu);
  CU_ASSERT_TRUE_FATAL(tt_heap_lookup(a + 16, &b));
  CU_ASSERT_EQUAL(tt_block_size(&b), 0);
  CU_ASSERT_EQUAL(tt_block_kind(&b), TT_ALLOC_MALLOC);
  CU_ASSERT_TRUE(tt_heap_remove(a, NULL));
  CU_ASSERT_TRUE(tt_heap_remove(a + 16, NULL));
  /* the accessors on a hand-made record */
  struct tt_block h = {.addr = 1, .size_kind = 0xA5ull << 56 | 0x0Cull << 48 | 12345};
  CU_ASSERT_EQUAL(tt_block_size(&h), 12345);
  CU_ASSERT_EQUAL(tt_block_kind(&h), 0x0C);
  CU_ASSERT_EQUAL(tt_block_flags(&h), 0xA5);
  CU_ASSERT_EQUAL(sizeof(struct tt_block), 24);
}

static void test_kind_names_and_families(void) {
  CU_ASSERT_STRING_EQUAL(tt_alloc_kind_name(TT_ALLOC_MALLOC), "malloc");
  CU_ASSERT_STRING_EQUAL(tt_alloc_kind_name(TT_ALLOC_CALLOC), "calloc");
  CU_ASSERT_STRING_EQUAL(tt_alloc_kind_name(TT_ALLOC_NEW), "operator new(unsigned long)");
  CU_ASSERT_STRING_EQUAL(tt_alloc_kind_name(TT_ALLOC_NEW_ARRAY), "operator new[](unsigned long)");
  CU_ASSERT_STRING_EQUAL(tt_alloc_kind_name(TT_ALLOC_KIND_COUNT), "malloc");
  CU_ASSERT_EQUAL(tt_alloc_family_of(TT_ALLOC_REALLOC), TT_FAMILY_MALLOC);
  CU_ASSERT_EQUAL(tt_alloc_family_of(TT_ALLOC_PVALLOC), TT_FAMILY_MALLOC);
  CU_ASSERT_EQUAL(tt_alloc_family_of(TT_ALLOC_NEW_ALIGNED_NOTHROW), TT_FAMILY_NEW);
  CU_ASSERT_EQUAL(tt_alloc_family_of(TT_ALLOC_NEW_ARRAY_NOTHROW), TT_FAMILY_NEW_ARRAY);
  for (int k = 0; k < TT_ALLOC_KIND_COUNT; k++)
    CU_ASSERT_PTR_NOT_NULL(tt_alloc_kind_name((enum tt_alloc_kind)k));
}

static void test_index_bytes_per_block(void) {
  enum { N = 100000 };
  const uintptr_t base = 0x7e0000000000ull;
  for (size_t i = 0; i < N; i++)
    if (!tt_heap_insert(base + i * 32, 24, 0, 0, TT_ALLOC_MALLOC))
      CU_FAIL_FATAL("insert failed");
  struct tt_heap_stats st = stats();
  CU_ASSERT(st.live_blocks >= N);
  CU_ASSERT(st.index_bytes <= 64 * st.live_blocks);
  size_t missing = 0;
  for (size_t i = 0; i < N; i++)
    missing += !tt_heap_remove(base + i * 32, NULL);
  CU_ASSERT_EQUAL(missing, 0);
}

/* Four threads insert and remove their own blocks at once. */
struct thr {
  uintptr_t base;
  size_t bad;
};

static void *churn_cb(void *arg) {
  struct thr *t = arg;
  enum { M = 20000 };
  for (int round = 0; round < 2; round++) {
    for (size_t i = 0; i < M; i++)
      if (!tt_heap_insert(t->base + i * 16, i % 64 + 1, 0, 0, TT_ALLOC_MALLOC))
        t->bad++;
    for (size_t i = 0; i < M; i++) {
      struct tt_block b;
      if (!tt_heap_remove(t->base + i * 16, &b) || tt_block_size(&b) != i % 64 + 1)
        t->bad++;
    }
  }
  return NULL;
}

static void test_concurrent_threads(void) {
  struct thr t[4];
  pthread_t th[4];
  struct tt_heap_stats s0 = stats();
  for (int i = 0; i < 4; i++) {
    t[i].base = 0x7a0000000000ull + (uintptr_t)i * 0x1000000;
    t[i].bad = 0;
    CU_ASSERT_FATAL(pthread_create(&th[i], NULL, churn_cb, &t[i]) == 0);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(th[i], NULL);
    CU_ASSERT_EQUAL(t[i].bad, 0);
  }
  struct tt_heap_stats s1 = stats();
  CU_ASSERT_EQUAL(s1.allocs - s0.allocs, 4 * 2 * 20000);
  CU_ASSERT_EQUAL(s1.frees - s0.frees, 4 * 2 * 20000);
  CU_ASSERT_EQUAL(s1.live_blocks, s0.live_blocks);
  CU_ASSERT_EQUAL(s1.live_bytes, s0.live_bytes);
}

int heap_init(void) { return 0; }
int heap_cleanup(void) { return 0; }

CU_TestInfo heap_tests[] = {
    {"insert, lookup, remove", test_insert_lookup_remove},
    {"remove of an unknown address", test_remove_unknown},
    {"stats", test_stats},
    {"insert at a live address replaces", test_insert_existing_address_replaces},
    {"restore undoes the free", test_restore},
    {"growth, random removal, reference", test_growth_random_against_reference},
    {"snapshot under lock_all", test_snapshot_under_lock_all},
    {"kind and size packing", test_kind_and_size_packing},
    {"kind names and families", test_kind_names_and_families},
    {"index bytes per block at 100k", test_index_bytes_per_block},
    {"four threads", test_concurrent_threads},
    CU_TEST_INFO_NULL,
};
