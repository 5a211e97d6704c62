/* SPDX-License-Identifier: MIT */
/* The heap index (see tt_heap.h): open-addressing hash tables with linear
 * probing, one per shard; the shard is picked by the address hash so threads
 * rarely share a lock. Each slot is a 24-byte record plus a control byte
 * (empty, tombstone, or a 7-bit tag of the address) kept in an array of its
 * own after the records: a probe compares 16 control bytes at once and reads
 * a record only where the tag matches. A table grows at 3/4 load, so a live
 * block costs 33-67 bytes of index. Deletion leaves a tombstone (a backward
 * shift walks the whole probe run, and runs are long where a page's blocks
 * sit together); tombstones are reused by inserts and swept when a table is
 * rebuilt.
 *
 * Notes on locking: shard[i].lock protects shard i's table and counters. It
 * is a leaf except for tt_os_map/unmap during growth. Lock-all order: shard
 * 0 to TT_HEAP_SHARDS - 1. */
#include "tt_heap.h"

#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "tt_log.h"
#include "tt_os.h"

#define TT_HEAP_SHARDS 64
#define TT_HEAP_SHARD_SHIFT 58 /* 64 - log2(TT_HEAP_SHARDS) */
#define TT_HEAP_INITIAL_SLOTS 1024

#define TOMB ((uintptr_t)1) /* a deleted slot: never a block address */
#define LIVE_SLOT(a) ((a) > TOMB)

struct shard {
  tt_spinlock_t lock;
  uint32_t mask;
  uint64_t count;             /* records of every state */
  uint64_t tombs;             /* deleted slots not yet reused */
  uint64_t quarantined, untracked;
  struct tt_block *slots;
  uint8_t *ctrl;              /* a byte a slot, after the records: EMPTY, TOMB or the tag */
  uint64_t allocs, frees, bytes_allocated, live_bytes;
} __attribute__((aligned(64)));

static struct shard shards[TT_HEAP_SHARDS];

/* The hash keeps neighbours together: the page number is mixed (it picks
 * the shard from the top bits and a 256-slot window from the middle ones),
 * and the block's 16-byte position in its page is kept as the low 8 bits.
 * Blocks of one page, which a program tends to allocate and free together,
 * land in adjacent slots of one shard: one cache miss where a fully mixed
 * hash costs one per block, and no two of them ever collide. The price is
 * long probe runs where the pages of one window hold many small blocks
 * (100 slots and more in CPython): the control bytes make those cheap. */
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

/* A slot's control byte: probing reads these (64 slots a cache line) and
 * looks at a record only where the tag matches, so a long run of a page's
 * neighbours costs a line or two instead of one line every 2.7 records. */
#define CTRL_EMPTY 0
#define CTRL_TOMB 1
static inline uint8_t tag_of(uintptr_t addr) {
  return (uint8_t)(2 + (((uint64_t)addr >> 4) * 0x9E3779B97F4A7C15ull >> 57)); /* 2..129 */
}

/* Probing reads the control bytes CTRL_GROUP at a time; the first
 * CTRL_GROUP of them are repeated after the last so a group can start at any
 * slot without wrapping. */
#define CTRL_GROUP 16

static size_t table_bytes(uint32_t nslots) {
  return (size_t)nslots * (sizeof(struct tt_block) + 1) + CTRL_GROUP;
}

static inline void set_ctrl(uint8_t *ctrl, uint32_t mask, uint32_t i, uint8_t c) {
  ctrl[i] = c;
  if (i < CTRL_GROUP)
    ctrl[mask + 1 + i] = c;
}

/* Walks addr's probe run. Returns the slot holding addr, or -1; then *end
 * (if asked) is the empty slot that ends the run and *tomb (if asked) the
 * run's first tombstone, or -1. */
