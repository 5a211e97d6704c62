/* SPDX-License-Identifier: MIT */
/* The quarantine (see tt_quarantine.h): a FIFO ring of freed blocks per
 * shard, with one byte budget for all of them. A thread queues its frees in
 * batches into one shard (picked by the address of its TLS, so threads
 * rarely share one) and evicts that shard's oldest blocks first, then the
 * other shards' in turn: close to first-in first-out without a global lock.
 *
 * Notes on locking: shard[i].lock protects shard i's ring; it nests outside
 * the arena lock (the ring grows with tt_arena_alloc). Eviction releases it
 * before touching the heap index or the allocator; the exit-time check of
 * every queued block reports writes under it (order: quarantine -> errors ->
 * heap index, see tt_check.c). Lock-all order: shard 0 to
 * TT_QUARANTINE_SHARDS - 1. */
#include "tt_quarantine.h"

#include <string.h>

#include "tt_arena.h"
#include "tt_heap.h"
#include "tt_os.h"

#define TT_QUARANTINE_SHARDS 8
#define TT_QUARANTINE_EVICT_BATCH 64

struct entry {
  uintptr_t addr;
  size_t size; /* with ENTRY_FORSAKEN: the program took the block's memory away */
};

/* An entry whose block lies in memory the program unmapped, protected or
 * emptied (tt_quarantine_forsake): it leaves the quarantine untouched. */
#define ENTRY_FORSAKEN ((size_t)1 << 63)
static inline size_t entry_size(const struct entry *e) { return e->size & ~ENTRY_FORSAKEN; }
static inline size_t entry_cost(const struct entry *e) {
  size_t n = entry_size(e);
  return n ? n : 1;
}

static struct qshard {
  tt_spinlock_t lock;
  struct entry *ring;
  size_t cap, head, len; /* oldest at head */
} __attribute__((aligned(64))) shards[TT_QUARANTINE_SHARDS];

/* Read on every free: kept away from the counters every thread writes. */
static struct {
  size_t volume;
  struct tt_quarantine_hooks hooks;
} cfg __attribute__((aligned(64)));
/* The bytes queued, and the evictions under way (entries taken out of a
 * ring and not yet released: tt_quarantine_forsake waits for them): one
 * line, which every flush writes anyway. Atomic. */
static struct {
  size_t total_bytes;
  unsigned evicting;
} budget __attribute__((aligned(64)));

static unsigned evict_cursor __attribute__((aligned(64)));

void tt_quarantine_init(size_t vol, const struct tt_quarantine_hooks *h) {
  cfg.volume = vol;
  cfg.hooks = *h;
}

size_t tt_quarantine_volume(void) { return cfg.volume; }

static unsigned shard_index(uintptr_t addr) {
  uint64_t x = (uint64_t)addr >> 12;
  x *= 0x9E3779B97F4A7C15ull;
  return (unsigned)(x >> 61) % TT_QUARANTINE_SHARDS;
}

/* The whole fill unchanged, for a block of TT_QUARANTINE_FILL_MAX bytes or
 * more at an 8-byte boundary (every malloc block): eight loads and no
 * branch on each, where the byte-exact search below costs a branch a word. */
static inline bool full_fill_intact(const unsigned char *b, uint64_t pat) {
  uint64_t diff = 0;
  for (size_t i = 0; i < TT_QUARANTINE_FILL_MAX; i += 8) {
    uint64_t w;
    memcpy(&w, b + i, 8);
    diff |= w ^ pat;
  }
  return diff == 0;
}

bool tt_quarantine_find_modified(const void *p, size_t size, size_t *first, size_t *last) {
  const unsigned char *b = p;
  const uint64_t pat = 0x0101010101010101ull * TT_QUARANTINE_PATTERN;
  if (size >= TT_QUARANTINE_FILL_MAX && ((uintptr_t)b & 7) == 0 && full_fill_intact(b, pat))
    return false;
  size_t n = size < TT_QUARANTINE_FILL_MAX ? size : TT_QUARANTINE_FILL_MAX;
  size_t lo = n, hi = 0;
  size_t i = 0;
  /* words while they match, bytes where they do not */
  while (i < n) {
    if (i + 8 <= n && ((uintptr_t)(b + i) & 7) == 0) {
      uint64_t w;
      memcpy(&w, b + i, 8);
      if (w == pat) {
        i += 8;
        continue;
      }
    }
    if (b[i] != TT_QUARANTINE_PATTERN) {
      if (lo == n)
        lo = i;
      hi = i;
    }
    i++;
  }
  if (lo == n)
    return false;
  *first = lo;
  *last = hi;
  return true;
}

