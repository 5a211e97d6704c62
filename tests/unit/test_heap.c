/* SPDX-License-Identifier: MIT */
/* tt_heap: the index of live blocks. Addresses are plain integers (the index
 * never touches the memory); each test uses its own address range and removes
 * what it inserted, so the counters are compared as differences. */
#include <dlfcn.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

/* Pages packed with 16-byte blocks: every block of a page probes from the
 * same 256-slot window, so runs cross the 16-slot groups the probe reads at
 * once, spill into the next windows and wrap past the end of a table. With
 * every third block removed (tombstones mid-run) and half of those put back,
 * each address must still be found exactly when it is live. */
static void test_dense_pages_long_runs(void) {
  enum { PAGES = 96, PER_PAGE = 256, N = PAGES * PER_PAGE };
  const uintptr_t base = 0x6a0000000000ull;
  unsigned char *live = calloc(N, 1);
  CU_ASSERT_FATAL(live != NULL);
  struct tt_heap_stats s0 = stats();
  size_t bad = 0;
  for (size_t k = 0; k < N; k++) {
    bad += !tt_heap_insert(base + k * 16, k % 200 + 1, (uint32_t)k, 0, TT_ALLOC_MALLOC);
    live[k] = 1;
  }
  for (size_t k = 0; k < N; k += 3) {
    bad += !tt_heap_remove(base + k * 16, NULL);
    live[k] = 0;
  }
  for (size_t k = 0; k < N; k += 6) {
    bad += !tt_heap_insert(base + k * 16, k % 200 + 1, (uint32_t)k, 0, TT_ALLOC_MALLOC);
    live[k] = 1;
  }
  size_t nlive = 0;
  for (size_t k = 0; k < N; k++) {
    struct tt_block b;
    bool found = tt_heap_lookup(base + k * 16, &b);
    if (found != (live[k] != 0) || (found && (b.stack != k || tt_block_size(&b) != k % 200 + 1)))
      bad++;
    nlive += live[k];
  }
  CU_ASSERT_EQUAL(bad, 0);
  CU_ASSERT_EQUAL(stats().live_blocks - s0.live_blocks, nlive);
  for (size_t k = 0; k < N; k++)
    if (live[k])
      bad += !tt_heap_remove(base + k * 16, NULL);
  CU_ASSERT_EQUAL(bad, 0);
  CU_ASSERT_EQUAL(stats().live_blocks, s0.live_blocks);
  free(live);
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

/* ======================================================================== */
/* freed (quarantined) and untracked records                                 */
/* ======================================================================== */

static void test_mark_freed_live(void) {
  const uintptr_t a = 0x310000003100ull;
  CU_ASSERT_TRUE(tt_heap_insert(a, 100, 7, 9, TT_ALLOC_NEW_ARRAY));
  struct tt_heap_stats s0 = stats();
  struct tt_block out;
  memset(&out, 0, sizeof out);
  CU_ASSERT_EQUAL(tt_heap_mark_freed(a, 55, TT_RELEASE_DELETE_ARRAY_SIZED, &out), TT_FREE_LIVE);
  /* *out: the record before */
  CU_ASSERT_EQUAL(out.addr, a);
  CU_ASSERT_EQUAL(tt_block_size(&out), 100);
  CU_ASSERT_EQUAL(tt_block_flags(&out), 0);
  CU_ASSERT_EQUAL(out.stack, 7);
  CU_ASSERT_EQUAL(out.owner, 9);
  /* the record now: quarantined, free stack and release kind, the rest kept */
  struct tt_block b;
  CU_ASSERT_TRUE_FATAL(tt_heap_lookup(a, &b));
  CU_ASSERT_TRUE(tt_block_quarantined(&b));
  CU_ASSERT_EQUAL(tt_block_flags(&b) & TT_BLOCK_UNTRACKED, 0);
  CU_ASSERT_EQUAL(tt_block_free_stack(&b), 55);
  CU_ASSERT_EQUAL(tt_block_release_kind(&b), TT_RELEASE_DELETE_ARRAY_SIZED);
  CU_ASSERT_EQUAL(tt_block_size(&b), 100);
  CU_ASSERT_EQUAL(tt_block_kind(&b), TT_ALLOC_NEW_ARRAY);
  CU_ASSERT_EQUAL(b.stack, 7);
  struct tt_heap_stats s1 = stats();
  CU_ASSERT_EQUAL(s1.frees - s0.frees, 1);
  CU_ASSERT_EQUAL(s1.allocs, s0.allocs);
  CU_ASSERT_EQUAL(s0.live_blocks - s1.live_blocks, 1);
  CU_ASSERT_EQUAL(s0.live_bytes - s1.live_bytes, 100);
  CU_ASSERT_EQUAL(s1.quarantined_blocks - s0.quarantined_blocks, 1);
  CU_ASSERT_EQUAL(s1.untracked_blocks, s0.untracked_blocks);
  /* a second free: a double free, the record as it was */
  memset(&out, 0, sizeof out);
  CU_ASSERT_EQUAL(tt_heap_mark_freed(a, 66, TT_RELEASE_FREE, &out), TT_FREE_QUARANTINED);
  CU_ASSERT_EQUAL(out.addr, a);
  CU_ASSERT_TRUE(tt_block_quarantined(&out));
  CU_ASSERT_EQUAL(tt_block_free_stack(&out), 55);
  CU_ASSERT_EQUAL(tt_block_release_kind(&out), TT_RELEASE_DELETE_ARRAY_SIZED);
  CU_ASSERT_TRUE_FATAL(tt_heap_lookup(a, &b));
  CU_ASSERT_EQUAL(tt_block_free_stack(&b), 55); /* not overwritten */
  CU_ASSERT_EQUAL(tt_block_release_kind(&b), TT_RELEASE_DELETE_ARRAY_SIZED);
  struct tt_heap_stats s2 = stats();
  CU_ASSERT_EQUAL(s2.frees, s1.frees); /* counted once */
  CU_ASSERT_EQUAL(s2.quarantined_blocks, s1.quarantined_blocks);
  /* leaving the quarantine: removed, not counted as a free again */
  memset(&out, 0, sizeof out);
  CU_ASSERT_TRUE(tt_heap_remove(a, &out));
  CU_ASSERT_TRUE(tt_block_quarantined(&out));
  struct tt_heap_stats s3 = stats();
  CU_ASSERT_EQUAL(s3.frees, s1.frees);
  CU_ASSERT_EQUAL(s3.quarantined_blocks, s0.quarantined_blocks);
  CU_ASSERT_EQUAL(s3.live_blocks, s1.live_blocks);
  CU_ASSERT_EQUAL(s3.live_bytes, s1.live_bytes);
  CU_ASSERT_FALSE(tt_heap_lookup(a, NULL));
  /* and the address is unknown now */
  CU_ASSERT_EQUAL(tt_heap_mark_freed(a, 1, TT_RELEASE_FREE, &out), TT_FREE_UNKNOWN);
}

/* Every release kind survives the packing into the flags byte, and never
 * sets the untracked flag. */
static void test_mark_freed_every_release_kind(void) {
  const uintptr_t base = 0x320000003200ull;
  size_t bad = 0;
  for (int k = 0; k < TT_RELEASE_KIND_COUNT; k++) {
    uintptr_t a = base + (uintptr_t)k * 16;
    CU_ASSERT_TRUE(tt_heap_insert(a, (size_t)k, 1, 2, TT_ALLOC_NEW_ARRAY_ALIGNED_NOTHROW));
    struct tt_block out, b;
    if (tt_heap_mark_freed(a, 0xfffffff0u + (uint32_t)k, (enum tt_release_kind)k, &out) !=
        TT_FREE_LIVE)
      bad++;
    if (!tt_heap_lookup(a, &b) || !tt_block_quarantined(&b) ||
        (tt_block_flags(&b) & TT_BLOCK_UNTRACKED) || tt_block_release_kind(&b) != (unsigned)k ||
        tt_block_free_stack(&b) != 0xfffffff0u + (uint32_t)k ||
        tt_block_kind(&b) != TT_ALLOC_NEW_ARRAY_ALIGNED_NOTHROW || tt_block_size(&b) != (size_t)k)
      bad++;
  }
  CU_ASSERT_EQUAL(bad, 0);
  for (int k = 0; k < TT_RELEASE_KIND_COUNT; k++)
    CU_ASSERT_TRUE(tt_heap_remove(base + (uintptr_t)k * 16, NULL));
}

static void test_mark_freed_unknown(void) {
  struct tt_heap_stats s0 = stats();
  struct tt_block out = {.addr = 0x1234};
  CU_ASSERT_EQUAL(tt_heap_mark_freed(0x330000003300ull, 1, TT_RELEASE_FREE, &out),
                  TT_FREE_UNKNOWN);
  /* an interior address of a live block is no block of its own */
  CU_ASSERT_TRUE(tt_heap_insert(0x330000003400ull, 64, 1, 0, TT_ALLOC_MALLOC));
  CU_ASSERT_EQUAL(tt_heap_mark_freed(0x330000003410ull, 1, TT_RELEASE_FREE, &out),
                  TT_FREE_UNKNOWN);
  struct tt_block b;
  CU_ASSERT_TRUE(tt_heap_lookup(0x330000003400ull, &b));
  CU_ASSERT_FALSE(tt_block_quarantined(&b));
  CU_ASSERT_TRUE(tt_heap_remove(0x330000003400ull, NULL));
  struct tt_heap_stats s1 = stats();
  CU_ASSERT_EQUAL(s1.quarantined_blocks, s0.quarantined_blocks);
  CU_ASSERT_EQUAL(s1.live_blocks, s0.live_blocks);
}

static void test_untracked(void) {
  const uintptr_t u = 0x340000003400ull;
  struct tt_heap_stats s0 = stats();
  CU_ASSERT_TRUE(tt_heap_insert_untracked(u, 30));
  struct tt_heap_stats s1 = stats();
  CU_ASSERT_EQUAL(s1.untracked_blocks - s0.untracked_blocks, 1);
  CU_ASSERT_EQUAL(s1.live_blocks, s0.live_blocks); /* not live, not counted */
  CU_ASSERT_EQUAL(s1.live_bytes, s0.live_bytes);
  CU_ASSERT_EQUAL(s1.allocs, s0.allocs);
  CU_ASSERT_EQUAL(s1.bytes_allocated, s0.bytes_allocated);
  CU_ASSERT_EQUAL(s1.quarantined_blocks, s0.quarantined_blocks);
  struct tt_block b;
  CU_ASSERT_TRUE_FATAL(tt_heap_lookup(u, &b));
  CU_ASSERT_EQUAL(tt_block_flags(&b), TT_BLOCK_UNTRACKED);
  CU_ASSERT_EQUAL(tt_block_size(&b), 30);
  /* its free: no quarantine, the record goes */
  struct tt_block out;
  memset(&out, 0, sizeof out);
  CU_ASSERT_EQUAL(tt_heap_mark_freed(u, 5, TT_RELEASE_FREE, &out), TT_FREE_UNTRACKED);
  CU_ASSERT_EQUAL(out.addr, u);
  CU_ASSERT_EQUAL(tt_block_flags(&out), TT_BLOCK_UNTRACKED);
  CU_ASSERT_FALSE(tt_heap_lookup(u, NULL));
  struct tt_heap_stats s2 = stats();
  CU_ASSERT_EQUAL(s2.untracked_blocks, s0.untracked_blocks);
  CU_ASSERT_EQUAL(s2.frees, s0.frees);
  CU_ASSERT_EQUAL(s2.quarantined_blocks, s0.quarantined_blocks);
  CU_ASSERT_EQUAL(tt_heap_mark_freed(u, 5, TT_RELEASE_FREE, &out), TT_FREE_UNKNOWN);
  /* removal of an untracked record moves no counter either */
  CU_ASSERT_TRUE(tt_heap_insert_untracked(u, 30));
  CU_ASSERT_TRUE(tt_heap_remove(u, &out));
  struct tt_heap_stats s3 = stats();
  CU_ASSERT_EQUAL(s3.frees, s0.frees);
  CU_ASSERT_EQUAL(s3.untracked_blocks, s0.untracked_blocks);
  CU_ASSERT_EQUAL(s3.live_bytes, s0.live_bytes);
}

/* A live block at an address held by an untracked or quarantined record
 * (the allocator reused it behind tether's back) replaces it, and the
 * counters follow. */
static void test_insert_over_untracked_and_quarantined(void) {
  const uintptr_t a = 0x350000003500ull, q = 0x350000003600ull;
  struct tt_heap_stats s0 = stats();
  CU_ASSERT_TRUE(tt_heap_insert_untracked(a, 8));
  CU_ASSERT_TRUE(tt_heap_insert(a, 16, 1, 0, TT_ALLOC_MALLOC));
  CU_ASSERT_TRUE(tt_heap_insert(q, 24, 1, 0, TT_ALLOC_MALLOC));
  struct tt_block out;
  CU_ASSERT_EQUAL(tt_heap_mark_freed(q, 2, TT_RELEASE_FREE, &out), TT_FREE_LIVE);
  CU_ASSERT_TRUE(tt_heap_insert(q, 40, 3, 0, TT_ALLOC_CALLOC));
  struct tt_heap_stats s1 = stats();
  CU_ASSERT_EQUAL(s1.untracked_blocks, s0.untracked_blocks);
  CU_ASSERT_EQUAL(s1.quarantined_blocks, s0.quarantined_blocks);
  CU_ASSERT_EQUAL(s1.live_blocks - s0.live_blocks, 2);
  CU_ASSERT_EQUAL(s1.live_bytes - s0.live_bytes, 16 + 40);
  struct tt_block b;
  CU_ASSERT_TRUE(tt_heap_lookup(q, &b));
  CU_ASSERT_EQUAL(tt_block_flags(&b), 0);
  CU_ASSERT_TRUE(tt_heap_remove(a, NULL));
  CU_ASSERT_TRUE(tt_heap_remove(q, NULL));
  struct tt_heap_stats s2 = stats();
  CU_ASSERT_EQUAL(s2.live_blocks, s0.live_blocks);
  CU_ASSERT_EQUAL(s2.live_bytes, s0.live_bytes);
}

static void test_restore_untracked_and_quarantined(void) {
  const uintptr_t u = 0x360000003600ull, q = 0x360000003700ull;
  CU_ASSERT_TRUE(tt_heap_insert_untracked(u, 50));
  CU_ASSERT_TRUE(tt_heap_insert(q, 70, 4, 0, TT_ALLOC_NEW));
  struct tt_block out;
  CU_ASSERT_EQUAL(tt_heap_mark_freed(q, 8, TT_RELEASE_DELETE, &out), TT_FREE_LIVE);
  struct tt_heap_stats s0 = stats();
  struct tt_block ru, rq;
  CU_ASSERT_TRUE_FATAL(tt_heap_remove(u, &ru));
  CU_ASSERT_TRUE_FATAL(tt_heap_remove(q, &rq));
  tt_heap_restore(&ru);
  tt_heap_restore(&rq);
  struct tt_heap_stats s1 = stats();
  CU_ASSERT_EQUAL(s1.allocs, s0.allocs);
  CU_ASSERT_EQUAL(s1.frees, s0.frees);
  CU_ASSERT_EQUAL(s1.bytes_allocated, s0.bytes_allocated);
  CU_ASSERT_EQUAL(s1.live_blocks, s0.live_blocks);
  CU_ASSERT_EQUAL(s1.live_bytes, s0.live_bytes);
  CU_ASSERT_EQUAL(s1.untracked_blocks, s0.untracked_blocks);
  CU_ASSERT_EQUAL(s1.quarantined_blocks, s0.quarantined_blocks);
  struct tt_block b;
  CU_ASSERT_TRUE(tt_heap_lookup(u, &b));
  CU_ASSERT_EQUAL(tt_block_flags(&b), TT_BLOCK_UNTRACKED);
  CU_ASSERT_TRUE(tt_heap_lookup(q, &b));
  CU_ASSERT_TRUE(tt_block_quarantined(&b));
  CU_ASSERT_EQUAL(tt_block_free_stack(&b), 8);
  CU_ASSERT_EQUAL(tt_block_release_kind(&b), TT_RELEASE_DELETE);
  CU_ASSERT_TRUE(tt_heap_remove(u, NULL));
  CU_ASSERT_TRUE(tt_heap_remove(q, NULL));
}

static void test_find_containing(void) {
  const uintptr_t base = 0x370000003700ull;
  const uintptr_t live = base, quar = base + 0x100, untr = base + 0x200, zero = base + 0x300;
  CU_ASSERT_TRUE(tt_heap_insert(live, 100, 1, 0, TT_ALLOC_MALLOC));
  CU_ASSERT_TRUE(tt_heap_insert(quar, 50, 2, 0, TT_ALLOC_NEW));
  struct tt_block out;
  CU_ASSERT_EQUAL(tt_heap_mark_freed(quar, 3, TT_RELEASE_DELETE, &out), TT_FREE_LIVE);
  CU_ASSERT_TRUE(tt_heap_insert_untracked(untr, 64));
  CU_ASSERT_TRUE(tt_heap_insert(zero, 0, 4, 0, TT_ALLOC_MALLOC));
  struct tt_block b;
  /* a live block: its start, inside, its last byte; not one past */
  CU_ASSERT_TRUE(tt_heap_find_containing(live, &b) && b.addr == live);
  CU_ASSERT_TRUE(tt_heap_find_containing(live + 37, &b) && b.addr == live);
  CU_ASSERT_TRUE(tt_heap_find_containing(live + 99, &b) && b.addr == live && b.stack == 1);
  CU_ASSERT_FALSE(tt_heap_find_containing(live + 100, &b));
  CU_ASSERT_FALSE(tt_heap_find_containing(live - 1, &b));
  /* a quarantined one, with its record */
  CU_ASSERT_TRUE(tt_heap_find_containing(quar + 49, &b) && b.addr == quar);
  CU_ASSERT_TRUE(tt_block_quarantined(&b));
  CU_ASSERT_EQUAL(tt_block_free_stack(&b), 3);
  CU_ASSERT_FALSE(tt_heap_find_containing(quar + 50, &b));
  /* an untracked one is never found */
  CU_ASSERT_FALSE(tt_heap_find_containing(untr, &b));
  CU_ASSERT_FALSE(tt_heap_find_containing(untr + 10, &b));
  /* a zero-size block is one byte */
  CU_ASSERT_TRUE(tt_heap_find_containing(zero, &b) && b.addr == zero);
  CU_ASSERT_FALSE(tt_heap_find_containing(zero + 1, &b));
  CU_ASSERT_TRUE(tt_heap_remove(live, NULL));
  CU_ASSERT_TRUE(tt_heap_remove(quar, NULL));
  CU_ASSERT_TRUE(tt_heap_remove(untr, NULL));
  CU_ASSERT_TRUE(tt_heap_remove(zero, NULL));
  CU_ASSERT_FALSE(tt_heap_find_containing(live + 37, &b));
  CU_ASSERT_FALSE(tt_heap_find_containing(quar, &b));
}

/* Blocks that share their index slots' neighbourhood with many others (one
 * page: adjacent slots of one shard) are all found by interior address. */
static void test_find_containing_many(void) {
  enum { N = 256 };
  const uintptr_t base = 0x380000010000ull;
  for (size_t i = 0; i < N; i++)
    CU_ASSERT_TRUE(tt_heap_insert(base + i * 16, 16, (uint32_t)i, 0, TT_ALLOC_MALLOC));
  size_t bad = 0;
  for (size_t i = 0; i < N; i++) {
    struct tt_block b;
    if (!tt_heap_find_containing(base + i * 16 + (i % 16), &b) || b.addr != base + i * 16 ||
        b.stack != i)
      bad++;
  }
  CU_ASSERT_EQUAL(bad, 0);
  for (size_t i = 0; i < N; i++)
    CU_ASSERT_TRUE(tt_heap_remove(base + i * 16, NULL));
}

static void test_snapshot_live_and_quarantined(void) {
  const uintptr_t base = 0x390000003900ull;
  enum { NL = 5, NQ = 3, NU = 2 };
  tt_heap_lock_all();
  size_t q0 = 99, n0 = tt_heap_count_locked(&q0);
  tt_heap_unlock_all();
  for (size_t i = 0; i < NL + NQ; i++)
    CU_ASSERT_TRUE(tt_heap_insert(base + i * 64, 10 + i, (uint32_t)(100 + i), 0, TT_ALLOC_MALLOC));
  for (size_t i = NL; i < NL + NQ; i++) {
    struct tt_block out;
    CU_ASSERT_EQUAL(tt_heap_mark_freed(base + i * 64, (uint32_t)(200 + i), TT_RELEASE_FREE, &out),
                    TT_FREE_LIVE);
  }
  for (size_t i = 0; i < NU; i++)
    CU_ASSERT_TRUE(tt_heap_insert_untracked(base + 0x1000 + i * 64, 8));
  struct tt_block live[64], quar[64];
  memset(quar, 0, sizeof quar);
  tt_heap_lock_all();
  size_t nq = 99, n = tt_heap_count_locked(&nq);
  size_t count_null = tt_heap_count_locked(NULL);
  size_t got = n <= 64 && nq <= 64 ? tt_heap_snapshot_locked(live, 64, quar, 64) : 0;
  /* no room for the quarantined ones: quar untouched */
  struct tt_block q1[1] = {{.addr = 0x77}};
  size_t got_q0 = tt_heap_snapshot_locked(live, 64, q1, 0);
  size_t got_null = tt_heap_snapshot_locked(live, 64, NULL, 0);
  tt_heap_unlock_all();
  CU_ASSERT_EQUAL(n - n0, NL);
  CU_ASSERT_EQUAL(nq - q0, NQ);
  CU_ASSERT_EQUAL(count_null, n);
  CU_ASSERT_EQUAL(got, n);
  CU_ASSERT_EQUAL(got_q0, n);
  CU_ASSERT_EQUAL(got_null, n);
  CU_ASSERT_EQUAL(q1[0].addr, 0x77);
  size_t mine_live = 0, mine_quar = 0, wrong = 0;
  for (size_t j = 0; j < got && j < 64; j++) {
    uintptr_t a = live[j].addr;
    if (a >= base + 0x1000 && a < base + 0x1000 + NU * 64)
      wrong++; /* untracked: never in a snapshot */
    if (a < base || a >= base + (NL + NQ) * 64)
      continue;
    size_t i = (a - base) / 64;
    if (i >= NL || tt_block_flags(&live[j]) != 0 || live[j].stack != 100 + i)
      wrong++;
    mine_live++;
  }
  for (size_t j = 0; j < nq && j < 64; j++) {
    uintptr_t a = quar[j].addr;
    if (a >= base + 0x1000 && a < base + 0x1000 + NU * 64)
      wrong++;
    if (a < base || a >= base + (NL + NQ) * 64)
      continue;
    size_t i = (a - base) / 64;
    if (i < NL || !tt_block_quarantined(&quar[j]) || tt_block_free_stack(&quar[j]) != 200 + i ||
        tt_block_size(&quar[j]) != 10 + i)
      wrong++;
    mine_quar++;
  }
  CU_ASSERT_EQUAL(mine_live, NL);
  CU_ASSERT_EQUAL(mine_quar, NQ);
  CU_ASSERT_EQUAL(wrong, 0);
  /* qmax bounds the quarantined records written */
  struct tt_block q2[3];
  memset(q2, 0, sizeof q2);
  tt_heap_lock_all();
  tt_heap_snapshot_locked(live, 64, q2, 2);
  tt_heap_unlock_all();
  CU_ASSERT(q2[0].addr && q2[1].addr);
  CU_ASSERT_EQUAL(q2[2].addr, 0);
  /* The untracked ones have a snapshot of their own (roots leave them out);
   * max bounds what is written, the count is all of them. */
  struct tt_block u[64], u1[2];
  memset(u1, 0, sizeof u1);
  tt_heap_lock_all();
  size_t nu = tt_heap_snapshot_untracked_locked(NULL, 0);
  size_t gotu = nu <= 64 ? tt_heap_snapshot_untracked_locked(u, 64) : 0;
  size_t gotu1 = tt_heap_snapshot_untracked_locked(u1, 1);
  tt_heap_unlock_all();
  CU_ASSERT(nu >= NU);
  CU_ASSERT_EQUAL(gotu, nu);
  CU_ASSERT_EQUAL(gotu1, nu);
  CU_ASSERT(u1[0].addr != 0);
  CU_ASSERT_EQUAL(u1[1].addr, 0);
  size_t mine_u = 0;
  for (size_t j = 0; j < gotu && j < 64; j++) {
    uintptr_t a = u[j].addr;
    if (a >= base && a < base + (NL + NQ) * 64)
      wrong++; /* a live or quarantined record among the untracked */
    if (a >= base + 0x1000 && a < base + 0x1000 + NU * 64 && tt_block_size(&u[j]) == 8 &&
        (tt_block_flags(&u[j]) & TT_BLOCK_UNTRACKED))
      mine_u++;
  }
  CU_ASSERT_EQUAL(mine_u, NU);
  CU_ASSERT_EQUAL(wrong, 0);
  for (size_t i = 0; i < NL + NQ; i++)
    CU_ASSERT_TRUE(tt_heap_remove(base + i * 64, NULL));
  for (size_t i = 0; i < NU; i++)
    CU_ASSERT_TRUE(tt_heap_remove(base + 0x1000 + i * 64, NULL));
}

static void test_families_every_kind(void) {
  static const enum tt_alloc_family want_alloc[TT_ALLOC_KIND_COUNT] = {
      [TT_ALLOC_MALLOC] = TT_FAMILY_MALLOC,
      [TT_ALLOC_CALLOC] = TT_FAMILY_MALLOC,
      [TT_ALLOC_REALLOC] = TT_FAMILY_MALLOC,
      [TT_ALLOC_REALLOCARRAY] = TT_FAMILY_MALLOC,
      [TT_ALLOC_POSIX_MEMALIGN] = TT_FAMILY_MALLOC,
      [TT_ALLOC_ALIGNED_ALLOC] = TT_FAMILY_MALLOC,
      [TT_ALLOC_MEMALIGN] = TT_FAMILY_MALLOC,
      [TT_ALLOC_VALLOC] = TT_FAMILY_MALLOC,
      [TT_ALLOC_PVALLOC] = TT_FAMILY_MALLOC,
      [TT_ALLOC_NEW] = TT_FAMILY_NEW,
      [TT_ALLOC_NEW_NOTHROW] = TT_FAMILY_NEW,
      [TT_ALLOC_NEW_ALIGNED] = TT_FAMILY_NEW,
      [TT_ALLOC_NEW_ALIGNED_NOTHROW] = TT_FAMILY_NEW,
      [TT_ALLOC_NEW_ARRAY] = TT_FAMILY_NEW_ARRAY,
      [TT_ALLOC_NEW_ARRAY_NOTHROW] = TT_FAMILY_NEW_ARRAY,
      [TT_ALLOC_NEW_ARRAY_ALIGNED] = TT_FAMILY_NEW_ARRAY,
      [TT_ALLOC_NEW_ARRAY_ALIGNED_NOTHROW] = TT_FAMILY_NEW_ARRAY,
  };
  static const enum tt_alloc_family want_release[TT_RELEASE_KIND_COUNT] = {
      [TT_RELEASE_FREE] = TT_FAMILY_MALLOC,
      [TT_RELEASE_REALLOC] = TT_FAMILY_MALLOC,
      [TT_RELEASE_DELETE] = TT_FAMILY_NEW,
      [TT_RELEASE_DELETE_SIZED] = TT_FAMILY_NEW,
      [TT_RELEASE_DELETE_NOTHROW] = TT_FAMILY_NEW,
      [TT_RELEASE_DELETE_ALIGNED] = TT_FAMILY_NEW,
      [TT_RELEASE_DELETE_SIZED_ALIGNED] = TT_FAMILY_NEW,
      [TT_RELEASE_DELETE_ALIGNED_NOTHROW] = TT_FAMILY_NEW,
      [TT_RELEASE_DELETE_ARRAY] = TT_FAMILY_NEW_ARRAY,
      [TT_RELEASE_DELETE_ARRAY_SIZED] = TT_FAMILY_NEW_ARRAY,
      [TT_RELEASE_DELETE_ARRAY_NOTHROW] = TT_FAMILY_NEW_ARRAY,
      [TT_RELEASE_DELETE_ARRAY_ALIGNED] = TT_FAMILY_NEW_ARRAY,
      [TT_RELEASE_DELETE_ARRAY_SIZED_ALIGNED] = TT_FAMILY_NEW_ARRAY,
      [TT_RELEASE_DELETE_ARRAY_ALIGNED_NOTHROW] = TT_FAMILY_NEW_ARRAY,
  };
  for (int k = 0; k < TT_ALLOC_KIND_COUNT; k++)
    CU_ASSERT_EQUAL(tt_alloc_family_of((enum tt_alloc_kind)k), want_alloc[k]);
  for (int k = 0; k < TT_RELEASE_KIND_COUNT; k++)
    CU_ASSERT_EQUAL(tt_release_family_of((enum tt_release_kind)k), want_release[k]);
  CU_ASSERT_EQUAL(tt_release_family_of(TT_RELEASE_KIND_COUNT), TT_FAMILY_MALLOC);
  CU_ASSERT_EQUAL(tt_alloc_family_of(TT_ALLOC_KIND_COUNT), TT_FAMILY_MALLOC);
}

/* The names as c++filt demangles the real symbols (_ZdlPvm: "operator
 * delete(void*, unsigned long)"), which is how Valgrind prints them. */
static void test_kind_names_exact(void) {
  static const char *alloc[TT_ALLOC_KIND_COUNT] = {
      [TT_ALLOC_MALLOC] = "malloc",
      [TT_ALLOC_CALLOC] = "calloc",
      [TT_ALLOC_REALLOC] = "realloc",
      [TT_ALLOC_REALLOCARRAY] = "reallocarray",
      [TT_ALLOC_POSIX_MEMALIGN] = "posix_memalign",
      [TT_ALLOC_ALIGNED_ALLOC] = "aligned_alloc",
      [TT_ALLOC_MEMALIGN] = "memalign",
      [TT_ALLOC_VALLOC] = "valloc",
      [TT_ALLOC_PVALLOC] = "pvalloc",
      [TT_ALLOC_NEW] = "operator new(unsigned long)",
      [TT_ALLOC_NEW_NOTHROW] = "operator new(unsigned long, std::nothrow_t const&)",
      [TT_ALLOC_NEW_ALIGNED] = "operator new(unsigned long, std::align_val_t)",
      [TT_ALLOC_NEW_ALIGNED_NOTHROW] =
          "operator new(unsigned long, std::align_val_t, std::nothrow_t const&)",
      [TT_ALLOC_NEW_ARRAY] = "operator new[](unsigned long)",
      [TT_ALLOC_NEW_ARRAY_NOTHROW] = "operator new[](unsigned long, std::nothrow_t const&)",
      [TT_ALLOC_NEW_ARRAY_ALIGNED] = "operator new[](unsigned long, std::align_val_t)",
      [TT_ALLOC_NEW_ARRAY_ALIGNED_NOTHROW] =
          "operator new[](unsigned long, std::align_val_t, std::nothrow_t const&)",
  };
  static const char *release[TT_RELEASE_KIND_COUNT] = {
      [TT_RELEASE_FREE] = "free",
      [TT_RELEASE_REALLOC] = "realloc",
      [TT_RELEASE_DELETE] = "operator delete(void*)",
      [TT_RELEASE_DELETE_SIZED] = "operator delete(void*, unsigned long)",
      [TT_RELEASE_DELETE_NOTHROW] = "operator delete(void*, std::nothrow_t const&)",
      [TT_RELEASE_DELETE_ALIGNED] = "operator delete(void*, std::align_val_t)",
      [TT_RELEASE_DELETE_SIZED_ALIGNED] = "operator delete(void*, unsigned long, std::align_val_t)",
      [TT_RELEASE_DELETE_ALIGNED_NOTHROW] =
          "operator delete(void*, std::align_val_t, std::nothrow_t const&)",
      [TT_RELEASE_DELETE_ARRAY] = "operator delete[](void*)",
      [TT_RELEASE_DELETE_ARRAY_SIZED] = "operator delete[](void*, unsigned long)",
      [TT_RELEASE_DELETE_ARRAY_NOTHROW] = "operator delete[](void*, std::nothrow_t const&)",
      [TT_RELEASE_DELETE_ARRAY_ALIGNED] = "operator delete[](void*, std::align_val_t)",
      [TT_RELEASE_DELETE_ARRAY_SIZED_ALIGNED] =
          "operator delete[](void*, unsigned long, std::align_val_t)",
      [TT_RELEASE_DELETE_ARRAY_ALIGNED_NOTHROW] =
          "operator delete[](void*, std::align_val_t, std::nothrow_t const&)",
  };
  for (int k = 0; k < TT_ALLOC_KIND_COUNT; k++)
    CU_ASSERT_STRING_EQUAL(tt_alloc_kind_name((enum tt_alloc_kind)k), alloc[k]);
  for (int k = 0; k < TT_RELEASE_KIND_COUNT; k++)
    CU_ASSERT_STRING_EQUAL(tt_release_kind_name((enum tt_release_kind)k), release[k]);
  CU_ASSERT_STRING_EQUAL(tt_release_kind_name(TT_RELEASE_KIND_COUNT), "free");
}

/* ======================================================================== */
/* prefixed blocks: the record in a header before the block                  */
/* ======================================================================== */

/* Memory for prefixed blocks: real memory, since the header is written
 * just below each block. Page-aligned, so the tests choose page offsets. */
#define HBUF_BYTES ((size_t)1 << 20)
static unsigned char *hbuf(void) {
  void *p = NULL;
  CU_ASSERT_FATAL(posix_memalign(&p, 4096, HBUF_BYTES) == 0);
  memset(p, 0xAB, HBUF_BYTES);
  return p;
}

static void test_prefixed_round_trip(void) {
  unsigned char *buf = hbuf();
  uintptr_t p = (uintptr_t)buf + 4096 + 64;
  struct tt_heap_stats s0 = stats();
  CU_ASSERT_FALSE(tt_heap_lookup(p, NULL));
  CU_ASSERT_TRUE(tt_heap_insert_prefixed(p, 100, 7, 9, TT_ALLOC_CALLOC));
  struct tt_heap_stats s1 = stats();
  CU_ASSERT_EQUAL(s1.allocs - s0.allocs, 1);
  CU_ASSERT_EQUAL(s1.live_blocks - s0.live_blocks, 1);
  CU_ASSERT_EQUAL(s1.live_bytes - s0.live_bytes, 100);
  /* the record is in the header alone: the hash table has no trace of it */
  CU_ASSERT_EQUAL(s1.index_bytes - s0.index_bytes, TT_HEAP_PREFIX);
  struct tt_block b;
  memset(&b, 0, sizeof b);
  CU_ASSERT_TRUE_FATAL(tt_heap_lookup(p, &b));
  CU_ASSERT_EQUAL(b.addr, p);
  CU_ASSERT_EQUAL(tt_block_size(&b), 100);
  CU_ASSERT_EQUAL(tt_block_kind(&b), TT_ALLOC_CALLOC);
  CU_ASSERT_EQUAL(tt_block_flags(&b), TT_BLOCK_PREFIXED);
  CU_ASSERT_EQUAL(b.stack, 7);
  CU_ASSERT_EQUAL(b.owner, 9);
  /* the header is the TT_HEAP_PREFIX bytes below p, and nothing else moved */
  for (size_t i = 0; i < HBUF_BYTES; i++)
    if ((uintptr_t)buf + i < p - TT_HEAP_PREFIX || (uintptr_t)buf + i >= p)
      if (buf[i] != 0xAB) {
        CU_FAIL("a byte outside the header changed");
        break;
      }
  /* neighbours are not the block */
  CU_ASSERT_FALSE(tt_heap_lookup(p + 16, NULL));
  CU_ASSERT_FALSE(tt_heap_lookup(p - 16, NULL));
  CU_ASSERT_FALSE(tt_heap_lookup(p + 1, NULL));
  struct tt_block out;
  memset(&out, 0, sizeof out);
  CU_ASSERT_TRUE(tt_heap_remove(p, &out));
  CU_ASSERT_EQUAL(out.addr, p);
  CU_ASSERT_EQUAL(tt_block_size(&out), 100);
  CU_ASSERT_EQUAL(tt_block_flags(&out), TT_BLOCK_PREFIXED);
  CU_ASSERT_EQUAL(out.stack, 7);
  CU_ASSERT_EQUAL(out.owner, 9);
  CU_ASSERT_FALSE(tt_heap_lookup(p, NULL));
  CU_ASSERT_FALSE(tt_heap_remove(p, NULL));
  struct tt_heap_stats s2 = stats();
  CU_ASSERT_EQUAL(s2.frees - s0.frees, 1);
  CU_ASSERT_EQUAL(s2.live_blocks, s0.live_blocks);
  CU_ASSERT_EQUAL(s2.live_bytes, s0.live_bytes);
  free(buf);
}

/* A header is read only where it shares the block's page, at a 16-aligned
 * address: elsewhere the record goes to the index, flagged, and the
 * memory below the block stays untouched. */
static void test_prefixed_unheaderable_to_index(void) {
  unsigned char *buf = hbuf();
  const uintptr_t at[] = {(uintptr_t)buf + 8192, (uintptr_t)buf + 8192 + 4096 + 16,
                          (uintptr_t)buf + 3 * 4096 + 72};
  for (size_t k = 0; k < sizeof at / sizeof at[0]; k++) {
    CU_ASSERT_TRUE(tt_heap_insert_prefixed(at[k], 24, 3, 0, TT_ALLOC_MALLOC));
    struct tt_block b;
    CU_ASSERT_TRUE_FATAL(tt_heap_lookup(at[k], &b));
    CU_ASSERT_EQUAL(tt_block_flags(&b), TT_BLOCK_PREFIXED);
    CU_ASSERT_EQUAL(tt_block_size(&b), 24);
  }
  size_t changed = 0;
  for (size_t i = 0; i < HBUF_BYTES; i++)
    changed += buf[i] != 0xAB;
  CU_ASSERT_EQUAL(changed, 0);
  for (size_t k = 0; k < sizeof at / sizeof at[0]; k++) {
    struct tt_block b;
    CU_ASSERT_TRUE(tt_heap_remove(at[k], &b));
    CU_ASSERT_EQUAL(tt_block_flags(&b), TT_BLOCK_PREFIXED);
  }
  free(buf);
}

/* What passes for a header: only the one written for that very address. */
static void test_prefixed_forged_and_damaged(void) {
  unsigned char *buf = hbuf();
  uintptr_t p = (uintptr_t)buf + 4096 + 256, q = p + 512;
  CU_ASSERT_TRUE(tt_heap_insert_prefixed(p, 64, 1, 0, TT_ALLOC_MALLOC));
  /* a copy of p's header below q is not q's */
  memcpy((void *)(q - TT_HEAP_PREFIX), (void *)(p - TT_HEAP_PREFIX), TT_HEAP_PREFIX);
  CU_ASSERT_FALSE(tt_heap_lookup(q, NULL));
  CU_ASSERT_FALSE(tt_heap_remove(q, NULL));
  CU_ASSERT_EQUAL(tt_heap_mark_freed(q, 1, TT_RELEASE_FREE, &(struct tt_block){0}), TT_FREE_UNKNOWN);
  /* a header the program wrote over is no header */
  unsigned char save[TT_HEAP_PREFIX];
  memcpy(save, (void *)(p - TT_HEAP_PREFIX), sizeof save);
  CU_ASSERT_FALSE(tt_heap_header_damaged(p)); /* intact */
  uint64_t cookie;
  memcpy(&cookie, (void *)(p - 8), 8);
  CU_ASSERT_EQUAL(cookie, 0); /* no owner: a delete[] of it runs no destructor */
  ((unsigned char *)p)[-1] ^= 0x40;
  CU_ASSERT_FALSE(tt_heap_lookup(p, NULL));
  CU_ASSERT_TRUE(tt_heap_header_damaged(p)); /* an underrun into the owner word's spare half */
  memcpy((void *)(p - TT_HEAP_PREFIX), save, sizeof save);
  ((unsigned char *)p)[-9] ^= 0x40;
  CU_ASSERT_FALSE(tt_heap_lookup(p, NULL));
  CU_ASSERT_TRUE(tt_heap_header_damaged(p)); /* and on into the check word */
  memcpy((void *)(p - TT_HEAP_PREFIX), save, sizeof save);
  ((unsigned char *)p)[-8] ^= 0x03; /* the owner id itself: the block is still known */
  struct tt_block ob;
  CU_ASSERT_TRUE(tt_heap_lookup(p, &ob));
  CU_ASSERT_EQUAL(ob.owner, 3);
  CU_ASSERT_FALSE(tt_heap_header_damaged(p));
  memcpy((void *)(p - TT_HEAP_PREFIX), save, sizeof save);
  ((unsigned char *)p)[-1] ^= 0x40;
  memset((void *)(p - TT_HEAP_PREFIX), 0x41, TT_HEAP_PREFIX);
  CU_ASSERT_FALSE(tt_heap_header_damaged(p)); /* all of it: nothing left to tell */
  /* a copy of another block's header reads as one written over: its check
   * is not q's (only an invalid free's wording depends on it) */
  CU_ASSERT_TRUE(tt_heap_header_damaged(q));
  memset((void *)(q + 64 - TT_HEAP_PREFIX), 0, TT_HEAP_PREFIX);
  CU_ASSERT_FALSE(tt_heap_header_damaged(q + 64)); /* zeros: no header there at all */
  memcpy((void *)(p - TT_HEAP_PREFIX), save, sizeof save);
  ((unsigned char *)p)[-24] ^= 0x01; /* the stack word */
  CU_ASSERT_FALSE(tt_heap_lookup(p, NULL));
  memcpy((void *)(p - TT_HEAP_PREFIX), save, sizeof save);
  CU_ASSERT_TRUE(tt_heap_lookup(p, NULL));
  CU_ASSERT_TRUE(tt_heap_remove(p, NULL));
  /* a removed block's header is dead, even with its bytes put back */
  CU_ASSERT_FALSE(tt_heap_lookup(p, NULL));
  free(buf);
}

static void test_prefixed_mark_freed_and_update(void) {
  unsigned char *buf = hbuf();
  uintptr_t p = (uintptr_t)buf + 2 * 4096 + 48;
  CU_ASSERT_TRUE(tt_heap_insert_prefixed(p, 40, 5, 6, TT_ALLOC_NEW));
  struct tt_block b;
  /* live updates: owner and flags */
  CU_ASSERT_TRUE(tt_heap_update_live(p, true, 77, TT_BLOCK_IGNORED | TT_BLOCK_QUARANTINED, 0, &b));
  CU_ASSERT_EQUAL(b.owner, 6);
  CU_ASSERT_TRUE_FATAL(tt_heap_lookup(p, &b));
  CU_ASSERT_EQUAL(b.owner, 77);
  CU_ASSERT_EQUAL(tt_block_flags(&b), TT_BLOCK_PREFIXED | TT_BLOCK_IGNORED); /* live flags only */
  CU_ASSERT_TRUE(tt_heap_update_live(p, false, 0, 0, TT_BLOCK_IGNORED, NULL));
  tt_heap_lock_all();
  tt_heap_set_flags_locked(p, TT_BLOCK_REPORTED);
  tt_heap_unlock_all();
  CU_ASSERT_TRUE_FATAL(tt_heap_lookup(p, &b));
  CU_ASSERT_EQUAL(tt_block_flags(&b), TT_BLOCK_PREFIXED | TT_BLOCK_REPORTED);
  /* free: quarantined with its free stack, then a double free */
  struct tt_heap_stats s0 = stats();
  CU_ASSERT_EQUAL(tt_heap_mark_freed(p, 55, TT_RELEASE_DELETE_SIZED, &b), TT_FREE_LIVE);
  CU_ASSERT_EQUAL(b.owner, 77);
  CU_ASSERT_EQUAL(tt_block_kind(&b), TT_ALLOC_NEW);
  struct tt_heap_stats s1 = stats();
  CU_ASSERT_EQUAL(s1.frees - s0.frees, 1);
  CU_ASSERT_EQUAL(s0.live_blocks - s1.live_blocks, 1);
  CU_ASSERT_EQUAL(s1.quarantined_blocks - s0.quarantined_blocks, 1);
  memset(&b, 0, sizeof b);
  CU_ASSERT_EQUAL(tt_heap_mark_freed(p, 56, TT_RELEASE_FREE, &b), TT_FREE_QUARANTINED);
  CU_ASSERT_TRUE(tt_block_quarantined(&b));
  CU_ASSERT_EQUAL(tt_block_free_stack(&b), 55);
  CU_ASSERT_EQUAL(tt_block_release_kind(&b), TT_RELEASE_DELETE_SIZED);
  CU_ASSERT_EQUAL(b.stack, 5);
  CU_ASSERT_TRUE(tt_block_flags(&b) & TT_BLOCK_PREFIXED);
  CU_ASSERT_FALSE(tt_heap_update_live(p, true, 1, 0, 0, NULL));
  /* a quarantined block is found by the addresses inside it */
  CU_ASSERT_TRUE(tt_heap_find_containing(p + 39, &b));
  CU_ASSERT_EQUAL(b.addr, p);
  CU_ASSERT_FALSE(tt_heap_find_containing(p + 40, &b) && b.addr == p);
  /* leaving the quarantine */
  CU_ASSERT_TRUE(tt_heap_remove(p, &b));
  CU_ASSERT_TRUE(tt_block_quarantined(&b));
  struct tt_heap_stats s2 = stats();
  CU_ASSERT_EQUAL(s2.quarantined_blocks, s0.quarantined_blocks);
  CU_ASSERT_EQUAL(s2.frees, s1.frees); /* counted once, at the free */
  CU_ASSERT_FALSE(tt_heap_lookup(p, NULL));
  free(buf);
}

static void test_prefixed_restore(void) {
  unsigned char *buf = hbuf();
  uintptr_t p = (uintptr_t)buf + 4096 + 512;
  CU_ASSERT_TRUE(tt_heap_insert_prefixed(p, 10, 2, 3, TT_ALLOC_REALLOC));
  CU_ASSERT_TRUE(tt_heap_update_live(p, false, 0, TT_BLOCK_IGNORED, 0, NULL));
  struct tt_heap_stats s0 = stats();
  struct tt_block old;
  CU_ASSERT_TRUE(tt_heap_remove(p, &old));
  tt_heap_restore(&old); /* a failed realloc: the block is the program's again */
  struct tt_heap_stats s1 = stats();
  CU_ASSERT_EQUAL(s1.allocs, s0.allocs);
  CU_ASSERT_EQUAL(s1.frees, s0.frees);
  CU_ASSERT_EQUAL(s1.live_blocks, s0.live_blocks);
  struct tt_block b;
  CU_ASSERT_TRUE_FATAL(tt_heap_lookup(p, &b));
  CU_ASSERT_EQUAL(b.size_kind, old.size_kind);
  CU_ASSERT_EQUAL(b.stack, 2);
  CU_ASSERT_EQUAL(b.owner, 3);
  CU_ASSERT_TRUE(tt_heap_remove(p, NULL));
  free(buf);
}

static void test_prefixed_snapshot(void) {
  enum { N = 500 };
  unsigned char *buf = hbuf();
  uintptr_t base = (uintptr_t)buf + 4096 + 64;
  for (size_t i = 0; i < N; i++)
    CU_ASSERT_TRUE(tt_heap_insert_prefixed(base + i * 96, i % 64 + 1, (uint32_t)i, 0, TT_ALLOC_MALLOC));
  for (size_t i = 0; i < N; i += 5) /* every fifth freed, every tenth gone */
    CU_ASSERT_EQUAL(tt_heap_mark_freed(base + i * 96, 9, TT_RELEASE_FREE, &(struct tt_block){0}),
                    TT_FREE_LIVE);
  for (size_t i = 0; i < N; i += 10)
    CU_ASSERT_TRUE(tt_heap_remove(base + i * 96, NULL));
  struct tt_block *live = calloc(N + 600, sizeof *live), *quar = calloc(N, sizeof *quar);
  CU_ASSERT_FATAL(live && quar);
  tt_heap_lock_all();
  size_t nq = 0, n = tt_heap_count_locked(&nq);
  size_t got = n <= N + 600 ? tt_heap_snapshot_locked(live, N + 600, quar, N) : 0;
  tt_heap_unlock_all();
  CU_ASSERT_EQUAL(got, n);
  size_t mine = 0, bad = 0, qmine = 0, unordered = 0;
  uintptr_t prev = 0;
  for (size_t j = 0; j < got && j < N + 600; j++) {
    if (live[j].addr < base || live[j].addr >= base + N * 96)
      continue;
    size_t i = (live[j].addr - base) / 96;
    mine++;
    bad += i % 5 == 0 || tt_block_size(&live[j]) != i % 64 + 1 || live[j].stack != i ||
           tt_block_flags(&live[j]) != TT_BLOCK_PREFIXED;
    if ((live[j].addr & 4095) >= TT_HEAP_PREFIX) { /* in a header: a sweep lists them by address */
      unordered += live[j].addr <= prev;
      prev = live[j].addr;
    }
  }
  for (size_t j = 0; j < nq && j < N; j++) {
    if (quar[j].addr < base || quar[j].addr >= base + N * 96)
      continue;
    size_t i = (quar[j].addr - base) / 96;
    qmine++;
    bad += i % 10 == 0 || i % 5 != 0 || tt_block_free_stack(&quar[j]) != 9;
  }
  CU_ASSERT_EQUAL(mine, N - N / 5);
  CU_ASSERT_EQUAL(qmine, N / 10);
  CU_ASSERT_EQUAL(bad, 0);
  CU_ASSERT_EQUAL(unordered, 0);
  for (size_t i = 0; i < N; i++)
    if (i % 10)
      CU_ASSERT_TRUE(tt_heap_remove(base + i * 96, NULL));
  free(live);
  free(quar);
  free(buf);
}

/* Threads insert blocks and other threads remove them, in rounds, in two
 * generations of threads (the second takes over the first's records): the
 * counts add up and no snapshot lists a removed block. */
struct hthr {
  uintptr_t base;
  int round;
  size_t bad;
};
enum { HTHREADS = 4, HBLOCKS = 1500, HROUNDS = 12 };
static pthread_barrier_t hbar;

static void *hthr_cb(void *arg) {
  struct hthr *t = arg;
  struct hthr *all = t - (t->round); /* round holds the thread's index here */
  int me = t->round;
  uintptr_t mine = t->base, theirs = all[(me + 1) % HTHREADS].base;
  for (int r = 0; r < HROUNDS; r++) {
    for (size_t i = 0; i < HBLOCKS; i++)
      t->bad += !tt_heap_insert_prefixed(mine + i * 64, 8, (uint32_t)r, 0, TT_ALLOC_MALLOC);
    pthread_barrier_wait(&hbar);
    for (size_t i = 0; i < HBLOCKS; i++) /* the neighbour's blocks */
      t->bad += !tt_heap_remove(theirs + i * 64, NULL);
    pthread_barrier_wait(&hbar);
  }
  tt_heap_thread_exiting();
  return NULL;
}

/* Snapshot's blocks in [lo, hi). */
static size_t snapshot_within(uintptr_t lo, uintptr_t hi) {
  tt_heap_lock_all();
  size_t nq = 0, n = tt_heap_count_locked(&nq);
  struct tt_block *live = calloc(n + 1, sizeof *live), *quar = calloc(nq + 1, sizeof *quar);
  size_t got = live && quar ? tt_heap_snapshot_locked(live, n, quar, nq) : 0;
  tt_heap_unlock_all();
  size_t in = 0;
  for (size_t j = 0; j < got && j < n; j++)
    in += live[j].addr >= lo && live[j].addr < hi;
  for (size_t j = 0; j < nq; j++)
    in += quar[j].addr >= lo && quar[j].addr < hi;
  free(live);
  free(quar);
  return in;
}

static void test_prefixed_threads(void) {
  unsigned char *bufs[HTHREADS];
  struct hthr t[HTHREADS];
  pthread_t th[HTHREADS];
  struct tt_heap_stats s0 = stats();
  for (int gen = 0; gen < 2; gen++) { /* the second generation reuses the first's slots */
    CU_ASSERT_FATAL(pthread_barrier_init(&hbar, NULL, HTHREADS) == 0);
    for (int i = 0; i < HTHREADS; i++) {
      bufs[i] = hbuf();
      t[i] = (struct hthr){(uintptr_t)bufs[i] + 4096 + 32, i, 0};
    }
    for (int i = 0; i < HTHREADS; i++)
      CU_ASSERT_FATAL(pthread_create(&th[i], NULL, hthr_cb, &t[i]) == 0);
    for (int i = 0; i < HTHREADS; i++) {
      pthread_join(th[i], NULL);
      CU_ASSERT_EQUAL(t[i].bad, 0);
    }
    for (int i = 0; i < HTHREADS; i++) {
      CU_ASSERT_EQUAL(snapshot_within((uintptr_t)bufs[i], (uintptr_t)bufs[i] + HBUF_BYTES), 0);
      free(bufs[i]);
    }
    pthread_barrier_destroy(&hbar);
  }
  struct tt_heap_stats s1 = stats();
  CU_ASSERT_EQUAL(s1.allocs - s0.allocs, 2 * HTHREADS * HBLOCKS * HROUNDS);
  CU_ASSERT_EQUAL(s1.live_blocks, s0.live_blocks);
  CU_ASSERT_EQUAL(s1.frees - s0.frees, 2 * HTHREADS * HBLOCKS * HROUNDS);
}

/* Whether a snapshot lists the block at addr. */
static bool snapshot_lists(uintptr_t addr) { return snapshot_within(addr, addr + 1) == 1; }

/* What a sweep of the heap lists: genuine headers only, each block once,
 * in address order, stepping over the blocks' bodies; a header whose size
 * the program wrote over is no header (its check covers the size), and the
 * blocks after it are found as ever. */
static void test_prefixed_sweep(void) {
  unsigned char *buf = hbuf();
  uintptr_t p = (uintptr_t)buf + 4096 + 64, q = p + 1024, r = q + 1024;
  uintptr_t end = (uintptr_t)buf + HBUF_BYTES;
  CU_ASSERT_TRUE(tt_heap_insert_prefixed(p, 900, 1, 0, TT_ALLOC_MALLOC));
  CU_ASSERT_TRUE(tt_heap_insert_prefixed(q, 16, 2, 0, TT_ALLOC_MALLOC));
  CU_ASSERT_TRUE(tt_heap_insert_prefixed(r, 0, 3, 0, TT_ALLOC_MALLOC));
  CU_ASSERT_EQUAL(snapshot_within((uintptr_t)buf, end), 3);
  /* a copy of q's header after r is no block (it names another address) */
  memcpy((void *)(r + 4096), (void *)(q - TT_HEAP_PREFIX), TT_HEAP_PREFIX);
  CU_ASSERT_EQUAL(snapshot_within((uintptr_t)buf, end), 3);
  /* p's size written over (an underrun into its header), larger or
   * smaller: p is lost to tether, q and r are listed */
  uint64_t w0;
  memcpy(&w0, (void *)(p - TT_HEAP_PREFIX), sizeof w0);
  uint64_t sizes[] = {1500, (uint64_t)1 << 40, 8};
  for (size_t i = 0; i < TT_ARRAY_LEN(sizes); i++) {
    uint64_t bad = (w0 & ~TT_SIZE_MASK) | sizes[i];
    memcpy((void *)(p - TT_HEAP_PREFIX), &bad, sizeof bad);
    CU_ASSERT_FALSE(snapshot_lists(p));
    CU_ASSERT_FALSE(tt_heap_lookup(p, NULL));
    CU_ASSERT_TRUE(snapshot_lists(q));
    CU_ASSERT_TRUE(snapshot_lists(r));
  }
  memcpy((void *)(p - TT_HEAP_PREFIX), &w0, sizeof w0);
  CU_ASSERT_TRUE(snapshot_lists(p));
  /* a genuine header inside p's body (a block the allocator could never
   * have put there) is stepped over with the body */
  CU_ASSERT_TRUE(tt_heap_insert_prefixed(p + 512, 16, 4, 0, TT_ALLOC_MALLOC));
  CU_ASSERT_FALSE(snapshot_lists(p + 512));
  CU_ASSERT_TRUE(tt_heap_remove(p + 512, NULL));
  /* a removed block is gone at once; a quarantined one is listed */
  CU_ASSERT_TRUE(tt_heap_remove(q, NULL));
  CU_ASSERT_EQUAL(tt_heap_mark_freed(r, 4, TT_RELEASE_FREE, &(struct tt_block){0}), TT_FREE_LIVE);
  CU_ASSERT_EQUAL(snapshot_within((uintptr_t)buf, end), 2);
  CU_ASSERT_TRUE(tt_heap_remove(p, NULL));
  CU_ASSERT_TRUE(tt_heap_remove(r, NULL));
  CU_ASSERT_EQUAL(snapshot_within((uintptr_t)buf, end), 0);
  free(buf);
}

/* find_containing across a block the program split into several mappings
 * (mprotect on a page inside it), and over a guard region the map calls
 * readable (Linux 6.13's MADV_GUARD_INSTALL; skipped where the kernel has
 * none): found, and nothing faults. */
static void test_prefixed_containing_split_and_guard(void) {
  size_t bytes = (size_t)1 << 20;
  unsigned char *m = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CU_ASSERT_FATAL(m != MAP_FAILED);
  memset(m, 0x5a, bytes);
  uintptr_t p = (uintptr_t)m + 64;
  size_t size = bytes - 128;
  CU_ASSERT_TRUE(tt_heap_insert_prefixed(p, size, 6, 0, TT_ALLOC_MALLOC));
  CU_ASSERT_FATAL(mprotect(m + 300000 / 4096 * 4096, 4096, PROT_READ) == 0);
  struct tt_block b;
  CU_ASSERT_TRUE(tt_heap_find_containing(p + 600000, &b) && b.addr == p);
#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif
  if (madvise(m + 500000 / 4096 * 4096, 4096, MADV_GUARD_INSTALL) == 0) {
    CU_ASSERT_TRUE(tt_heap_find_containing(p + 700000, &b) && b.addr == p);
    CU_ASSERT_EQUAL(snapshot_within((uintptr_t)m, (uintptr_t)m + bytes), 1);
  }
  CU_ASSERT_TRUE(tt_heap_remove(p, NULL));
  CU_ASSERT_FALSE(tt_heap_find_containing(p + 600000, &b));
  munmap(m, bytes);
}

/* find_containing of a prefixed block: across megabytes that hold no
 * header, and never by reading what cannot be read. */
static void test_prefixed_containing_far(void) {
  size_t bytes = (size_t)4 << 20;
  unsigned char *buf = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CU_ASSERT_FATAL(buf != MAP_FAILED);
  uintptr_t p = (uintptr_t)buf + 64;
  size_t size = bytes - 4096;
  CU_ASSERT_TRUE(tt_heap_insert_prefixed(p, size, 8, 0, TT_ALLOC_MALLOC));
  struct tt_block b;
  memset(&b, 0, sizeof b);
  CU_ASSERT_TRUE(tt_heap_find_containing(p + size - 1, &b));
  CU_ASSERT_EQUAL(b.addr, p);
  CU_ASSERT_EQUAL(b.stack, 8);
  CU_ASSERT_TRUE(tt_heap_find_containing(p + (size_t)(2 << 20) + 5, &b) && b.addr == p);
  CU_ASSERT_FALSE(tt_heap_find_containing(p + size, &b));
  CU_ASSERT_FALSE(tt_heap_find_containing(p - 1, &b));
  /* the pages below p's made unreadable: nothing found, nothing read */
  CU_ASSERT_TRUE(tt_heap_remove(p, NULL));
  uintptr_t q = (uintptr_t)buf + (2 << 20) + 4096 + 64;
  CU_ASSERT_TRUE(tt_heap_insert_prefixed(q, 64, 9, 0, TT_ALLOC_MALLOC));
  CU_ASSERT_FATAL(mprotect(buf, (size_t)2 << 20, PROT_NONE) == 0);
  CU_ASSERT_TRUE(tt_heap_find_containing(q + 63, &b) && b.addr == q);
  CU_ASSERT_FALSE(tt_heap_find_containing(q - 64, &b));
  CU_ASSERT_FALSE(tt_heap_find_containing((uintptr_t)buf + 4096, &b));
  CU_ASSERT_EQUAL(snapshot_within((uintptr_t)buf, (uintptr_t)buf + bytes), 1);
  /* a file's memory (this program's code) and no memory at all */
  CU_ASSERT_FALSE(tt_heap_find_containing((uintptr_t)&test_prefixed_containing_far, &b));
  CU_ASSERT_TRUE(tt_heap_remove(q, NULL));
  munmap(buf, bytes);
  CU_ASSERT_FALSE(tt_heap_find_containing(q, &b));
}

/* ---- a block that reaches into the next megabytes ----------------------- */

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/* tt_heap_range_marked tells the quarantine that a page the program takes
 * away may hold a freed block. A block that starts in one megabyte and
 * reaches into the next was marked in its first only: a guard page put in
 * its second megabyte was not looked at, and evicting the block faulted
 * (case err_freed_taken_away, once in 256 runs). Memory no test used
 * before, at a fixed address, so that no earlier mark answers for it. */
static void test_range_marked_spanning(void) {
  const uintptr_t mb = (uintptr_t)1 << 20;
  uintptr_t want = (uintptr_t)0x3e5a00000000;
  unsigned char *buf = mmap((void *)want, 8 * mb, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  CU_ASSERT_FATAL(buf == (unsigned char *)want);
  for (int g = 0; g < 8; g++)
    CU_ASSERT_FATAL(!tt_heap_range_marked(want + g * mb, want + (g + 1) * mb));
  /* a block with a header, 64 KB from the first megabyte's last page */
  uintptr_t p = want + mb - 4096 + 64;
  CU_ASSERT_TRUE(tt_heap_insert_prefixed(p, 65536, 3, 0, TT_ALLOC_MALLOC));
  CU_ASSERT_TRUE(tt_heap_range_marked(want + mb + 4096, want + mb + 8192));
  CU_ASSERT_FALSE(tt_heap_range_marked(want + 2 * mb, want + 3 * mb));
  /* one the index holds (an aligned block: no header), 3 MB long */
  uintptr_t q = want + 3 * mb - 4096;
  CU_ASSERT_TRUE(tt_heap_insert(q, 3 * mb, 4, 0, TT_ALLOC_MEMALIGN));
  CU_ASSERT_TRUE(tt_heap_range_marked(want + 5 * mb + 4096, want + 5 * mb + 8192));
  CU_ASSERT_FALSE(tt_heap_range_marked(want + 6 * mb, want + 8 * mb));
  /* one that ends on the megabyte's last byte marks no other */
  uintptr_t r = want + 7 * mb - 4096 + 64;
  CU_ASSERT_TRUE(tt_heap_insert_prefixed(r, 4096 - 64, 5, 0, TT_ALLOC_MALLOC));
  CU_ASSERT_FALSE(tt_heap_range_marked(want + 7 * mb, want + 8 * mb));
  CU_ASSERT_TRUE(tt_heap_remove(p, NULL));
  CU_ASSERT_TRUE(tt_heap_remove(q, NULL));
  CU_ASSERT_TRUE(tt_heap_remove(r, NULL));
  munmap(buf, 8 * mb);
}

/* ---- a fork while a thread switches the process to compare-and-swap ---- */

/* The switch is held inside its membarrier system call: this binary's
 * syscall() passes every call through, but stops the calling thread there
 * when it asks to. */
static __thread int stall_in_membarrier;
static sem_t fs_go, fs_stalled;

long syscall(long n, ...) {
  va_list ap;
  va_start(ap, n);
  long a[6];
  for (int i = 0; i < 6; i++)
    a[i] = va_arg(ap, long);
  va_end(ap);
  if (n == SYS_membarrier && stall_in_membarrier) {
    sem_post(&fs_stalled);
    for (;;)
      pause();
  }
  static long (*real)(long, ...);
  if (!real)
    real = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
  return real(n, a[0], a[1], a[2], a[3], a[4], a[5]);
}

static void *fs_switcher(void *arg) {
  uintptr_t p = (uintptr_t)arg;
  sem_wait(&fs_go);
  stall_in_membarrier = 1;
  tt_heap_thread_exiting(); /* its next change switches, with no lock held */
  tt_heap_insert_prefixed(p, 16, 2, 0, TT_ALLOC_MALLOC);
  return NULL;
}

static void *fs_child_thread(void *arg) {
  tt_heap_insert_prefixed((uintptr_t)arg, 16, 3, 0, TT_ALLOC_MALLOC);
  return NULL;
}

/* The parent: one thread has made the first change, a second is held in
 * the middle of the switch, and the process forks (with lock-all held, as
 * fork's handlers do). The child must neither hang in lock-all (its next
 * check or fork) nor in a new thread's first change. */
static int scenario_fork_switch(void) {
  unsigned char *buf = NULL;
  if (posix_memalign((void **)&buf, 4096, 1 << 20) != 0)
    return 2;
  sem_init(&fs_go, 0, 0);
  sem_init(&fs_stalled, 0, 0);
  tt_heap_insert_prefixed((uintptr_t)buf + 4096 + 64, 16, 1, 0, TT_ALLOC_MALLOC);
  pthread_t t;
  if (pthread_create(&t, NULL, fs_switcher, buf + 8192 + 64) != 0)
    return 2;
  tt_heap_lock_all(); /* fork's prepare handler */
  sem_post(&fs_go);
  sem_wait(&fs_stalled);
  pid_t pid = fork();
  if (pid == 0) {
    tt_heap_unlock_all(); /* fork's child handler */
    tt_heap_fork_child();
    alarm(10);
    tt_heap_lock_all(); /* the child's exit check, or its next fork */
    tt_heap_unlock_all();
    pthread_t c;
    if (pthread_create(&c, NULL, fs_child_thread, buf + 3 * 4096 + 64) != 0)
      _exit(2);
    pthread_join(c, NULL);
    _exit(0);
  }
  tt_heap_unlock_all();
  int st = 0;
  if (pid < 0 || waitpid(pid, &st, 0) != pid)
    return 2;
  if (WIFSIGNALED(st))
    fprintf(stderr, "fork_switch: the child hung (ended by signal %d)\n", WTERMSIG(st));
  return WIFEXITED(st) ? WEXITSTATUS(st) : 1; /* the held thread stays held: _exit */
}

int tt_unit_scenario(const char *name) {
  int rc = strcmp(name, "fork_switch") == 0 ? scenario_fork_switch() : 99;
  fflush(stderr);
  _exit(rc);
}

/* Runs a scenario in a fresh process of this binary. */
static int run_scenario(const char *name) {
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0)
    return -1;
  self[n] = '\0';
  pid_t pid = fork();
  if (pid == 0) {
    setenv("TT_UNIT_SCENARIO", name, 1);
    execl(self, self, (char *)NULL);
    _exit(98);
  }
  int st = 0;
  if (pid < 0 || waitpid(pid, &st, 0) != pid)
    return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void test_prefixed_fork_during_switch(void) { CU_ASSERT_EQUAL(run_scenario("fork_switch"), 0); }

/* Two threads free the same blocks at once (they meet at a barrier before
 * each block): each block is freed once and reported as a double free
 * once. */
enum { RACE_BLOCKS = 4000 };
static uintptr_t race_base;
static int race_live[2], race_double[2];

static void *race_cb(void *arg) {
  int me = (int)(intptr_t)arg;
  for (size_t i = 0; i < RACE_BLOCKS; i++) {
    pthread_barrier_wait(&hbar);
    struct tt_block b;
    enum tt_free_status st = tt_heap_mark_freed(race_base + i * 48, (uint32_t)me, TT_RELEASE_FREE, &b);
    race_live[me] += st == TT_FREE_LIVE;
    race_double[me] += st == TT_FREE_QUARANTINED;
  }
  tt_heap_thread_exiting();
  return NULL;
}

static void test_prefixed_racing_double_free(void) {
  unsigned char *buf = hbuf();
  race_base = (uintptr_t)buf + 4096 + 48;
  for (size_t i = 0; i < RACE_BLOCKS; i++)
    CU_ASSERT_TRUE(tt_heap_insert_prefixed(race_base + i * 48, 16, 1, 0, TT_ALLOC_MALLOC));
  CU_ASSERT_FATAL(pthread_barrier_init(&hbar, NULL, 2) == 0);
  pthread_t th[2];
  for (int i = 0; i < 2; i++)
    CU_ASSERT_FATAL(pthread_create(&th[i], NULL, race_cb, (void *)(intptr_t)i) == 0);
  for (int i = 0; i < 2; i++)
    pthread_join(th[i], NULL);
  pthread_barrier_destroy(&hbar);
  CU_ASSERT_EQUAL(race_live[0] + race_live[1], RACE_BLOCKS);
  CU_ASSERT_EQUAL(race_double[0] + race_double[1], RACE_BLOCKS);
  for (size_t i = 0; i < RACE_BLOCKS; i++)
    CU_ASSERT_TRUE(tt_heap_remove(race_base + i * 48, NULL));
  free(buf);
}

/* While tt_heap_lock_all holds, no thread changes a header: one that
 * tries waits until tt_heap_unlock_all (whichever way it entered: its busy
 * flag where the kernel has membarrier, or its lock). The thread makes a
 * first change before, so it has its per-thread state already. */
static uintptr_t held_addr;
static int held_done;

static void *held_cb(void *arg) {
  (void)arg;
  bool ok = tt_heap_insert_prefixed(held_addr, 8, 1, 0, TT_ALLOC_MALLOC) &&
            tt_heap_remove(held_addr, NULL);
  pthread_barrier_wait(&hbar); /* main takes lock-all */
  pthread_barrier_wait(&hbar);
  ok = ok && tt_heap_insert_prefixed(held_addr, 8, 1, 0, TT_ALLOC_MALLOC);
  __atomic_store_n(&held_done, ok ? 1 : -1, __ATOMIC_RELEASE);
  tt_heap_thread_exiting();
  return NULL;
}

static void test_prefixed_lock_all_holds_changes(void) {
  unsigned char *buf = hbuf();
  held_addr = (uintptr_t)buf + 4096 + 128;
  held_done = 0;
  CU_ASSERT_FATAL(pthread_barrier_init(&hbar, NULL, 2) == 0);
  pthread_t th;
  CU_ASSERT_FATAL(pthread_create(&th, NULL, held_cb, NULL) == 0);
  pthread_barrier_wait(&hbar);
  tt_heap_lock_all();
  pthread_barrier_wait(&hbar);
  struct timespec ts = {0, 50 * 1000 * 1000};
  nanosleep(&ts, NULL);
  CU_ASSERT_EQUAL(__atomic_load_n(&held_done, __ATOMIC_ACQUIRE), 0);
  tt_heap_unlock_all();
  pthread_join(th, NULL);
  pthread_barrier_destroy(&hbar);
  CU_ASSERT_EQUAL(held_done, 1);
  CU_ASSERT_TRUE(tt_heap_remove(held_addr, NULL));
  free(buf);
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
    {"dense pages: long runs, tombstones, wrap", test_dense_pages_long_runs},
    {"snapshot under lock_all", test_snapshot_under_lock_all},
    {"kind and size packing", test_kind_and_size_packing},
    {"kind names and families", test_kind_names_and_families},
    {"index bytes per block at 100k", test_index_bytes_per_block},
    {"four threads", test_concurrent_threads},
    {"mark_freed: live, double, removed", test_mark_freed_live},
    {"mark_freed: every release kind packed", test_mark_freed_every_release_kind},
    {"mark_freed: unknown and interior addresses", test_mark_freed_unknown},
    {"untracked records", test_untracked},
    {"insert over untracked and quarantined records", test_insert_over_untracked_and_quarantined},
    {"restore of untracked and quarantined records", test_restore_untracked_and_quarantined},
    {"find_containing", test_find_containing},
    {"find_containing, 256 blocks of one page", test_find_containing_many},
    {"snapshot: live and quarantined, no untracked", test_snapshot_live_and_quarantined},
    {"families of every kind", test_families_every_kind},
    {"kind names exact", test_kind_names_exact},
    {"prefixed: insert, lookup, remove", test_prefixed_round_trip},
    {"prefixed: no header where it could fault", test_prefixed_unheaderable_to_index},
    {"prefixed: forged and damaged headers", test_prefixed_forged_and_damaged},
    {"prefixed: updates, free, double free", test_prefixed_mark_freed_and_update},
    {"prefixed: restore", test_prefixed_restore},
    {"prefixed: snapshot", test_prefixed_snapshot},
    {"prefixed: threads free each other's blocks", test_prefixed_threads},
    {"prefixed: a sweep lists genuine headers only", test_prefixed_sweep},
    {"prefixed: find_containing over split mappings and guard pages",
     test_prefixed_containing_split_and_guard},
    {"prefixed: a fork while a thread switches to compare-and-swap", test_prefixed_fork_during_switch},
    {"prefixed: find_containing far and never unreadable", test_prefixed_containing_far},
    {"range_marked: a block's later megabytes are marked", test_range_marked_spanning},
    {"prefixed: two threads free the same blocks", test_prefixed_racing_double_free},
    {"prefixed: lock_all holds every change", test_prefixed_lock_all_holds_changes},
    CU_TEST_INFO_NULL,
};