static inline int probe_locked(const struct shard *s, uintptr_t addr, uint64_t h, uint32_t *end,
                               int64_t *tomb) {
  const uint32_t mask = s->mask;
  const uint8_t tag = tag_of(addr);
  uint32_t i = (uint32_t)h & mask;
#if defined(__SSE2__)
  const __m128i vtag = _mm_set1_epi8((char)tag);
  const __m128i vempty = _mm_setzero_si128();
  const __m128i vtomb = _mm_set1_epi8(CTRL_TOMB);
  for (;;) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s->ctrl + i));
    unsigned empty = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vempty));
    unsigned run = empty ? (empty & (0u - empty)) - 1 : 0xffffu; /* slots before the first empty */
    for (unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vtag)) & run; m; m &= m - 1) {
      uint32_t j = (i + (uint32_t)__builtin_ctz(m)) & mask;
      if (s->slots[j].addr == addr)
        return (int)j;
    }
    if (tomb && *tomb < 0) {
      unsigned t = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vtomb)) & run;
      if (t)
        *tomb = (i + (uint32_t)__builtin_ctz(t)) & mask;
    }
    if (empty) {
      if (end)
        *end = (i + (uint32_t)__builtin_ctz(empty)) & mask;
      return -1;
    }
    i = (i + CTRL_GROUP) & mask;
  }
#else
  for (uint8_t c; (c = s->ctrl[i]) != CTRL_EMPTY; i = (i + 1) & mask) {
    if (c == tag && s->slots[i].addr == addr)
      return (int)i;
    if (c == CTRL_TOMB && tomb && *tomb < 0)
      *tomb = i;
  }
  if (end)
    *end = i;
  return -1;
#endif
}

static bool grow_locked(struct shard *s) {
  uint32_t nslots = !s->slots ? TT_HEAP_INITIAL_SLOTS
                    : s->tombs > s->count / 2 ? s->mask + 1 /* mostly tombstones: sweep */
                                              : (s->mask + 1) * 2;
  struct tt_block *fresh = tt_os_map(table_bytes(nslots));
  if (!fresh)
    return false;
  uint8_t *ctrl = (uint8_t *)(fresh + nslots);
  uint32_t mask = nslots - 1;
  if (s->slots) {
    for (uint32_t i = 0; i <= s->mask; i++) {
      struct tt_block *b = &s->slots[i];
      if (s->ctrl[i] <= CTRL_TOMB)
        continue;
      uint32_t j = (uint32_t)mix(b->addr) & mask;
      while (ctrl[j] != CTRL_EMPTY)
        j = (j + 1) & mask;
      fresh[j] = *b;
      set_ctrl(ctrl, mask, j, s->ctrl[i]);
    }
    tt_os_unmap(s->slots, table_bytes(s->mask + 1));
  }
  s->slots = fresh;
  s->ctrl = ctrl;
  s->mask = mask;
  s->tombs = 0;
  return true;
}

/* Puts a record in; replaces one at the same address (a block freed behind
 * tether's back, which the allocator handed out again). */
static bool insert(uintptr_t addr, uint64_t size_kind, uint32_t stack, uint32_t owner) {
  uint64_t h = mix(addr);
  struct shard *s = shard_of(h);
  tt_spin_lock(&s->lock);
  if (TT_UNLIKELY(!s->slots || (s->count + s->tombs + 1) * 4 > (uint64_t)(s->mask + 1) * 3)) {
    if (!grow_locked(s)) {
      tt_spin_unlock(&s->lock);
      tt_self_disable("out of memory for the heap index");
      return false;
    }
  }
  uint32_t end = 0;
  int64_t tomb = -1;
  int found = probe_locked(s, addr, h, &end, &tomb);
  struct tt_block *b;
  if (found < 0) {
    uint32_t i = end;
    s->count++;
    if (tomb >= 0) { /* reuse the first tombstone of the run */
      i = (uint32_t)tomb;
      s->tombs--;
    }
    b = &s->slots[i];
    set_ctrl(s->ctrl, s->mask, i, tag_of(addr));
  } else {
    b = &s->slots[found];
    unsigned f = tt_block_flags(b);
    if (f & TT_BLOCK_QUARANTINED)
      s->quarantined--;
    else if (f & TT_BLOCK_UNTRACKED)
      s->untracked--;
    else
      s->live_bytes -= tt_block_size(b);
  }
  b->addr = addr;
  b->size_kind = size_kind;
  b->stack = stack;
  b->owner = owner;
  if ((size_kind >> 56) & TT_BLOCK_QUARANTINED) {
    s->quarantined++;
  } else if ((size_kind >> 56) & TT_BLOCK_UNTRACKED) {
    s->untracked++;
  } else {
    s->allocs++;
    s->bytes_allocated += size_kind & TT_SIZE_MASK;
    s->live_bytes += size_kind & TT_SIZE_MASK;
  }
  tt_spin_unlock(&s->lock);
  return true;
}

