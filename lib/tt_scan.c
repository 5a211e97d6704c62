/* SPDX-License-Identifier: MIT */
/* The conservative mark and the leak classification.
 *
 * ==== How it works ========================================================
 *
 * Roots. The caller hands in root ranges: the writable data of every module,
 * every thread's stack from its stack pointer up, saved registers, TLS, and
 * other writable memory that is neither allocator memory nor tether's own.
 * Any aligned word in a root whose value falls inside a live block is taken
 * as a pointer to it: we cannot tell an integer from a pointer, so we do
 * what a conservative collector does and err towards "reachable". A false
 * "reachable" hides a leak; a false "lost" would be a false report, which is
 * worse.
 *
 * Start and interior pointers. A word equal to a block's first address is a
 * start pointer; a word inside the block is an interior pointer. A block of
 * size zero counts as one byte, so its start pointer still finds it.
 *
 * Mark (Valgrind's lc_push_if_a_chunk_ptr / lc_process_markstack). Every
 * block starts Unreached. Scanning a root, or a block already Reachable, is
 * "definite": a start pointer makes the target Reachable, an interior pointer
 * makes it Possible. Scanning a Possible block is not definite: whatever it
 * reaches is at most Possible. A block is pushed on the explicit mark stack
 * when its state improves (Unreached -> Possible -> Reachable), so each block
 * is scanned at most twice and the stack never needs more than 2n + 1 slots.
 * No recursion: a list of a million nodes costs no C stack.
 *
 * Cliques (Valgrind's "clique" pass). What the mark did not reach is lost.
 * Walking the unreached blocks in address order, each still-unreached block
 * leads a clique: everything it reaches (start or interior pointer) that is
 * still unreached becomes Indirectly lost, and its bytes are added to the
 * leader's indirect total. When a clique reaches the leader of an earlier
 * clique, that leader becomes indirect too and hands its total over. Leaders
 * that nobody else reaches stay as they are: Definitely lost. So a lost tree
 * is one definite root with the rest indirect, and a lost cycle is one
 * definite block (the lowest address) with the rest indirect: Valgrind's
 * numbers exactly. A block pointing to itself does not reach itself.
 *
 * Ignored blocks (tether_ignore). After the mark from the roots and before
 * the cliques, each ignored block and whatever it alone reaches (still
 * unreached, or reached only through interior pointers) become Suppressed:
 * an intentional leak takes what hangs off it along. What a root reaches by
 * a start pointer stays Reachable.
 *
 * Why a block is alive (tether_check_owner). On request the mark records,
 * for every block whose state it sets or improves, the block and the word
 * that did it. A Reachable block's record points at a block that was already
 * Reachable, which never changes again: following the records from any
 * block ends at a root, without a loop.
 *
 * The four categories, then:
 *   still reachable  start-pointer chain from a root
 *   possibly lost    reached, but some link of every chain is interior
 *   indirectly lost  unreached; another lost block points to it
 *   definitely lost  unreached; no lost block points to it, or it leads a cycle
 */
#include "tt_scan.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "tt_os.h"
#include "tt_sort.h"

/* ======================================================================== */
/* set-up and sorting                                                        */
/* ======================================================================== */

/* Segments for n blocks (each holds one at least), and their directory
 * entries: a segment of k blocks gets at most 2k + 64 (its shift grows
 * until they fit). */
static size_t max_segs(size_t n) { return n < TT_SCAN_MAX_SEGS ? n : TT_SCAN_MAX_SEGS; }
static size_t dir_bytes(size_t n) { return (2 * n + 64 * max_segs(n)) * sizeof(uint32_t); }

size_t tt_scan_dense_bytes(size_t n) { return n * sizeof(uintptr_t) + TT_ALIGN_UP(n, 8); }

