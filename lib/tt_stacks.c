/* SPDX-License-Identifier: MIT */
/* The stack depot (see tt_stacks.h).
 *
 * Records are immutable once published. A record's id indexes a two-level
 * table (no relocation, so readers need no lock); the id is published with a
 * release store after the record is complete. Lookups by content go through
 * uthash tables sharded by the stack's hash. A small per-thread cache of
 * recently seen (hash, id) pairs answers repeated allocation sites without a
 * lock: the frames are compared against the immutable record.
 *
 * Notes on locking: shard[i].lock protects shard i's hash table; it nests
 * outside the arena lock (uthash allocates under it). Lock-all order: shard 0
 * to TT_DEPOT_SHARDS - 1. */
#include "tt_stacks.h"

#include <string.h>

#include "tt_arena.h"
#include "tt_os.h"
#include "tt_unwind.h"
#include "tt_uthash.h"

#define TT_DEPOT_SHARDS 16
#define TT_DEPOT_CHUNK_IDS 4096
#define TT_DEPOT_CHUNKS 4096 /* 16M distinct stacks */
#define TT_DEPOT_TCACHE 64

struct stack_rec {
  UT_hash_handle hh;
  uint32_t id;
  uint32_t n;
  uint64_t hash;
  uintptr_t pcs[];
};

static struct shard {
  tt_spinlock_t lock;
  struct stack_rec *table;
} shards[TT_DEPOT_SHARDS];

static struct stack_rec **chunks[TT_DEPOT_CHUNKS];
static uint32_t next_id = 1;
static size_t bytes_used;
static tt_spinlock_t id_lock = TT_SPINLOCK_INIT;

struct tcache_entry {
  uint64_t hash;
  uint32_t id;
};
static struct tcache_entry *thread_tcache(void);

static uint64_t hash_pcs(const uintptr_t *pcs, int n) {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ (uint64_t)n;
  for (int i = 0; i < n; i++) {
    h ^= pcs[i];
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  }
  return h ? h : 1;
}

static struct stack_rec *rec_of(uint32_t id) {
  uint32_t c = id / TT_DEPOT_CHUNK_IDS;
  if (c >= TT_DEPOT_CHUNKS)
    return NULL;
  struct stack_rec **chunk = __atomic_load_n(&chunks[c], __ATOMIC_ACQUIRE);
  if (!chunk)
    return NULL;
  return __atomic_load_n(&chunk[id % TT_DEPOT_CHUNK_IDS], __ATOMIC_ACQUIRE);
}

static bool same(const struct stack_rec *r, const uintptr_t *pcs, int n) {
  return r->n == (uint32_t)n && memcmp(r->pcs, pcs, (size_t)n * sizeof *pcs) == 0;
}

/* Gives r the next id and publishes it in the id table. */
static bool publish(struct stack_rec *r) {
  tt_spin_lock(&id_lock);
  uint32_t id = next_id;
  uint32_t c = id / TT_DEPOT_CHUNK_IDS;
  if (c >= TT_DEPOT_CHUNKS) {
    tt_spin_unlock(&id_lock);
    return false;
  }
  if (!chunks[c]) {
    struct stack_rec **chunk = tt_arena_alloc(TT_DEPOT_CHUNK_IDS * sizeof *chunk);
    if (!chunk) {
      tt_spin_unlock(&id_lock);
      return false;
    }
    __atomic_store_n(&chunks[c], chunk, __ATOMIC_RELEASE);
  }
  next_id++;
  r->id = id;
  __atomic_store_n(&chunks[c][id % TT_DEPOT_CHUNK_IDS], r, __ATOMIC_RELEASE);
  tt_spin_unlock(&id_lock);
  return true;
}

