/* SPDX-License-Identifier: MIT */
/* tt_quarantine: the FIFO of freed blocks, bounded in bytes, and the
 * pattern check for writes after free.
 *
 * The quarantine is process-wide state (its shards, its byte count, its
 * volume and hooks), so every test starts with q_reset(): it empties the
 * quarantine through a volume of one byte, which leaves at most one
 * one-byte sentinel block queued (a sentinel is never recorded by the
 * hooks), and then sets the test's own volume. Blocks are real memory from
 * malloc; the release hook records the order and keeps them until the next
 * q_reset frees them (so no address is handed out twice within a test). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <CUnit/CUnit.h>

#include "tt_heap.h"
#include "tt_quarantine.h"
#include "units.h"

#define PAT TT_QUARANTINE_PATTERN
#define FILL TT_QUARANTINE_FILL_MAX

/* ======================================================================== */
/* the hooks and their record                                                */
/* ======================================================================== */

#define REC_MAX 20000
#define SENTINEL_MAX 4096

struct modified_call {
  uintptr_t addr;
  size_t size, first, last;
  bool in_heap; /* the heap index still had the block when the hook ran */
};

static struct {
  uintptr_t released[REC_MAX];
  bool released_in_heap[REC_MAX]; /* the index still had it at release */
  size_t nreleased;
  struct modified_call mod[REC_MAX];
  size_t nmod;
  size_t nsentinels_released;
} rec;

/* Sentinels come from a static pool (16 bytes each, never freed) so the
 * hooks know them at a glance. */
static unsigned char sentinel_pool[SENTINEL_MAX][16];
static size_t nsentinels;

static bool is_sentinel(uintptr_t a) {
  return a >= (uintptr_t)sentinel_pool && a < (uintptr_t)(sentinel_pool + SENTINEL_MAX);
}

static uintptr_t new_sentinel(void) {
  return nsentinels < SENTINEL_MAX ? (uintptr_t)sentinel_pool[nsentinels++] : 0;
}

/* Released blocks are freed only between tests: within a test the
 * allocator must not hand an address out twice, or the record of releases
 * would be ambiguous. */
static void **deferred;
static size_t ndeferred, capdeferred;

static void free_deferred(void) {
  for (size_t i = 0; i < ndeferred; i++)
    free(deferred[i]);
  ndeferred = 0;
}

static void q_release(void *p, int flags) {
  (void)flags;
  uintptr_t a = (uintptr_t)p;
  if (is_sentinel(a)) {
    rec.nsentinels_released++;
    return;
  }
  if (rec.nreleased < REC_MAX) {
    rec.released_in_heap[rec.nreleased] = tt_heap_lookup(a, NULL);
    rec.released[rec.nreleased++] = a;
  }
  if (ndeferred == capdeferred) {
    size_t cap = capdeferred ? 2 * capdeferred : 4096;
    void **d = realloc(deferred, cap * sizeof *d);
    if (!d) {
      free(p); /* no room to defer: free now */
      return;
    }
    deferred = d;
    capdeferred = cap;
  }
  deferred[ndeferred++] = p;
}

static void q_modified(uintptr_t addr, size_t size, size_t first, size_t last) {
  if (is_sentinel(addr) || rec.nmod >= REC_MAX)
    return;
  struct modified_call *m = &rec.mod[rec.nmod++];
  m->addr = addr;
  m->size = size;
  m->first = first;
  m->last = last;
  m->in_heap = tt_heap_lookup(addr, NULL);
}

static const struct tt_quarantine_hooks hooks = {q_release, q_modified};

static void q_stats(size_t *bytes, size_t *blocks) { tt_quarantine_stats(bytes, blocks); }

/* Empties the quarantine but for at most one one-byte sentinel, keeping
 * the record (the blocks released are recorded in order); leaves the
 * volume at 1. No CUnit asserts: suite cleanup uses it too. */
static bool q_empty_quiet(void) {
  tt_quarantine_flush_thread();
  tt_quarantine_init(1, &hooks);
  size_t bytes, blocks;
  for (int round = 0; round < 10000; round++) {
    q_stats(&bytes, &blocks);
    if (blocks <= 1 && bytes <= 1)
      return true;
    uintptr_t s = new_sentinel();
    if (!s || !tt_quarantine_push(s, 1))
      return false;
    tt_quarantine_flush_thread();
  }
  q_stats(&bytes, &blocks);
  return blocks <= 1 && bytes <= 1;
}

static void q_empty(void) { CU_ASSERT_FATAL(q_empty_quiet()); }

/* Empties the quarantine, clears the record and sets volume. */
static void q_reset(size_t volume) {
  q_empty();
  free_deferred();
  memset(&rec, 0, sizeof rec);
  tt_quarantine_init(volume, &hooks);
}

static uintptr_t block(size_t size) {
  void *p = malloc(size ? size : 1);
  CU_ASSERT_FATAL(p != NULL);
  memset(p, 0, size ? size : 1);
  return (uintptr_t)p;
}