size_t tt_scan_scratch_bytes(size_t n) {
  size_t bytes = n * sizeof(uintptr_t) + n * sizeof(uint64_t) + (2 * n + 1) * sizeof(uint32_t) +
                 TT_ALIGN_UP(n, 8) + TT_ALIGN_UP(n / 8 + 1, 8) + TT_ALIGN_UP(n, 8);
  if (n) /* 8 to align the segments */
    bytes += 8 + max_segs(n) * sizeof(struct tt_scan_seg) + dir_bytes(n);
  return bytes;
}

static inline uintptr_t block_end(const struct tt_scan *sc, size_t i) {
  size_t size = tt_block_size(&sc->blocks[i]);
  return sc->starts[i] + (size ? size : 1);
}

/* Splits the blocks into segments at gaps of TT_SCAN_SEG_GAP (the last of
 * TT_SCAN_MAX_SEGS takes the rest) and fills each one's directory. */
static void build_directory(struct tt_scan *sc, uint32_t *dir) {
  const size_t n = sc->n;
  sc->nsegs = 0;
  for (size_t i = 0; i < n;) {
    struct tt_scan_seg *g = &sc->segs[sc->nsegs++];
    uintptr_t end = block_end(sc, i);
    size_t j = i + 1;
    for (; j < n; j++) {
      if (sc->nsegs < TT_SCAN_MAX_SEGS && sc->starts[j] - end > TT_SCAN_SEG_GAP)
        break;
      end = block_end(sc, j);
    }
    g->lo = sc->starts[i];
    g->hi = end;
    g->first = (uint32_t)i;
    g->end = (uint32_t)j;
    unsigned shift = 12;
    while (((g->hi - g->lo - 1) >> shift) + 2 > 2 * (j - i) + 64)
      shift++;
    size_t pages = ((g->hi - g->lo - 1) >> shift) + 1;
    g->shift = shift;
    g->dir = dir;
    dir += pages + 1;
    size_t k = i;
    for (size_t p = 0; p <= pages; p++) {
      uintptr_t page_lo = g->lo + ((uintptr_t)p << shift);
      while (k < j && sc->starts[k] < page_lo)
        k++;
      g->dir[p] = (uint32_t)k;
    }
    i = j;
  }
}

void tt_scan_init(struct tt_scan *sc, const struct tt_block *blocks, size_t n, void *scratch) {
  memset(sc, 0, sizeof *sc);
  sc->current = -1;
  sc->blocks = blocks;
  sc->n = n;
  /* the dense arrays first (tt_scan_dense_bytes), then those written
   * where needed, zero until then */
  char *p = scratch;
  sc->starts = (uintptr_t *)p;
  p += n * sizeof(uintptr_t);
  sc->state = (uint8_t *)p;
  p += TT_ALIGN_UP(n, 8);
  sc->indirect = (uint64_t *)p;
  p += n * sizeof(uint64_t);
  sc->work = (uint32_t *)p;
  p += (2 * n + 1) * sizeof(uint32_t);
  sc->scanned = (uint8_t *)p;
  p += TT_ALIGN_UP(n / 8 + 1, 8);
  sc->heur = (uint8_t *)p;
  p = (char *)TT_ALIGN_UP((uintptr_t)(p + n), 8);
  sc->segs = (struct tt_scan_seg *)p;
  p += max_segs(n) * sizeof(struct tt_scan_seg);
  uint32_t *dir = (uint32_t *)p;
  sc->lo = sc->hi = 0; /* an empty span: the range filter rejects every word */
  for (size_t i = 0; i < n; i++) {
    sc->starts[i] = blocks[i].addr;
    sc->state[i] = TT_STATE_UNREACHED;
  }
  if (n) {
    size_t last = tt_block_size(&blocks[n - 1]);
    sc->lo = blocks[0].addr;
    sc->hi = blocks[n - 1].addr + (last ? last : 1);
    build_directory(sc, dir);
  }
}

/* By address (tt_sort.h): linear, where qsort of two million records costs
 * a third of a second. */
static void radix_sort(struct tt_block *blocks, size_t n, struct tt_block *tmp);

