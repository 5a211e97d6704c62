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
static __thread struct tcache_entry tcache[TT_DEPOT_TCACHE]
    __attribute__((tls_model("initial-exec")));

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
  struct tcache_entry *tc = &tcache[h % TT_DEPOT_TCACHE];
  if (tc->hash == h) {
    struct stack_rec *r = rec_of(tc->id);
    if (r && same(r, pcs, n))
      return r->id;
  }

  struct shard *s = &shards[h % TT_DEPOT_SHARDS];
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