/* Index of a in the release record, or -1. */
static long released_at(uintptr_t a) {
  for (size_t i = 0; i < rec.nreleased; i++)
    if (rec.released[i] == a)
      return (long)i;
  return -1;
}

/* ======================================================================== */
/* the pattern check                                                         */
/* ======================================================================== */

static void test_find_modified_unchanged(void) {
  unsigned char buf[200];
  memset(buf, PAT, sizeof buf);
  size_t first = 77, last = 77;
  CU_ASSERT_FALSE(tt_quarantine_find_modified(buf, sizeof buf, &first, &last));
  CU_ASSERT_FALSE(tt_quarantine_find_modified(buf, 1, &first, &last));
  CU_ASSERT_FALSE(tt_quarantine_find_modified(buf + 1, 63, &first, &last));
  CU_ASSERT_FALSE(tt_quarantine_find_modified(buf, 0, &first, &last));
}

static void test_find_modified_positions(void) {
  unsigned char buf[200];
  size_t first, last;
  memset(buf, PAT, sizeof buf);
  buf[0] = 0;
  CU_ASSERT_TRUE(tt_quarantine_find_modified(buf, sizeof buf, &first, &last));
  CU_ASSERT_EQUAL(first, 0);
  CU_ASSERT_EQUAL(last, 0);

  memset(buf, PAT, sizeof buf);
  memset(buf + 8, 0x41, 4); /* an int written at bytes 8..11 */
  CU_ASSERT_TRUE(tt_quarantine_find_modified(buf, sizeof buf, &first, &last));
  CU_ASSERT_EQUAL(first, 8);
  CU_ASSERT_EQUAL(last, 11);

  memset(buf, PAT, sizeof buf);
  buf[63] = PAT ^ 1; /* one bit of the last byte checked */
  CU_ASSERT_TRUE(tt_quarantine_find_modified(buf, sizeof buf, &first, &last));
  CU_ASSERT_EQUAL(first, 63);
  CU_ASSERT_EQUAL(last, 63);

  /* bytes 64 and beyond are not filled, so not checked */
  memset(buf, PAT, sizeof buf);
  buf[64] = 0;
  buf[100] = 0;
  buf[199] = 0;
  CU_ASSERT_FALSE(tt_quarantine_find_modified(buf, sizeof buf, &first, &last));

  /* first and last of several changes, with a change past 64 ignored */
  memset(buf, PAT, sizeof buf);
  buf[3] = 0;
  buf[50] = 0;
  buf[20] = 0;
  buf[70] = 0;
  CU_ASSERT_TRUE(tt_quarantine_find_modified(buf, sizeof buf, &first, &last));
  CU_ASSERT_EQUAL(first, 3);
  CU_ASSERT_EQUAL(last, 50);
}

static void test_find_modified_small_and_odd_sizes(void) {
  unsigned char buf[80];
  size_t first, last;
  /* zero size: nothing to check, whatever the memory holds */
  memset(buf, 0, sizeof buf);
  CU_ASSERT_FALSE(tt_quarantine_find_modified(buf, 0, &first, &last));
  /* size 13: byte 12 is checked, byte 13 is not */
  memset(buf, PAT, sizeof buf);
  buf[12] = 0;
  CU_ASSERT_TRUE(tt_quarantine_find_modified(buf, 13, &first, &last));
  CU_ASSERT_EQUAL(first, 12);
  CU_ASSERT_EQUAL(last, 12);
  CU_ASSERT_FALSE(tt_quarantine_find_modified(buf, 12, &first, &last));
  memset(buf, PAT, sizeof buf);
  buf[13] = 0;
  CU_ASSERT_FALSE(tt_quarantine_find_modified(buf, 13, &first, &last));
  /* size 1 */
  buf[0] = 0;
  CU_ASSERT_TRUE(tt_quarantine_find_modified(buf, 1, &first, &last));
  CU_ASSERT_EQUAL(first, 0);
  CU_ASSERT_EQUAL(last, 0);
}

/* Every alignment, every size up to 80, every single changed byte: the word
 * fast path must not skip a byte or read past the checked length. */
static void test_find_modified_exhaustive_single(void) {
  unsigned char buf[96];
  size_t bad = 0;
  for (size_t align = 0; align < 8; align++) {
    unsigned char *p = buf + align;
    for (size_t size = 0; size <= 80; size++) {
      size_t n = size < FILL ? size : FILL;
      for (size_t pos = 0; pos < size; pos++) {
        memset(buf, PAT, sizeof buf);
        p[pos] = (unsigned char)(pos & 1 ? 0 : 0xFA);
        size_t first = 999, last = 999;
        bool got = tt_quarantine_find_modified(p, size, &first, &last);
        if (pos < n) {
          if (!got || first != pos || last != pos)
            bad++;
        } else if (got) {
          bad++;
        }
      }
      /* and a change just past the end is never seen */
      memset(buf, PAT, sizeof buf);
      p[size] = 0;
      size_t first, last;
      if (tt_quarantine_find_modified(p, size, &first, &last))
        bad++;
    }
  }
  CU_ASSERT_EQUAL(bad, 0);
}

