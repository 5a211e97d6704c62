/* SPDX-License-Identifier: MIT */
/* Owners (see tt_owners.h).
 *
 * Names are interned once: a uthash table by content, and a two-level id
 * table (no relocation) that readers index without a lock; an id is
 * published with a release store after its name is complete. Transfer
 * stacks are a small uthash table by block address, touched only by
 * tether_transfer, the free of a transferred block, and reports.
 *
 * Notes on locking: owners_lock protects the name table, next_id and the
 * transfer table; it nests outside the arena lock (uthash allocates under
 * it) and inside nothing else. The scope stack is thread-local: no lock. */
#include "tt_owners.h"

#include <string.h>

#include "tt_arena.h"
#include "tt_uthash.h"

#define TT_OWNER_CHUNK_IDS 1024
#define TT_OWNER_CHUNKS 1024 /* a million names */

struct owner_rec {
  UT_hash_handle hh;
  uint32_t id;
  char name[]; /* NUL-terminated */
};

/* What a block carries besides its record. */
struct transfer_rec {
  UT_hash_handle hh;
  uintptr_t addr;
  uint32_t stack;       /* the latest tether_transfer's, or 0 */
  uint8_t rc_size;      /* tether_refcounted: 0 (none), 1, 2, 4 or 8 */
  bool rc_inside;       /* rc_field is an offset into the block */
  uintptr_t rc_field;   /* the count's address, or its offset in the block */
};

static tt_spinlock_t owners_lock = TT_SPINLOCK_INIT;
static struct owner_rec *by_name;
static struct owner_rec **chunks[TT_OWNER_CHUNKS];
static uint32_t next_id = 1;
static struct transfer_rec *transfers;

__thread uint32_t tt_owner_current __attribute__((tls_model("initial-exec")));
static __thread uint32_t scope_stack[TT_OWNER_SCOPE_MAX] __attribute__((tls_model("initial-exec")));
static __thread unsigned scope_depth __attribute__((tls_model("initial-exec")));

void tt_owners_lock(void) { tt_spin_lock(&owners_lock); }
void tt_owners_unlock(void) { tt_spin_unlock(&owners_lock); }

static size_t name_len(const char *name) {
  size_t n = 0;
  while (n < TT_OWNER_NAME_MAX && name[n])
    n++;
  return n;
}

static struct owner_rec *find_locked(const char *name, size_t len) {
  struct owner_rec *r = NULL;
  HASH_FIND(hh, by_name, name, len, r);
  return r;
}

uint32_t tt_owners_find(const char *name) {
  if (!name || !name[0])
    return 0;
  size_t len = name_len(name);
  tt_spin_lock(&owners_lock);
  struct owner_rec *r = find_locked(name, len);
  uint32_t id = r ? r->id : 0;
  tt_spin_unlock(&owners_lock);
  return id;
}

uint32_t tt_owners_intern(const char *name) {
  if (!name || !name[0])
    return 0;
  size_t len = name_len(name);
  tt_spin_lock(&owners_lock);
  struct owner_rec *r = find_locked(name, len);
  if (r) {
    tt_spin_unlock(&owners_lock);
    return r->id;
  }
  uint32_t id = next_id;
  uint32_t chunk = id / TT_OWNER_CHUNK_IDS;
  if (chunk >= TT_OWNER_CHUNKS) {
    tt_spin_unlock(&owners_lock);
    return 0; /* a million names: further ones stay unowned */
  }
  if (!chunks[chunk]) {
    struct owner_rec **c = tt_arena_alloc(TT_OWNER_CHUNK_IDS * sizeof *c);
    if (!c) {
      tt_spin_unlock(&owners_lock);
      tt_self_disable("out of memory for owner names");
      return 0;
    }
    __atomic_store_n(&chunks[chunk], c, __ATOMIC_RELEASE);
  }
  r = tt_arena_alloc(sizeof *r + len + 1);
  if (!r) {
    tt_spin_unlock(&owners_lock);
    tt_self_disable("out of memory for owner names");
    return 0;
  }
  memcpy(r->name, name, len);
  r->name[len] = '\0';
  r->id = id;
  HASH_ADD_KEYPTR(hh, by_name, r->name, len, r);
  __atomic_store_n(&chunks[chunk][id % TT_OWNER_CHUNK_IDS], r, __ATOMIC_RELEASE);
  __atomic_store_n(&next_id, id + 1, __ATOMIC_RELEASE);
  tt_spin_unlock(&owners_lock);
  return id;
}

