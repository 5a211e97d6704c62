/* SPDX-License-Identifier: MIT */
/* The conservative mark: which live blocks are still reachable, possibly
 * lost, indirectly lost or definitely lost (Valgrind's definitions). Plain C
 * over an address-sorted array of blocks and root ranges handed in by the
 * caller, so unit tests drive it on synthetic heaps. */
#ifndef TT_SCAN_H
#define TT_SCAN_H

#include "tt_heap.h"

enum tt_leak_state {
  TT_STATE_REACHABLE = 0, /* a chain of start pointers from a root */
  TT_STATE_POSSIBLE = 1,  /* reached only through an interior pointer somewhere */
  TT_STATE_INDIRECT = 2,  /* unreached, pointed to by another lost block */
  TT_STATE_DEFINITE = 3,  /* unreached, no lost block points to it (or it leads a cycle) */
  TT_STATE_UNREACHED = 4, /* internal, before classification */
  TT_STATE_SUPPRESSED = 5 /* ignored (tether_ignore), or reached only from ignored blocks */
};

#define TT_SCAN_ROOT_PARENT UINT32_MAX /* parent of a block a root reached */

/* Valgrind's --leak-check-heuristics: interior pointers that C++ runtimes
 * and common libraries keep on purpose, which make a block reachable
 * rather than possibly lost. */
enum tt_heuristic {
  TT_HEUR_NONE = 0,
  TT_HEUR_STDSTRING,           /* a pre-C++11 std::string: {length, capacity, refcount, chars} */
  TT_HEUR_LENGTH64,            /* a 64-bit length of the rest, then the data (sqlite) */
  TT_HEUR_NEWARRAY,            /* new[] of objects with destructors: {count, elements} */
  TT_HEUR_MULTIPLEINHERITANCE, /* a pointer to a secondary base's vtable pointer */
  TT_HEUR_COUNT
};
#define TT_HEUR_BIT(h) (1u << (h))
#define TT_HEUR_ALL (TT_HEUR_BIT(TT_HEUR_STDSTRING) | TT_HEUR_BIT(TT_HEUR_LENGTH64) | \
                     TT_HEUR_BIT(TT_HEUR_NEWARRAY) | TT_HEUR_BIT(TT_HEUR_MULTIPLEINHERITANCE))
/* Valgrind's name of a heuristic ("newarray"). */
const char *tt_heuristic_name(unsigned h) TT_HIDDEN;

/* An address range (read-only data of loaded modules, for vtables). */
struct tt_range {
  uintptr_t lo, hi;
};

/* A word in live memory that points into a freed (quarantined) block. */
struct tt_dangling {
  uintptr_t where, value;
  long holder;        /* index of the live block holding the word, or -1 for a root */
  uint32_t target;    /* index into the quarantine array */
  uint8_t root_kind;  /* enum tt_root_kind, when holder is -1 */
};

/* A run of blocks with no gap of TT_SCAN_SEG_GAP between them, and its page
 * directory: dir[p] is the first block that starts at or after
 * lo + (p << shift), so a word's block is found among the few that start in
 * its page instead of by a binary search over every block. */
#define TT_SCAN_MAX_SEGS 64
#define TT_SCAN_PAGE_CACHE 64
#define TT_SCAN_SEG_GAP ((uintptr_t)16 << 20)
struct tt_scan_seg {
  uintptr_t lo, hi;     /* span of its blocks */
  uint32_t first, end;  /* its blocks: [first, end) */
  uint32_t *dir;        /* (hi - lo - 1 >> shift) + 2 entries */
  unsigned shift;       /* 12 (pages), more where the blocks are sparse */
};

