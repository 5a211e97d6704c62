/* SPDX-License-Identifier: MIT */
/* The heap index (see tt_heap.h): open-addressing hash tables with linear
 * probing and backward-shift deletion (no tombstones), one per shard; the
 * shard is picked by the address hash so threads rarely share a lock.
 * A table grows at 3/4 load, so a live block costs 32-64 bytes of index.
 *
 * Notes on locking: shard[i].lock protects shard i's table and counters. It
 * is a leaf except for tt_os_map/unmap during growth. Lock-all order: shard
 * 0 to TT_HEAP_SHARDS - 1. */
#include "tt_heap.h"

#include <string.h>

#include "tt_log.h"
#include "tt_os.h"

#define TT_HEAP_SHARDS 64
#define TT_HEAP_SHARD_SHIFT 58 /* 64 - log2(TT_HEAP_SHARDS) */
#define TT_HEAP_INITIAL_SLOTS 1024

struct shard {
  tt_spinlock_t lock;
  uint32_t mask;
  uint64_t count;
  struct tt_block *slots;
  uint64_t allocs, frees, bytes_allocated, live_bytes;
} __attribute__((aligned(64)));

static struct shard shards[TT_HEAP_SHARDS];

/* The hash keeps neighbours together: the page number is mixed (it picks
 * the shard from the top bits and a 256-slot window from the middle ones),
 * and the block's 16-byte position in its page is kept as the low 8 bits.
 * Blocks of one page, which a program tends to allocate and free together,
 * land in adjacent slots of one shard: one cache miss where a fully mixed
 * hash costs one per block, and no two of them ever collide. */
static inline uint64_t mix(uintptr_t addr) {
  uint64_t x = (uint64_t)addr >> 12;
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  x ^= x >> 33;
  return (x & ~(uint64_t)0xff) | (((uint64_t)addr >> 4) & 0xff);
}

static inline struct shard *shard_of(uint64_t h) { return &shards[h >> TT_HEAP_SHARD_SHIFT]; }

static bool grow_locked(struct shard *s) {
  uint32_t nslots = s->slots ? (s->mask + 1) * 2 : TT_HEAP_INITIAL_SLOTS;
  struct tt_block *fresh = tt_os_map((size_t)nslots * sizeof *fresh);
  if (!fresh)
    return false;
  uint32_t mask = nslots - 1;
  if (s->slots) {
    for (uint32_t i = 0; i <= s->mask; i++) {
      struct tt_block *b = &s->slots[i];
      if (!b->addr)
        continue;
      uint32_t j = (uint32_t)mix(b->addr) & mask;
      while (fresh[j].addr)
        j = (j + 1) & mask;
      fresh[j] = *b;
    }
    tt_os_unmap(s->slots, (size_t)(s->mask + 1) * sizeof *s->slots);
  }
  s->slots = fresh;
  s->mask = mask;
  return true;
}

bool tt_heap_insert(uintptr_t addr, size_t size, uint32_t stack, uint32_t owner,
                    enum tt_alloc_kind kind) {
  uint64_t h = mix(addr);
  struct shard *s = shard_of(h);
  tt_spin_lock(&s->lock);
  if (TT_UNLIKELY(!s->slots || (s->count + 1) * 4 > (uint64_t)(s->mask + 1) * 3)) {
    if (!grow_locked(s)) {
      tt_spin_unlock(&s->lock);
      tt_self_disable("out of memory for the heap index");
      return false;
    }
  }
  uint32_t i = (uint32_t)h & s->mask;
  while (s->slots[i].addr && s->slots[i].addr != addr)
    i = (i + 1) & s->mask;
  if (!s->slots[i].addr)
    s->count++;
  else /* a block at this address was never freed through us: replace it */
    s->live_bytes -= tt_block_size(&s->slots[i]);
  s->slots[i].addr = addr;
  s->slots[i].size_kind = ((uint64_t)size & TT_SIZE_MASK) | ((uint64_t)kind << TT_SIZE_BITS);
  s->slots[i].stack = stack;
  s->slots[i].owner = owner;
  s->allocs++;
  s->bytes_allocated += size;
  s->live_bytes += size;
  tt_spin_unlock(&s->lock);
  return true;
}

void tt_heap_restore(const struct tt_block *b) {
  if (!tt_heap_insert(b->addr, tt_block_size(b), b->stack, b->owner,
                      (enum tt_alloc_kind)tt_block_kind(b)))
    return;
  struct shard *s = shard_of(mix(b->addr));
  tt_spin_lock(&s->lock);
  s->allocs--;
  s->frees--;
  s->bytes_allocated -= tt_block_size(b);
  tt_spin_unlock(&s->lock);
}

static int find_locked(const struct shard *s, uintptr_t addr, uint64_t h) {
  if (!s->slots)
    return -1;
  uint32_t i = (uint32_t)h & s->mask;
  for (;;) {
    uintptr_t a = s->slots[i].addr;
    if (a == addr)
      return (int)i;
    if (!a)
      return -1;
    i = (i + 1) & s->mask;
  }
}