uint32_t tt_stacks_intern(const uintptr_t *pcs, int n) {
  if (n < 0)
    n = 0;
  if (n > TT_MAX_FRAMES)
    n = TT_MAX_FRAMES;
  uint64_t h = hash_pcs(pcs, n);
  struct tcache_entry none = {0, 0}, *tc = thread_tcache();
  tc = tc ? &tc[h % TT_DEPOT_TCACHE] : &none;
  if (tc->hash == h) {
    struct stack_rec *r = rec_of(tc->id);
    if (r && same(r, pcs, n))
      return r->id;
  }

  /* the shard by the hash's high bits: uthash picks buckets by its low
   * ones, and a shard whose stacks all shared their low bits used one
   * bucket in TT_DEPOT_SHARDS, whose chains grew until uthash stopped
   * expanding the table */
  struct shard *s = &shards[(h >> 32) % TT_DEPOT_SHARDS];
  size_t keylen = (size_t)n * sizeof *pcs;
  struct stack_rec *r = NULL;
  tt_spin_lock(&s->lock);
  HASH_FIND_BYHASHVALUE(hh, s->table, pcs, keylen, (unsigned)h, r);
  if (!r) {
    size_t size = sizeof *r + keylen;
    r = tt_arena_alloc(size);
    if (!r) {
      tt_spin_unlock(&s->lock);
      tt_self_disable("out of memory for the stack depot");
      return 0;
    }
    r->n = (uint32_t)n;
    r->hash = h;
    memcpy(r->pcs, pcs, keylen);
    if (!publish(r)) {
      tt_spin_unlock(&s->lock);
      tt_arena_free(r, size);
      tt_self_disable("too many distinct stacks");
      return 0;
    }
    HASH_ADD_KEYPTR_BYHASHVALUE(hh, s->table, r->pcs, keylen, (unsigned)h, r);
    __atomic_fetch_add(&bytes_used, size, __ATOMIC_RELAXED);
  }
  tt_spin_unlock(&s->lock);
  tc->hash = h;
  tc->id = r->id;
  return r->id;
}

int tt_stacks_get(uint32_t id, const uintptr_t **pcs) {
  struct stack_rec *r = id ? rec_of(id) : NULL;
  if (!r) {
    *pcs = NULL;
    return 0;
  }
  *pcs = r->pcs;
  return (int)r->n;
}

uint32_t tt_stacks_count(void) { return __atomic_load_n(&next_id, __ATOMIC_RELAXED) - 1; }
size_t tt_stacks_bytes(void) { return __atomic_load_n(&bytes_used, __ATOMIC_RELAXED); }

void tt_stacks_lock_all(void) {
  for (int i = 0; i < TT_DEPOT_SHARDS; i++)
    tt_spin_lock(&shards[i].lock);
  tt_spin_lock(&id_lock);
}

void tt_stacks_unlock_all(void) {
  tt_spin_unlock(&id_lock);
  for (int i = TT_DEPOT_SHARDS - 1; i >= 0; i--)
    tt_spin_unlock(&shards[i].lock);
}

/* ======================================================================== */
/* the capture cache                                                         */
/* ======================================================================== */

/* A stack is the list of return addresses in its frames. If, at the same
 * address of the first return-address slot, every slot a previous capture
 * found still holds the value it held, each frame returns to the same call
 * site from the same place: the same stack. The slots are found once, for
 * call paths seen twice, and checked with a few loads on every later
 * capture. They are found by reading the thread's stack upward from the
 * entry point's slot for each return address in turn (a frame's return
 * address is the first word equal to it above the previous frame's slot,
 * unless the frame keeps a copy of that very address in a local), or, where
 * the stack's bounds are unknown, by libunwind's full frame walk (exact,
 * but some 10 us: it blocks signals around every table search). The check
 * assumes a function's frame has the same size each time it reaches the
 * same call, which alloca or a variable-length array can break; the path
 * then also has to reach the same stack address by another path to be
 * fooled. */
/* 256 entries (53 KB a thread, in its struct thread_cache): sqlite3 runs
 * some 700 distinct allocation stacks in rotation, and at 64 entries it
 * unwound half its captures (libunwind's slow path, 2.75x slower overall);
 * churn is alike either way. 8 ways a set: the set is picked by the slot address, and many
 * call paths reach malloc at one stack depth (sqlite3's 60,000-row script
 * unwound 577,000 of 5.1 million captures with 4 ways, 1,300 with 8; 16
 * ways gained nothing more). */
