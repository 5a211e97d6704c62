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

#include <errno.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "tt_arena.h"
#include "tt_log.h"
#include "tt_os.h"

#define TT_HEAP_SHARDS 64
#define TT_HEAP_SHARD_SHIFT 58 /* 64 - log2(TT_HEAP_SHARDS) */
#define TT_HEAP_INITIAL_SLOTS 128 /* one page: most shards of a short process hold a few records */

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

static void index_mark(uintptr_t p);
static inline void span_check(uintptr_t p, uint64_t size);

bool tt_heap_insert(uintptr_t addr, size_t size, uint32_t stack, uint32_t owner,
                    enum tt_alloc_kind kind) {
  index_mark(addr);
  span_check(addr, (uint64_t)size & TT_SIZE_MASK);
  return insert(addr, ((uint64_t)size & TT_SIZE_MASK) | ((uint64_t)kind << TT_SIZE_BITS), stack,
                owner);
}

bool tt_heap_insert_untracked(uintptr_t addr, size_t size) {
  return insert(addr, ((uint64_t)size & TT_SIZE_MASK) | ((uint64_t)TT_BLOCK_UNTRACKED << 56), 0,
                0);
}

static void index_restore(const struct tt_block *b) {
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

static void index_prefetch(uintptr_t addr) {
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

static bool index_remove(uintptr_t addr, struct tt_block *out) {
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

static enum tt_free_status index_mark_freed(uintptr_t addr, uint32_t free_stack,
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
    uint64_t flags = TT_BLOCK_QUARANTINED | ((uint64_t)how << TT_BLOCK_RELEASE_SHIFT) |
                     (f & TT_BLOCK_PREFIXED);
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

static bool index_find_containing(uintptr_t addr, struct tt_block *out) {
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

static bool index_update_live(uintptr_t addr, bool set_owner, uint32_t owner, unsigned set_flags,
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

static void index_set_flags_locked(uintptr_t addr, unsigned set_flags) {
  uint64_t h = mix(addr);
  struct shard *s = shard_of(h);
  int found = find_locked(s, addr, h);
  if (found < 0)
    return;
  struct tt_block *b = &s->slots[found];
  if (!(tt_block_flags(b) & (TT_BLOCK_QUARANTINED | TT_BLOCK_UNTRACKED)))
    b->size_kind |= (uint64_t)(set_flags & TT_BLOCK_LIVE_FLAGS) << 56;
}

static bool index_lookup(uintptr_t addr, struct tt_block *out) {
  uint64_t h = mix(addr);
  struct shard *s = shard_of(h);
  tt_spin_lock(&s->lock);
  int found = find_locked(s, addr, h);
  if (found >= 0 && out)
    *out = s->slots[found];
  tt_spin_unlock(&s->lock);
  return found >= 0;
}

static void index_stats(struct tt_heap_stats *st) {
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

static void index_lock_all(void) {
  for (int i = 0; i < TT_HEAP_SHARDS; i++)
    tt_spin_lock(&shards[i].lock);
}

static void index_unlock_all(void) {
  for (int i = TT_HEAP_SHARDS - 1; i >= 0; i--)
    tt_spin_unlock(&shards[i].lock);
}

static size_t index_count_locked(size_t *quar) {
  size_t n = 0, q = 0;
  for (int i = 0; i < TT_HEAP_SHARDS; i++) {
    n += shards[i].count - shards[i].quarantined - shards[i].untracked;
    q += shards[i].quarantined;
  }
  if (quar)
    *quar = q;
  return n;
}

static size_t index_snapshot_locked(struct tt_block *live, size_t max, struct tt_block *quar,
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

/* ======================================================================== */
/* block headers                                                             */
/* ======================================================================== */

/* A prefixed block's record is a 32-byte header just before the block, in
 * memory the real allocator handed out with it: a free finds it in the
 * lines the allocator reads anyway, with no lookup in a shared table, and
 * no table is written at all: the checks list the blocks by sweeping the
 * heap's memory for headers (see hdr_each).
 *
 *   w0 (bytes 0..7):   size (bits 0..47), kind (48..54), busy (55), flags (56..63)
 *   w1 (bytes 8..15):  marker (63), allocation stack (0..31)
 *   w3 (bytes 16..23): check, a keyed hash of the block's address, w1 and the size
 *   w2 (bytes 24..31): owner, or the free stack of a quarantined block (0..31);
 *                      bits 32..63 always 0 (see struct hdr)
 *
 * A header is genuine when its marker is set and its check matches: a
 * wild pointer's neighbourhood, or any word pair a sweep passes over,
 * passes for one by chance once in 2^64. Word 0 of a block in use has bit
 * 63 set (TT_BLOCK_PREFIXED), word 1 its marker: neither passes for a
 * pointer when a scan reads the allocator's memory around the blocks, and
 * neither is what an allocator writes into a chunk it got back (a
 * free-list link is a pointer). A removal zeroes w0 and w3 before the
 * memory goes back to the allocator, so a header left in memory handed out
 * again is never genuine.
 *
 * A header is read only where that cannot fault: at a 16-aligned address
 * at least 32 bytes into a page (the header is then on the block's own
 * page, which a valid pointer's block shares), in a megabyte where a header
 * was written before (the granule map). free() of a wild pointer elsewhere
 * goes to the index and is reported as ever. A sweep reads only marked
 * megabytes of anonymous memory the kernel lists as readable.
 *
 * Notes on locking: each thread makes its changes to headers inside a
 * section only tt_heap_lock_all waits for (to stop every change for a
 * snapshot or a fork): marked by a busy flag where the kernel offers
 * membarrier (see ht_enter), else by the thread's own lock (struct
 * hthread), which nobody else takes. lock-all takes every hthread's lock in
 * either mode. The registry lock protects the list of hthreads and nests
 * outside them. Any thread may free a block: its state changes by
 * compare-and-swap on word 0, so two threads freeing one block cannot both
 * win. Lock-all order: registry, every hthread in list order, the fallback
 * hthread, (the busy flags cleared,) then the index shards. */

#define HDR_MARK (1ull << 63)
#define HDR_BUSY (1ull << 55)
#define HDR_DEAD 0ull

/* The words are named by role; the owner is the last, next to the block:
 * a C++ delete[] of a malloc'd array reads the word before the block as
 * its element count (new[]'s cookie), and finds 0 there for a block
 * without an owner (Valgrind's redzone reads 0 too), so no destructor runs
 * and the bad release is reported, where the check word made it run
 * destructors for ever. Its high half is always 0 (HDR_OWNER_SPARE): an
 * underrun of up to 4 bytes changes it, and the header reads as written
 * over, as an underrun reaching the check word does. */
struct hdr {
  uint64_t w0; /* size_kind, as in struct tt_block, plus busy */
  uint64_t w1; /* marker | stack */
  uint64_t w3; /* check */
  uint64_t w2; /* owner or free stack (32 bits) */
};
#define HDR_OWNER_SPARE 0xffffffff00000000ull
_Static_assert(sizeof(struct hdr) == TT_HEAP_PREFIX, "the header fills the prefix");

/* Granules of 1 MB that ever held a header: a bit each over 47 bits of
 * address, 16 MB of zero pages of which a program touches a few; and a bit
 * for each of its words that has one set, which a sweep reads instead. */
#define GRAN_SHIFT 20
#define GMAP_WORDS ((1ull << (47 - GRAN_SHIFT)) / 64)
static uint64_t gmap[GMAP_WORDS];
static uint64_t gsum[GMAP_WORDS / 64];

static uint64_t hdr_key; /* set once, before the first header is written */

struct hthread {
  tt_spinlock_t lock;
  int busy; /* in a change, entered without the lock (asymmetric mode) */
  int in_use;
  struct hthread *next; /* immutable once published */
  /* counters of the changes made under this lock: differences, summed */
  int64_t live, quar, live_bytes;
  uint64_t allocs, frees, bytes_allocated;
} __attribute__((aligned(64)));

static tt_spinlock_t reg_lock = TT_SPINLOCK_INIT;
static struct hthread *hthreads;
/* For threads past their exit hook, or when no hthread can be had. */
static struct hthread fallback_ht;

/* Asymmetric mode (where the kernel has membarrier): a thread enters a
 * change by setting its busy flag, with no atomic instruction, and
 * tt_heap_lock_all, after raising stop_req, makes every thread execute a
 * memory barrier and waits for the flags to clear. A thread that sees
 * stop_req waits on its lock instead. The lock's atomic exchange cost 10%
 * of churn's time under tether. Decided once, before the first hthread. */
static int asym;
static int asym_decided;
static int stop_req;

/* Until a second thread changes a header, a block's state changes by plain
 * stores: nobody can race for it (a signal handler that frees the block
 * its thread is freeing would corrupt glibc's heap as much). The compare-
 * and-swap's barrier cost churn 10% of its time under tether without the
 * quarantine (2% with it). Asymmetric mode only: the thread that switches
 * waits, as lock-all does, until every thread is out of the change it is
 * in; the other new threads wait for it. */
enum { MT_NO, MT_SWITCHING, MT_YES };
static int heap_mt;
static unsigned claims;
static __thread bool switching_mt __attribute__((tls_model("initial-exec")));

static __thread struct hthread *my_ht __attribute__((tls_model("initial-exec")));
static __thread bool my_ht_exited __attribute__((tls_model("initial-exec")));

static inline bool gran_marked(uintptr_t p) {
  uintptr_t g = p >> GRAN_SHIFT;
  return (__atomic_load_n(&gmap[g / 64], __ATOMIC_RELAXED) >> (g % 64)) & 1;
}

/* The megabytes where a program's block without a header (an aligned
 * one, or one at a page's start) was recorded in the index, for
 * tt_heap_range_marked. Apart from gmap, whose marks say a header may be
 * read there. */
static uint64_t imap[GMAP_WORDS];

static void imap_mark(uintptr_t g) {
  if (!((__atomic_load_n(&imap[g / 64], __ATOMIC_RELAXED) >> (g % 64)) & 1))
    __atomic_fetch_or(&imap[g / 64], 1ull << (g % 64), __ATOMIC_RELAXED);
}

static void index_mark(uintptr_t p) {
  if (!(p >> 47))
    imap_mark(p >> GRAN_SHIFT);
}

/* A block that reaches past the megabyte where it starts: the megabytes
 * after it are marked in imap too. The program may take away a page of it
 * there (a guard page in the middle of a freed buffer), and the quarantine
 * must be asked about that page: marking only the first megabyte missed it
 * once in 256 runs of case err_freed_taken_away, and evicting the block
 * faulted. */
static TT_NOINLINE void span_mark(uintptr_t p, uint64_t size) {
  uintptr_t last = p + size - 1;
  if (last < p || (last >> 47))
    last = ((uintptr_t)1 << 47) - 1;
  for (uintptr_t g = (p >> GRAN_SHIFT) + 1; g <= last >> GRAN_SHIFT; g++)
    imap_mark(g);
}

/* Marks the megabytes after p's that [p, p + size) reaches, if any. */
static inline void span_check(uintptr_t p, uint64_t size) {
  if (TT_UNLIKELY(((p & ((1ull << GRAN_SHIFT) - 1)) + size) > (1ull << GRAN_SHIFT)) && !(p >> 47))
    span_mark(p, size);
}

bool tt_heap_range_marked(uintptr_t lo, uintptr_t hi) {
  if (hi <= lo)
    return false;
  if ((lo >> 47) || ((hi - 1) >> 47))
    return false;
  for (uintptr_t g = lo >> GRAN_SHIFT; g <= (hi - 1) >> GRAN_SHIFT; g++)
    if (((__atomic_load_n(&gmap[g / 64], __ATOMIC_RELAXED) |
          __atomic_load_n(&imap[g / 64], __ATOMIC_RELAXED)) >>
         (g % 64)) &
        1)
      return true;
  return false;
}

static TT_NOINLINE void gran_mark(uintptr_t p) {
  uintptr_t g = p >> GRAN_SHIFT;
  __atomic_fetch_or(&gsum[g / 4096], 1ull << (g / 64 % 64), __ATOMIC_RELEASE);
  __atomic_fetch_or(&gmap[g / 64], 1ull << (g % 64), __ATOMIC_RELEASE);
}

/* The check word: a keyed hash of the block's address, word 1 and the size
 * in word 0 (which never changes while the block is recorded: a sweep steps
 * over the block by it, and the quarantine fills that many bytes). */
static inline uint64_t hdr_check(uintptr_t p, uint64_t w1, uint64_t w0) {
  uint64_t x = ((uint64_t)p ^ hdr_key) * 0x9E3779B97F4A7C15ull;
  x ^= w1;
  x += (w0 & TT_SIZE_MASK) * 0xc2b2ae3d27d4eb4full;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 32;
  return x ? x : 1;
}

static TT_NOINLINE void init_key(void) {
  int local;
  uint64_t k = __builtin_ia32_rdtsc() ^ (uint64_t)(uintptr_t)&local ^
               ((uint64_t)(uintptr_t)gmap << 17);
  k = (k ^ (k >> 31)) * 0xbf58476d1ce4e5b9ull;
  k ^= k >> 29;
  uint64_t none = 0;
  __atomic_compare_exchange_n(&hdr_key, &none, k | 1, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

/* Where a header may be read without faulting (see above). */
static inline bool headerable(uintptr_t p) {
  return (p & 15) == 0 && (p & 4095) >= TT_HEAP_PREFIX && !(p >> 47);
}

/* The genuine header of the prefixed block at p, or NULL. Reads memory
 * just below p: not instrumented, since ASan's own allocator keeps its
 * metadata there. */
static TT_NO_ASAN struct hdr *hdr_find(uintptr_t p) {
  if (!headerable(p) || !gran_marked(p))
    return NULL;
  struct hdr *h = (struct hdr *)(p - TT_HEAP_PREFIX);
  uint64_t w1 = __atomic_load_n(&h->w1, __ATOMIC_RELAXED);
  if (!(w1 & HDR_MARK) ||
      __atomic_load_n(&h->w3, __ATOMIC_ACQUIRE) !=
          hdr_check(p, w1, __atomic_load_n(&h->w0, __ATOMIC_RELAXED)) ||
      (__atomic_load_n(&h->w2, __ATOMIC_RELAXED) & HDR_OWNER_SPARE))
    return NULL;
  return h;
}

bool TT_NO_ASAN tt_heap_header_damaged(uintptr_t p) {
  if (!headerable(p) || !gran_marked(p) || hdr_find(p))
    return false;
  const struct hdr *h = (const struct hdr *)(p - TT_HEAP_PREFIX);
  uint64_t w0 = __atomic_load_n(&h->w0, __ATOMIC_RELAXED);
  uint64_t w1 = __atomic_load_n(&h->w1, __ATOMIC_RELAXED);
  /* the prefixed flag and the marker still there, the check word or the
   * owner word's spare half not: a header written over from below (an
   * underrun reaches the owner word, next to the block, then the check) */
  return (w0 & ((uint64_t)TT_BLOCK_PREFIXED << 56)) && (w1 & HDR_MARK);
}

/* ---- per-thread state ----------------------------------------------------- */

/* A second thread is about to change headers: from now on every change of
 * a block's state is a compare-and-swap. Called before the caller's first
 * change, with no lock held. */
static TT_NOINLINE void become_mt(void) {
  int none = MT_NO;
  if (__atomic_compare_exchange_n(&heap_mt, &none, MT_SWITCHING, false, __ATOMIC_SEQ_CST,
                                  __ATOMIC_ACQUIRE)) {
    /* Every thread that entered a change before it could see the switch
     * has its busy flag visible now, and finishes its plain stores first. */
    switching_mt = true;
    if (asym) { /* plain stores are for asymmetric mode only */
      if (!tt_os_membarrier())
        for (int i = 0; i < 100; i++)
          tt_os_yield();
      for (struct hthread *h = __atomic_load_n(&hthreads, __ATOMIC_ACQUIRE); h; h = h->next)
        while (h != my_ht && __atomic_load_n(&h->busy, __ATOMIC_ACQUIRE))
          tt_os_yield();
    }
    __atomic_store_n(&heap_mt, MT_YES, __ATOMIC_RELEASE);
    switching_mt = false;
    return;
  }
  /* another thread switches: its first change waits, as the others do (a
   * signal handler on the switching thread itself cannot) */
  while (!switching_mt && __atomic_load_n(&heap_mt, __ATOMIC_ACQUIRE) != MT_YES)
    tt_os_yield();
}

/* Whether this change (entered with the busy flag) may use plain stores. */
static inline bool single_flagged(bool flagged) {
  return flagged && __atomic_load_n(&heap_mt, __ATOMIC_RELAXED) == MT_NO;
}

static TT_NOINLINE struct hthread *claim_ht(void) {
  if (my_ht_exited) {
    become_mt();
    return &fallback_ht;
  }
  /* allocated before any heap lock is taken: the arena lock comes first */
  size_t bytes = sizeof(struct hthread) + 64;
  void *raw = tt_arena_alloc(bytes);
  tt_spin_lock(&reg_lock);
  if (!asym_decided) {
    asym = tt_os_membarrier_init();
    asym_decided = 1;
  }
  struct hthread *h = hthreads;
  while (h && h->in_use)
    h = h->next;
  if (!h && raw) {
    h = (struct hthread *)TT_ALIGN_UP((uintptr_t)raw, 64);
    memset(h, 0, sizeof *h);
    h->next = hthreads;
    __atomic_store_n(&hthreads, h, __ATOMIC_RELEASE);
    raw = NULL;
  }
  if (h)
    h->in_use = 1;
  bool second = h == NULL || claims++ > 0;
  tt_spin_unlock(&reg_lock);
  if (raw)
    tt_arena_free(raw, bytes);
  if (h)
    my_ht = h;
  if (second)
    become_mt();
  return h ? h : &fallback_ht;
}

/* Enters a change by the calling thread: returns the hthread whose
 * magazines and counters it may use, and how it entered (*flagged: its busy
 * flag, else a lock). The thread's own lock is held by someone else only
 * when tt_heap_lock_all holds every lock; a signal handler that frees in
 * the middle of its thread's change finds the flag set or the lock taken:
 * the fallback serves then (it waits for lock-all like the rest). */
static inline struct hthread *ht_enter(bool *flagged) {
  struct hthread *h = my_ht;
  if (TT_UNLIKELY(!h))
    h = claim_ht();
  *flagged = false;
  if (TT_LIKELY(asym) && h != &fallback_ht) {
    if (TT_UNLIKELY(h->busy))
      goto fallback;
    __atomic_store_n(&h->busy, 1, __ATOMIC_RELAXED);
    __atomic_signal_fence(__ATOMIC_SEQ_CST); /* lock-all's membarrier orders the rest */
    if (TT_LIKELY(!__atomic_load_n(&stop_req, __ATOMIC_RELAXED))) {
      *flagged = true;
      return h;
    }
    __atomic_store_n(&h->busy, 0, __ATOMIC_RELEASE); /* lock-all under way: wait */
  }
  if (h != &fallback_ht && tt_spin_trylock(&h->lock))
    return h;
fallback:
  tt_spin_lock(&fallback_ht.lock);
  return &fallback_ht;
}

static inline void ht_leave(struct hthread *h, bool flagged) {
  if (flagged)
    __atomic_store_n(&h->busy, 0, __ATOMIC_RELEASE);
  else
    tt_spin_unlock(&h->lock);
}

void tt_heap_thread_exiting(void) {
  struct hthread *h = my_ht;
  my_ht = NULL;
  my_ht_exited = true;
  if (!h)
    return;
  tt_spin_lock(&h->lock); /* not while tt_heap_lock_all holds it */
  tt_spin_unlock(&h->lock);
  __atomic_store_n(&h->in_use, 0, __ATOMIC_RELEASE);
}

/* ---- records -------------------------------------------------------------- */

static void count_in(struct hthread *h, uint64_t size_kind) {
  unsigned f = (unsigned)(size_kind >> 56);
  if (f & TT_BLOCK_QUARANTINED) {
    h->quar++;
  } else {
    h->live++;
    h->allocs++;
    h->bytes_allocated += size_kind & TT_SIZE_MASK;
    h->live_bytes += (int64_t)(size_kind & TT_SIZE_MASK);
  }
}

/* Writes p's header. */
static TT_NO_ASAN void hdr_insert(uintptr_t p, uint64_t size_kind, uint32_t stack, uint32_t owner) {
  if (TT_UNLIKELY(!hdr_key))
    init_key();
  if (TT_UNLIKELY(!gran_marked(p)))
    gran_mark(p);
  span_check(p, size_kind & TT_SIZE_MASK);
  bool flagged;
  struct hthread *h = ht_enter(&flagged);
  struct hdr *hd = (struct hdr *)(p - TT_HEAP_PREFIX);
  uint64_t w1 = HDR_MARK | stack;
  hd->w1 = w1;
  hd->w2 = owner;
  __atomic_store_n(&hd->w0, (size_kind & ~HDR_BUSY) | ((uint64_t)TT_BLOCK_PREFIXED << 56),
                   __ATOMIC_RELAXED);
  __atomic_store_n(&hd->w3, hdr_check(p, w1, size_kind), __ATOMIC_RELEASE);
  count_in(h, size_kind);
  ht_leave(h, flagged);
}

static void to_block(struct tt_block *out, uintptr_t p, uint64_t w0, const struct hdr *hd) {
  out->addr = p;
  out->size_kind = w0 & ~HDR_BUSY;
  out->stack = (uint32_t)hd->w1;
  out->owner = (uint32_t)hd->w2;
}

/* Waits out another thread's update of word 0 (a few instructions, under
 * that thread's lock); returns the settled word. */
static TT_NO_ASAN uint64_t settled_w0(struct hdr *hd) {
  uint64_t w0 = __atomic_load_n(&hd->w0, __ATOMIC_ACQUIRE);
  while (TT_UNLIKELY(w0 & HDR_BUSY)) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
    w0 = __atomic_load_n(&hd->w0, __ATOMIC_ACQUIRE);
  }
  return w0;
}

/* Removes the prefixed block p; false if it was removed meanwhile. */
static TT_NO_ASAN bool hdr_remove(uintptr_t p, struct hdr *hd, struct tt_block *out) {
  bool flagged;
  struct hthread *h = ht_enter(&flagged);
  uint64_t w0 = settled_w0(hd);
  if ((w0 & HDR_MARK) && ((w0 >> 56) & TT_BLOCK_QUARANTINED)) {
    /* Only the quarantine takes a block out of it, once: nobody else
     * writes this word now (a free of it reads it and reports a double
     * free), so no atomic instruction, whose barrier cost the quarantine's
     * releases 5% of churn. */
    __atomic_store_n(&hd->w0, HDR_DEAD, __ATOMIC_RELAXED);
  } else if (single_flagged(flagged)) {
    if (w0 & HDR_MARK)
      __atomic_store_n(&hd->w0, HDR_DEAD, __ATOMIC_RELAXED);
  } else {
    while ((w0 & HDR_MARK) &&
           !__atomic_compare_exchange_n(&hd->w0, &w0, HDR_DEAD, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE))
      w0 = settled_w0(hd);
  }
  if (!(w0 & HDR_MARK)) {
    ht_leave(h, flagged);
    return false;
  }
  if (out)
    to_block(out, p, w0, hd);
  __atomic_store_n(&hd->w3, 0, __ATOMIC_RELEASE);
  if ((w0 >> 56) & TT_BLOCK_QUARANTINED) {
    h->quar--;
  } else {
    h->live--;
    h->frees++;
    h->live_bytes -= (int64_t)(w0 & TT_SIZE_MASK);
  }
  ht_leave(h, flagged);
  return true;
}

static TT_NO_ASAN enum tt_free_status hdr_mark_freed(uintptr_t p, struct hdr *hd, uint32_t free_stack,
                                                     enum tt_release_kind how,
                                                     struct tt_block *out) {
  bool flagged;
  struct hthread *h = ht_enter(&flagged);
  uint64_t w0 = settled_w0(hd);
  for (;;) {
    if (!(w0 & HDR_MARK)) { /* removed meanwhile by another thread's free */
      ht_leave(h, flagged);
      return TT_FREE_UNKNOWN;
    }
    if ((w0 >> 56) & TT_BLOCK_QUARANTINED) {
      to_block(out, p, w0, hd);
      ht_leave(h, flagged);
      return TT_FREE_QUARANTINED;
    }
    uint64_t flags =
        TT_BLOCK_PREFIXED | TT_BLOCK_QUARANTINED | ((uint64_t)how << TT_BLOCK_RELEASE_SHIFT);
    uint64_t nw = (w0 & ((1ull << 56) - 1)) | (flags << 56);
    if (single_flagged(flagged)) {
      __atomic_store_n(&hd->w0, nw, __ATOMIC_RELAXED);
      break;
    }
    if (__atomic_compare_exchange_n(&hd->w0, &w0, nw, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
      break;
    w0 = settled_w0(hd);
  }
  to_block(out, p, w0, hd);
  hd->w2 = free_stack;
  h->quar++;
  h->live--;
  h->frees++;
  h->live_bytes -= (int64_t)(w0 & TT_SIZE_MASK);
  ht_leave(h, flagged);
  return TT_FREE_LIVE;
}

static TT_NO_ASAN bool hdr_update_live(uintptr_t p, struct hdr *hd, bool set_owner, uint32_t owner,
                                       unsigned set_flags, unsigned clear_flags,
                                       struct tt_block *out) {
  bool flagged;
  struct hthread *h = ht_enter(&flagged);
  uint64_t w0 = settled_w0(hd);
  for (;;) {
    if (!(w0 & HDR_MARK) || ((w0 >> 56) & TT_BLOCK_QUARANTINED)) {
      ht_leave(h, flagged);
      return false;
    }
    if (__atomic_compare_exchange_n(&hd->w0, &w0, w0 | HDR_BUSY, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE))
      break;
    w0 = settled_w0(hd);
  }
  if (out)
    to_block(out, p, w0, hd);
  if (set_owner)
    hd->w2 = owner;
  uint64_t nw = w0 & ~((uint64_t)(clear_flags & TT_BLOCK_LIVE_FLAGS) << 56);
  nw |= (uint64_t)(set_flags & TT_BLOCK_LIVE_FLAGS) << 56;
  __atomic_store_n(&hd->w0, nw, __ATOMIC_RELEASE);
  ht_leave(h, flagged);
  return true;
}

static TT_NO_ASAN bool hdr_lookup(uintptr_t p, struct tt_block *out) {
  struct hdr *hd = hdr_find(p);
  if (!hd)
    return false;
  uint64_t w0 = settled_w0(hd);
  if (!(w0 & HDR_MARK))
    return false;
  if (out)
    to_block(out, p, w0, hd);
  return true;
}

/* ---- sweeps --------------------------------------------------------------- */

/* The genuine header at h, if there is one: its block into *out. */
/* Whether hd (the header's words, where they are or a copy) is the genuine
 * header of a block at h + TT_HEAP_PREFIX. */
static TT_NO_ASAN inline bool header_is(const struct hdr *hd, uintptr_t h, struct tt_block *out) {
  uintptr_t p = h + TT_HEAP_PREFIX;
  if (!headerable(p)) /* never across a page: only that page is known readable */
    return false;
  uint64_t w1 = __atomic_load_n(&hd->w1, __ATOMIC_RELAXED);
  if (TT_LIKELY(!(w1 & HDR_MARK)))
    return false;
  /* a removed block's header, which freed memory is full of, has no check */
  uint64_t w3 = __atomic_load_n(&hd->w3, __ATOMIC_ACQUIRE);
  uint64_t w0 = __atomic_load_n(&hd->w0, __ATOMIC_ACQUIRE);
  if (!w3 || !(w0 & HDR_MARK) || w3 != hdr_check(p, w1, w0) ||
      (__atomic_load_n(&hd->w2, __ATOMIC_RELAXED) & HDR_OWNER_SPARE))
    return false;
  to_block(out, p, w0, hd);
  return true;
}

static TT_NO_ASAN inline bool header_at(uintptr_t h, struct tt_block *out) {
  return header_is((const struct hdr *)h, h, out);
}

/* Memory a header may be in: anonymous (the allocators' heaps), never a
 * file, which could fault (truncated) or be a device. */
static bool anonymous(const struct tt_mapping *m) {
  return m->name[0] == '\0' || strcmp(m->name, "[heap]") == 0 ||
         strncmp(m->name, "[anon:", 6) == 0 || strncmp(m->name, "[stack", 6) == 0 ||
         strncmp(m->name, "/anon_hugepage", 14) == 0; /* glibc.malloc.hugetlb=2 */
}

static bool sweepable(const struct tt_mapping *m) { return (m->prot & TT_MAP_R) && anonymous(m); }

static inline bool gsum_marked(uintptr_t g) { return (gsum[g / 4096] >> (g / 64 % 64)) & 1; }

/* The first marked granule at or after g and at or before last, or
 * last + 1. */
static uintptr_t next_marked_granule(uintptr_t g, uintptr_t last) {
  while (g <= last) {
    if (!gsum[g / 4096])
      g = (g | 4095) + 1;
    else if (!gsum_marked(g))
      g = (g | 63) + 1;
    else if (!gran_marked(g << GRAN_SHIFT))
      g++;
    else
      return g;
  }
  return g;
}

/* The last marked granule below g, or 0 (granule 0 never holds a block). */
static uintptr_t prev_marked_granule(uintptr_t g) {
  while (g > 0) {
    g--;
    if (!gsum[g / 4096])
      g &= ~(uintptr_t)4095;
    else if (!gsum_marked(g))
      g &= ~(uintptr_t)63;
    else if (gran_marked(g << GRAN_SHIFT))
      return g;
  }
  return 0;
}

struct sweep {
  bool (*fn)(const struct tt_block *, void *);
  void *arg;
  uintptr_t resume; /* where the last block found ends: no header before it */
  bool stopped;
  bool blind; /* no map, and the kernel would not say what can be read */
};

static bool last_blind;

bool tt_heap_snapshot_blind(void) { return __atomic_load_n(&last_blind, __ATOMIC_RELAXED); }

#define SWEEP_AHEAD 2048

/* Reads [lo, hi) (readable) for headers, in address order, stepping over
 * the body of each block found: no header is ever inside one. */
static TT_NO_ASAN void sweep_range(struct sweep *s, uintptr_t lo, uintptr_t hi) {
  uintptr_t h = TT_ALIGN_UP(lo > s->resume ? lo : s->resume, 16);
  for (; h + TT_HEAP_PREFIX <= hi && !s->stopped; h += 16) {
    struct tt_block b;
    if (TT_LIKELY(!header_at(h, &b)))
      continue;
    if (!s->fn(&b, s->arg))
      s->stopped = true;
    /* the size is under the check; a block ends within its mapping, but a
     * granule's range may end before it (the next one resumes after it) */
    size_t size = tt_block_size(&b);
    s->resume = b.addr + size;
    if (size < hi - b.addr)
      h = TT_ALIGN_UP(s->resume, 16) - 16;
    else
      h = hi;
    __builtin_prefetch((const void *)(h + SWEEP_AHEAD)); /* the hardware's stops at each page */
  }
}

/* Sweeps the marked granules of [lo, hi). Without a memory map, each page
 * is asked of the kernel first. */
static void sweep_granules(struct sweep *s, uintptr_t lo, uintptr_t hi, bool ask) {
  if (hi > (uintptr_t)1 << 47) /* the granule map's reach (five-level paging maps more) */
    hi = (uintptr_t)1 << 47;
  if (lo >= hi)
    return;
  uintptr_t last = (hi - 1) >> GRAN_SHIFT;
  for (uintptr_t g = next_marked_granule(lo >> GRAN_SHIFT, last); g <= last && !s->stopped;
       g = next_marked_granule(g + 1, last)) {
    uintptr_t a = g << GRAN_SHIFT, b = (g + 1) << GRAN_SHIFT;
    a = a > lo ? a : lo;
    b = b < hi ? b : hi;
    if (!ask) {
      sweep_range(s, a, b);
      continue;
    }
    for (uintptr_t pg = a; pg < b && !s->stopped; pg += 4096) {
      int r = tt_os_readable(pg, pg + 1);
      if (r < 0) { /* the kernel will not tell: nothing can be read safely */
        s->blind = s->stopped = true;
        return;
      }
      if (r)
        sweep_range(s, pg, pg + 4096 < b ? pg + 4096 : b);
    }
  }
}

/* The sweep of the map's mappings, resumable after a fault: the mapping it
 * is in and where in it to go on. */
struct sweep_maps {
  struct sweep *s;
  const struct tt_maps *ms;
  size_t i;
  uintptr_t from;
};

static void sweep_maps_cb(void *arg) {
  struct sweep_maps *w = arg;
  for (; w->i < w->ms->n && !w->s->stopped; w->i++, w->from = 0) {
    const struct tt_mapping *m = &w->ms->m[w->i];
    if (sweepable(m) && w->from < m->hi)
      sweep_granules(w->s, w->from > m->lo ? w->from : m->lo, m->hi, false);
  }
}

/* Calls fn on every prefixed block, in address order, until it returns
 * false: sweeps the marked granules of readable anonymous memory (with
 * every lock held: nothing is mapped or unmapped meanwhile). */
static void hdr_each(bool (*fn)(const struct tt_block *, void *), void *arg) {
  struct sweep s = {fn, arg, 0, false, false};
  struct sweep_maps w = {&s, NULL, 0, 0};
  struct tt_maps ms;
  if (tt_os_maps_read(&ms) == 0) {
    /* a page the map calls readable can still fault (a guard region):
     * the sweep goes on after it */
    w.ms = &ms;
    for (;;) {
      uintptr_t fault = tt_os_call_catching_faults(sweep_maps_cb, &w);
      if (!fault || w.i >= ms.n || s.stopped)
        break;
      w.from = ((fault - 1) & ~(uintptr_t)4095) + 4096;
      if (s.resume < w.from)
        s.resume = w.from;
    }
  } else {
    sweep_granules(&s, (uintptr_t)1 << GRAN_SHIFT, (uintptr_t)1 << 47, true);
  }
  tt_os_maps_free(&ms);
  __atomic_store_n(&last_blind, s.blind, __ATOMIC_RELAXED);
}

/* The prefixed block holding addr: the nearest genuine header below it
 * (another block's header is never between a block's start and its end).
 * The walk goes down a page at a time, each page copied by the kernel
 * (process_vm_readv), so a page that cannot be read (a guard region the map
 * calls readable, a page the program protected inside its block) is stepped
 * over, never faulted on; through adjacent anonymous mappings (a block the
 * program split with mprotect), over megabytes that never held a header,
 * and no further than a gap in the map. Where the kernel refuses to copy,
 * a page it says can be read (tt_os_readable) is read where it is. Racing
 * harmlessly, for an error report. */
static TT_NO_ASAN bool hdr_containing(uintptr_t addr, struct tt_block *out) {
  if (addr < 4096 || (addr >> 47))
    return false;
  struct tt_maps ms;
  bool have_map = tt_os_maps_read(&ms) == 0;
  size_t at = ms.n;
  uintptr_t floor = 0;
  if (have_map) {
    for (size_t i = 0; i < ms.n && at == ms.n; i++)
      if (addr >= ms.m[i].lo && addr < ms.m[i].hi)
        at = i;
    if (at == ms.n || !anonymous(&ms.m[at])) {
      tt_os_maps_free(&ms);
      return false;
    }
    floor = ms.m[at].lo;
    while (at > 0 && ms.m[at - 1].hi == floor && anonymous(&ms.m[at - 1]))
      floor = ms.m[--at].lo;
  }
  uint64_t *page = tt_os_map(4096);
  bool found = false, done = !page;
  for (uintptr_t pg = addr & ~(uintptr_t)4095; !done && pg >= floor && pg >= 4096; pg -= 4096) {
    if (!gran_marked(pg)) { /* on to the last page of the marked megabyte below */
      uintptr_t g = prev_marked_granule(pg >> GRAN_SHIFT);
      if (!g)
        break;
      pg = (g + 1) << GRAN_SHIFT;
      continue;
    }
    const uint64_t *words = page;
    if (!tt_os_read_memory(pg, page, 4096)) {
      /* refused (a sandbox): asked another way, then read where it is */
      if (errno == EFAULT || tt_os_readable(pg, pg + 1) <= 0) {
        done = !have_map; /* without a map, the first page that cannot be read ends it */
        continue;
      }
      words = (const uint64_t *)pg;
    }
    uintptr_t top = addr - TT_HEAP_PREFIX < pg + 4096 - TT_HEAP_PREFIX ? addr - TT_HEAP_PREFIX
                                                                       : pg + 4096 - TT_HEAP_PREFIX;
    for (uintptr_t h = top & ~(uintptr_t)15; h >= pg; h -= 16) {
      if (!header_is((const struct hdr *)(const void *)&words[(h - pg) / 8], h, out))
        continue;
      size_t size = tt_block_size(out);
      found = addr - out->addr < (size ? size : 1);
      done = true;
      break;
    }
  }
  tt_os_unmap(page, 4096);
  tt_os_maps_free(&ms);
  return found;
}

/* ======================================================================== */
/* the index's interface: headers first, then the shards                     */
/* ======================================================================== */

bool tt_heap_insert_prefixed(uintptr_t addr, size_t size, uint32_t stack, uint32_t owner,
                             enum tt_alloc_kind kind) {
  uint64_t size_kind = ((uint64_t)size & TT_SIZE_MASK) | ((uint64_t)kind << TT_SIZE_BITS);
  if (headerable(addr)) {
    hdr_insert(addr, size_kind, stack, owner);
    return true;
  }
  index_mark(addr);
  span_check(addr, size & TT_SIZE_MASK);
  return insert(addr, size_kind | ((uint64_t)TT_BLOCK_PREFIXED << 56), stack, owner);
}

void tt_heap_restore(const struct tt_block *b) {
  if (!(tt_block_flags(b) & TT_BLOCK_PREFIXED) || !headerable(b->addr)) {
    index_restore(b);
    return;
  }
  hdr_insert(b->addr, b->size_kind, b->stack, b->owner);
  if (tt_block_flags(b) & (TT_BLOCK_QUARANTINED | TT_BLOCK_UNTRACKED))
    return;
  bool flagged;
  struct hthread *h = ht_enter(&flagged); /* undo the free the removal counted */
  h->allocs--;
  h->frees--;
  h->bytes_allocated -= tt_block_size(b);
  ht_leave(h, flagged);
}

void tt_heap_prefetch(uintptr_t addr) {
  if (headerable(addr)) {
    __builtin_prefetch((const void *)(addr - TT_HEAP_PREFIX), 1);
    __builtin_prefetch((const void *)(addr - TT_HEAP_PREFIX - 8), 0); /* glibc's size */
  } else
    index_prefetch(addr);
}

bool tt_heap_remove(uintptr_t addr, struct tt_block *out) {
  struct hdr *hd = hdr_find(addr);
  if (hd && hdr_remove(addr, hd, out))
    return true;
  return index_remove(addr, out);
}

enum tt_free_status tt_heap_mark_freed(uintptr_t addr, uint32_t free_stack,
                                       enum tt_release_kind how, struct tt_block *out) {
  struct hdr *hd = hdr_find(addr);
  if (hd)
    return hdr_mark_freed(addr, hd, free_stack, how, out);
  return index_mark_freed(addr, free_stack, how, out);
}

bool tt_heap_update_live(uintptr_t addr, bool set_owner, uint32_t owner, unsigned set_flags,
                         unsigned clear_flags, struct tt_block *out) {
  struct hdr *hd = hdr_find(addr);
  if (hd)
    return hdr_update_live(addr, hd, set_owner, owner, set_flags, clear_flags, out);
  return index_update_live(addr, set_owner, owner, set_flags, clear_flags, out);
}

void tt_heap_set_flags_locked(uintptr_t addr, unsigned set_flags) {
  struct hdr *hd = hdr_find(addr);
  if (!hd) {
    index_set_flags_locked(addr, set_flags);
    return;
  }
  uint64_t w0 = hd->w0;
  if ((w0 & HDR_MARK) && !((w0 >> 56) & TT_BLOCK_QUARANTINED))
    hd->w0 = w0 | (uint64_t)(set_flags & TT_BLOCK_LIVE_FLAGS) << 56;
}

bool tt_heap_lookup(uintptr_t addr, struct tt_block *out) {
  return hdr_lookup(addr, out) || index_lookup(addr, out);
}

bool tt_heap_find_header_holding(uintptr_t addr, struct tt_block *out) {
  if (addr > UINTPTR_MAX - 2 * TT_HEAP_PREFIX)
    return false;
  for (uintptr_t p = TT_ALIGN_UP(addr + 1, 16); p - addr <= TT_HEAP_PREFIX; p += 16)
    if (hdr_lookup(p, out))
      return true;
  return false;
}

bool tt_heap_find_containing(uintptr_t addr, struct tt_block *out) {
  return hdr_containing(addr, out) || index_find_containing(addr, out);
}

static void ht_sum(const struct hthread *h, struct tt_heap_stats *st) {
  st->allocs += __atomic_load_n(&h->allocs, __ATOMIC_RELAXED);
  st->frees += __atomic_load_n(&h->frees, __ATOMIC_RELAXED);
  st->bytes_allocated += __atomic_load_n(&h->bytes_allocated, __ATOMIC_RELAXED);
  st->live_blocks += (uint64_t)__atomic_load_n(&h->live, __ATOMIC_RELAXED);
  st->quarantined_blocks += (uint64_t)__atomic_load_n(&h->quar, __ATOMIC_RELAXED);
  st->live_bytes += (uint64_t)__atomic_load_n(&h->live_bytes, __ATOMIC_RELAXED);
}

void tt_heap_stats(struct tt_heap_stats *st) {
  index_stats(st);
  struct tt_heap_stats hs;
  memset(&hs, 0, sizeof hs);
  ht_sum(&fallback_ht, &hs);
  for (const struct hthread *h = __atomic_load_n(&hthreads, __ATOMIC_ACQUIRE); h; h = h->next)
    ht_sum(h, &hs);
  st->allocs += hs.allocs;
  st->frees += hs.frees;
  st->bytes_allocated += hs.bytes_allocated;
  st->live_blocks += hs.live_blocks;
  st->quarantined_blocks += hs.quarantined_blocks;
  st->live_bytes += hs.live_bytes;
  st->index_bytes += (hs.live_blocks + hs.quarantined_blocks) * TT_HEAP_PREFIX; /* the headers */
}

void tt_heap_lock_all(void) {
  tt_spin_lock(&reg_lock);
  for (struct hthread *h = hthreads; h; h = h->next)
    tt_spin_lock(&h->lock);
  tt_spin_lock(&fallback_ht.lock);
  if (asym) {
    /* No thread enters a change now; wait for those inside one (before
     * taking the index's locks, which they may need). */
    __atomic_store_n(&stop_req, 1, __ATOMIC_SEQ_CST);
    if (!tt_os_membarrier())
      for (int i = 0; i < 100; i++) /* a store buffer drains in microseconds */
        tt_os_yield();
    for (struct hthread *h = hthreads; h; h = h->next)
      while (__atomic_load_n(&h->busy, __ATOMIC_ACQUIRE))
        tt_os_yield();
  }
  /* a switch to compare-and-swap under way finishes (it takes no lock): a
   * forked child must not inherit it half done, with no thread to end it */
  while (!switching_mt && __atomic_load_n(&heap_mt, __ATOMIC_ACQUIRE) == MT_SWITCHING)
    tt_os_yield();
  index_lock_all();
}

void tt_heap_unlock_all(void) {
  index_unlock_all();
  __atomic_store_n(&stop_req, 0, __ATOMIC_RELEASE);
  tt_spin_unlock(&fallback_ht.lock);
  for (struct hthread *h = hthreads; h; h = h->next)
    tt_spin_unlock(&h->lock);
  tt_spin_unlock(&reg_lock);
}

size_t tt_heap_count_locked(size_t *quar) {
  size_t q = 0;
  size_t n = index_count_locked(&q);
  struct tt_heap_stats hs;
  memset(&hs, 0, sizeof hs);
  ht_sum(&fallback_ht, &hs);
  for (const struct hthread *h = hthreads; h; h = h->next)
    ht_sum(h, &hs);
  if (quar)
    *quar = q + hs.quarantined_blocks;
  return n + hs.live_blocks;
}

uint64_t tt_heap_live_bytes_locked(void) {
  uint64_t bytes = 0;
  for (int i = 0; i < TT_HEAP_SHARDS; i++)
    bytes += shards[i].live_bytes;
  struct tt_heap_stats hs;
  memset(&hs, 0, sizeof hs);
  ht_sum(&fallback_ht, &hs);
  for (const struct hthread *h = hthreads; h; h = h->next)
    ht_sum(h, &hs);
  return bytes + hs.live_bytes;
}

struct snap {
  struct tt_block *live, *quar;
  size_t max, qmax, n, q;
};

static bool snap_fn(const struct tt_block *b, void *arg) {
  struct snap *s = arg;
  if (tt_block_quarantined(b)) {
    if (s->quar && s->q < s->qmax)
      s->quar[s->q++] = *b;
  } else {
    if (s->n < s->max)
      s->live[s->n] = *b;
    s->n++;
  }
  return true;
}

size_t tt_heap_snapshot_locked(struct tt_block *live, size_t max, struct tt_block *quar,
                               size_t qmax) {
  /* the index's records first have their room: a sweep that finds more
   * headers than the counters say (memory freed behind tether's back) must
   * not crowd them out */
  size_t nq_idx = 0, n_idx = index_count_locked(&nq_idx);
  size_t hmax = max > n_idx ? max - n_idx : 0, hqmax = qmax > nq_idx ? qmax - nq_idx : 0;
  struct snap s = {live, quar, hmax, hqmax, 0, 0};
  hdr_each(snap_fn, &s);
  size_t written = s.n < hmax ? s.n : hmax;
  return s.n + index_snapshot_locked(live ? live + written : NULL, max - written,
                                     quar ? quar + s.q : NULL, qmax - s.q);
}

void tt_heap_fork_child(void) {
  /* the child has one thread: a switch to compare-and-swap that another
   * thread of the parent had under way is over */
  if (__atomic_load_n(&heap_mt, __ATOMIC_ACQUIRE) == MT_SWITCHING)
    __atomic_store_n(&heap_mt, MT_YES, __ATOMIC_RELEASE);
}

/* ---- allocation kinds ----------------------------------------------------- */



static const char *const kinds[TT_ALLOC_KIND_COUNT] = {
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
    [TT_ALLOC_NEW_ALIGNED_NOTHROW] = "operator new(unsigned long, std::align_val_t, "
                                      "std::nothrow_t const&)",
    [TT_ALLOC_NEW_ARRAY] = "operator new[](unsigned long)",
    [TT_ALLOC_NEW_ARRAY_NOTHROW] = "operator new[](unsigned long, std::nothrow_t const&)",
    [TT_ALLOC_NEW_ARRAY_ALIGNED] = "operator new[](unsigned long, std::align_val_t)",
    [TT_ALLOC_NEW_ARRAY_ALIGNED_NOTHROW] = "operator new[](unsigned long, std::align_val_t, "
                                            "std::nothrow_t const&)",
};

static const char *const releases[TT_RELEASE_KIND_COUNT] = {
    [TT_RELEASE_FREE] = "free",
    [TT_RELEASE_REALLOC] = "realloc",
    [TT_RELEASE_DELETE] = "operator delete(void*)",
    [TT_RELEASE_DELETE_SIZED] = "operator delete(void*, unsigned long)",
    [TT_RELEASE_DELETE_NOTHROW] = "operator delete(void*, std::nothrow_t const&)",
    [TT_RELEASE_DELETE_ALIGNED] = "operator delete(void*, std::align_val_t)",
    [TT_RELEASE_DELETE_SIZED_ALIGNED] = "operator delete(void*, unsigned long, std::align_val_t)",
    [TT_RELEASE_DELETE_ALIGNED_NOTHROW] = "operator delete(void*, std::align_val_t, "
                                           "std::nothrow_t const&)",
    [TT_RELEASE_DELETE_ARRAY] = "operator delete[](void*)",
    [TT_RELEASE_DELETE_ARRAY_SIZED] = "operator delete[](void*, unsigned long)",
    [TT_RELEASE_DELETE_ARRAY_NOTHROW] = "operator delete[](void*, std::nothrow_t const&)",
    [TT_RELEASE_DELETE_ARRAY_ALIGNED] = "operator delete[](void*, std::align_val_t)",
    [TT_RELEASE_DELETE_ARRAY_SIZED_ALIGNED] = "operator delete[](void*, unsigned long, "
                                               "std::align_val_t)",
    [TT_RELEASE_DELETE_ARRAY_ALIGNED_NOTHROW] = "operator delete[](void*, std::align_val_t, "
                                                 "std::nothrow_t const&)",
};

const char *tt_release_kind_name(enum tt_release_kind k) {
  return k < TT_RELEASE_KIND_COUNT ? releases[k] : "free";
}

const char *tt_alloc_kind_name(enum tt_alloc_kind k) {
  return k < TT_ALLOC_KIND_COUNT ? kinds[k] : "malloc";
}
