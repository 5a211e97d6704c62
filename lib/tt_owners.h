/* SPDX-License-Identifier: MIT */
/* Owners: owner names <-> 32-bit ids, each thread's scope stack, and the
 * stacks of tether_transfer calls. What the public API drives; the heap
 * index keeps only the id. Id 0 is "unowned". */
#ifndef TT_OWNERS_H
#define TT_OWNERS_H

#include "tt_common.h"

/* The id of name, made on first use (the name is copied); 0 for NULL or "",
 * and when tether is out of memory (then it disables). Names longer than
 * TT_OWNER_NAME_MAX bytes are cut there. */
#define TT_OWNER_NAME_MAX 256
uint32_t tt_owners_intern(const char *name) TT_HIDDEN;
/* The id of name if it exists, else 0 (makes nothing). */
uint32_t tt_owners_find(const char *name) TT_HIDDEN;
/* The name of id (tether's copy, valid for the run), or NULL for 0 and for
 * an id never handed out. */
const char *tt_owners_name(uint32_t id) TT_HIDDEN;
/* How many owner names exist (ids run 1..count). */
uint32_t tt_owners_count(void) TT_HIDDEN;

/* ---- scopes (per thread) -------------------------------------------------- */
#define TT_OWNER_SCOPE_MAX 64
/* The owner new blocks of this thread get: the innermost scope's, or 0. */
extern __thread uint32_t tt_owner_current TT_HIDDEN __attribute__((tls_model("initial-exec")));
static inline uint32_t tt_owners_current(void) { return tt_owner_current; }
/* Enters a scope of owner id. Scopes deeper than TT_OWNER_SCOPE_MAX are
 * counted, and their pops restore the deepest remembered owner. */
void tt_owners_push(uint32_t id) TT_HIDDEN;
/* Leaves the innermost scope; false if there is none. */
bool tt_owners_pop(void) TT_HIDDEN;
/* This thread's scope depth. */
unsigned tt_owners_depth(void) TT_HIDDEN;

/* ---- what a few blocks carry besides their record ----------------------------
 * The stack of the latest tether_transfer of a block (its record carries
 * TT_BLOCK_TRANSFERRED), and where the count of a block registered with
 * tether_refcounted is (TT_BLOCK_REFCOUNTED). */
void tt_owners_set_transfer(uintptr_t addr, uint32_t stack) TT_HIDDEN;
/* 0 when the block has none. */
uint32_t tt_owners_transfer_of(uintptr_t addr) TT_HIDDEN;
/* Forgets the transfer stack only. */
void tt_owners_forget_transfer(uintptr_t addr) TT_HIDDEN;
/* The count of the block at addr is the size-byte unsigned integer at field
 * (1, 2, 4 or 8); block_size tells whether field lies inside the block (then
 * it moves with it). false when tether is out of memory. */
bool tt_owners_set_refcount(uintptr_t addr, size_t block_size, uintptr_t field, unsigned size)
    TT_HIDDEN;
/* With tt_owners_lock held (a stopped world): where the block's count is;
 * false if it has none. */
bool tt_owners_refcount_locked(uintptr_t addr, uintptr_t *field, unsigned *size) TT_HIDDEN;
/* The block was freed: forget all it carried. */
void tt_owners_forget_block(uintptr_t addr) TT_HIDDEN;
/* realloc moved the block: what it carried goes along. */
void tt_owners_move_block(uintptr_t from, uintptr_t to) TT_HIDDEN;

/* fork (see tt_check_fork_prepare for the order). */
void tt_owners_lock(void) TT_HIDDEN;
void tt_owners_unlock(void) TT_HIDDEN;

#endif