static void check_one(uintptr_t addr, size_t size) {
  size_t first, last;
  if (cfg.hooks.modified && tt_quarantine_find_modified((const void *)addr, size, &first, &last))
    cfg.hooks.modified(addr, size, first, last);
}

/* Takes up to max of the oldest entries out of shard s. */
static size_t pop_locked(struct qshard *s, struct entry *out, size_t max, size_t need_bytes) {
  size_t k = 0, got = 0;
  while (s->len && k < max && got < need_bytes) {
    out[k] = s->ring[s->head];
    got += entry_cost(&out[k]);
    k++;
    s->head = (s->head + 1) % s->cap;
    s->len--;
  }
  return k;
}

static bool grow_locked(struct qshard *s) {
  size_t cap = s->cap ? s->cap * 2 : 1024;
  struct entry *ring = tt_arena_alloc(cap * sizeof *ring);
  if (!ring)
    return false;
  for (size_t i = 0; i < s->len; i++)
    ring[i] = s->ring[(s->head + i) % s->cap];
  tt_arena_free(s->ring, s->cap * sizeof *s->ring);
  s->ring = ring;
  s->cap = cap;
  s->head = 0;
  return true;
}

/* The lines an eviction touches: the block (its pattern, and the
 * allocator's header just before it), the next chunk's header (size + 8
 * bytes on: glibc's size word of the chunk after, which the allocator reads
 * to coalesce: churn 10% faster) and the block's index slot. Prefetching
 * never faults, whatever allocator sits below. */
static inline void prefetch_lines(const struct entry *e) {
  __builtin_prefetch((const void *)e->addr, 1);
  __builtin_prefetch((const char *)e->addr + TT_QUARANTINE_FILL_MAX - 1, 1);
  __builtin_prefetch((const char *)e->addr + entry_size(e) + 8, 1);
  tt_heap_prefetch(e->addr);
}

/* How many blocks ahead of the one being released their lines are asked
 * for: the oldest blocks are cold, and a few blocks' misses in flight at
 * once overlap them without filling the CPU's miss buffers (asking for a
 * whole batch's 64 lines at once stalled on them). */
#define TT_QUARANTINE_PREFETCH_AHEAD 8

static void evict(struct entry *e, size_t n) {
  for (size_t i = 0; i < n && i < TT_QUARANTINE_PREFETCH_AHEAD; i++)
    prefetch_lines(&e[i]);
  size_t bytes = 0;
  for (size_t i = 0; i < n; i++) {
    if (i + TT_QUARANTINE_PREFETCH_AHEAD < n)
      prefetch_lines(&e[i + TT_QUARANTINE_PREFETCH_AHEAD]);
    bytes += entry_cost(&e[i]);
    if (TT_UNLIKELY(e[i].size & ENTRY_FORSAKEN))
      continue; /* checked and forgotten already; its memory is gone */
    check_one(e[i].addr, e[i].size);
    struct tt_block b;
    int flags = tt_heap_remove(e[i].addr, &b) ? (int)tt_block_flags(&b) : -1;
    cfg.hooks.release((void *)e[i].addr, flags);
  }
  __atomic_fetch_sub(&budget.total_bytes, bytes, __ATOMIC_RELAXED); /* once a batch: a shared line */
}

/* Blocks freed by this thread, filled but not yet queued: the queueing is
 * done a batch at a time (one lock, one budget update). The addresses are
 * kept scrambled: this is tether's memory, inside the thread's TLS, and a
 * scan must not take it for the program's pointers to freed blocks. */
#define TT_QUARANTINE_PENDING 16
#define TT_QUARANTINE_SCRAMBLE ((uintptr_t)0xA5A5A5A5A5A5A5A5ull)
static __thread struct entry pending[TT_QUARANTINE_PENDING] __attribute__((tls_model("initial-exec")));
static __thread unsigned npending __attribute__((tls_model("initial-exec")));
static __thread bool exiting __attribute__((tls_model("initial-exec")));