/* Every pair of changed bytes in a 64-byte block at every alignment. */
static void test_find_modified_exhaustive_pairs(void) {
  unsigned char buf[80];
  size_t bad = 0;
  for (size_t align = 0; align < 8; align++) {
    unsigned char *p = buf + align;
    for (size_t i = 0; i < FILL; i++) {
      for (size_t j = i + 1; j < FILL; j++) {
        memset(buf, PAT, sizeof buf);
        p[i] = 0;
        p[j] = 0;
        size_t first = 999, last = 999;
        if (!tt_quarantine_find_modified(p, FILL, &first, &last) || first != i || last != j)
          bad++;
      }
    }
  }
  CU_ASSERT_EQUAL(bad, 0);
}

/* ======================================================================== */
/* push, batches, fill                                                       */
/* ======================================================================== */

static void test_volume_and_init(void) {
  q_reset(12345);
  CU_ASSERT_EQUAL(tt_quarantine_volume(), 12345);
  q_reset(0);
  CU_ASSERT_EQUAL(tt_quarantine_volume(), 0);
}

static void test_volume_zero_refuses_everything(void) {
  q_reset(0);
  size_t b0, n0;
  q_stats(&b0, &n0);
  /* distinct blocks: a block taken by mistake is the quarantine's to free */
  uintptr_t a = block(16), b = block(16), c = block(16);
  bool ta = tt_quarantine_push(a, 0), tb = tt_quarantine_push(b, 1), tc = tt_quarantine_push(c, 16);
  CU_ASSERT_FALSE(ta);
  CU_ASSERT_FALSE(tb);
  CU_ASSERT_FALSE(tc);
  tt_quarantine_flush_thread();
  size_t b1, n1;
  q_stats(&b1, &n1);
  CU_ASSERT_EQUAL(b1, b0);
  CU_ASSERT_EQUAL(n1, n0);
  CU_ASSERT_EQUAL(rec.nreleased, 0);
  CU_ASSERT_EQUAL(((unsigned char *)c)[0], 0); /* untouched: no fill */
  if (!ta)
    free((void *)a);
  if (!tb)
    free((void *)b);
  if (!tc)
    free((void *)c);
}

static void test_too_big_refused(void) {
  q_reset(1000);
  size_t b0, n0;
  q_stats(&b0, &n0);
  uintptr_t big = block(1001), huge = block(64), fits = block(1000);
  bool took = tt_quarantine_push(big, 1001), took_huge = tt_quarantine_push(huge, (size_t)-1);
  CU_ASSERT_FALSE(took_huge);
  if (!took_huge)
    free((void *)huge);
  CU_ASSERT_FALSE_FATAL(took);
  tt_quarantine_flush_thread();
  size_t b1, n1;
  q_stats(&b1, &n1);
  CU_ASSERT_EQUAL(b1, b0);
  CU_ASSERT_EQUAL(n1, n0);
  CU_ASSERT_EQUAL(((unsigned char *)big)[0], 0); /* not filled */
  CU_ASSERT_EQUAL(released_at(big), -1);         /* not released either */
  free((void *)big);
  /* exactly the volume fits */
  CU_ASSERT_TRUE(tt_quarantine_push(fits, 1000));
  tt_quarantine_flush_thread();
  q_stats(&b1, &n1);
  CU_ASSERT_EQUAL(released_at(fits), -1);
  CU_ASSERT_EQUAL(((unsigned char *)fits)[0], PAT);
  CU_ASSERT(b1 >= 1000 && b1 <= 1000 + 1000 / 64);
  q_empty();
  CU_ASSERT(released_at(fits) >= 0);
  q_reset(0);
}

static void test_batch_of_16(void) {
  q_reset(1 << 20);
  size_t b0, n0, b1, n1;
  q_stats(&b0, &n0);
  uintptr_t a[16];
  for (int i = 0; i < 15; i++) {
    a[i] = block(24);
    CU_ASSERT_TRUE(tt_quarantine_push(a[i], 24));
  }
  q_stats(&b1, &n1);
  CU_ASSERT_EQUAL(n1, n0); /* still pending in the thread's batch */
  CU_ASSERT_EQUAL(b1, b0);
  a[15] = block(24);
  CU_ASSERT_TRUE(tt_quarantine_push(a[15], 24)); /* the 16th queues the batch */
  q_stats(&b1, &n1);
  CU_ASSERT_EQUAL(n1, n0 + 16);
  CU_ASSERT_EQUAL(b1, b0 + 16 * 24);
  size_t unfilled = 0;
  for (int i = 0; i < 16; i++)
    for (int k = 0; k < 24; k++)
      unfilled += ((unsigned char *)a[i])[k] != PAT;
  CU_ASSERT_EQUAL(unfilled, 0);
  /* a flush queues a partial batch */
  uintptr_t c = block(24);
  CU_ASSERT_TRUE(tt_quarantine_push(c, 24));
  tt_quarantine_flush_thread();
  q_stats(&b1, &n1);
  CU_ASSERT_EQUAL(n1, n0 + 17);
  CU_ASSERT_EQUAL(((unsigned char *)c)[23], PAT);
  tt_quarantine_flush_thread(); /* nothing pending: no change */
  size_t b2, n2;
  q_stats(&b2, &n2);
  CU_ASSERT_EQUAL(n2, n1);
  CU_ASSERT_EQUAL(b2, b1);
  q_empty();
  CU_ASSERT_EQUAL(rec.nreleased, 17);
  q_reset(0);
}