/* The snapshot lists the headers' blocks in address order (the sweep reads
 * the memory map upward) and then the index's (blocks without a header:
 * aligned ones, tether's own), which are few: the blocks are sorted but for
 * a few. Those few are taken out in one pass (every block below the last
 * one kept), sorted alone and merged back from the end; only input with
 * many of them is radix-sorted whole. Sorted input leaves tmp untouched. */
void tt_scan_sort_blocks(struct tt_block *blocks, size_t n, struct tt_block *tmp) {
  if (n < 2)
    return;
  size_t k = 1, m = 0;
  for (size_t i = 1; i < n; i++) {
    if (blocks[i].addr >= blocks[k - 1].addr)
      blocks[k++] = blocks[i];
    else
      tmp[m++] = blocks[i];
  }
  if (m == 0)
    return;
  if (m > n / 8) { /* put the input back together and sort it whole */
    memcpy(blocks + k, tmp, m * sizeof *tmp);
    radix_sort(blocks, n, tmp);
    return;
  }
  radix_sort(tmp, m, blocks + k); /* blocks[k..n) is free: m records */
  size_t i = k, j = m, out = n;
  while (j > 0) {
    if (i > 0 && blocks[i - 1].addr > tmp[j - 1].addr)
      blocks[--out] = blocks[--i];
    else
      blocks[--out] = tmp[--j];
  }
}

static void radix_sort(struct tt_block *blocks, size_t n, struct tt_block *tmp) {
  static size_t count[TT_SORT_BUCKETS];
  tt_radix_sort(blocks, n, sizeof *blocks, offsetof(struct tt_block, addr), tmp, count);
}

/* ======================================================================== */
/* lookup                                                                    */
/* ======================================================================== */

long tt_scan_find(const struct tt_scan *sc, uintptr_t addr) {
  if (!sc->n || addr - sc->lo >= sc->hi - sc->lo)
    return -1;
  const struct tt_scan_seg *g = sc->segs;
  if (sc->nsegs > 1) { /* the last segment that starts at or below addr */
    size_t a = 0, b = sc->nsegs;
    while (b - a > 1) {
      size_t mid = a + (b - a) / 2;
      if (g[mid].lo <= addr)
        a = mid;
      else
        b = mid;
    }
    g += a;
  }
  if (addr >= g->hi)
    return -1; /* in a gap between segments */
  /* The last block whose start is <= addr: the last one starting before
   * addr's page, or one of those starting in it. */
  size_t page = (addr - g->lo) >> g->shift;
  size_t lo = g->dir[page], hi = g->dir[page + 1];
  lo = lo > g->first ? lo - 1 : g->first;
  if (hi <= lo)
    hi = lo + 1;
  const uintptr_t *s = sc->starts;
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (s[mid] <= addr)
      lo = mid;
    else
      hi = mid;
  }
  size_t size = tt_block_size(&sc->blocks[lo]);
  if (addr >= s[lo] && addr - s[lo] < (size ? size : 1))
    return (long)lo;
  return -1;
}

/* ======================================================================== */
/* mark                                                                      */
/* ======================================================================== */

static inline void push(struct tt_scan *sc, size_t i) { sc->work[sc->nwork++] = (uint32_t)i; }

/* A pointer value w was found while scanning something definite (a root or a
 * Reachable block) or not (a Possible block). self: the block being scanned,
 * or -1 for roots. */
/* ======================================================================== */
/* heuristics (Valgrind's --leak-check-heuristics)                           */
/* ======================================================================== */

static const char *const heur_names[TT_HEUR_COUNT] = {"none", "stdstring", "length64", "newarray",
                                                     "multipleinheritance"};

const char *tt_heuristic_name(unsigned h) { return h < TT_HEUR_COUNT ? heur_names[h] : "?"; }

void tt_scan_set_heuristics(struct tt_scan *sc, unsigned set, const struct tt_range *rodata,
                            size_t n) {
  sc->heuristics = set;
  sc->rodata = rodata;
  sc->nrodata = n;
}