static void evict_over_budget(unsigned first_shard) {
  size_t total = __atomic_load_n(&budget.total_bytes, __ATOMIC_RELAXED);
  /* Over budget: evict back down to the volume, from the pushing shard
   * first, then from the others in turn. Each flush adds a thread's last 16
   * frees and so takes out about as many: small steady batches let glibc
   * reuse them from its per-thread cache, where a burst would spill into
   * its arenas and contend for their locks. */
  if (total <= cfg.volume)
    return;
  struct entry batch[TT_QUARANTINE_EVICT_BATCH];
  unsigned start = __atomic_fetch_add(&evict_cursor, 1, __ATOMIC_RELAXED);
  for (unsigned k = 0; k <= TT_QUARANTINE_SHARDS && total > cfg.volume; k++) {
    unsigned si = k == 0 ? first_shard : (start + k) % TT_QUARANTINE_SHARDS;
    struct qshard *v = &shards[si];
    for (;;) {
      __atomic_add_fetch(&budget.evicting, 1, __ATOMIC_ACQ_REL);
      tt_spin_lock(&v->lock);
      size_t n = pop_locked(v, batch, TT_QUARANTINE_EVICT_BATCH, total - cfg.volume);
      tt_spin_unlock(&v->lock);
      if (n)
        evict(batch, n);
      __atomic_sub_fetch(&budget.evicting, 1, __ATOMIC_RELEASE);
      if (!n)
        break; /* this shard is empty: the next one */
      total = __atomic_load_n(&budget.total_bytes, __ATOMIC_RELAXED);
      if (total <= cfg.volume)
        break;
    }
  }
}

void tt_quarantine_flush_thread(void) {
  unsigned n = npending;
  if (!n)
    return;
  npending = 0;
  struct entry batch[TT_QUARANTINE_PENDING];
  size_t bytes = 0;
  for (unsigned i = 0; i < n; i++) {
    batch[i].addr = pending[i].addr ^ TT_QUARANTINE_SCRAMBLE;
    batch[i].size = pending[i].size;
    bytes += batch[i].size ? batch[i].size : 1;
  }
  /* One shard per thread, mostly: no contention between threads. */
  unsigned si = shard_index((uintptr_t)&npending);
  struct qshard *s = &shards[si];
  unsigned queued = 0;
  tt_spin_lock(&s->lock);
  while (queued < n && (s->len < s->cap || grow_locked(s))) {
    s->ring[(s->head + s->len) % s->cap] = batch[queued++];
    s->len++;
  }
  tt_spin_unlock(&s->lock);
  /* Out of memory for the ring: the rest go back to the allocator now. */
  for (unsigned i = queued; i < n; i++) {
    bytes -= batch[i].size ? batch[i].size : 1;
    struct tt_block b;
    int flags = tt_heap_remove(batch[i].addr, &b) ? (int)tt_block_flags(&b) : -1;
    cfg.hooks.release((void *)batch[i].addr, flags);
  }
  __atomic_add_fetch(&budget.total_bytes, bytes, __ATOMIC_RELAXED);
  evict_over_budget(si);
}

bool tt_quarantine_push(uintptr_t addr, size_t size) {
  size_t cost = size ? size : 1;
  if (cost > cfg.volume)
    return false;
  /* Filled now, so a write right after the free is seen. A constant
   * length, the common case, is a few vector stores instead of a call. */
  if (size >= TT_QUARANTINE_FILL_MAX)
    memset((void *)addr, TT_QUARANTINE_PATTERN, TT_QUARANTINE_FILL_MAX);
  else
    memset((void *)addr, TT_QUARANTINE_PATTERN, size);
  pending[npending].addr = addr ^ TT_QUARANTINE_SCRAMBLE;
  pending[npending].size = size;
  if (++npending == TT_QUARANTINE_PENDING || exiting)
    tt_quarantine_flush_thread();
  return true;
}

/* Blocks the program is taking away, checked and forgotten a batch at a
 * time outside the shard's lock (a write found is reported, the record goes
 * from the index). */
#define TT_FORSAKE_BATCH 64

static size_t forsaken_blocks, forsaken_bytes; /* atomic */

/* How long a forsake waits for evictions under way in other threads. */
#define TT_FORSAKE_WAIT_NS 20000000ull