/* The fill happens at the free itself, not when the thread's batch is
 * queued: a write right after the free is seen. */
static void test_fill_at_push(void) {
  q_reset(1 << 20);
  uintptr_t a = block(40);
  CU_ASSERT_TRUE(tt_quarantine_push(a, 40));
  size_t unfilled = 0;
  for (int k = 0; k < 40; k++)
    unfilled += ((unsigned char *)a)[k] != PAT;
  CU_ASSERT_EQUAL(unfilled, 0);
  ((unsigned char *)a)[9] = 0; /* written while still in the thread's batch */
  tt_quarantine_flush_thread();
  tt_quarantine_check_all();
  CU_ASSERT_EQUAL_FATAL(rec.nmod, 1);
  CU_ASSERT_EQUAL(rec.mod[0].addr, a);
  CU_ASSERT_EQUAL(rec.mod[0].first, 9);
  CU_ASSERT_EQUAL(rec.mod[0].last, 9);
  q_reset(0);
}

static void test_fill_head_only_and_zero_size(void) {
  q_reset(1 << 20);
  size_t b0, n0;
  q_stats(&b0, &n0);
  uintptr_t big = block(100), odd = block(13), zero = block(0);
  ((unsigned char *)zero)[0] = 0x11;
  CU_ASSERT_TRUE(tt_quarantine_push(big, 100));
  CU_ASSERT_TRUE(tt_quarantine_push(odd, 13));
  CU_ASSERT_TRUE(tt_quarantine_push(zero, 0));
  tt_quarantine_flush_thread();
  const unsigned char *b = (const unsigned char *)big, *o = (const unsigned char *)odd;
  size_t wrong = 0;
  for (int k = 0; k < 100; k++)
    wrong += b[k] != (k < 64 ? PAT : 0);
  for (int k = 0; k < 13; k++)
    wrong += o[k] != PAT;
  CU_ASSERT_EQUAL(wrong, 0);
  CU_ASSERT_EQUAL(((unsigned char *)zero)[0], 0x11); /* zero bytes filled */
  size_t b1, n1;
  q_stats(&b1, &n1);
  CU_ASSERT_EQUAL(n1, n0 + 3);
  CU_ASSERT_EQUAL(b1, b0 + 100 + 13 + 1); /* a zero-size block counts as one byte */
  q_reset(0);
}

/* ======================================================================== */
/* eviction                                                                  */
/* ======================================================================== */

static void test_eviction_order_oldest_first(void) {
  enum { N = 300, SZ = 32 };
  const size_t vol = 100 * SZ;
  q_reset(vol);
  static uintptr_t a[N];
  for (int i = 0; i < N; i++) {
    a[i] = block(SZ);
    CU_ASSERT_TRUE(tt_quarantine_push(a[i], SZ));
  }
  tt_quarantine_flush_thread();
  size_t evicted = rec.nreleased;
  /* about N - 100 evicted, exactly the oldest, in order */
  CU_ASSERT(evicted >= N - 100 - 2 && evicted <= N - 100 + 16);
  size_t wrong = 0;
  for (size_t i = 0; i < evicted; i++)
    wrong += rec.released[i] != a[i];
  CU_ASSERT_EQUAL(wrong, 0);
  size_t bytes, blocks;
  q_stats(&bytes, &blocks);
  CU_ASSERT(bytes <= vol);
  /* emptying releases the rest, still oldest first */
  q_empty();
  CU_ASSERT_EQUAL(rec.nreleased, N);
  wrong = 0;
  for (size_t i = 0; i < rec.nreleased && i < N; i++)
    wrong += rec.released[i] != a[i];
  CU_ASSERT_EQUAL(wrong, 0);
  q_reset(0);
}

/* A block as big as the volume pushes out everything older, in order. */
static void test_eviction_order_all(void) {
  enum { N = 200, SZ = 40 };
  q_reset(50 * SZ);
  static uintptr_t a[N];
  for (int i = 0; i < N; i++) {
    a[i] = block(SZ);
    CU_ASSERT_TRUE(tt_quarantine_push(a[i], SZ));
  }
  tt_quarantine_flush_thread();
  /* now push one block as big as the volume: everything older goes */
  uintptr_t last = block(50 * SZ);
  CU_ASSERT_TRUE(tt_quarantine_push(last, 50 * SZ));
  tt_quarantine_flush_thread();
  CU_ASSERT_EQUAL(rec.nreleased, N);
  size_t wrong = 0;
  for (size_t i = 0; i < rec.nreleased && i < N; i++)
    wrong += rec.released[i] != a[i];
  CU_ASSERT_EQUAL(wrong, 0);
  CU_ASSERT_EQUAL(released_at(last), -1);
  q_reset(0);
}