static bool in_rodata(const struct tt_scan *sc, uintptr_t a) {
  size_t lo = 0, hi = sc->nrodata;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (a < sc->rodata[mid].lo)
      hi = mid;
    else if (a >= sc->rodata[mid].hi)
      lo = mid + 1;
    else
      return true;
  }
  return false;
}

/* A plausible vtable pointer: aligned, above page 0, into a module's
 * read-only data (where .data.rel.ro keeps vtables once relocated). */
static bool vtable_like(const struct tt_scan *sc, uintptr_t v) {
  return (v & (sizeof(uintptr_t) - 1)) == 0 && v >= 4096 && in_rodata(sc, v);
}

/* The word at a, inside block b, read while another block or a root is
 * being scanned, so a fault there could not be stepped over: on the page of
 * b's header, which the heap's sweep has read already, it is read where it
 * is; elsewhere (a block without a header, a word further in) only once the
 * kernel has said the page can be read (process_vm_readv, or where a
 * sandbox refuses that, the pipe probe), remembered a page at a time: a
 * C++ program keeps millions of interior pointers into a few aligned
 * blocks. */
static bool block_word(struct tt_scan *sc, const struct tt_block *b, uintptr_t a, uint64_t *out) {
  uintptr_t page = a & ~(uintptr_t)4095;
  if ((tt_block_flags(b) & TT_BLOCK_PREFIXED) && (b->addr & 4095) >= TT_HEAP_PREFIX &&
      page == (b->addr & ~(uintptr_t)4095) && !(a >> 47)) {
    *out = *(const uint64_t *)a;
    return true;
  }
  size_t slot = (page >> 12) % TT_SCAN_PAGE_CACHE;
  if (sc->page_cache[slot] != (page | 1)) {
    uint64_t probe;
    bool ok = tt_os_read_memory(a, &probe, sizeof probe) ||
              (errno != EFAULT && tt_os_readable(page, page + 1) > 0);
    sc->page_cache[slot] = page | 1;
    sc->page_ok[slot] = ok;
  }
  if (!sc->page_ok[slot])
    return false;
  *out = *(const uint64_t *)a;
  return true;
}

/* Which heuristic, if any, explains the interior pointer w into block i
 * (the block is live and the world stopped). */
static unsigned heuristic_of(struct tt_scan *sc, size_t i, uintptr_t w) {
  const struct tt_block *b = &sc->blocks[i];
  uintptr_t start = b->addr;
  size_t size = tt_block_size(b);
  unsigned set = sc->heuristics;
  bool mi = (set & TT_HEUR_BIT(TT_HEUR_MULTIPLEINHERITANCE)) && sc->nrodata &&
            (w & (sizeof(uintptr_t) - 1)) == 0 && w + sizeof(uintptr_t) <= start + size;
  /* the first word is read only where some heuristic would look at it */
  if (size < sizeof(uint64_t) ||
      (!mi && w != start + sizeof(uint64_t) && w != start + 3 * sizeof(uint64_t)))
    return TT_HEUR_NONE;
  uint64_t word[2] = {0, 0}; /* malloc's blocks are 16-aligned */
  if (!block_word(sc, b, start, &word[0]))
    return TT_HEUR_NONE;
  if ((set & TT_HEUR_BIT(TT_HEUR_STDSTRING)) && w == start + 3 * sizeof(uint64_t) &&
      size >= 3 * sizeof(uint64_t) && block_word(sc, b, start + sizeof(uint64_t), &word[1])) {
    uint64_t length = word[0], capacity = word[1];
    if (3 * sizeof(uint64_t) + capacity + 1 == size && length <= capacity)
      return TT_HEUR_STDSTRING;
  }
  if ((set & TT_HEUR_BIT(TT_HEUR_LENGTH64)) && w == start + sizeof(uint64_t) &&
      size >= sizeof(uint64_t)) {
    if (word[0] > 0 && size - sizeof(uint64_t) == word[0])
      return TT_HEUR_LENGTH64;
  }
  if ((set & TT_HEUR_BIT(TT_HEUR_NEWARRAY)) && w == start + sizeof(uint64_t) &&
      size >= sizeof(uint64_t)) {
    uint64_t count = word[0];
    if (count > 0 && (size - sizeof(uint64_t)) % count == 0)
      return TT_HEUR_NEWARRAY;
  }
  if (mi) {
    uint64_t at_w;
    if (vtable_like(sc, word[0]) && block_word(sc, b, w, &at_w) && vtable_like(sc, at_w))
      return TT_HEUR_MULTIPLEINHERITANCE;
  }
  return TT_HEUR_NONE;
}