struct tt_scan {
  const struct tt_block *blocks; /* sorted by address, non-overlapping */
  size_t n;
  uintptr_t *starts;  /* n: block start addresses (a compact copy for searching) */
  struct tt_scan_seg *segs; /* nsegs, sorted */
  size_t nsegs;
  uint8_t *state;     /* n: enum tt_leak_state */
  uint64_t *indirect; /* n: bytes indirectly lost under each clique leader */
  uint32_t *work;     /* 2n + 1: the mark stack */
  uint8_t *scanned;   /* n bits: blocks whose contents were looked at once */
  uint8_t *heur;      /* n: the heuristic that made the block reachable, or 0 */
  unsigned heuristics; /* TT_HEUR_BIT set in use (tt_scan_set_heuristics) */
  const struct tt_range *rodata; /* sorted: where vtables may be */
  size_t nrodata;
  size_t nwork;
  uintptr_t lo, hi;   /* [lo, hi): span of all blocks, the cheap filter */
  uint64_t words_scanned;
  /* Dangling pointers (optional): freed blocks sorted by address, where to
   * put what is found, and which places count (bit 1 << root kind for
   * roots, TT_SCAN_DANGLING_HEAP for live blocks). */
  const struct tt_block *q;
  size_t nq;
  /* Freed blocks still held (the quarantine), sorted: never roots (a big
   * one has a mapping of its own, which would otherwise read as "other
   * writable memory" with stale pointers in it). */
  const struct tt_block *skip;
  size_t nskip;
  /* tether's own blocks (the real allocator's, made for libdw, libunwind
   * and libc on tether's behalf), sorted: never roots either (a big one is
   * a mapping of its own; decompressed debug data is full of small numbers
   * that look like a non-PIE program's heap addresses). */
  const struct tt_block *own;
  size_t nown;
  uintptr_t qlo, qhi;
  struct tt_dangling *found;
  size_t nfound, maxfound;
  unsigned dangling_mask;
  int root_kind;      /* the kind of the root range being scanned */
  /* Why each block is alive (optional, see tt_scan_track_parents). */
  uint32_t *parent;   /* n: the block whose word reached it, or TT_SCAN_ROOT_PARENT */
  uintptr_t *via;     /* n: the address of that word (0 for a register) */
  uint8_t *via_kind;  /* n: the root kind, when a root reached it */
  bool rescan;        /* scanning a block a second time (Possible -> Reachable) */
  long current;          /* the block tt_scan_propagate is scanning, or -1 */
  bool current_definite; /* and whether a pointer from it is a definite one */
  /* Blocks with a page that cannot be read (tt_scan_set_limits): each is
   * read only up to that page. Sorted by block. */
  const struct tt_scan_limit *limits;
  size_t nlimits;
  /* Pages the heuristics asked the kernel about: page | 1, and whether it
   * can be read. */
  uintptr_t page_cache[TT_SCAN_PAGE_CACHE];
  bool page_ok[TT_SCAN_PAGE_CACHE];
};

struct tt_scan_limit {
  size_t block;
  uintptr_t end; /* the first byte that cannot be read */
};

/* The blocks whose contents cannot be read whole (found by the caller). */
static inline void tt_scan_set_limits(struct tt_scan *sc, const struct tt_scan_limit *l, size_t n) {
  sc->limits = l;
  sc->nlimits = n;
}

/* Where reading block i's contents ends: its end, or the first page that
 * cannot be read. */
static inline uintptr_t tt_scan_read_end(const struct tt_scan *sc, size_t i) {
  uintptr_t end = sc->blocks[i].addr + tt_block_size(&sc->blocks[i]);
  if (TT_UNLIKELY(sc->nlimits)) {
    size_t a = 0, b = sc->nlimits;
    while (a < b) {
      size_t mid = a + (b - a) / 2;
      if (sc->limits[mid].block < i)
        a = mid + 1;
      else
        b = mid;
    }
    if (a < sc->nlimits && sc->limits[a].block == i && sc->limits[a].end < end)
      end = sc->limits[a].end;
  }
  return end;
}

#define TT_SCAN_DANGLING_HEAP 0x100
#define TT_SCAN_DANGLING_START_ONLY 0x200 /* only words equal to a block's start */

/* Scans the rest of the block tt_scan_propagate was scanning, from from:
 * after a fault inside it (a page the program protected), the words beyond
 * that page. */
void tt_scan_resume_block(struct tt_scan *sc, uintptr_t from) TT_HIDDEN;

/* Bytes of scratch memory tt_scan_init needs for n blocks. */
size_t tt_scan_scratch_bytes(size_t n) TT_HIDDEN;
/* How many of them, from the start, every scan writes whole (the arrays a
 * byte or a word a block); the rest is written only where the scan needs
 * it (the mark stack, the cliques' totals): only the pages touched cost
 * memory, so only the first part is worth huge pages. */