/* After every flush the queue holds at most the volume; its byte count agrees with what was
 * pushed and released. Random sizes, zero included. */
static void test_bounds_random_sizes(void) {
  enum { N = 6000, MAXSZ = 300 };
  const size_t vol = 10000;
  q_reset(vol);
  size_t b0, n0;
  q_stats(&b0, &n0); /* the sentinel, if one is left */
  static uintptr_t addr[N];
  static size_t cost[N + 1]; /* cost[i]: bytes of blocks 0..i-1 */
  uint64_t x = 12345;
  size_t over = 0, mismatch = 0, order = 0, under = 0, evictions = 0;
  for (int i = 0; i < N; i++) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    size_t size = (size_t)(x >> 33) % (MAXSZ + 1);
    addr[i] = block(size);
    cost[i + 1] = cost[i] + (size ? size : 1);
    size_t released_before = rec.nreleased;
    CU_ASSERT_TRUE(tt_quarantine_push(addr[i], size));
    size_t bytes, blocks;
    q_stats(&bytes, &blocks);
    if (bytes > vol)
      over++;
    if (rec.nreleased > released_before) {
      evictions++;
      if (bytes > vol || bytes + MAXSZ < vol) /* down to the volume, not far below */
        under++;
    }
    if (i % 16 == 15) { /* a batch was just queued: the counts agree */
      size_t k = rec.nreleased;
      size_t want = cost[i + 1] - cost[k] + (rec.nsentinels_released ? 0 : b0);
      if (bytes != want || blocks != (size_t)(i + 1) - k + (rec.nsentinels_released ? 0 : n0))
        mismatch++;
    }
  }
  for (size_t k = 0; k < rec.nreleased; k++)
    order += rec.released[k] != addr[k];
  CU_ASSERT_EQUAL(over, 0);
  CU_ASSERT_EQUAL(under, 0);
  CU_ASSERT_EQUAL(mismatch, 0);
  CU_ASSERT_EQUAL(order, 0);
  CU_ASSERT(evictions > 100);
  q_reset(0);
}

/* Many small blocks, then one big block: the flush that queues the big one
 * must evict down to the volume, however many small blocks that takes.
 * Regression: eviction once took at most two batches of 64 per flush, and
 * the queue stayed far over the volume until many more frees came. */
static void test_bug_bound_after_big_block_behind_many_small(void) {
  enum { SMALL = 4000, SZ = 16 };
  const size_t vol = 65536;
  q_reset(vol);
  for (int i = 0; i < SMALL; i++)
    CU_ASSERT_TRUE(tt_quarantine_push(block(SZ), SZ)); /* 64,000 bytes */
  tt_quarantine_flush_thread();
  size_t bytes, blocks;
  q_stats(&bytes, &blocks);
  CU_ASSERT(bytes <= vol);
  uintptr_t big = block(60000);
  CU_ASSERT_TRUE(tt_quarantine_push(big, 60000));
  tt_quarantine_flush_thread();
  q_stats(&bytes, &blocks);
  /* 124,000 bytes were queued: about 3,660 small blocks must go */
  CU_ASSERT(bytes <= vol);
  CU_ASSERT(rec.nreleased >= (SMALL * SZ + 60000 - vol) / SZ);
  q_reset(0);
}

static void test_eviction_removes_from_heap_index(void) {
  enum { N = 64, SZ = 48 };
  q_reset(16 * SZ);
  struct tt_heap_stats s0, s1;
  tt_heap_stats(&s0);
  static uintptr_t a[N];
  for (int i = 0; i < N; i++) {
    a[i] = block(SZ);
    CU_ASSERT_TRUE(tt_heap_insert(a[i], SZ, 1, 0, TT_ALLOC_MALLOC));
    struct tt_block out;
    CU_ASSERT_EQUAL(tt_heap_mark_freed(a[i], 2, TT_RELEASE_FREE, &out), TT_FREE_LIVE);
    CU_ASSERT_TRUE(tt_quarantine_push(a[i], SZ));
  }
  tt_quarantine_flush_thread();
  tt_heap_stats(&s1);
  CU_ASSERT(rec.nreleased >= N - 16 - 1);
  size_t wrong = 0;
  for (size_t i = 0; i < rec.nreleased; i++)
    wrong += rec.released_in_heap[i]; /* removed before it was released */
  CU_ASSERT_EQUAL(wrong, 0);
  for (int i = 0; i < N; i++) {
    bool gone = released_at(a[i]) >= 0;
    struct tt_block b;
    bool in = tt_heap_lookup(a[i], &b);
    if (gone == in || (in && !tt_block_quarantined(&b)))
      wrong++;
  }
  CU_ASSERT_EQUAL(wrong, 0);
  CU_ASSERT_EQUAL(s1.quarantined_blocks - s0.quarantined_blocks, N - rec.nreleased);
  CU_ASSERT_EQUAL(s1.frees - s0.frees, N); /* counted at mark, not again at removal */
  CU_ASSERT_EQUAL(s1.live_blocks, s0.live_blocks);
  q_reset(0);
  tt_heap_stats(&s1);
  CU_ASSERT_EQUAL(s1.quarantined_blocks, s0.quarantined_blocks);
  CU_ASSERT_EQUAL(s1.frees - s0.frees, N);
}