#define TT_CAPTURE_CACHE 256
#define TT_CAPTURE_WAYS 8
#define TT_CAPTURE_SETS (TT_CAPTURE_CACHE / TT_CAPTURE_WAYS)
#define TT_CAPTURE_FRAMES 16

struct capture_entry {
  uintptr_t key; /* ra_slot */
  uint32_t id;
  uint16_t n;      /* frames checked; 0: not filled */
  uint16_t fails;  /* fills since its last hit */
  uint32_t off[TT_CAPTURE_FRAMES]; /* slot - key */
  uintptr_t pcs[TT_CAPTURE_FRAMES];
};

/* A recursion reaches one slot address by more call paths than a set has
 * ways (a tree built by a function calling itself from two places: 2^depth
 * paths; manylive unwound 655,000 of its 2 million captures). Such paths
 * share their frames' layout: the slots a filled entry of the key names
 * hold each path's return addresses, which tell the paths apart. A second,
 * bigger table keeps them by a hash of those words, 4 ways a set; an entry
 * hits only as every entry does, its own slots holding its own stack. */
#define TT_CAPTURE_OV_SETS 512
#define TT_CAPTURE_OV_WAYS 4
struct capture_overflow {
  uint64_t tag[TT_CAPTURE_OV_SETS][TT_CAPTURE_OV_WAYS]; /* 0: empty */
  uint8_t victim[TT_CAPTURE_OV_SETS];
  struct capture_entry e[TT_CAPTURE_OV_SETS * TT_CAPTURE_OV_WAYS];
};

/* Each thread's caches live in a block of tether's arena, not in TLS: TLS
 * comes out of every thread's stack, and 57 KB of it made pthread_create
 * fail (EINVAL) for programs that ask for 16 or 32 KB stacks. A thread
 * claims a block at its first capture and gives it back at exit; blocks are
 * never freed, and a new thread takes an idle one. A block's entries are
 * checked against the stack they are used on, so another thread's are as
 * good as empty ones. Its hit counter is written by its thread only: a
 * shared atomic on every allocation cost churn 6% on one thread and 10% on
 * four (the line bounced between cores); -v sums every block's. */
struct thread_cache {
  uint64_t hits;
  struct thread_cache *next; /* immutable once published */
  int in_use;
  /* The keys of the filled entries of each set, in one cache line: a lookup
   * reads this line and the one entry that matches, where reading each
   * way's own key touched a line a way (the entries are 208 bytes). 0: not
   * filled. */
  uintptr_t ckeys[TT_CAPTURE_SETS][TT_CAPTURE_WAYS] __attribute__((aligned(64)));
  uint8_t victim[TT_CAPTURE_SETS];
  struct tcache_entry tcache[TT_DEPOT_TCACHE]; /* the depot's */
  struct capture_entry ccache[TT_CAPTURE_CACHE];
  struct capture_overflow *ov; /* made at the first slot with too many paths */
};
static struct thread_cache *thread_caches;
static __thread struct thread_cache *my_cache __attribute__((tls_model("initial-exec")));
static __thread bool cache_exited __attribute__((tls_model("initial-exec")));

