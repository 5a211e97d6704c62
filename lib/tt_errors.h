/* SPDX-License-Identifier: MIT */
/* Lifetime errors: double, invalid and mismatched frees, writes after free,
 * dangling pointers. Each is reported once per distinct context (kind and
 * the stack that explains it), as it happens, in Valgrind's layout with up
 * to three stacks; every occurrence is counted for the ERROR SUMMARY. */
#ifndef TT_ERRORS_H
#define TT_ERRORS_H

#include "tt_heap.h"
#include "tt_options.h"
#include "tt_roots.h"

enum tt_error_kind {
  TT_ERR_INVALID_FREE,
  TT_ERR_DOUBLE_FREE,
  TT_ERR_MISMATCHED_FREE,
  TT_ERR_WRITE_AFTER_FREE,
  TT_ERR_DANGLING_POINTER,
  TT_ERR_REFCOUNT_HIGH, /* a refcounted block's count exceeds the references found */
  TT_ERR_REFCOUNT_LOW,  /* ... is below them */
  TT_ERR_KIND_COUNT
};

void tt_errors_init(const struct tt_options *opts) TT_HIDDEN;

/* A release (how, at stack) of addr that must not happen. b: the record at
 * addr when there is one (the freed block of a double free, the live block
 * of a mismatched free), else NULL (invalid free: the address is described). */
void tt_errors_bad_free(enum tt_error_kind kind, enum tt_release_kind how, uint32_t stack,
                        uintptr_t addr, const struct tt_block *b) TT_HIDDEN;
/* Bytes first..last of the quarantined block at addr changed. */
void tt_errors_write_after_free(uintptr_t addr, size_t size, size_t first, size_t last) TT_HIDDEN;
/* A word at where (in a root of kind root_kind, or inside the live block
 * holder when holder is not NULL) points into the freed block target. */
void tt_errors_dangling(uintptr_t where, enum tt_root_kind root_kind,
                        const struct tt_block *holder, uintptr_t value,
                        const struct tt_block *target) TT_HIDDEN;

/* A refcounted block b whose count (count_size bytes at field) disagrees
 * with the refs references to its start the check found. */
void tt_errors_refcount(enum tt_error_kind kind, const struct tt_block *b, uint64_t count,
                        unsigned count_size, uintptr_t field, uint64_t refs) TT_HIDDEN;

/* fork: the errors lock (see tt_check_fork_prepare for the order). */
void tt_errors_lock(void) TT_HIDDEN;
void tt_errors_unlock(void) TT_HIDDEN;

/* One distinct error (its first occurrence), for machine-readable reports. */
struct tt_error_info {
  enum tt_error_kind kind;
  uint64_t count;          /* occurrences */
  uint32_t stack;          /* where it happened: the bad call's stack (frees), or
                              the free stack (write after free, dangling), or the
                              allocation stack (refcounts) */
  unsigned how;            /* release kind of the bad call or of the free */
  uint32_t free_stack;     /* where the block was freed, or 0 */
  unsigned free_how;       /* how it was freed */
  uint32_t alloc_stack;    /* where it was allocated, or 0 */
  unsigned alloc_kind;
  uintptr_t addr;          /* the address in question */
  size_t size;             /* the block's size, or 0 */
  size_t offset;           /* addr's offset in the block */
  size_t before;           /* or, for a release of an address in the bytes just
                              before the block (tether's header), how many */
  uint64_t count_value, refs; /* refcounts */
};
/* Calls fn for every distinct error not suppressed, in the order they
 * happened, with the errors lock held. */
void tt_errors_for_each(void (*fn_cb)(const struct tt_error_info *e, void *arg), void *arg)
    TT_HIDDEN;
/* Occurrences suppressed, and (contexts, may be NULL) distinct ones. */
uint64_t tt_errors_suppressed(uint64_t *contexts) TT_HIDDEN;

/* Occurrences and distinct contexts reported so far. */
void tt_errors_counts(uint64_t *errors, uint64_t *contexts) TT_HIDDEN;
/* A stable name for each kind ("double_free", ...), for tests and JSON. */
const char *tt_error_kind_id(enum tt_error_kind kind) TT_HIDDEN;

#endif