bool tt_heap_insert(uintptr_t addr, size_t size, uint32_t stack, uint32_t owner,
                    enum tt_alloc_kind kind) {
  return insert(addr, ((uint64_t)size & TT_SIZE_MASK) | ((uint64_t)kind << TT_SIZE_BITS), stack,
                owner);
}

bool tt_heap_insert_untracked(uintptr_t addr, size_t size) {
  return insert(addr, ((uint64_t)size & TT_SIZE_MASK) | ((uint64_t)TT_BLOCK_UNTRACKED << 56), 0,
                0);
}

void tt_heap_restore(const struct tt_block *b) {
  if (!insert(b->addr, b->size_kind, b->stack, b->owner))
    return;
  if (tt_block_flags(b) & (TT_BLOCK_QUARANTINED | TT_BLOCK_UNTRACKED))
    return; /* no counters moved for these */
  struct shard *s = shard_of(mix(b->addr));
  tt_spin_lock(&s->lock);
  s->allocs--;
  s->frees--;
  s->bytes_allocated -= tt_block_size(b);
  tt_spin_unlock(&s->lock);
}

void tt_heap_prefetch(uintptr_t addr) {
  uint64_t h = mix(addr);
  struct shard *s = shard_of(h);
  /* A racy read on purpose: a stale table only wastes the prefetch. */
  struct tt_block *slots = __atomic_load_n(&s->slots, __ATOMIC_RELAXED);
  uint8_t *ctrl = __atomic_load_n(&s->ctrl, __ATOMIC_RELAXED);
  uint32_t mask = __atomic_load_n(&s->mask, __ATOMIC_RELAXED);
  if (slots && ctrl) { /* prefetching never faults, even past a table */
    __builtin_prefetch(&ctrl[(uint32_t)h & mask], 1);
    __builtin_prefetch(&slots[(uint32_t)h & mask], 1);
  }
}

static int find_locked(const struct shard *s, uintptr_t addr, uint64_t h) {
  if (!s->slots)
    return -1;
  return probe_locked(s, addr, h, NULL, NULL);
}