/* Blocks the heap index does not know (tt_heap_remove finds nothing) are
 * released all the same, and the index is not disturbed. */
static void test_eviction_of_unindexed_blocks(void) {
  enum { N = 40, SZ = 64 };
  q_reset(8 * SZ);
  const uintptr_t other = 0x6a0000006a00ull; /* someone else's record */
  CU_ASSERT_TRUE(tt_heap_insert(other, 8, 1, 0, TT_ALLOC_MALLOC));
  struct tt_heap_stats s0, s1;
  tt_heap_stats(&s0);
  for (int i = 0; i < N; i++)
    CU_ASSERT_TRUE(tt_quarantine_push(block(SZ), SZ));
  tt_quarantine_flush_thread();
  tt_heap_stats(&s1);
  CU_ASSERT(rec.nreleased >= N - 8 - 1);
  CU_ASSERT_EQUAL(s1.live_blocks, s0.live_blocks);
  CU_ASSERT_EQUAL(s1.frees, s0.frees);
  CU_ASSERT_EQUAL(s1.quarantined_blocks, s0.quarantined_blocks);
  CU_ASSERT_TRUE(tt_heap_remove(other, NULL));
  q_reset(0);
}

static void test_modified_on_eviction(void) {
  q_reset(1000);
  uintptr_t w = block(100), clean = block(100), far = block(100);
  CU_ASSERT_TRUE(tt_heap_insert(w, 100, 1, 0, TT_ALLOC_MALLOC));
  struct tt_block out;
  CU_ASSERT_EQUAL(tt_heap_mark_freed(w, 2, TT_RELEASE_FREE, &out), TT_FREE_LIVE);
  CU_ASSERT_TRUE(tt_quarantine_push(w, 100));
  CU_ASSERT_TRUE(tt_quarantine_push(clean, 100));
  CU_ASSERT_TRUE(tt_quarantine_push(far, 100));
  tt_quarantine_flush_thread();
  CU_ASSERT_EQUAL(rec.nreleased, 0);
  /* writes after free */
  ((unsigned char *)w)[5] = 1;
  ((unsigned char *)w)[40] = 2;
  ((unsigned char *)far)[64] = 3; /* past the checked head: unseen */
  ((unsigned char *)far)[99] = 3;
  /* push enough to evict the three */
  for (int i = 0; i < 16; i++)
    CU_ASSERT_TRUE(tt_quarantine_push(block(100), 100));
  tt_quarantine_flush_thread();
  CU_ASSERT(released_at(w) >= 0 && released_at(clean) >= 0 && released_at(far) >= 0);
  CU_ASSERT_EQUAL_FATAL(rec.nmod, 1);
  CU_ASSERT_EQUAL(rec.mod[0].addr, w);
  CU_ASSERT_EQUAL(rec.mod[0].size, 100);
  CU_ASSERT_EQUAL(rec.mod[0].first, 5);
  CU_ASSERT_EQUAL(rec.mod[0].last, 40);
  CU_ASSERT_TRUE(rec.mod[0].in_heap);    /* checked before removal */
  CU_ASSERT(released_at(w) < released_at(clean)); /* and oldest first */
  CU_ASSERT_FALSE(tt_heap_lookup(w, NULL));
  q_reset(0);
}

/* Memory the program takes away (munmap, mprotect, madvise) while freed
 * blocks wait there: those blocks are checked at once (a write after free
 * is reported), leave the index, and are never released nor read again.
 * in1 and in2 are carved out of one buffer (never released: only the
 * quarantine could), the range meeting in1 at its last byte and in2 at its
 * first; out is a block of its own, outside it. */