/* Returns whether w points into a live block (then not into a freed one:
 * blocks do not overlap). */
static inline bool mark_word(struct tt_scan *sc, const uintptr_t *p, uintptr_t w, bool definite,
                             long self) {
  long i = tt_scan_find(sc, w);
  if (i < 0)
    return false;
  if (i == self)
    return true;
  uint8_t old = sc->state[i];
  bool at_start = w == sc->starts[i];
  if (old == TT_STATE_REACHABLE) {
    if (at_start && definite)
      sc->heur[i] = TT_HEUR_NONE; /* reachable in its own right after all */
    return true;
  }
  unsigned heur = TT_HEUR_NONE;
  if (!at_start && definite && sc->heuristics)
    heur = heuristic_of(sc, (size_t)i, w);
  uint8_t want =
      (definite && (at_start || heur)) ? TT_STATE_REACHABLE : TT_STATE_POSSIBLE;
  if (old == TT_STATE_UNREACHED || (old == TT_STATE_POSSIBLE && want == TT_STATE_REACHABLE)) {
    sc->state[i] = want;
    sc->heur[i] = (uint8_t)(want == TT_STATE_REACHABLE ? heur : TT_HEUR_NONE);
    push(sc, (size_t)i);
    if (sc->parent) {
      sc->parent[i] = self >= 0 ? (uint32_t)self : TT_SCAN_ROOT_PARENT;
      sc->via[i] = (uintptr_t)p;
      sc->via_kind[i] = (uint8_t)sc->root_kind;
    }
  }
  return true;
}

void tt_scan_track_parents(struct tt_scan *sc, uint32_t *parent, uintptr_t *via,
                           uint8_t *via_kind) {
  sc->parent = parent;
  sc->via = via;
  sc->via_kind = via_kind;
  for (size_t i = 0; i < sc->n; i++)
    parent[i] = TT_SCAN_ROOT_PARENT, via[i] = 0, via_kind[i] = 0;
}

void tt_scan_set_quarantine(struct tt_scan *sc, const struct tt_block *q, size_t nq,
                            struct tt_dangling *out, size_t max, unsigned mask) {
  sc->q = q;
  sc->nq = nq;
  sc->found = out;
  sc->nfound = 0;
  sc->maxfound = max;
  sc->dangling_mask = mask;
  sc->qlo = sc->qhi = 0;
  if (nq) {
    size_t last = tt_block_size(&q[nq - 1]);
    sc->qlo = q[0].addr;
    sc->qhi = q[nq - 1].addr + (last ? last : 1);
  }
}

/* w, found at p, points into the freed blocks' span: is it inside one? */
static void note_dangling(struct tt_scan *sc, const uintptr_t *p, uintptr_t w, long self) {
  unsigned place = self >= 0 ? TT_SCAN_DANGLING_HEAP : 1u << sc->root_kind;
  if (!(sc->dangling_mask & place) || sc->nfound >= sc->maxfound || (self >= 0 && sc->rescan))
    return; /* a block scanned again finds the same words again */
  size_t a = 0, b = sc->nq;
  while (b - a > 1) {
    size_t mid = a + (b - a) / 2;
    if (sc->q[mid].addr <= w)
      a = mid;
    else
      b = mid;
  }
  size_t size = tt_block_size(&sc->q[a]);
  if (w < sc->q[a].addr || w - sc->q[a].addr >= (size ? size : 1))
    return;
  if ((sc->dangling_mask & TT_SCAN_DANGLING_START_ONLY) && w != sc->q[a].addr)
    return;
  struct tt_dangling *d = &sc->found[sc->nfound++];
  d->where = (uintptr_t)p;
  d->value = w;
  d->holder = self;
  d->target = (uint32_t)a;
  d->root_kind = (uint8_t)sc->root_kind;
}

