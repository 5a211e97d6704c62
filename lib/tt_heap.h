/* SPDX-License-Identifier: MIT */
/* The heap index: every live block by address, with its size, allocation
 * stack id, owner id and kind. The hot path of every malloc and free. */
#ifndef TT_HEAP_H
#define TT_HEAP_H

#include "tt_common.h"

/* How a block was allocated (the entry point), for reports and for matching
 * the release function to the allocation function. */
enum tt_alloc_kind {
  TT_ALLOC_MALLOC,
  TT_ALLOC_CALLOC,
  TT_ALLOC_REALLOC,
  TT_ALLOC_REALLOCARRAY,
  TT_ALLOC_POSIX_MEMALIGN,
  TT_ALLOC_ALIGNED_ALLOC,
  TT_ALLOC_MEMALIGN,
  TT_ALLOC_VALLOC,
  TT_ALLOC_PVALLOC,
  TT_ALLOC_NEW,
  TT_ALLOC_NEW_NOTHROW,
  TT_ALLOC_NEW_ALIGNED,
  TT_ALLOC_NEW_ALIGNED_NOTHROW,
  TT_ALLOC_NEW_ARRAY,
  TT_ALLOC_NEW_ARRAY_NOTHROW,
  TT_ALLOC_NEW_ARRAY_ALIGNED,
  TT_ALLOC_NEW_ARRAY_ALIGNED_NOTHROW,
  TT_ALLOC_KIND_COUNT
};

/* Allocator families: a block must be released by its own family. */
enum tt_alloc_family { TT_FAMILY_MALLOC, TT_FAMILY_NEW, TT_FAMILY_NEW_ARRAY };
enum tt_alloc_family tt_alloc_family_of(enum tt_alloc_kind k) TT_HIDDEN;
/* The allocation function as Valgrind names it, e.g. "operator new[](unsigned long)". */
const char *tt_alloc_kind_name(enum tt_alloc_kind k) TT_HIDDEN;

#define TT_SIZE_BITS 48
#define TT_SIZE_MASK ((1ull << TT_SIZE_BITS) - 1)

/* One live block: 24 bytes. */
struct tt_block {
  uintptr_t addr;
  uint64_t size_kind; /* size in the low 48 bits, kind in 48..55, flags in 56..63 */
  uint32_t stack;
  uint32_t owner;
};

static inline size_t tt_block_size(const struct tt_block *b) { return b->size_kind & TT_SIZE_MASK; }
static inline unsigned tt_block_kind(const struct tt_block *b) {
  return (unsigned)(b->size_kind >> TT_SIZE_BITS) & 0xff;
}
static inline unsigned tt_block_flags(const struct tt_block *b) {
  return (unsigned)(b->size_kind >> 56);
}

/* Records a new block; false when tether is out of memory (it disables). */
bool tt_heap_insert(uintptr_t addr, size_t size, uint32_t stack, uint32_t owner,
                    enum tt_alloc_kind kind) TT_HIDDEN;
/* Removes addr's record into *out (may be NULL); false if addr is not a live block. */
bool tt_heap_remove(uintptr_t addr, struct tt_block *out) TT_HIDDEN;
/* Puts back a record tt_heap_remove took out (a failed realloc), undoing
 * the free it counted. */
void tt_heap_restore(const struct tt_block *b) TT_HIDDEN;
/* Copies addr's record into *out; false if addr is not a live block. */
bool tt_heap_lookup(uintptr_t addr, struct tt_block *out) TT_HIDDEN;

struct tt_heap_stats {
  uint64_t allocs, frees, bytes_allocated; /* since start */
  uint64_t live_blocks, live_bytes;
  uint64_t index_bytes;                    /* memory of the index itself */
};
void tt_heap_stats(struct tt_heap_stats *st) TT_HIDDEN;

/* Stopped world and fork: every shard lock, in shard order. */
void tt_heap_lock_all(void) TT_HIDDEN;
void tt_heap_unlock_all(void) TT_HIDDEN;
/* With every lock held: copies all live records into out (at most max);
 * returns how many there are. */
size_t tt_heap_snapshot_locked(struct tt_block *out, size_t max) TT_HIDDEN;
size_t tt_heap_count_locked(void) TT_HIDDEN;

#endif
