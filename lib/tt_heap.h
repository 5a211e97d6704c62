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

/* How a block was released (the entry point), for reports. */
enum tt_release_kind {
  TT_RELEASE_FREE,
  TT_RELEASE_REALLOC,
  TT_RELEASE_DELETE,
  TT_RELEASE_DELETE_SIZED,
  TT_RELEASE_DELETE_NOTHROW,
  TT_RELEASE_DELETE_ALIGNED,
  TT_RELEASE_DELETE_SIZED_ALIGNED,
  TT_RELEASE_DELETE_ALIGNED_NOTHROW,
  TT_RELEASE_DELETE_ARRAY,
  TT_RELEASE_DELETE_ARRAY_SIZED,
  TT_RELEASE_DELETE_ARRAY_NOTHROW,
  TT_RELEASE_DELETE_ARRAY_ALIGNED,
  TT_RELEASE_DELETE_ARRAY_SIZED_ALIGNED,
  TT_RELEASE_DELETE_ARRAY_ALIGNED_NOTHROW,
  TT_RELEASE_KIND_COUNT
};

/* Allocator families: a block must be released by its own family. */
enum tt_alloc_family { TT_FAMILY_MALLOC, TT_FAMILY_NEW, TT_FAMILY_NEW_ARRAY };
/* Inline (every free asks): the enums list malloc's kinds, then new's, then
 * new[]'s; anything else counts as malloc's. */
static inline enum tt_alloc_family tt_alloc_family_of(enum tt_alloc_kind k) {
  unsigned u = (unsigned)k;
  return u >= TT_ALLOC_KIND_COUNT  ? TT_FAMILY_MALLOC
         : u >= TT_ALLOC_NEW_ARRAY ? TT_FAMILY_NEW_ARRAY
         : u >= TT_ALLOC_NEW       ? TT_FAMILY_NEW
                                   : TT_FAMILY_MALLOC;
}
/* The allocation function as Valgrind names it, e.g. "operator new[](unsigned long)". */
const char *tt_alloc_kind_name(enum tt_alloc_kind k) TT_HIDDEN;
static inline enum tt_alloc_family tt_release_family_of(enum tt_release_kind k) {
  unsigned u = (unsigned)k;
  return u >= TT_RELEASE_KIND_COUNT      ? TT_FAMILY_MALLOC
         : u >= TT_RELEASE_DELETE_ARRAY ? TT_FAMILY_NEW_ARRAY
         : u >= TT_RELEASE_DELETE       ? TT_FAMILY_NEW
                                        : TT_FAMILY_MALLOC;
}
/* e.g. "operator delete(void*, unsigned long)" */
const char *tt_release_kind_name(enum tt_release_kind k) TT_HIDDEN;

/* Record flags (the top byte of size_kind): a freed block waiting in the
 * quarantine keeps its record, with its free stack in the owner field and
 * how it was released in bits 2..6; an untracked block is tether's own or
 * the C runtime's made while tether worked (never reported); a prefixed
 * block sits TT_HEAP_PREFIX bytes into what the real allocator handed out
 * (its header: see tt_heap_insert_prefixed), in any state. */
enum { TT_BLOCK_QUARANTINED = 1, TT_BLOCK_UNTRACKED = 2, TT_BLOCK_PREFIXED = 128 };
#define TT_BLOCK_RELEASE_SHIFT 2
/* Flags of a live block only (bits 2..6, which a quarantined block uses for
 * its release kind): reported by a leak check already (for
 * tether_check_new_leaks), ignored (tether_ignore), owner set by
 * tether_transfer (its stack is kept by tt_owners), refcounted. */
enum {
  TT_BLOCK_REPORTED = 4,
  TT_BLOCK_IGNORED = 8,
  TT_BLOCK_TRANSFERRED = 16,
  TT_BLOCK_REFCOUNTED = 32 /* tether_refcounted: tt_owners knows where its count is */
};
#define TT_BLOCK_LIVE_FLAGS \
  (TT_BLOCK_REPORTED | TT_BLOCK_IGNORED | TT_BLOCK_TRANSFERRED | TT_BLOCK_REFCOUNTED)
/* Flags whose block carries data in tt_owners. */
#define TT_BLOCK_EXTRAS (TT_BLOCK_TRANSFERRED | TT_BLOCK_REFCOUNTED)

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
static inline bool tt_block_quarantined(const struct tt_block *b) {
  return tt_block_flags(b) & TT_BLOCK_QUARANTINED;
}
/* For a quarantined block: how it was released, and where. */
static inline unsigned tt_block_release_kind(const struct tt_block *b) {
  return (tt_block_flags(b) >> TT_BLOCK_RELEASE_SHIFT) & 0x1f;
}
static inline uint32_t tt_block_free_stack(const struct tt_block *b) { return b->owner; }

/* Bytes of a prefixed block's header, between the real allocator's block
 * and the program's. A multiple of 16: the program's block keeps malloc's
 * alignment. */
#define TT_HEAP_PREFIX ((size_t)32)

/* Records a new prefixed block: the real allocator's block starts at addr -
 * TT_HEAP_PREFIX, and its first TT_HEAP_PREFIX bytes are tether's to keep
 * the record in (the header). Finding the record of a free()d address then
 * costs no lookup in a shared table. Where the header cannot be used (addr
 * not 16-aligned, or on a page's first 32 bytes, where reading the header
 * of a wild pointer could fault), the record goes to the index with
 * TT_BLOCK_PREFIXED set. False when tether is out of memory (it disables). */
bool tt_heap_insert_prefixed(uintptr_t addr, size_t size, uint32_t stack, uint32_t owner,
                             enum tt_alloc_kind kind) TT_HIDDEN;
