/* SPDX-License-Identifier: MIT */
/* The stack depot: every distinct allocation stack stored once, named by a
 * 32-bit id (LSan's StackDepot idea). Id 0 means "no stack". */
#ifndef TT_STACKS_H
#define TT_STACKS_H

#include "tt_common.h"

#define TT_MAX_FRAMES 256

/* The id of this stack (interned on first sight); 0 if out of memory.
 * Lock-free when the calling thread saw the same stack recently. */
uint32_t tt_stacks_intern(const uintptr_t *pcs, int n) TT_HIDDEN;
/* Captures the calling thread's stack (up to max frames, the leading ones in
 * [skip_lo, skip_hi) dropped) and returns its id. ra_slot is the address
 * of the return address of the outermost tether frame (the allocation
 * function's). A per-thread cache remembers, for a hot call path, where
 * each frame's return address is kept; when every one of them still holds
 * the same value, the stack is the same and the unwind is skipped. */
uint32_t tt_stacks_capture(uintptr_t ra_slot, int max, uintptr_t skip_lo, uintptr_t skip_hi)
    TT_HIDDEN;
/* Counters of the capture cache, for -v (relaxed: read while threads run). */
struct tt_capture_stats {
  uint64_t hits, misses;   /* captures answered by the cache / unwound */
  uint64_t fills, failed;  /* slot lookups (a stack read or a frame walk), and those that failed */
  uint64_t walks;          /* fills done with the frame walk (the stack's bounds unknown) */
};
void tt_stacks_capture_stats(struct tt_capture_stats *st) TT_HIDDEN;
/* The calling thread is exiting: its hit counter goes back for reuse. */
void tt_stacks_thread_exiting(void) TT_HIDDEN;
/* The calling thread's stack, [lo, hi): a fill then finds the return
 * addresses of a captured stack by reading it upward from the entry point's
 * slot, instead of walking the frames again with libunwind (which blocks
 * signals around its table search: two system calls a frame). Unset, or a
 * slot outside it (a signal stack, a coroutine): the walk. */
void tt_stacks_set_thread_stack(uintptr_t lo, uintptr_t hi) TT_HIDDEN;

/* Calls fn(arg) on the calling thread's stack if at least need bytes of it
 * are left below the stack pointer (by the bounds tt_stacks_set_thread_stack
 * gave), else on a stack of tether's own (tt_os_call_on_own_stack). Error
 * reports run so: a thread may have a 16 KB stack, and symbolizing a report
 * takes far more. */
void tt_stacks_call_with_room(void (*fn)(void *), void *arg, size_t need) TT_HIDDEN;

/* The frames of id; returns their number (0 for id 0 or an unknown id). */
int tt_stacks_get(uint32_t id, const uintptr_t **pcs) TT_HIDDEN;
/* How many distinct stacks, and the bytes they use. */
uint32_t tt_stacks_count(void) TT_HIDDEN;
size_t tt_stacks_bytes(void) TT_HIDDEN;
/* fork and the stopped world: take and release every depot lock. */
void tt_stacks_lock_all(void) TT_HIDDEN;
void tt_stacks_unlock_all(void) TT_HIDDEN;

#endif
