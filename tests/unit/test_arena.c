/* SPDX-License-Identifier: MIT */
/* tt_arena: tether's internal allocator. */
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "tt_arena.h"
#include "units.h"

static bool all_zero(const void *p, size_t n) {
  const unsigned char *c = p;
  for (size_t i = 0; i < n; i++)
    if (c[i])
      return false;
  return true;
}

static void test_alloc_zeroed_aligned(void) {
  static const size_t sizes[] = {0, 1, 7, 16, 17, 100, 255, 1000, 4095, 4096};
  for (unsigned i = 0; i < TT_ARRAY_LEN(sizes); i++) {
    unsigned char *p = tt_arena_alloc(sizes[i]);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL((uintptr_t)p % 16, 0);
    CU_ASSERT_TRUE(all_zero(p, sizes[i]));
    memset(p, 0xab, sizes[i] ? sizes[i] : 1);
    tt_arena_free(p, sizes[i]);
  }
}

static void test_free_and_reuse(void) {
  unsigned char *p = tt_arena_alloc(100);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  memset(p, 0xcd, 100);
  tt_arena_free(p, 100);
  /* the same size class (97..128 bytes) gets the block back, zeroed */
  unsigned char *q = tt_arena_alloc(120);
  CU_ASSERT_PTR_EQUAL(q, p);
  CU_ASSERT_TRUE(all_zero(q, 120));
  /* another class does not */
  unsigned char *r = tt_arena_alloc(24);
  CU_ASSERT_PTR_NOT_EQUAL(r, p);
  tt_arena_free(q, 120);
  tt_arena_free(r, 24);
  tt_arena_free(NULL, 100); /* no-op */
}

static int cmp_ptr_cb(const void *a, const void *b) {
  uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
  return x < y ? -1 : x > y;
}

static void test_many_no_overlap(void) {
  enum { N = 3000 };
  uintptr_t *ptrs = calloc(N, sizeof *ptrs);
  size_t *sz = calloc(N, sizeof *sz);
  CU_ASSERT_FATAL(ptrs && sz);
  size_t bad = 0;
  for (size_t i = 0; i < N; i++) {
    sz[i] = 1 + (i * 37) % 4096;
    unsigned char *p = tt_arena_alloc(sz[i]);
    if (!p || !all_zero(p, sz[i]))
      bad++;
    else
      memset(p, (int)(i & 0xff), sz[i]);
    ptrs[i] = (uintptr_t)p;
  }
  CU_ASSERT_EQUAL(bad, 0);
  /* each still holds its own pattern: nothing overlapped */
  for (size_t i = 0; i < N; i++) {
    const unsigned char *p = (const unsigned char *)ptrs[i];
    if (p[0] != (i & 0xff) || p[sz[i] - 1] != (i & 0xff))
      bad++;
  }
  CU_ASSERT_EQUAL(bad, 0);
  for (size_t i = 0; i < N; i++)
    tt_arena_free((void *)ptrs[i], sz[i]);
  qsort(ptrs, N, sizeof *ptrs, cmp_ptr_cb);
  for (size_t i = 1; i < N; i++)
    bad += ptrs[i] == ptrs[i - 1];
  CU_ASSERT_EQUAL(bad, 0);
  free(ptrs);
  free(sz);
}

static void test_large(void) {
  const size_t size = (1u << 20) + 1;
  size_t before = tt_arena_mapped();
  unsigned char *p = tt_arena_alloc(size);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT(tt_arena_mapped() - before >= size);
  CU_ASSERT_EQUAL((uintptr_t)p % 4096, 0);
  CU_ASSERT_TRUE(all_zero(p, size));
  memset(p, 0x5a, size);
  CU_ASSERT_EQUAL(p[size - 1], 0x5a);
  tt_arena_free(p, size);
  CU_ASSERT_EQUAL(tt_arena_mapped(), before);
  /* just above the largest class */
  unsigned char *q = tt_arena_alloc(4097);
  CU_ASSERT_PTR_NOT_NULL_FATAL(q);
  CU_ASSERT_TRUE(all_zero(q, 4097));
  q[4096] = 1;
  tt_arena_free(q, 4097);
}

static void test_strdup(void) {
  char *s = tt_arena_strdup("tether");
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  CU_ASSERT_STRING_EQUAL(s, "tether");
  char *e = tt_arena_strdup("");
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  CU_ASSERT_STRING_EQUAL(e, "");
  CU_ASSERT_PTR_NOT_EQUAL(s, e);
}

static void test_lock(void) {
  tt_arena_lock();
  tt_arena_unlock();
  void *p = tt_arena_alloc(8); /* not left locked */
  CU_ASSERT_PTR_NOT_NULL(p);
  tt_arena_free(p, 8);
}

int arena_init(void) { return 0; }
int arena_cleanup(void) { return 0; }

CU_TestInfo arena_tests[] = {
    {"alloc is zeroed and aligned", test_alloc_zeroed_aligned},
    {"free and reuse", test_free_and_reuse},
    {"many sizes, no overlap", test_many_no_overlap},
    {"large allocation", test_large},
    {"strdup", test_strdup},
    {"lock", test_lock},
    CU_TEST_INFO_NULL,
};