/* Records a new block; false when tether is out of memory (it disables). */
bool tt_heap_insert(uintptr_t addr, size_t size, uint32_t stack, uint32_t owner,
                    enum tt_alloc_kind kind) TT_HIDDEN;
/* Records a block the program did not allocate itself (made while tether's
 * guard was up): known, so its free is no error, but never reported. */
bool tt_heap_insert_untracked(uintptr_t addr, size_t size) TT_HIDDEN;
/* Removes addr's record (live, quarantined or untracked) into *out (may be
 * NULL); false if there is none. A live block's removal counts as a free. */
bool tt_heap_remove(uintptr_t addr, struct tt_block *out) TT_HIDDEN;

enum tt_free_status {
  TT_FREE_LIVE,        /* was live: now quarantined (*out: the record before) */
  TT_FREE_QUARANTINED, /* already freed: a double free (*out: the record) */
  TT_FREE_UNTRACKED,   /* an untracked block: its record is gone, free it */
  TT_FREE_UNKNOWN      /* no record at this address */
};
/* free() of addr, atomically: a live block is marked quarantined with its
 * free stack and release kind (counted as a free). */
enum tt_free_status tt_heap_mark_freed(uintptr_t addr, uint32_t free_stack,
                                       enum tt_release_kind how, struct tt_block *out) TT_HIDDEN;
/* The live or quarantined block whose [start, start + size) contains addr
 * (a zero-size block counts as one byte). Visits every shard: for error
 * reports only. */
bool tt_heap_find_containing(uintptr_t addr, struct tt_block *out) TT_HIDDEN;
/* The live or quarantined prefixed block whose header holds addr (addr
 * lies in the TT_HEAP_PREFIX bytes before it): for error reports, "K bytes
 * before a block". */
bool tt_heap_find_header_holding(uintptr_t addr, struct tt_block *out) TT_HIDDEN;
/* Whether p looks like the start of a prefixed block whose header the
 * program wrote over (an underrun): the header's flag and marker are
 * there, its check word does not match. tether no longer knows the block. */
bool tt_heap_header_damaged(uintptr_t p) TT_HIDDEN;
/* Updates the live block at addr: its owner when set_owner, then its flags
 * (TT_BLOCK_LIVE_FLAGS only) lose clear_flags and gain set_flags. False
 * (nothing changed) if addr is not a live block's start; else the record as
 * it was before goes into *out (may be NULL). */
bool tt_heap_update_live(uintptr_t addr, bool set_owner, uint32_t owner, unsigned set_flags,
                         unsigned clear_flags, struct tt_block *out) TT_HIDDEN;
/* With every lock held: flags |= set_flags on the live block at addr. */
void tt_heap_set_flags_locked(uintptr_t addr, unsigned set_flags) TT_HIDDEN;
/* Puts back a record tt_heap_remove took out (a failed realloc), undoing
 * the free it counted. */
void tt_heap_restore(const struct tt_block *b) TT_HIDDEN;
/* Starts loading addr's record into the cache (no lock, no effect on
 * correctness): callers issue it before other work to hide the miss. For a
 * prefixed block also the word below the prefix, the real allocator's size
 * word (glibc's), on another line for a quarter of the blocks: the release
 * reads it after the record's compare-and-swap, which lets no load start
 * before it. */
void tt_heap_prefetch(uintptr_t addr) TT_HIDDEN;
/* Whether a recorded block of the program's has ever been in a megabyte
 * that [lo, hi) meets (the sweep's bitmap): memory the program's allocator
 * never used for one says false. */
bool tt_heap_range_marked(uintptr_t lo, uintptr_t hi) TT_HIDDEN;
/* Copies addr's record (live, quarantined or untracked: see its flags) into
 * *out; false if there is none. */
bool tt_heap_lookup(uintptr_t addr, struct tt_block *out) TT_HIDDEN;

struct tt_heap_stats {
  uint64_t allocs, frees, bytes_allocated; /* since start */
  uint64_t live_blocks, live_bytes;
  uint64_t quarantined_blocks, untracked_blocks;
  uint64_t index_bytes;                    /* memory of the index itself, headers included */
};
void tt_heap_stats(struct tt_heap_stats *st) TT_HIDDEN;

/* The calling thread is exiting: its record of changes goes to the next
 * thread that starts. */
void tt_heap_thread_exiting(void) TT_HIDDEN;

/* Stopped world and fork: every lock of the index, the headers' per-thread
 * locks first, then the shards in order. */
void tt_heap_lock_all(void) TT_HIDDEN;
void tt_heap_unlock_all(void) TT_HIDDEN;
/* In a forked child, after tt_heap_unlock_all: what another thread of the
 * parent left half done is finished. */
void tt_heap_fork_child(void) TT_HIDDEN;
/* With every lock held: copies the live records into live (at most max) and
 * the quarantined ones into quar (at most qmax; quar may be NULL); returns
 * how many live records there are. Untracked records are left out. */
size_t tt_heap_snapshot_locked(struct tt_block *live, size_t max, struct tt_block *quar,
                               size_t qmax) TT_HIDDEN;
/* Whether the last snapshot could not list the blocks with headers: no
 * memory map and no way to ask the kernel what can be read. */
bool tt_heap_snapshot_blind(void) TT_HIDDEN;
/* With every lock held: live records, and quarantined ones into *quar. */
size_t tt_heap_count_locked(size_t *quar) TT_HIDDEN;
/* With every lock held: the bytes of the live records, from the counters
 * (no walk over the blocks). */
uint64_t tt_heap_live_bytes_locked(void) TT_HIDDEN;
/* With every lock held: copies the untracked records (blocks the real
 * allocator made for tether's own libraries) into out, at most max; returns
 * how many there are. */
size_t tt_heap_snapshot_untracked_locked(struct tt_block *out, size_t max) TT_HIDDEN;

#endif