static void test_forsake(void) {
  q_reset(1000);
  unsigned char *buf = malloc(1024);
  CU_ASSERT_FATAL(buf != NULL);
  memset(buf, 0, 1024);
  uintptr_t in1 = (uintptr_t)buf + 16, in2 = (uintptr_t)buf + 512, out = block(100);
  CU_ASSERT_TRUE(tt_heap_insert(in1, 100, 1, 0, TT_ALLOC_MALLOC));
  struct tt_block b;
  CU_ASSERT_EQUAL(tt_heap_mark_freed(in1, 2, TT_RELEASE_FREE, &b), TT_FREE_LIVE);
  size_t blocks0 = 0, bytes0 = 0;
  tt_quarantine_forsaken(&blocks0, &bytes0);
  CU_ASSERT_TRUE(tt_quarantine_push(in1, 100));
  CU_ASSERT_TRUE(tt_quarantine_push(in2, 100));
  CU_ASSERT_TRUE(tt_quarantine_push(out, 100)); /* pending: forsake queues them first */
  ((unsigned char *)in1)[7] = 1;
  CU_ASSERT_EQUAL(tt_quarantine_forsake(in1 + 99, in2 + 1, true), 2);
  CU_ASSERT_EQUAL_FATAL(rec.nmod, 1); /* in1's write, found at the forsake */
  CU_ASSERT_EQUAL(rec.mod[0].addr, in1);
  CU_ASSERT_EQUAL(rec.mod[0].first, 7);
  CU_ASSERT_FALSE(tt_heap_lookup(in1, NULL)); /* its record went */
  size_t blocks = 0, bytes = 0;
  tt_quarantine_forsaken(&blocks, &bytes);
  CU_ASSERT_EQUAL(blocks - blocks0, 2);
  CU_ASSERT_EQUAL(bytes - bytes0, 200);
  /* the same range again finds nothing new; the bytes just around find nothing */
  CU_ASSERT_EQUAL(tt_quarantine_forsake(in1, in2 + 100, true), 0);
  CU_ASSERT_EQUAL(tt_quarantine_forsake(in1 + 100, in2, true), 0);
  /* push the rest out: the forsaken two are neither read nor released */
  ((unsigned char *)in2)[3] = 9; /* would be a report if it were read */
  for (int i = 0; i < 24; i++)
    CU_ASSERT_TRUE(tt_quarantine_push(block(100), 100));
  tt_quarantine_flush_thread();
  CU_ASSERT_EQUAL(released_at(in1), -1);
  CU_ASSERT_EQUAL(released_at(in2), -1);
  CU_ASSERT(released_at(out) >= 0);
  CU_ASSERT_EQUAL(rec.nmod, 1);
  /* tether disabled: forgotten without a look */
  uintptr_t in3 = (uintptr_t)buf + 800;
  CU_ASSERT_TRUE(tt_quarantine_push(in3, 100));
  ((unsigned char *)in3)[0] = 5;
  CU_ASSERT_EQUAL(tt_quarantine_forsake(in3, in3 + 1, false), 1);
  CU_ASSERT_EQUAL(rec.nmod, 1);
  q_reset(0);
  CU_ASSERT_EQUAL(released_at(in3), -1);
  free(buf);
}

static void test_check_all(void) {
  q_reset(1 << 20);
  enum { N = 16 };
  static const size_t sizes[N] = {10, 64, 100, 1, 0, 13, 200, 64, 8, 9, 65, 63, 7, 128, 32, 33};
  uintptr_t a[N];
  for (int i = 0; i < N; i++) {
    a[i] = block(sizes[i]);
    CU_ASSERT_TRUE(tt_quarantine_push(a[i], sizes[i]));
  }
  tt_quarantine_flush_thread();
  size_t b0, n0;
  q_stats(&b0, &n0);
  tt_quarantine_check_all();
  CU_ASSERT_EQUAL(rec.nmod, 0); /* nothing written yet */
  ((unsigned char *)a[2])[7] = 0;   /* 100 bytes: 7..7 */
  ((unsigned char *)a[5])[0] = 0;   /* 13 bytes: 0..12 */
  ((unsigned char *)a[5])[12] = 0;
  ((unsigned char *)a[6])[80] = 0;  /* past 64: unseen */
  ((unsigned char *)a[10])[63] = 0; /* 65 bytes: 63..63 */
  ((unsigned char *)a[10])[64] = 0; /* the 65th byte is not checked */
  tt_quarantine_check_all();
  CU_ASSERT_EQUAL_FATAL(rec.nmod, 3);
  size_t seen = 0;
  for (size_t k = 0; k < rec.nmod; k++) {
    const struct modified_call *m = &rec.mod[k];
    if (m->addr == a[2] && m->size == 100 && m->first == 7 && m->last == 7)
      seen |= 1;
    else if (m->addr == a[5] && m->size == 13 && m->first == 0 && m->last == 12)
      seen |= 2;
    else if (m->addr == a[10] && m->size == 65 && m->first == 63 && m->last == 63)
      seen |= 4;
  }
  CU_ASSERT_EQUAL(seen, 7);
  /* nothing released, nothing dequeued */
  CU_ASSERT_EQUAL(rec.nreleased, 0);
  size_t b1, n1;
  q_stats(&b1, &n1);
  CU_ASSERT_EQUAL(b1, b0);
  CU_ASSERT_EQUAL(n1, n0);
  /* the pattern was put back: a second check finds nothing new */
  rec.nmod = 0;
  tt_quarantine_check_all();
  CU_ASSERT_EQUAL(rec.nmod, 0);
  q_reset(0);
}

/* A block whose page the program protected after freeing it is passed
 * over (counted), not read: the check goes on with the others. */
