/* SPDX-License-Identifier: MIT */
/* The quarantine: freed blocks kept back from reuse, bounded in bytes
 * (--freelist-vol), filled with a pattern. A block whose pattern changed by
 * the time it leaves (or at exit) was written after it was freed. */
#ifndef TT_QUARANTINE_H
#define TT_QUARANTINE_H

#include "tt_common.h"

#define TT_QUARANTINE_PATTERN 0xFB
/* Bytes of a freed block filled and checked: the head of a large block. */
#define TT_QUARANTINE_FILL_MAX ((size_t)64)

struct tt_quarantine_hooks {
  /* Gives a block back to the allocator (the real free); flags are its
   * record's (tt_block_flags) as the index had it, or -1 if it had none. */
  void (*release)(void *p, int flags);
  /* Bytes first..last of the block at addr (size bytes) changed while it
   * waited; called before the block is released. */
  void (*modified)(uintptr_t addr, size_t size, size_t first, size_t last);
};

/* volume: bytes to hold at most (0: no quarantine). */
void tt_quarantine_init(size_t volume, const struct tt_quarantine_hooks *hooks) TT_HIDDEN;
size_t tt_quarantine_volume(void) TT_HIDDEN;
/* Fills the freed block [addr, addr + size) with the pattern and queues it
 * (a few frees later: queueing is batched per thread), then evicts the oldest blocks (checked, removed from the heap index,
 * released) while the quarantine holds more than its volume. Returns false,
 * doing nothing, when the block is larger than the whole volume: the caller
 * releases it. */
bool tt_quarantine_push(uintptr_t addr, size_t size) TT_HIDDEN;
/* Queues the calling thread's pending frees now (a thread that exits, a
 * check about to look at the quarantine). */
void tt_quarantine_flush_thread(void) TT_HIDDEN;
/* The calling thread is exiting: queue its batch, and from now on queue
 * every free at once (the program's own thread-exit destructors, and
 * glibc's, free after tether's). */
void tt_quarantine_thread_exiting(void) TT_HIDDEN;
/* Checks the pattern of every block still queued (at exit), with faults
 * caught (tt_os_call_catching_faults: one check at a time, see
 * tt_check_verify_quarantine); returns how many blocks could not be read. */
size_t tt_quarantine_check_all(void) TT_HIDDEN;
/* The program is about to unmap [lo, hi), protect it or throw its
 * contents away (munmap, mprotect, madvise...) while freed blocks there
 * wait here. Natively the allocator had them back at the free and would
 * not look at them again; here evicting one would read its fill and give it
 * back, and fault. So each block there is checked now (a write after its
 * free is reported, unless !check: tether is disabled), its record goes,
 * and it is forgotten: it leaves the quarantine untouched and never goes
 * back to the allocator. The calling thread's frees not yet queued are
 * queued first; another thread's last few (up to 16) are not seen, and
 * evictions under way in other threads are waited for (20 ms at most).
 * Returns how many blocks were forgotten. */
size_t tt_quarantine_forsake(uintptr_t lo, uintptr_t hi, bool check) TT_HIDDEN;
/* Blocks and bytes forgotten so far (for -v). */
void tt_quarantine_forsaken(size_t *blocks, size_t *bytes) TT_HIDDEN;

/* Bytes and blocks queued now. */
void tt_quarantine_stats(size_t *bytes, size_t *blocks) TT_HIDDEN;

/* The pattern check itself: true if any of the first min(size,
 * TT_QUARANTINE_FILL_MAX) bytes of p differ from the pattern; *first and
 * *last are the first and last differing byte offsets. */
bool tt_quarantine_find_modified(const void *p, size_t size, size_t *first, size_t *last)
    TT_HIDDEN;

/* fork and the stopped world: every quarantine lock. */
void tt_quarantine_lock_all(void) TT_HIDDEN;
void tt_quarantine_unlock_all(void) TT_HIDDEN;

#endif