static void scan_words(struct tt_scan *sc, uintptr_t lo, uintptr_t hi, bool definite, long self) {
  lo = TT_ALIGN_UP(lo, sizeof(uintptr_t));
  const uintptr_t blo = sc->lo, span = sc->hi - sc->lo;
  const uintptr_t qlo = sc->qlo, qspan = sc->qhi - sc->qlo;
  for (const uintptr_t *p = (const uintptr_t *)lo; (uintptr_t)(p + 1) <= hi; p++) {
    uintptr_t w = *p;
    /* a word into a live block needs no search among the freed ones: in a
     * program's heap the two spans overlap, and most of its pointers are
     * to live blocks */
    if (w - blo < span && mark_word(sc, p, w, definite, self))
      continue;
    if (TT_UNLIKELY(w - qlo < qspan))
      note_dangling(sc, p, w, self);
  }
  sc->words_scanned += (hi > lo ? hi - lo : 0) / sizeof(uintptr_t);
}

/* The index of the first of blocks[0..n) (sorted) that starts at or after
 * lo; n if none does. */
static size_t first_at_or_after(const struct tt_block *blocks, size_t n, uintptr_t lo) {
  size_t a = 0, b = n;
  while (a < b) {
    size_t mid = a + (b - a) / 2;
    if (blocks[mid].addr < lo)
      a = mid + 1;
    else
      b = mid;
  }
  return a;
}

/* The first of blocks[0..n) starting at or after lo: does it start below hi? */
static bool starts_in(const struct tt_block *blocks, size_t n, uintptr_t lo, uintptr_t hi) {
  size_t a = first_at_or_after(blocks, n, lo);
  return a < n && blocks[a].addr < hi;
}

bool tt_scan_has_block_in(const struct tt_scan *sc, uintptr_t lo, uintptr_t hi) {
  return starts_in(sc->blocks, sc->n, lo, hi) || starts_in(sc->skip, sc->nskip, lo, hi) ||
         starts_in(sc->own, sc->nown, lo, hi);
}

static bool each_in(const struct tt_block *blocks, size_t n, uintptr_t lo, uintptr_t hi,
                    bool (*fn_cb)(const struct tt_block *b, void *arg), void *arg) {
  for (size_t a = first_at_or_after(blocks, n, lo); a < n && blocks[a].addr < hi; a++)
    if (!fn_cb(&blocks[a], arg))
      return false;
  return true;
}

bool tt_scan_all_blocks_in(const struct tt_scan *sc, uintptr_t lo, uintptr_t hi,
                           bool (*fn_cb)(const struct tt_block *b, void *arg), void *arg) {
  return each_in(sc->blocks, sc->n, lo, hi, fn_cb, arg) &&
         each_in(sc->skip, sc->nskip, lo, hi, fn_cb, arg) &&
         each_in(sc->own, sc->nown, lo, hi, fn_cb, arg);
}

void tt_scan_set_skip(struct tt_scan *sc, const struct tt_block *skip, size_t n) {
  sc->skip = skip;
  sc->nskip = n;
}

void tt_scan_set_own(struct tt_scan *sc, const struct tt_block *own, size_t n) {
  sc->own = own;
  sc->nown = n;
}

/* fn for each part of [lo, hi) that none of blocks[0..n) (sorted, not
 * overlapping; a zero-size block counts as one byte) covers. */