const char *tt_owners_name(uint32_t id) {
  if (!id || id >= __atomic_load_n(&next_id, __ATOMIC_ACQUIRE))
    return NULL;
  struct owner_rec **c = __atomic_load_n(&chunks[id / TT_OWNER_CHUNK_IDS], __ATOMIC_ACQUIRE);
  if (!c)
    return NULL;
  struct owner_rec *r = __atomic_load_n(&c[id % TT_OWNER_CHUNK_IDS], __ATOMIC_ACQUIRE);
  return r ? r->name : NULL;
}

uint32_t tt_owners_count(void) { return __atomic_load_n(&next_id, __ATOMIC_ACQUIRE) - 1; }

/* ======================================================================== */
/* scopes                                                                    */
/* ======================================================================== */

void tt_owners_push(uint32_t id) {
  if (scope_depth < TT_OWNER_SCOPE_MAX)
    scope_stack[scope_depth] = id;
  scope_depth++;
  tt_owner_current = id;
}

bool tt_owners_pop(void) {
  if (!scope_depth)
    return false;
  scope_depth--;
  unsigned top = scope_depth < TT_OWNER_SCOPE_MAX ? scope_depth : TT_OWNER_SCOPE_MAX;
  tt_owner_current = top ? scope_stack[top - 1] : 0;
  return true;
}

unsigned tt_owners_depth(void) { return scope_depth; }

/* ======================================================================== */
/* transfers                                                                 */
/* ======================================================================== */

static struct transfer_rec *find_rec_locked(uintptr_t addr) {
  struct transfer_rec *r = NULL;
  HASH_FIND(hh, transfers, &addr, sizeof addr, r);
  return r;
}

static struct transfer_rec *get_rec_locked(uintptr_t addr) {
  struct transfer_rec *r = find_rec_locked(addr);
  if (!r && (r = tt_arena_alloc(sizeof *r)) != NULL) {
    r->addr = addr;
    HASH_ADD(hh, transfers, addr, sizeof r->addr, r);
  }
  return r;
}

static void drop_rec_locked(struct transfer_rec *r) {
  HASH_DEL(transfers, r);
  tt_arena_free(r, sizeof *r);
}

void tt_owners_set_transfer(uintptr_t addr, uint32_t stack) {
  tt_spin_lock(&owners_lock);
  struct transfer_rec *r = get_rec_locked(addr);
  if (r)
    r->stack = stack;
  tt_spin_unlock(&owners_lock);
}

uint32_t tt_owners_transfer_of(uintptr_t addr) {
  tt_spin_lock(&owners_lock);
  struct transfer_rec *r = find_rec_locked(addr);
  uint32_t stack = r ? r->stack : 0;
  tt_spin_unlock(&owners_lock);
  return stack;
}

void tt_owners_forget_transfer(uintptr_t addr) {
  tt_spin_lock(&owners_lock);
  struct transfer_rec *r = find_rec_locked(addr);
  if (r) {
    r->stack = 0;
    if (!r->rc_size)
      drop_rec_locked(r);
  }
  tt_spin_unlock(&owners_lock);
}

bool tt_owners_set_refcount(uintptr_t addr, size_t block_size, uintptr_t field, unsigned size) {
  tt_spin_lock(&owners_lock);
  struct transfer_rec *r = get_rec_locked(addr);
  if (r) {
    r->rc_size = (uint8_t)size;
    r->rc_inside = field >= addr && field - addr < block_size;
    r->rc_field = r->rc_inside ? field - addr : field;
  }
  tt_spin_unlock(&owners_lock);
  return r != NULL;
}

bool tt_owners_refcount_locked(uintptr_t addr, uintptr_t *field, unsigned *size) {
  struct transfer_rec *r = find_rec_locked(addr);
  if (!r || !r->rc_size)
    return false;
  *field = r->rc_inside ? addr + r->rc_field : r->rc_field;
  *size = r->rc_size;
  return true;
}

void tt_owners_forget_block(uintptr_t addr) {
  tt_spin_lock(&owners_lock);
  struct transfer_rec *r = find_rec_locked(addr);
  if (r)
    drop_rec_locked(r);
  tt_spin_unlock(&owners_lock);
}

void tt_owners_move_block(uintptr_t from, uintptr_t to) {
  if (from == to)
    return;
  tt_spin_lock(&owners_lock);
  struct transfer_rec *r = find_rec_locked(from);
  if (r) {
    struct transfer_rec keep = *r;
    drop_rec_locked(r);
    struct transfer_rec *n = find_rec_locked(to);
    if (n)
      drop_rec_locked(n); /* a stale one: the block at to is new */
    n = get_rec_locked(to);
    if (n) {
      n->stack = keep.stack;
      n->rc_size = keep.rc_size;
      n->rc_inside = keep.rc_inside;
      n->rc_field = keep.rc_field;
    }
  }
  tt_spin_unlock(&owners_lock);
}