static void test_check_all_protected(void) {
  q_reset(1 << 20);
  char *none = aligned_alloc(4096, 4096);
  CU_ASSERT_FATAL(none != NULL);
  memset(none, 0, 4096);
  uintptr_t before = block(64), after = block(64);
  CU_ASSERT_TRUE(tt_quarantine_push(before, 64));
  CU_ASSERT_TRUE(tt_quarantine_push((uintptr_t)none, 4096));
  CU_ASSERT_TRUE(tt_quarantine_push(after, 64));
  tt_quarantine_flush_thread();
  CU_ASSERT_EQUAL(tt_quarantine_check_all(), 0);
  none[1] = 0; /* seen only once the page can be read again */
  CU_ASSERT_FATAL(mprotect(none, 4096, PROT_NONE) == 0);
  ((unsigned char *)before)[3] = 0;
  ((unsigned char *)after)[60] = 0;
  CU_ASSERT_EQUAL(tt_quarantine_check_all(), 1);
  CU_ASSERT_EQUAL_FATAL(rec.nmod, 2);
  size_t seen = 0;
  for (size_t k = 0; k < rec.nmod; k++) {
    const struct modified_call *m = &rec.mod[k];
    if (m->addr == before && m->first == 3 && m->last == 3)
      seen |= 1;
    else if (m->addr == after && m->first == 60 && m->last == 60)
      seen |= 2;
  }
  CU_ASSERT_EQUAL(seen, 3);
  rec.nmod = 0;
  CU_ASSERT_EQUAL(tt_quarantine_check_all(), 1); /* the others were refilled */
  CU_ASSERT_EQUAL(rec.nmod, 0);
  CU_ASSERT_FATAL(mprotect(none, 4096, PROT_READ | PROT_WRITE) == 0);
  CU_ASSERT_EQUAL(tt_quarantine_check_all(), 0);
  CU_ASSERT_EQUAL_FATAL(rec.nmod, 1);
  CU_ASSERT_EQUAL(rec.mod[0].addr, (uintptr_t)none);
  CU_ASSERT_EQUAL(rec.mod[0].first, 1);
  CU_ASSERT_EQUAL(rec.mod[0].last, 1);
  q_reset(0);
}

/* Each thread's blocks leave in that thread's order, whichever shard they
 * share. */
struct pusher {
  uintptr_t a[100];
};

static void *pusher_cb(void *arg) {
  struct pusher *p = arg;
  for (int i = 0; i < 100; i++) {
    p->a[i] = (uintptr_t)malloc(32);
    if (p->a[i])
      tt_quarantine_push(p->a[i], 32);
  }
  tt_quarantine_flush_thread();
  return NULL;
}

static void test_eviction_order_per_thread(void) {
  q_reset(1 << 20);
  static struct pusher t1, t2;
  pthread_t th;
  CU_ASSERT_FATAL(pthread_create(&th, NULL, pusher_cb, &t1) == 0);
  pthread_join(th, NULL);
  CU_ASSERT_FATAL(pthread_create(&th, NULL, pusher_cb, &t2) == 0);
  pthread_join(th, NULL);
  size_t b0, n0;
  q_stats(&b0, &n0);
  CU_ASSERT(n0 >= 200);
  q_empty();
  CU_ASSERT_EQUAL_FATAL(rec.nreleased, 200);
  long prev1 = -1, prev2 = -1;
  size_t wrong = 0;
  for (int i = 0; i < 100; i++) {
    long k1 = released_at(t1.a[i]), k2 = released_at(t2.a[i]);
    wrong += k1 <= prev1 || k2 <= prev2;
    prev1 = k1;
    prev2 = k2;
  }
  CU_ASSERT_EQUAL(wrong, 0);
  q_reset(0);
}

/* ======================================================================== */

int quarantine_init(void) { return 0; }
int quarantine_cleanup(void) {
  bool ok = q_empty_quiet();
  tt_quarantine_init(0, &hooks);
  free_deferred();
  free(deferred);
  deferred = NULL;
  capdeferred = 0;
  return ok ? 0 : -1;
}

CU_TestInfo quarantine_tests[] = {
    {"find_modified: unchanged", test_find_modified_unchanged},
    {"find_modified: bytes 0, 8..11, 63, past 64", test_find_modified_positions},
    {"find_modified: zero and odd sizes", test_find_modified_small_and_odd_sizes},
    {"find_modified: every byte, every alignment", test_find_modified_exhaustive_single},
    {"find_modified: every pair", test_find_modified_exhaustive_pairs},
    {"init sets the volume", test_volume_and_init},
    {"volume 0 refuses every block", test_volume_zero_refuses_everything},
    {"a block bigger than the volume is refused", test_too_big_refused},
    {"frees are queued 16 at a time", test_batch_of_16},
    {"fill: the head only; zero-size blocks", test_fill_head_only_and_zero_size},
    {"fill at the free, before the batch is queued", test_fill_at_push},
    {"eviction: oldest first", test_eviction_order_oldest_first},
    {"eviction: a volume-sized block pushes out all", test_eviction_order_all},
    {"eviction: per-thread order", test_eviction_order_per_thread},
    {"bounds: random sizes", test_bounds_random_sizes},
    {"bounds: a big block behind many small ones",
     test_bug_bound_after_big_block_behind_many_small},
    {"eviction removes from the heap index", test_eviction_removes_from_heap_index},
    {"eviction of blocks not in the index", test_eviction_of_unindexed_blocks},
    {"modified is called on eviction", test_modified_on_eviction},
    {"forsake: memory taken away, its blocks checked and forgotten", test_forsake},
    {"check_all", test_check_all},
    {"check_all over a protected page", test_check_all_protected},
    CU_TEST_INFO_NULL,
};