static void gaps_of(const struct tt_block *blocks, size_t n, uintptr_t lo, uintptr_t hi,
                    void (*fn_cb)(uintptr_t lo, uintptr_t hi, void *arg), void *arg) {
  if (hi <= lo)
    return;
  /* the first block ending after lo */
  size_t a = 0, b = n;
  while (a < b) {
    size_t mid = a + (b - a) / 2;
    size_t size = tt_block_size(&blocks[mid]);
    if (blocks[mid].addr + (size ? size : 1) <= lo)
      a = mid + 1;
    else
      b = mid;
  }
  uintptr_t cur = lo;
  for (size_t next = a; cur < hi; next++) {
    if (next >= n || blocks[next].addr >= hi) {
      fn_cb(cur, hi, arg);
      break;
    }
    uintptr_t bs = blocks[next].addr;
    size_t bsize = tt_block_size(&blocks[next]);
    uintptr_t be = bs + (bsize ? bsize : 1);
    if (bs > cur)
      fn_cb(cur, bs, arg);
    if (be > cur)
      cur = be;
  }
}

/* The gaps of [lo, hi) left by each list in turn: live blocks, the
 * quarantine, tether's own blocks. */
struct skip_ctx {
  const struct tt_block *list[3];
  size_t n[3];
  int level;
  void (*fn_cb)(uintptr_t lo, uintptr_t hi, void *arg);
  void *arg;
};

static void skip_gap_cb(uintptr_t lo, uintptr_t hi, void *arg) {
  struct skip_ctx *k = arg;
  int level = k->level;
  while (level < 3 && !k->n[level])
    level++;
  if (level == 3) {
    k->fn_cb(lo, hi, k->arg);
    return;
  }
  struct skip_ctx next = *k;
  next.level = level + 1;
  gaps_of(k->list[level], k->n[level], lo, hi, skip_gap_cb, &next);
}

void tt_scan_for_gaps(const struct tt_scan *sc, uintptr_t lo, uintptr_t hi,
                      void (*fn_cb)(uintptr_t lo, uintptr_t hi, void *arg), void *arg) {
  if (!sc->nskip && !sc->nown) {
    gaps_of(sc->blocks, sc->n, lo, hi, fn_cb, arg);
    return;
  }
  struct skip_ctx k = {{sc->blocks, sc->skip, sc->own}, {sc->n, sc->nskip, sc->nown}, 0, fn_cb, arg};
  skip_gap_cb(lo, hi, &k);
}

static void root_gap_cb(uintptr_t lo, uintptr_t hi, void *arg) {
  scan_words(arg, lo, hi, true, -1);
}

void tt_scan_root_range(struct tt_scan *sc, uintptr_t lo, uintptr_t hi) {
  if (hi <= lo || (!sc->n && !sc->nq))
    return;
  /* the live blocks inside [lo, hi) are scanned only when reached */
  tt_scan_for_gaps(sc, lo, hi, root_gap_cb, sc);
}

void tt_scan_root_range_all(struct tt_scan *sc, uintptr_t lo, uintptr_t hi) {
  if (hi > lo && (sc->n || sc->nq))
    scan_words(sc, lo, hi, true, -1);
}

void tt_scan_root_words(struct tt_scan *sc, const uintptr_t *words, size_t n) {
  for (size_t k = 0; k < n; k++) {
    if (words[k] - sc->lo < sc->hi - sc->lo && mark_word(sc, NULL, words[k], true, -1))
      continue;
    if (TT_UNLIKELY(words[k] - sc->qlo < sc->qhi - sc->qlo))
      note_dangling(sc, &words[k], words[k], -1);
  }
}

void tt_scan_propagate(struct tt_scan *sc) {
  while (sc->nwork) {
    size_t i = sc->work[--sc->nwork];
    const struct tt_block *b = &sc->blocks[i];
    bool definite = sc->state[i] == TT_STATE_REACHABLE;
    sc->rescan = sc->scanned[i / 8] & (1u << (i % 8));
    sc->scanned[i / 8] |= (uint8_t)(1u << (i % 8));
    sc->current = (long)i;
    sc->current_definite = definite;
    scan_words(sc, b->addr, b->addr + tt_block_size(b), definite, (long)i);
    sc->rescan = false;
  }
  sc->current = -1;
}