/* Takes slot i out of s's table: a tombstone, reused by a later insert. */
static void delete_slot_locked(struct shard *s, uint32_t i) {
  struct tt_block *b = &s->slots[i];
  unsigned f = tt_block_flags(b);
  if (f & TT_BLOCK_QUARANTINED)
    s->quarantined--;
  else if (f & TT_BLOCK_UNTRACKED)
    s->untracked--;
  s->count--;
  /* A tombstone followed by an empty slot ends the run: it can be empty too. */
  if (s->ctrl[(i + 1) & s->mask] == CTRL_EMPTY) {
    b->addr = 0;
    set_ctrl(s->ctrl, s->mask, i, CTRL_EMPTY);
    for (uint32_t j = (i - 1) & s->mask; s->ctrl[j] == CTRL_TOMB; j = (j - 1) & s->mask) {
      s->slots[j].addr = 0;
      set_ctrl(s->ctrl, s->mask, j, CTRL_EMPTY);
      s->tombs--;
    }
  } else {
    b->addr = TOMB;
    set_ctrl(s->ctrl, s->mask, i, CTRL_TOMB);
    s->tombs++;
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
  struct tt_block *b = &s->slots[found];
  if (out)
    *out = *b;
  if (!(tt_block_flags(b) & (TT_BLOCK_QUARANTINED | TT_BLOCK_UNTRACKED))) {
    s->live_bytes -= tt_block_size(b);
    s->frees++;
  }
  delete_slot_locked(s, (uint32_t)found);
  tt_spin_unlock(&s->lock);
  return true;
}

enum tt_free_status tt_heap_mark_freed(uintptr_t addr, uint32_t free_stack,
                                       enum tt_release_kind how, struct tt_block *out) {
  uint64_t h = mix(addr);
  struct shard *s = shard_of(h);
  tt_spin_lock(&s->lock);
  int found = find_locked(s, addr, h);
  if (found < 0) {
    tt_spin_unlock(&s->lock);
    return TT_FREE_UNKNOWN;
  }
  struct tt_block *b = &s->slots[found];
  *out = *b;
  unsigned f = tt_block_flags(b);
  enum tt_free_status st;
  if (f & TT_BLOCK_QUARANTINED) {
    st = TT_FREE_QUARANTINED;
  } else if (f & TT_BLOCK_UNTRACKED) {
    delete_slot_locked(s, (uint32_t)found);
    st = TT_FREE_UNTRACKED;
  } else {
    uint64_t flags = TT_BLOCK_QUARANTINED | ((uint64_t)how << TT_BLOCK_RELEASE_SHIFT);
    b->size_kind = (b->size_kind & ((1ull << 56) - 1)) | (flags << 56);
    b->owner = free_stack;
    s->quarantined++;
    s->live_bytes -= tt_block_size(b);
    s->frees++;
    st = TT_FREE_LIVE;
  }
  tt_spin_unlock(&s->lock);
  return st;
}

bool tt_heap_find_containing(uintptr_t addr, struct tt_block *out) {
  bool found = false;
  for (int i = 0; i < TT_HEAP_SHARDS && !found; i++) {
    struct shard *s = &shards[i];
    tt_spin_lock(&s->lock);
    for (uint32_t j = 0; s->slots && j <= s->mask; j++) {
      const struct tt_block *b = &s->slots[j];
      size_t size = tt_block_size(b);
      if (!LIVE_SLOT(b->addr) || (tt_block_flags(b) & TT_BLOCK_UNTRACKED) || addr < b->addr ||
          addr - b->addr >= (size ? size : 1))
        continue;
      *out = *b;
      found = true;
      break;
    }
    tt_spin_unlock(&s->lock);
  }
  return found;
}

bool tt_heap_update_live(uintptr_t addr, bool set_owner, uint32_t owner, unsigned set_flags,
                         unsigned clear_flags, struct tt_block *out) {
  uint64_t h = mix(addr);
  struct shard *s = shard_of(h);
  tt_spin_lock(&s->lock);
  int found = find_locked(s, addr, h);
  struct tt_block *b = found >= 0 ? &s->slots[found] : NULL;
  bool live = b && !(tt_block_flags(b) & (TT_BLOCK_QUARANTINED | TT_BLOCK_UNTRACKED));
  if (live) {
    if (out)
      *out = *b;
    if (set_owner)
      b->owner = owner;
    b->size_kind &= ~((uint64_t)(clear_flags & TT_BLOCK_LIVE_FLAGS) << 56);
    b->size_kind |= (uint64_t)(set_flags & TT_BLOCK_LIVE_FLAGS) << 56;
  }
  tt_spin_unlock(&s->lock);
  return live;
}

void tt_heap_set_flags_locked(uintptr_t addr, unsigned set_flags) {
  uint64_t h = mix(addr);
  struct shard *s = shard_of(h);
  int found = find_locked(s, addr, h);
  if (found < 0)
    return;
  struct tt_block *b = &s->slots[found];
  if (!(tt_block_flags(b) & (TT_BLOCK_QUARANTINED | TT_BLOCK_UNTRACKED)))
    b->size_kind |= (uint64_t)(set_flags & TT_BLOCK_LIVE_FLAGS) << 56;
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
    st->live_blocks += s->count - s->quarantined - s->untracked;
    st->quarantined_blocks += s->quarantined;
    st->untracked_blocks += s->untracked;
    st->live_bytes += s->live_bytes;
    st->index_bytes += s->slots ? table_bytes(s->mask + 1) : 0;
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

size_t tt_heap_count_locked(size_t *quar) {
  size_t n = 0, q = 0;
  for (int i = 0; i < TT_HEAP_SHARDS; i++) {
    n += shards[i].count - shards[i].quarantined - shards[i].untracked;
    q += shards[i].quarantined;
  }
  if (quar)
    *quar = q;
  return n;
}

size_t tt_heap_snapshot_locked(struct tt_block *live, size_t max, struct tt_block *quar,
                               size_t qmax) {
  size_t n = 0, q = 0;
  for (int i = 0; i < TT_HEAP_SHARDS; i++) {
    struct shard *s = &shards[i];
    if (!s->slots)
      continue;
    for (uint32_t j = 0; j <= s->mask; j++) {
      const struct tt_block *b = &s->slots[j];
      if (!LIVE_SLOT(b->addr))
        continue;
      unsigned f = tt_block_flags(b);
      if (f & TT_BLOCK_UNTRACKED)
        continue;
      if (f & TT_BLOCK_QUARANTINED) {
        if (quar && q < qmax)
          quar[q++] = *b;
        continue;
      }
      if (n < max)
        live[n] = *b;
      n++;
    }
  }
  return n;
}

size_t tt_heap_snapshot_untracked_locked(struct tt_block *out, size_t max) {
  size_t n = 0;
  for (int i = 0; i < TT_HEAP_SHARDS; i++) {
    struct shard *s = &shards[i];
    if (!s->slots || !s->untracked)
      continue;
    for (uint32_t j = 0; j <= s->mask; j++) {
      const struct tt_block *b = &s->slots[j];
      if (!LIVE_SLOT(b->addr) || !(tt_block_flags(b) & TT_BLOCK_UNTRACKED))
        continue;
      if (n < max)
        out[n] = *b;
      n++;
    }
  }
  return n;
}

/* ---- allocation kinds ----------------------------------------------------- */

struct kind_info {
  const char *name;
  enum tt_alloc_family family;
};

static const struct kind_info kinds[TT_ALLOC_KIND_COUNT] = {
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

static const struct kind_info releases[TT_RELEASE_KIND_COUNT] = {
    [TT_RELEASE_FREE] = {"free", TT_FAMILY_MALLOC},
    [TT_RELEASE_REALLOC] = {"realloc", TT_FAMILY_MALLOC},
    [TT_RELEASE_DELETE] = {"operator delete(void*)", TT_FAMILY_NEW},
    [TT_RELEASE_DELETE_SIZED] = {"operator delete(void*, unsigned long)", TT_FAMILY_NEW},
    [TT_RELEASE_DELETE_NOTHROW] = {"operator delete(void*, std::nothrow_t const&)", TT_FAMILY_NEW},
    [TT_RELEASE_DELETE_ALIGNED] = {"operator delete(void*, std::align_val_t)", TT_FAMILY_NEW},
    [TT_RELEASE_DELETE_SIZED_ALIGNED] = {"operator delete(void*, unsigned long, std::align_val_t)",
                                         TT_FAMILY_NEW},
    [TT_RELEASE_DELETE_ALIGNED_NOTHROW] = {"operator delete(void*, std::align_val_t, "
                                           "std::nothrow_t const&)",
                                           TT_FAMILY_NEW},
    [TT_RELEASE_DELETE_ARRAY] = {"operator delete[](void*)", TT_FAMILY_NEW_ARRAY},
    [TT_RELEASE_DELETE_ARRAY_SIZED] = {"operator delete[](void*, unsigned long)",
                                       TT_FAMILY_NEW_ARRAY},
    [TT_RELEASE_DELETE_ARRAY_NOTHROW] = {"operator delete[](void*, std::nothrow_t const&)",
                                         TT_FAMILY_NEW_ARRAY},
    [TT_RELEASE_DELETE_ARRAY_ALIGNED] = {"operator delete[](void*, std::align_val_t)",
                                         TT_FAMILY_NEW_ARRAY},
    [TT_RELEASE_DELETE_ARRAY_SIZED_ALIGNED] = {"operator delete[](void*, unsigned long, "
                                               "std::align_val_t)",
                                               TT_FAMILY_NEW_ARRAY},
    [TT_RELEASE_DELETE_ARRAY_ALIGNED_NOTHROW] = {"operator delete[](void*, std::align_val_t, "
                                                 "std::nothrow_t const&)",
                                                 TT_FAMILY_NEW_ARRAY},
};

enum tt_alloc_family tt_release_family_of(enum tt_release_kind k) {
  return k < TT_RELEASE_KIND_COUNT ? releases[k].family : TT_FAMILY_MALLOC;
}

const char *tt_release_kind_name(enum tt_release_kind k) {
  return k < TT_RELEASE_KIND_COUNT ? releases[k].name : "free";
}

enum tt_alloc_family tt_alloc_family_of(enum tt_alloc_kind k) {
  return k < TT_ALLOC_KIND_COUNT ? kinds[k].family : TT_FAMILY_MALLOC;
}

const char *tt_alloc_kind_name(enum tt_alloc_kind k) {
  return k < TT_ALLOC_KIND_COUNT ? kinds[k].name : "malloc";
}