bool tt_heap_remove(uintptr_t addr, struct tt_block *out) {
  uint64_t h = mix(addr);
  struct shard *s = shard_of(h);
  tt_spin_lock(&s->lock);
  int found = find_locked(s, addr, h);
  if (found < 0) {
    tt_spin_unlock(&s->lock);
    return false;
  }
  uint32_t i = (uint32_t)found, j = i, mask = s->mask;
  if (out)
    *out = s->slots[i];
  s->live_bytes -= tt_block_size(&s->slots[i]);
  s->frees++;
  s->count--;
  /* Backward-shift deletion: pull later members of the probe run into the
   * hole unless their home slot lies cyclically in (i, j]. */
  for (;;) {
    j = (j + 1) & mask;
    if (!s->slots[j].addr)
      break;
    uint32_t k = (uint32_t)mix(s->slots[j].addr) & mask;
    bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
    if (stays)
      continue;
    s->slots[i] = s->slots[j];
    i = j;
  }
  s->slots[i].addr = 0;
  tt_spin_unlock(&s->lock);
  return true;
}

bool tt_heap_lookup(uintptr_t addr, struct tt_block *out) {
  uint64_t h = mix(addr);
  struct shard *s = shard_of(h);
  tt_spin_lock(&s->lock);
  int found = find_locked(s, addr, h);
  if (found >= 0 && out)
    *out = s->slots[found];
  tt_spin_unlock(&s->lock);
  return found >= 0;
}

void tt_heap_stats(struct tt_heap_stats *st) {
  memset(st, 0, sizeof *st);
  for (int i = 0; i < TT_HEAP_SHARDS; i++) {
    struct shard *s = &shards[i];
    tt_spin_lock(&s->lock);
    st->allocs += s->allocs;
    st->frees += s->frees;
    st->bytes_allocated += s->bytes_allocated;
    st->live_blocks += s->count;
    st->live_bytes += s->live_bytes;
    st->index_bytes += s->slots ? (uint64_t)(s->mask + 1) * sizeof(struct tt_block) : 0;
    tt_spin_unlock(&s->lock);
  }
}

void tt_heap_lock_all(void) {
  for (int i = 0; i < TT_HEAP_SHARDS; i++)
    tt_spin_lock(&shards[i].lock);
}

void tt_heap_unlock_all(void) {
  for (int i = TT_HEAP_SHARDS - 1; i >= 0; i--)
    tt_spin_unlock(&shards[i].lock);
}

size_t tt_heap_count_locked(void) {
  size_t n = 0;
  for (int i = 0; i < TT_HEAP_SHARDS; i++)
    n += shards[i].count;
  return n;
}

size_t tt_heap_snapshot_locked(struct tt_block *out, size_t max) {
  size_t n = 0;
  for (int i = 0; i < TT_HEAP_SHARDS; i++) {
    struct shard *s = &shards[i];
    if (!s->slots)
      continue;
    for (uint32_t j = 0; j <= s->mask; j++) {
      if (!s->slots[j].addr)
        continue;
      if (n < max)
        out[n] = s->slots[j];
      n++;
    }
  }
  return n;
}

/* ---- allocation kinds ----------------------------------------------------- */

static const struct {
  const char *name;
  enum tt_alloc_family family;
} kinds[TT_ALLOC_KIND_COUNT] = {
    [TT_ALLOC_MALLOC] = {"malloc", TT_FAMILY_MALLOC},
    [TT_ALLOC_CALLOC] = {"calloc", TT_FAMILY_MALLOC},
    [TT_ALLOC_REALLOC] = {"realloc", TT_FAMILY_MALLOC},
    [TT_ALLOC_REALLOCARRAY] = {"reallocarray", TT_FAMILY_MALLOC},
    [TT_ALLOC_POSIX_MEMALIGN] = {"posix_memalign", TT_FAMILY_MALLOC},
    [TT_ALLOC_ALIGNED_ALLOC] = {"aligned_alloc", TT_FAMILY_MALLOC},
    [TT_ALLOC_MEMALIGN] = {"memalign", TT_FAMILY_MALLOC},
    [TT_ALLOC_VALLOC] = {"valloc", TT_FAMILY_MALLOC},
    [TT_ALLOC_PVALLOC] = {"pvalloc", TT_FAMILY_MALLOC},
    [TT_ALLOC_NEW] = {"operator new(unsigned long)", TT_FAMILY_NEW},
    [TT_ALLOC_NEW_NOTHROW] = {"operator new(unsigned long, std::nothrow_t const&)", TT_FAMILY_NEW},
    [TT_ALLOC_NEW_ALIGNED] = {"operator new(unsigned long, std::align_val_t)", TT_FAMILY_NEW},
    [TT_ALLOC_NEW_ALIGNED_NOTHROW] = {"operator new(unsigned long, std::align_val_t, "
                                      "std::nothrow_t const&)",
                                      TT_FAMILY_NEW},
    [TT_ALLOC_NEW_ARRAY] = {"operator new[](unsigned long)", TT_FAMILY_NEW_ARRAY},
    [TT_ALLOC_NEW_ARRAY_NOTHROW] = {"operator new[](unsigned long, std::nothrow_t const&)",
                                    TT_FAMILY_NEW_ARRAY},
    [TT_ALLOC_NEW_ARRAY_ALIGNED] = {"operator new[](unsigned long, std::align_val_t)",
                                    TT_FAMILY_NEW_ARRAY},
    [TT_ALLOC_NEW_ARRAY_ALIGNED_NOTHROW] = {"operator new[](unsigned long, std::align_val_t, "
                                            "std::nothrow_t const&)",
                                            TT_FAMILY_NEW_ARRAY},
};

enum tt_alloc_family tt_alloc_family_of(enum tt_alloc_kind k) {
  return k < TT_ALLOC_KIND_COUNT ? kinds[k].family : TT_FAMILY_MALLOC;
}

const char *tt_alloc_kind_name(enum tt_alloc_kind k) {
  return k < TT_ALLOC_KIND_COUNT ? kinds[k].name : "malloc";
}
