/* SPDX-License-Identifier: MIT */
/* Reference cycles among lost blocks (strongly connected components of the
 * graph of pointers between definitely and indirectly lost blocks), what
 * hangs off each, and the refcount audit of blocks the program registered
 * as refcounted. Plain C over a finished scan (tt_scan.h), so unit tests
 * drive it on synthetic heaps; scratch memory comes from tt_os_map. */
#ifndef TT_CYCLES_H
#define TT_CYCLES_H

#include "tt_scan.h"

/* The cycles of one scan. Members of cycle c are members[first[c] ..
 * first[c + 1]), block indices in the order a walk along their pointers
 * meets them (the lowest address first); member k points to member next[k]
 * (an index into members) by the word at offset[k] of its block. */
struct tt_cycles {
  size_t ncycles;
  uint32_t *first;        /* ncycles + 1 */
  uint32_t *members;      /* all members, cycle after cycle */
  uint32_t *next;         /* per member: the member it points to */
  uint64_t *offset;       /* per member: where in its block that pointer is */
  uint64_t *bytes;        /* per cycle: the members' bytes */
  uint8_t *ring;          /* per cycle: 1 when each member points to exactly one
                             other member (a simple ring: any one pointer made
                             weak breaks it), 0 for a richer structure */
  uint64_t *hang_blocks;  /* per cycle: lost blocks only this cycle reaches */
  uint64_t *hang_bytes;
  /* internal */
  void *mem;
  size_t mem_bytes;
};

/* Finds the cycles among the lost blocks of a classified scan: components
 * of two or more blocks, and single blocks that point to themselves. Linear
 * in blocks plus pointers (iterative Tarjan: no recursion). Returns 0, or
 * -ENOMEM (then *out is empty). */
int tt_cycles_find(const struct tt_scan *sc, struct tt_cycles *out) TT_HIDDEN;
void tt_cycles_free(struct tt_cycles *c) TT_HIDDEN;

/* ---- refcount audit ---------------------------------------------------------
 * For each refcounted block: its count as read, and the references to its
 * start found in roots and in live blocks (interior pointers do not count;
 * a pointer to itself does), and how many of those sit in lost blocks. */
struct tt_refcount {
  uint32_t block;        /* index into the scan's blocks */
  uint8_t count_size;    /* 1, 2, 4 or 8; 0: the count could not be read */
  uintptr_t field;       /* where the count is */
  uint64_t count;
  uint64_t refs, refs_from_lost;
};

/* Counts references to rc[i].block's start (rc sorted by block index) in
 * the root range [lo, hi): the parts no live block covers (kind: a root
 * range scanned whole counts everything, e.g. registered roots). */
void tt_refcount_count_range(const struct tt_scan *sc, struct tt_refcount *rc, size_t nrc,
                             uintptr_t lo, uintptr_t hi, bool whole) TT_HIDDEN;
/* ... in n words held elsewhere (saved registers). */
void tt_refcount_count_words(const struct tt_scan *sc, struct tt_refcount *rc, size_t nrc,
                             const uintptr_t *words, size_t n) TT_HIDDEN;
/* ... in every live block, the object itself included (after
 * classification: a word in a definitely or indirectly lost block also
 * counts as from lost). */
void tt_refcount_count_blocks(const struct tt_scan *sc, struct tt_refcount *rc, size_t nrc)
    TT_HIDDEN;

#endif