size_t tt_scan_dense_bytes(size_t n) TT_HIDDEN;
/* Sets up a scan of blocks[0..n) (sorted by address) using scratch memory of
 * tt_scan_scratch_bytes(n) bytes, 8-byte aligned and zero-filled (a fresh
 * mapping: what is never written is never paid for). */
void tt_scan_init(struct tt_scan *sc, const struct tt_block *blocks, size_t n, void *scratch)
    TT_HIDDEN;
/* Sorts blocks by address; tmp has room for n blocks. */
void tt_scan_sort_blocks(struct tt_block *blocks, size_t n, struct tt_block *tmp) TT_HIDDEN;

/* Uses the heuristics in set (TT_HEUR_BIT), multipleinheritance with
 * vtables looked for in rodata[0..n) (sorted, not overlapping). */
void tt_scan_set_heuristics(struct tt_scan *sc, unsigned set, const struct tt_range *rodata,
                            size_t n) TT_HIDDEN;

/* Looks for pointers into the freed blocks q[0..nq) (sorted by address) in
 * the places mask names, recording up to max of them into out. */
void tt_scan_set_quarantine(struct tt_scan *sc, const struct tt_block *q, size_t nq,
                            struct tt_dangling *out, size_t max, unsigned mask) TT_HIDDEN;

/* Records, for every block the mark reaches, the word that reached it
 * (last improved its state): the chain tether_check_owner shows. Each array
 * has room for n entries. */
void tt_scan_track_parents(struct tt_scan *sc, uint32_t *parent, uintptr_t *via,
                           uint8_t *via_kind) TT_HIDDEN;

/* Index of the block containing addr (its start or inside; a zero-size block
 * counts as one byte), or -1. */
long tt_scan_find(const struct tt_scan *sc, uintptr_t addr) TT_HIDDEN;

/* Marks from a root range [lo, hi): every aligned word in it that points into
 * a block. Parts of the range that are themselves live blocks are skipped:
 * a block is scanned only when something reaches it. */
void tt_scan_root_range(struct tt_scan *sc, uintptr_t lo, uintptr_t hi) TT_HIDDEN;
/* Freed blocks (sorted by address) that root ranges must leave out. */
void tt_scan_set_skip(struct tt_scan *sc, const struct tt_block *skip, size_t n) TT_HIDDEN;
/* tether's own blocks (sorted by address) that root ranges must leave out. */
void tt_scan_set_own(struct tt_scan *sc, const struct tt_block *own, size_t n) TT_HIDDEN;
/* Whether a live, freed (skip-listed) or own block starts in [lo, hi). */
bool tt_scan_has_block_in(const struct tt_scan *sc, uintptr_t lo, uintptr_t hi) TT_HIDDEN;
/* Calls fn for every block (live, freed or own) that starts in [lo, hi),
 * until fn returns false; returns false then, true otherwise. */
bool tt_scan_all_blocks_in(const struct tt_scan *sc, uintptr_t lo, uintptr_t hi,
                           bool (*fn_cb)(const struct tt_block *b, void *arg), void *arg) TT_HIDDEN;
/* Calls fn for each part of [lo, hi) that no live block (and no block set
 * with tt_scan_set_skip or tt_scan_set_own) covers. */
void tt_scan_for_gaps(const struct tt_scan *sc, uintptr_t lo, uintptr_t hi,
                      void (*fn_cb)(uintptr_t lo, uintptr_t hi, void *arg), void *arg) TT_HIDDEN;
/* Marks from a root range [lo, hi) scanned whole, live blocks inside it
 * included (memory the program registered as a root). */
void tt_scan_root_range_all(struct tt_scan *sc, uintptr_t lo, uintptr_t hi) TT_HIDDEN;
/* Marks from n words held elsewhere (saved registers). */
void tt_scan_root_words(struct tt_scan *sc, const uintptr_t *words, size_t n) TT_HIDDEN;
/* Marks everything reachable from what the roots reached. */
void tt_scan_propagate(struct tt_scan *sc) TT_HIDDEN;
/* After tt_scan_propagate: blocks flagged TT_BLOCK_IGNORED, and what only
 * they reach (unreached or possibly reached), become Suppressed. */
void tt_scan_suppress_ignored(struct tt_scan *sc) TT_HIDDEN;
/* Splits the unreached blocks into definitely and indirectly lost (cliques). */
void tt_scan_classify(struct tt_scan *sc) TT_HIDDEN;

#endif