void tt_scan_resume_block(struct tt_scan *sc, uintptr_t from) {
  if (sc->current < 0)
    return;
  const struct tt_block *b = &sc->blocks[sc->current];
  uintptr_t hi = b->addr + tt_block_size(b);
  from = TT_ALIGN_UP(from, sizeof(uintptr_t));
  if (from > b->addr && from < hi)
    scan_words(sc, from, hi, sc->current_definite, sc->current);
}

/* ======================================================================== */
/* ignored blocks                                                            */
/* ======================================================================== */

/* An ignored block is an intentional leak (LSan's __lsan_ignore_object):
 * what it alone keeps is part of it. Blocks the roots reached by a start
 * pointer stay Reachable; the rest it reaches is Suppressed. */
void tt_scan_suppress_ignored(struct tt_scan *sc) {
  sc->nwork = 0;
  bool any = false;
  for (size_t i = 0; i < sc->n; i++) {
    if (!(tt_block_flags(&sc->blocks[i]) & TT_BLOCK_IGNORED))
      continue;
    any = true;
    if (sc->state[i] != TT_STATE_REACHABLE) {
      sc->state[i] = TT_STATE_SUPPRESSED;
      push(sc, i);
    }
  }
  while (sc->nwork) {
    size_t j = sc->work[--sc->nwork];
    const struct tt_block *b = &sc->blocks[j];
    uintptr_t lo = TT_ALIGN_UP(b->addr, sizeof(uintptr_t));
    uintptr_t hi = tt_scan_read_end(sc, j);
    for (const uintptr_t *p = (const uintptr_t *)lo; (uintptr_t)(p + 1) <= hi; p++) {
      long k = tt_scan_find(sc, *p);
      if (k < 0 || (sc->state[k] != TT_STATE_UNREACHED && sc->state[k] != TT_STATE_POSSIBLE))
        continue;
      sc->state[k] = TT_STATE_SUPPRESSED;
      if (sc->parent) {
        sc->parent[k] = (uint32_t)j;
        sc->via[k] = (uintptr_t)p;
        sc->via_kind[k] = 0;
      }
      push(sc, (size_t)k);
    }
  }
  for (size_t i = 0; any && i < sc->n; i++)
    if (tt_block_flags(&sc->blocks[i]) & TT_BLOCK_IGNORED)
      sc->state[i] = TT_STATE_SUPPRESSED;
}

/* ======================================================================== */
/* cliques                                                                   */
/* ======================================================================== */

void tt_scan_classify(struct tt_scan *sc) {
  for (size_t leader = 0; leader < sc->n; leader++) {
    if (sc->state[leader] != TT_STATE_UNREACHED)
      continue;
    sc->nwork = 0;
    push(sc, leader);
    while (sc->nwork) {
      size_t j = sc->work[--sc->nwork];
      const struct tt_block *b = &sc->blocks[j];
      uintptr_t lo = TT_ALIGN_UP(b->addr, sizeof(uintptr_t));
      uintptr_t hi = tt_scan_read_end(sc, j);
      for (const uintptr_t *p = (const uintptr_t *)lo; (uintptr_t)(p + 1) <= hi; p++) {
        long k = tt_scan_find(sc, *p);
        if (k < 0 || (size_t)k == leader || sc->state[k] != TT_STATE_UNREACHED)
          continue;
        sc->state[k] = TT_STATE_INDIRECT;
        sc->indirect[leader] += tt_block_size(&sc->blocks[k]);
        if (sc->indirect[k]) {
          /* k led an earlier clique: its blocks are already indirect and
           * counted in its total, which now moves to this leader. */
          sc->indirect[leader] += sc->indirect[k];
          sc->indirect[k] = 0;
        }
        push(sc, (size_t)k);
      }
    }
    /* Still unreached after its own clique: this leader stays. Mark it so a
     * later clique can tell it from a block nobody visited. Leaders are
     * turned into DEFINITE below; until then their state stays UNREACHED so
     * later cliques may absorb them. */
  }
  for (size_t i = 0; i < sc->n; i++)
    if (sc->state[i] == TT_STATE_UNREACHED)
      sc->state[i] = TT_STATE_DEFINITE;
}
