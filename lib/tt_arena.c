/* SPDX-License-Identifier: MIT */
/* Internal allocator: size classes carved from 1 MiB chunks, free lists per
 * class, large requests mapped directly. Sized free (the caller passes the
 * size back, as uthash_free does), so no per-object header.
 *
 * Notes on locking: arena_lock protects the free lists and the chunk cursor.
 * It is a leaf: nothing is called while holding it except tt_os_map. */
#include "tt_arena.h"

#include <string.h>

#include "tt_os.h"

#define TT_ARENA_CHUNK_BYTES ((size_t)1 << 20)
#define TT_ARENA_LARGE_BYTES 4096

static const uint32_t class_size[] = {16,  32,  48,  64,   96,   128,  192,  256,
                                      384, 512, 768, 1024, 1536, 2048, 3072, 4096};
#define NCLASSES TT_ARRAY_LEN(class_size)

struct free_obj {
  struct free_obj *next;
};

static struct {
  tt_spinlock_t lock;
  struct free_obj *free[NCLASSES];
  char *cur, *end;
  size_t mapped;
} arena = {TT_SPINLOCK_INIT, {0}, 0, 0, 0};

static int class_of(size_t size) {
  for (unsigned i = 0; i < NCLASSES; i++)
    if (size <= class_size[i])
      return (int)i;
  return -1;
}

void *tt_arena_alloc(size_t size) {
  if (size == 0)
    size = 1;
  int c = class_of(size);
  if (c < 0) {
    void *p = tt_os_map(size);
    if (p)
      __atomic_fetch_add(&arena.mapped, TT_ALIGN_UP(size, 4096), __ATOMIC_RELAXED);
    return p; /* fresh pages are zero */
  }
  size_t csz = class_size[c];
  tt_spin_lock(&arena.lock);
  struct free_obj *o = arena.free[c];
  if (o) {
    arena.free[c] = o->next;
    tt_spin_unlock(&arena.lock);
    memset(o, 0, csz);
    return o;
  }
  if ((size_t)(arena.end - arena.cur) < csz) {
    char *chunk = tt_os_map(TT_ARENA_CHUNK_BYTES);
    if (!chunk) {
      tt_spin_unlock(&arena.lock);
      return NULL;
    }
    arena.cur = chunk;
    arena.end = chunk + TT_ARENA_CHUNK_BYTES;
    arena.mapped += TT_ARENA_CHUNK_BYTES;
  }
  void *p = arena.cur;
  arena.cur += csz;
  tt_spin_unlock(&arena.lock);
  return p; /* carved from fresh zero pages */
}

void tt_arena_free(void *p, size_t size) {
  if (!p)
    return;
  if (size == 0)
    size = 1;
  int c = class_of(size);
  if (c < 0) {
    tt_os_unmap(p, size);
    __atomic_fetch_sub(&arena.mapped, TT_ALIGN_UP(size, 4096), __ATOMIC_RELAXED);
    return;
  }
  struct free_obj *o = p;
  tt_spin_lock(&arena.lock);
  o->next = arena.free[c];
  arena.free[c] = o;
  tt_spin_unlock(&arena.lock);
}

char *tt_arena_strdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = tt_arena_alloc(n);
  if (d)
    memcpy(d, s, n);
  return d;
}

size_t tt_arena_mapped(void) { return __atomic_load_n(&arena.mapped, __ATOMIC_RELAXED); }
void tt_arena_lock(void) { tt_spin_lock(&arena.lock); }
void tt_arena_unlock(void) { tt_spin_unlock(&arena.lock); }