static TT_NOINLINE struct thread_cache *claim_cache(void) {
  if (cache_exited) /* a destructor that runs after the exit hook */
    return NULL;
  struct thread_cache *c = __atomic_load_n(&thread_caches, __ATOMIC_ACQUIRE);
  for (; c; c = c->next) {
    int idle = 0;
    if (__atomic_compare_exchange_n(&c->in_use, &idle, 1, false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
      break;
  }
  if (!c) {
    void *raw = tt_arena_alloc(sizeof *c + 64); /* never freed: aligned by hand */
    if (!raw)
      return NULL;
    c = (struct thread_cache *)TT_ALIGN_UP((uintptr_t)raw, 64);
    c->in_use = 1;
    c->next = __atomic_load_n(&thread_caches, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n(&thread_caches, &c->next, c, true, __ATOMIC_RELEASE,
                                        __ATOMIC_RELAXED))
      ;
  }
  my_cache = c;
  return c;
}

static inline struct thread_cache *thread_cache(void) {
  struct thread_cache *c = my_cache;
  return TT_LIKELY(c) ? c : claim_cache();
}

static struct tcache_entry *thread_tcache(void) {
  struct thread_cache *c = thread_cache();
  return c ? c->tcache : NULL;
}

static inline uintptr_t *hit_key_of(struct thread_cache *tc, const struct capture_entry *e) {
  size_t i = (size_t)(e - tc->ccache);
  return &tc->ckeys[i / TT_CAPTURE_WAYS][i % TT_CAPTURE_WAYS];
}
/* A fill costs a slow frame walk (microseconds): it is done only when the
 * same stack comes back at this slot (a loop), and given up on a path that
 * missed after TT_CAPTURE_MAX_FAILS fills without a hit between them, so
 * call paths too varied to cache cost almost nothing extra. */
#define TT_CAPTURE_MAX_FAILS 4
static uint64_t cache_misses, cache_fills, cache_fill_walks, cache_fill_fails;

void tt_stacks_thread_exiting(void) {
  struct thread_cache *c = my_cache;
  my_cache = NULL;
  cache_exited = true;
  if (c)
    __atomic_store_n(&c->in_use, 0, __ATOMIC_RELEASE);
}

/* The calling thread's stack (tt_stacks_set_thread_stack); 0, 0: unknown. */
static __thread uintptr_t stack_lo __attribute__((tls_model("initial-exec")));
static __thread uintptr_t stack_hi __attribute__((tls_model("initial-exec")));

void tt_stacks_set_thread_stack(uintptr_t lo, uintptr_t hi) {
  stack_lo = lo;
  stack_hi = hi;
}

void tt_stacks_call_with_room(void (*fn)(void *), void *arg, size_t need) {
  uintptr_t sp = tt_os_current_sp();
  if ((stack_lo < sp && sp <= stack_hi && sp - stack_lo >= need) ||
      !tt_os_call_on_own_stack(fn, arg, TT_OWN_STACK_BYTES))
    fn(arg); /* room enough, or no memory for a stack: here */
}

/* How far above the previous frame's slot a return address is looked for:
 * a frame bigger than this (a large local array) makes the fill fail. */
#define TT_FILL_SCAN_WORDS ((size_t)32 * 1024) /* 256 KB */

/* The return-address slots of pcs[0..n), read from the stack: slot i is the
 * first word above slot i - 1 (at or above ra_slot for i = 0) that holds
 * pcs[i]. Only within the thread's known stack; returns false when a frame's
 * return address is not found. */
static TT_NO_ASAN bool read_slots(uintptr_t ra_slot, const uintptr_t *pcs, int n, uintptr_t *slots) {
  uintptr_t lo = stack_lo, hi = stack_hi;
  if (!hi || ra_slot < lo || ra_slot >= hi || (ra_slot & (sizeof(uintptr_t) - 1)))
    return false;
  const uintptr_t *p = (const uintptr_t *)ra_slot;
  const uintptr_t *end = (const uintptr_t *)(hi & ~(uintptr_t)(sizeof(uintptr_t) - 1));
  for (int i = 0; i < n; i++) {
    const uintptr_t *limit = (size_t)(end - p) > TT_FILL_SCAN_WORDS ? p + TT_FILL_SCAN_WORDS : end;
    while (p < limit && *p != pcs[i])
      p++;
    if (p >= limit)
      return false;
    slots[i] = (uintptr_t)p++;
  }
  return true;
}

/* Not inlined: its arrays, and the frame walk's stack, stay off the
 * capture's own frame (a coroutine may call malloc on a stack of 8 KB). */
static TT_NOINLINE void fill(struct thread_cache *tc, struct capture_entry *e, uintptr_t ra_slot,
                             int max, uintptr_t skip_lo, uintptr_t skip_hi, const uintptr_t *pcs,
                             int n, uint32_t id) {
  uintptr_t pcs2[TT_CAPTURE_FRAMES], slots[TT_CAPTURE_FRAMES];
  __atomic_fetch_add(&cache_fills, 1, __ATOMIC_RELAXED);
  int m = n;
  if (!read_slots(ra_slot, pcs, n, slots)) {
    __atomic_fetch_add(&cache_fill_walks, 1, __ATOMIC_RELAXED);
    m = tt_unwind_capture_slots(pcs2, slots, max, skip_lo, skip_hi);
    for (int i = 0; i < m && m == n; i++)
      if (pcs2[i] != pcs[i])
        m = 0;
  }
  if (m != n || m == 0) {
    __atomic_fetch_add(&cache_fill_fails, 1, __ATOMIC_RELAXED);
    return;
  }
  for (int i = 0; i < m; i++)
    if (slots[i] < ra_slot || slots[i] - ra_slot > UINT32_MAX ||
        (i && slots[i] <= slots[i - 1])) {
      __atomic_fetch_add(&cache_fill_fails, 1, __ATOMIC_RELAXED);
      return;
    }
  for (int i = 0; i < m; i++) {
    e->off[i] = (uint32_t)(slots[i] - ra_slot);
    e->pcs[i] = pcs[i];
  }
  e->key = ra_slot;
  e->id = id;
  e->n = (uint16_t)m;
  *hit_key_of(tc, e) = ra_slot;
}

/* Whether entry c's frames are on the stack at ra_slot. Where every slot
 * the entry names lies inside this thread's stack (the usual case), the
 * frames after the first are read and compared without a branch a frame;
 * otherwise frame by frame, stopping at the first that differs: frames
 * that matched so far are the same calls, so the next slot is still inside
 * the stack. */
static inline TT_NO_ASAN bool entry_matches(const struct capture_entry *c, uintptr_t ra_slot) {
  int n = c->n;
  /* the first frame tells apart the paths that share a slot address (a
   * malloc and a free from one function): decided on it alone */
  if (TT_UNLIKELY(n == 0) || *(const uintptr_t *)(ra_slot + c->off[0]) != c->pcs[0])
    return false;
  if (TT_LIKELY(ra_slot >= stack_lo && ra_slot + c->off[n - 1] < stack_hi)) {
    uintptr_t diff = 0;
    for (int i = 1; i < n; i++)
      diff |= *(const uintptr_t *)(ra_slot + c->off[i]) ^ c->pcs[i];
    return diff == 0;
  }
  int i = 1;
  while (i < n && *(const uintptr_t *)(ra_slot + c->off[i]) == c->pcs[i])
    i++;
  return i == n;
}

/* A filled entry of key ra_slot in its set, whose slots all lie in this
 * thread's known stack (their words can be read), or NULL. */
static const struct capture_entry *layout_of(const struct capture_entry *way, uintptr_t ra_slot) {
  for (int w = 0; w < TT_CAPTURE_WAYS; w++) {
    const struct capture_entry *c = &way[w];
    if (c->key == ra_slot && c->n && ra_slot >= stack_lo && ra_slot + c->off[c->n - 1] < stack_hi)
      return c;
  }
  return NULL;
}

/* The overflow table's tag of the path on the stack at ra_slot, read at
 * the layout's slots (never 0). */
static TT_NO_ASAN uint64_t path_tag(const struct capture_entry *layout, uintptr_t ra_slot) {
  uint64_t h = ra_slot * 0x9E3779B97F4A7C15ull;
  for (int i = 0; i < layout->n; i++)
    h = (h ^ *(const uintptr_t *)(ra_slot + layout->off[i])) * 0xff51afd7ed558ccdull;
  return (h ^ (h >> 29)) | 1;
}

/* How many of the set's ways hold key ra_slot. */
static int ways_of(const struct capture_entry *way, uintptr_t ra_slot) {
  int k = 0;
  for (int w = 0; w < TT_CAPTURE_WAYS; w++)
    k += way[w].key == ra_slot;
  return k;
}

/* Keeps the path pcs[0..n) (interned as id) in the overflow table, where it
 * has the layout's frames: its return addresses at the layout's slots. */
static TT_NO_ASAN bool overflow_keep(struct thread_cache *tc, const struct capture_entry *layout,
                                     uintptr_t ra_slot, const uintptr_t *pcs, int n, uint32_t id) {
  if (n != layout->n)
    return false;
  for (int i = 0; i < n; i++)
    if (*(const uintptr_t *)(ra_slot + layout->off[i]) != pcs[i])
      return false;
  if (!tc->ov) {
    void *raw = tt_arena_alloc(sizeof *tc->ov + 64); /* never freed: aligned by hand */
    if (!raw)
      return false;
    tc->ov = (struct capture_overflow *)TT_ALIGN_UP((uintptr_t)raw, 64);
    memset(tc->ov, 0, sizeof *tc->ov);
  }
  struct capture_overflow *ov = tc->ov;
  uint64_t tag = path_tag(layout, ra_slot);
  unsigned set = (unsigned)(tag >> 32) % TT_CAPTURE_OV_SETS;
  int w = 0;
  while (w < TT_CAPTURE_OV_WAYS && ov->tag[set][w] && ov->tag[set][w] != tag)
    w++;
  if (w == TT_CAPTURE_OV_WAYS)
    w = ov->victim[set]++ % TT_CAPTURE_OV_WAYS;
  struct capture_entry *e = &ov->e[set * TT_CAPTURE_OV_WAYS + w];
  *e = *layout;
  for (int i = 0; i < n; i++)
    e->pcs[i] = pcs[i];
  e->id = id;
  e->fails = 0;
  ov->tag[set][w] = tag;
  return true;
}

/* The overflow table's entry for the path on the stack at ra_slot. */
static const struct capture_entry *overflow_hit(const struct thread_cache *tc,
                                                const struct capture_entry *layout,
                                                uintptr_t ra_slot) {
  const struct capture_overflow *ov = tc->ov;
  uint64_t tag = path_tag(layout, ra_slot);
  unsigned set = (unsigned)(tag >> 32) % TT_CAPTURE_OV_SETS;
  for (int w = 0; w < TT_CAPTURE_OV_WAYS; w++) {
    const struct capture_entry *e = &ov->e[set * TT_CAPTURE_OV_WAYS + w];
    if (ov->tag[set][w] == tag && e->key == ra_slot && entry_matches(e, ra_slot))
      return e;
  }
  return NULL;
}

/* A capture the cache cannot answer: the overflow table, else the frame
 * walk, and maybe a fill. Not inlined: its array of frames stays off the
 * hit's path. */
static TT_NOINLINE uint32_t capture_slow(struct thread_cache *tc, uintptr_t ra_slot, int max,
                                         uintptr_t skip_lo, uintptr_t skip_hi) {
  uintptr_t pcs[max]; /* --num-callers' frames, not TT_MAX_FRAMES: stacks may be small */
  bool cacheable = max <= TT_CAPTURE_FRAMES && ra_slot;
  if (!cacheable || TT_UNLIKELY(!tc)) {
    if (cacheable) /* no cache: out of memory, or the thread is exiting */
      __atomic_fetch_add(&cache_misses, 1, __ATOMIC_RELAXED);
    int n = tt_unwind_capture(pcs, max, skip_lo, skip_hi);
    return tt_stacks_intern(pcs, n);
  }
  unsigned set = (unsigned)((ra_slot * 0x9E3779B97F4A7C15ull) >> 40) % TT_CAPTURE_SETS;
  struct capture_entry *way = &tc->ccache[set * TT_CAPTURE_WAYS];
  const struct capture_entry *layout = layout_of(way, ra_slot);
  if (layout && tc->ov) {
    const struct capture_entry *e = overflow_hit(tc, layout, ra_slot);
    if (e) {
      __atomic_store_n(&tc->hits, tc->hits + 1, __ATOMIC_RELAXED); /* one writer */
      return e->id;
    }
  }
  __atomic_fetch_add(&cache_misses, 1, __ATOMIC_RELAXED);
  int n = tt_unwind_capture(pcs, max, skip_lo, skip_hi);
  uint32_t id = tt_stacks_intern(pcs, n);
  /* A slot that half the ways hold has paths to spare: a path with the
   * layout's frames goes to the overflow table, and the ways stay as they
   * are (the filled entry that gives the layout among them). */
  bool crowded = id && n > 0 && ways_of(way, ra_slot) >= TT_CAPTURE_WAYS / 2;
  if (crowded && layout && overflow_keep(tc, layout, ra_slot, pcs, n, id))
    return id;
  if (id && n > 0) {
    /* An entry is one path: its slot address and its stack. A path seen
     * here before is worth a fill (two calls from different sites of one
     * caller reach the same slot address with different stacks: each gets
     * its own entry). */
    struct capture_entry *e = NULL;
    for (int w = 0; w < TT_CAPTURE_WAYS && !e; w++)
      if (way[w].key == ra_slot && way[w].id == id)
        e = &way[w];
    if (e) {
      if (e->fails < TT_CAPTURE_MAX_FAILS) {
        e->fails++;
        fill(tc, e, ra_slot, max, skip_lo, skip_hi, pcs, n, id);
      }
    } else {
      for (int w = 0; w < TT_CAPTURE_WAYS && !e; w++)
        if (!way[w].key)
          e = &way[w];
      if (!e) /* round robin among the ways */
        e = &way[tc->victim[set]++ % TT_CAPTURE_WAYS];
      e->key = ra_slot;
      e->pcs[0] = pcs[0];
      e->n = 0;
      *hit_key_of(tc, e) = 0;
      e->id = id;
      e->fails = 0;
      /* a crowded slot without a layout yet: one now, for the paths to come
       * (in a rotation of many paths none comes back before it is evicted);
       * only where the fill reads the known stack (a frame walk costs
       * microseconds, and its slots would not serve as a layout anyway) */
      if (crowded && !layout && ra_slot >= stack_lo && ra_slot < stack_hi) {
        e->fails = 1;
        fill(tc, e, ra_slot, max, skip_lo, skip_hi, pcs, n, id);
      }
    }
  }
  return id;
}

uint32_t tt_stacks_capture(uintptr_t ra_slot, int max, uintptr_t skip_lo, uintptr_t skip_hi) {
  if (max > TT_MAX_FRAMES)
    max = TT_MAX_FRAMES;
  if (max < 1)
    max = 1;
  struct thread_cache *tc = NULL;
  if (TT_LIKELY(max <= TT_CAPTURE_FRAMES && ra_slot)) {
    /* TT_CAPTURE_WAYS ways a set. One key (the slot address) can serve
     * several call paths (malloc from a() and free from b(), both called
     * from main at the same depth): all entries of the key are checked. */
    unsigned set = (unsigned)((ra_slot * 0x9E3779B97F4A7C15ull) >> 40) % TT_CAPTURE_SETS; /* mixed bits */
    tc = thread_cache();
    if (TT_LIKELY(tc)) {
      struct capture_entry *way = &tc->ccache[set * TT_CAPTURE_WAYS];
      const uintptr_t *keys = tc->ckeys[set];
      for (int w = 0; w < TT_CAPTURE_WAYS; w++) {
        if (keys[w] != ra_slot || !entry_matches(&way[w], ra_slot))
          continue;
        way[w].fails = 0;
        __atomic_store_n(&tc->hits, tc->hits + 1, __ATOMIC_RELAXED); /* one writer */
        return way[w].id;
      }
    }
  }
  return capture_slow(tc, ra_slot, max, skip_lo, skip_hi);
}

void tt_stacks_capture_stats(struct tt_capture_stats *st) {
  st->hits = 0; /* hits are counted in each thread's block */
  const struct thread_cache *c = __atomic_load_n(&thread_caches, __ATOMIC_ACQUIRE);
  for (; c; c = c->next)
    st->hits += __atomic_load_n(&c->hits, __ATOMIC_RELAXED);
  st->misses = __atomic_load_n(&cache_misses, __ATOMIC_RELAXED);
  st->fills = __atomic_load_n(&cache_fills, __ATOMIC_RELAXED);
  st->walks = __atomic_load_n(&cache_fill_walks, __ATOMIC_RELAXED);
  st->failed = __atomic_load_n(&cache_fill_fails, __ATOMIC_RELAXED);
}