size_t tt_quarantine_forsake(uintptr_t lo, uintptr_t hi, bool check) {
  if (hi <= lo || !cfg.volume)
    return 0;
  tt_quarantine_flush_thread(); /* this thread's last frees, into the rings */
  size_t found = 0;
  struct entry batch[TT_FORSAKE_BATCH];
  for (unsigned si = 0; si < TT_QUARANTINE_SHARDS; si++) {
    struct qshard *s = &shards[si];
    for (;;) {
      size_t n = 0;
      tt_spin_lock(&s->lock);
      for (size_t k = 0; k < s->len && n < TT_FORSAKE_BATCH; k++) {
        struct entry *e = &s->ring[(s->head + k) % s->cap];
        /* the block itself: its header (tether's, then the allocator's)
         * shares the page of its first byte, and an allocator on top of
         * which tether runs (jemalloc) empties pages next to blocks it
         * still sees in use */
        if ((e->size & ENTRY_FORSAKEN) || e->addr >= hi || e->addr + entry_cost(e) <= lo)
          continue;
        batch[n++] = *e;
        e->size |= ENTRY_FORSAKEN;
      }
      tt_spin_unlock(&s->lock);
      size_t bytes = 0;
      for (size_t i = 0; i < n; i++) {
        if (check)
          check_one(batch[i].addr, batch[i].size);
        tt_heap_remove(batch[i].addr, NULL);
        bytes += batch[i].size;
      }
      found += n;
      __atomic_add_fetch(&forsaken_blocks, n, __ATOMIC_RELAXED);
      __atomic_add_fetch(&forsaken_bytes, bytes, __ATOMIC_RELAXED);
      if (n < TT_FORSAKE_BATCH)
        break;
    }
  }
  /* Another thread may have taken blocks of the range out of a ring just
   * before: they are read and released while the memory is still there. */
  uint64_t t0 = tt_os_now_ns();
  while (__atomic_load_n(&budget.evicting, __ATOMIC_ACQUIRE) &&
         tt_os_now_ns() - t0 < TT_FORSAKE_WAIT_NS)
    tt_os_yield();
  return found;
}

void tt_quarantine_forsaken(size_t *blocks, size_t *bytes) {
  *blocks = __atomic_load_n(&forsaken_blocks, __ATOMIC_RELAXED);
  *bytes = __atomic_load_n(&forsaken_bytes, __ATOMIC_RELAXED);
}

void tt_quarantine_thread_exiting(void) {
  exiting = true;
  tt_quarantine_flush_thread();
}

/* Where tt_quarantine_check_all is: a fault in a block goes on from the
 * next one. */
struct check_pos {
  int shard;
  size_t k;
};

static void check_from(void *arg) {
  struct check_pos *pos = arg;
  for (; pos->shard < TT_QUARANTINE_SHARDS; pos->shard++, pos->k = 0) {
    struct qshard *s = &shards[pos->shard];
    for (; pos->k < s->len; pos->k++) {
      size_t k = pos->k;
      struct entry e = s->ring[(s->head + k) % s->cap];
      if (k + TT_QUARANTINE_PREFETCH_AHEAD < s->len) { /* the blocks are cold */
        uintptr_t ahead = s->ring[(s->head + k + TT_QUARANTINE_PREFETCH_AHEAD) % s->cap].addr;
        __builtin_prefetch((const void *)ahead, 1);
        __builtin_prefetch((const char *)ahead + TT_QUARANTINE_FILL_MAX - 1, 1);
      }
      if (e.size & ENTRY_FORSAKEN)
        continue;
      check_one(e.addr, e.size);
      /* refill so a second check does not report the same write again */
      memset((void *)e.addr, TT_QUARANTINE_PATTERN,
             e.size < TT_QUARANTINE_FILL_MAX ? e.size : TT_QUARANTINE_FILL_MAX);
    }
  }
}

/* A program may protect a page of a block after freeing it (mprotect on
 * memory it no longer owns): the block's fill cannot be read or written
 * then, and is passed over instead of ending the process at exit. Writes
 * found are reported under the shard locks. */
size_t tt_quarantine_check_all(void) {
  struct check_pos pos = {0, 0};
  size_t unreadable = 0;
  tt_quarantine_lock_all();
  while (tt_os_call_catching_faults(check_from, &pos)) {
    unreadable++;
    pos.k++;
  }
  tt_quarantine_unlock_all();
  return unreadable;
}

void tt_quarantine_stats(size_t *bytes, size_t *blocks) {
  size_t n = 0;
  for (int i = 0; i < TT_QUARANTINE_SHARDS; i++)
    n += __atomic_load_n(&shards[i].len, __ATOMIC_RELAXED);
  *bytes = __atomic_load_n(&budget.total_bytes, __ATOMIC_RELAXED);
  *blocks = n;
}

void tt_quarantine_lock_all(void) {
  for (int i = 0; i < TT_QUARANTINE_SHARDS; i++)
    tt_spin_lock(&shards[i].lock);
}

void tt_quarantine_unlock_all(void) {
  for (int i = TT_QUARANTINE_SHARDS - 1; i >= 0; i--)
    tt_spin_unlock(&shards[i].lock);
}
