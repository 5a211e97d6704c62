/* SPDX-License-Identifier: MIT */
/* A stable LSD radix sort of fixed-size records by a 64-bit key inside
 * them: linear where qsort is n log n with a call a comparison. Inline, so
 * each caller's record size and key offset are constants. */
#ifndef TT_SORT_H
#define TT_SORT_H

#include <stdint.h>
#include <string.h>

#include "tt_common.h"

#define TT_SORT_DIGIT_BITS 11
#define TT_SORT_BUCKETS (1u << TT_SORT_DIGIT_BITS)

static inline uint64_t tt_sort_key(const void *rec, size_t key_off) {
  uint64_t k;
  memcpy(&k, (const char *)rec + key_off, sizeof k);
  return k;
}

/* Sorts base[0..n) (records of size bytes, key at key_off) by key, keeping
 * the order of equal keys. tmp: room for n records; count: TT_SORT_BUCKETS
 * words of scratch. Only the bits in which the keys differ are looked at
 * (addresses: usually 4 passes of 11 bits). */
static inline void tt_radix_sort(void *base, size_t n, size_t size, size_t key_off, void *tmp,
                                 size_t *count) {
  if (n < 2)
    return;
  char *src = base, *dst = tmp;
  uint64_t all_or = 0, all_and = ~(uint64_t)0;
  for (size_t i = 0; i < n; i++) {
    uint64_t k = tt_sort_key(src + i * size, key_off);
    all_or |= k;
    all_and &= k;
  }
  uint64_t differ = all_or ^ all_and;
  if (!differ)
    return; /* all equal */
  unsigned lo_bit = (unsigned)__builtin_ctzll(differ);
  unsigned hi_bit = 63u - (unsigned)__builtin_clzll(differ);
  unsigned passes = (hi_bit - lo_bit) / TT_SORT_DIGIT_BITS + 1;
  const uint64_t digit = TT_SORT_BUCKETS - 1;
  for (unsigned pass = 0; pass < passes; pass++) {
    unsigned shift = lo_bit + pass * TT_SORT_DIGIT_BITS;
    memset(count, 0, TT_SORT_BUCKETS * sizeof *count);
    for (size_t i = 0; i < n; i++)
      count[(tt_sort_key(src + i * size, key_off) >> shift) & digit]++;
    size_t sum = 0;
    for (size_t d = 0; d < TT_SORT_BUCKETS; d++) {
      size_t c = count[d];
      count[d] = sum;
      sum += c;
    }
    for (size_t i = 0; i < n; i++) {
      size_t at = count[(tt_sort_key(src + i * size, key_off) >> shift) & digit]++;
      memcpy(dst + at * size, src + i * size, size);
    }
    char *t = src;
    src = dst;
    dst = t;
  }
  if (src != (char *)base)
    memcpy(base, src, n * size);
}

#endif
