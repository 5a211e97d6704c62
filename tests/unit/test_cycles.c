/* SPDX-License-Identifier: MIT */
/* tt_cycles: reference cycles among the lost blocks of a classified scan,
 * what hangs off each, and the refcount audit, on synthetic heaps. Block i
 * lives at arena + i * CH_STRIDE in a static arena whose words we fill with
 * real pointers to one another; the roots are an array of words we fill.
 *
 * Notation in the comments: "a -> b" is a pointer in block a to the start of
 * block b, "a -?-> b" one to its inside (start + 8). */
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "tt_cycles.h"
#include "tt_scan.h"
#include "units.h"

#define R TT_STATE_REACHABLE
#define P TT_STATE_POSSIBLE
#define I TT_STATE_INDIRECT
#define D TT_STATE_DEFINITE

/* ======================================================================== */
/* a synthetic heap                                                          */
/* ======================================================================== */

#define CH_MAX 32
#define CH_STRIDE 64 /* a block smaller than this leaves a gap after it */
#define CH_ROOTS 8

static alignas(64) unsigned char arena[CH_MAX * CH_STRIDE];

struct ch {
  size_t n;
  size_t size[CH_MAX];
  struct tt_block blocks[CH_MAX], tmp[CH_MAX];
  uintptr_t roots[CH_ROOTS];
  void *scratch;
  struct tt_scan sc;
  struct tt_cycles cy;
};

/* n blocks of sizes[i] bytes (NULL: 32 bytes each), all zero. */
static void ch_init(struct ch *h, size_t n, const size_t *sizes) {
  memset(h, 0, sizeof *h);
  memset(arena, 0, sizeof arena);
  CU_ASSERT_FATAL(n <= CH_MAX);
  h->n = n;
  for (size_t i = 0; i < n; i++) {
    h->size[i] = sizes ? sizes[i] : 32;
    CU_ASSERT_FATAL(h->size[i] <= CH_STRIDE);
  }
}

static uintptr_t ch_addr(size_t i) { return (uintptr_t)(arena + i * CH_STRIDE); }

static uintptr_t *ch_word(size_t i, size_t w) { return (uintptr_t *)(arena + i * CH_STRIDE) + w; }

/* Word w of block from points to block to, plus off bytes. */
static void ch_link(size_t from, size_t w, size_t to, size_t off) {
  *ch_word(from, w) = ch_addr(to) + off;
}

/* Records (stored back to front, then sorted), scan set up, no roots yet. */
static void ch_prepare(struct ch *h) {
  for (size_t i = 0; i < h->n; i++) {
    struct tt_block *b = &h->blocks[h->n - 1 - i];
    b->addr = ch_addr(i);
    b->size_kind = h->size[i];
    b->stack = (uint32_t)i;
    b->owner = 0;
  }
  tt_scan_sort_blocks(h->blocks, h->n, h->tmp);
  for (size_t i = 0; i < h->n; i++)
    CU_ASSERT_FATAL(h->blocks[i].addr == ch_addr(i));
  h->scratch = calloc(1, tt_scan_scratch_bytes(h->n) + 8);
  CU_ASSERT_FATAL(h->scratch != NULL);
  tt_scan_init(&h->sc, h->blocks, h->n, h->scratch);
}

/* The roots array as a root range, mark, classify. */
static void ch_scan(struct ch *h) {
  ch_prepare(h);
  tt_scan_root_range(&h->sc, (uintptr_t)h->roots, (uintptr_t)(h->roots + CH_ROOTS));
  tt_scan_propagate(&h->sc);
  tt_scan_classify(&h->sc);
}

/* ... and the cycles. */
static void ch_run(struct ch *h) {
  ch_scan(h);
  CU_ASSERT_EQUAL_FATAL(tt_cycles_find(&h->sc, &h->cy), 0);
}

static void ch_free(struct ch *h) {
  tt_cycles_free(&h->cy);
  CU_ASSERT_EQUAL(h->cy.ncycles, 0);
  CU_ASSERT_PTR_NULL(h->cy.mem);
  free(h->scratch);
  h->scratch = NULL;
}

static int ch_state(const struct ch *h, size_t i) { return h->sc.state[i]; }

static bool lost(int st) { return st == D || st == I; }

/* Cycle ci is exactly: members m[0..nm) (block indices), next[k] the place
 * (0-based, inside this cycle) member k points to by its word at off[k];
 * bytes the members' bytes, and what hangs off it. */
static void expect_cycle(const struct ch *h, size_t ci, size_t nm, const size_t *m,
                         const size_t *next, const uint64_t *off, uint64_t bytes,
                         uint64_t hang_blocks, uint64_t hang_bytes) {
  const struct tt_cycles *c = &h->cy;
  CU_ASSERT_FATAL(ci < c->ncycles);
  uint32_t f = c->first[ci];
  CU_ASSERT_EQUAL_FATAL(c->first[ci + 1] - f, nm);
  for (size_t k = 0; k < nm; k++) {
    CU_ASSERT_EQUAL(c->members[f + k], m[k]);
    CU_ASSERT_EQUAL(c->next[f + k], f + next[k]);
    CU_ASSERT_EQUAL(c->offset[f + k], off[k]);
  }
  CU_ASSERT_EQUAL(c->bytes[ci], bytes);
  CU_ASSERT_EQUAL(c->hang_blocks[ci], hang_blocks);
  CU_ASSERT_EQUAL(c->hang_bytes[ci], hang_bytes);
}

/* Properties every cycle has, whatever its shape: cycles one after another
 * from 0, numbered by their lowest address, members lost and listed once
 * (in no other cycle), the first the lowest address; each member's next in
 * the same cycle, and the word at its offset really points into it. */
static void check_invariants(const struct tt_scan *sc, const struct tt_cycles *c) {
  if (!c->ncycles)
    return;
  CU_ASSERT_EQUAL_FATAL(c->first[0], 0);
  uint8_t *seen = calloc(sc->n ? sc->n : 1, 1);
  CU_ASSERT_FATAL(seen != NULL);
  size_t bad = 0;
  uintptr_t prev_low = 0;
  for (size_t ci = 0; ci < c->ncycles; ci++) {
    uint32_t f = c->first[ci], e = c->first[ci + 1];
    CU_ASSERT_FATAL(f < e);
    uintptr_t low = UINTPTR_MAX;
    uint64_t bytes = 0;
    for (uint32_t k = f; k < e; k++) {
      uint32_t b = c->members[k];
      CU_ASSERT_FATAL(b < sc->n);
      bad += seen[b]++ != 0;
      bad += !lost(sc->state[b]);
      if (sc->blocks[b].addr < low)
        low = sc->blocks[b].addr;
      bytes += tt_block_size(&sc->blocks[b]);
      uint32_t nx = c->next[k];
      CU_ASSERT_FATAL(nx >= f && nx < e);
      uint64_t off = c->offset[k];
      bad += off % sizeof(uintptr_t) != 0 ||
             off + sizeof(uintptr_t) > tt_block_size(&sc->blocks[b]);
      uintptr_t w = *(const uintptr_t *)(sc->blocks[b].addr + off);
      bad += tt_scan_find(sc, w) != (long)c->members[nx];
    }
    bad += sc->blocks[c->members[f]].addr != low; /* the walk starts at the lowest */
    bad += ci && low <= prev_low;                 /* numbered by lowest address */
    prev_low = low;
    CU_ASSERT_EQUAL(c->bytes[ci], bytes);
  }
  CU_ASSERT_EQUAL(bad, 0);
  free(seen);
}

/* ======================================================================== */
/* no cycles                                                                 */
/* ======================================================================== */

static void test_empty_heap(void) {
  struct ch h;
  ch_init(&h, 0, NULL);
  ch_run(&h);
  CU_ASSERT_EQUAL(h.cy.ncycles, 0);
  CU_ASSERT_PTR_NULL(h.cy.mem);
  ch_free(&h);
}

static void test_no_lost_blocks(void) {
  /* root -> 0 -> 1 -> 2, 2 -> 0: everything reachable */
  struct ch h;
  ch_init(&h, 3, NULL);
  h.roots[2] = ch_addr(0);
  ch_link(0, 0, 1, 0);
  ch_link(1, 3, 2, 0);
  ch_link(2, 1, 0, 0);
  ch_run(&h);
  for (size_t i = 0; i < 3; i++)
    CU_ASSERT_EQUAL(ch_state(&h, i), R);
  CU_ASSERT_EQUAL(h.cy.ncycles, 0);
  CU_ASSERT_PTR_NULL(h.cy.mem);
  CU_ASSERT_PTR_NULL(h.cy.first);
  ch_free(&h);
}

static void test_lost_tree_and_dag(void) {
  /* a tree 0 -> 1, 0 -> 2, 1 -> 3, 2 -?-> 4; a diamond 5 -> 6, 5 -> 7,
   * 6 -> 8, 7 -> 8; a lone block 9 */
  struct ch h;
  ch_init(&h, 10, NULL);
  ch_link(0, 0, 1, 0);
  ch_link(0, 1, 2, 0);
  ch_link(1, 2, 3, 0);
  ch_link(2, 3, 4, 8);
  ch_link(5, 0, 6, 0);
  ch_link(5, 1, 7, 0);
  ch_link(6, 0, 8, 0);
  ch_link(7, 0, 8, 16);
  ch_run(&h);
  CU_ASSERT_EQUAL(ch_state(&h, 0), D);
  CU_ASSERT_EQUAL(ch_state(&h, 4), I);
  CU_ASSERT_EQUAL(ch_state(&h, 5), D);
  CU_ASSERT_EQUAL(ch_state(&h, 8), I);
  CU_ASSERT_EQUAL(ch_state(&h, 9), D);
  CU_ASSERT_EQUAL(h.cy.ncycles, 0);
  CU_ASSERT_PTR_NULL(h.cy.mem);
  ch_free(&h);
}

/* ======================================================================== */
/* simple rings                                                              */
/* ======================================================================== */

static void test_cycle_of_two(void) {
  /* 0 -> 1 by word 1; 1 -?-> 0 by word 5 */
  static const size_t sizes[] = {16, 48};
  struct ch h;
  ch_init(&h, 2, sizes);
  ch_link(0, 1, 1, 0);
  ch_link(1, 5, 0, 8);
  ch_run(&h);
  CU_ASSERT_EQUAL(ch_state(&h, 0), D);
  CU_ASSERT_EQUAL(ch_state(&h, 1), I);
  CU_ASSERT_EQUAL_FATAL(h.cy.ncycles, 1);
  CU_ASSERT_EQUAL(h.cy.first[0], 0);
  CU_ASSERT_EQUAL(h.cy.first[1], 2);
  static const size_t m[] = {0, 1}, nx[] = {1, 0};
  static const uint64_t off[] = {8, 40};
  expect_cycle(&h, 0, 2, m, nx, off, 64, 0, 0);
  check_invariants(&h.sc, &h.cy);
  ch_free(&h);
}

static void test_cycle_of_two_not_first(void) {
  /* 0 (definitely lost) -> 3; 2 <-> 3: the cycle's walk starts at 2, its
   * lowest address, though Tarjan met 3 first; 0 is not in it */
  static const size_t sizes[] = {8, 8, 24, 40};
  struct ch h;
  ch_init(&h, 4, sizes);
  ch_link(0, 0, 3, 0);
  ch_link(3, 4, 2, 0);
  ch_link(2, 2, 3, 0);
  ch_run(&h);
  CU_ASSERT_EQUAL(ch_state(&h, 0), D);
  CU_ASSERT_EQUAL(ch_state(&h, 1), D);
  CU_ASSERT_EQUAL(ch_state(&h, 2), I);
  CU_ASSERT_EQUAL(ch_state(&h, 3), I);
  CU_ASSERT_EQUAL_FATAL(h.cy.ncycles, 1);
  static const size_t m[] = {2, 3}, nx[] = {1, 0};
  static const uint64_t off[] = {16, 32};
  expect_cycle(&h, 0, 2, m, nx, off, 64, 0, 0);
  check_invariants(&h.sc, &h.cy);
  ch_free(&h);
}

static void test_cycle_of_three(void) {
  /* 0 -> 2 (word 3), 2 -> 1 (word 0), 1 -?-> 0 (word 2): walk 0, 2, 1 */
  static const size_t sizes[] = {32, 40, 24};
  struct ch h;
  ch_init(&h, 3, sizes);
  ch_link(0, 3, 2, 0);
  ch_link(2, 0, 1, 0);
  ch_link(1, 2, 0, 24);
  ch_run(&h);
  CU_ASSERT_EQUAL_FATAL(h.cy.ncycles, 1);
  static const size_t m[] = {0, 2, 1}, nx[] = {1, 2, 0};
  static const uint64_t off[] = {24, 0, 16};
  expect_cycle(&h, 0, 3, m, nx, off, 96, 0, 0);
  check_invariants(&h.sc, &h.cy);
  ch_free(&h);
}

static void test_self_loops(void) {
  /* 0 -> 0 (word 2); 1 -?-> 1 (word 3, to its start + 8: a pointer into
   * its own middle keeps nothing alive, so no cycle); 2 lost alone; 3
   * reachable and points to itself; 4 -> 5, 5 -?-> 5 (word 1, interior)
   * and 5 -> 5 (word 4, its start) */
  static const size_t sizes[] = {24, 40, 32, 32, 16, 48};
  struct ch h;
  ch_init(&h, 6, sizes);
  ch_link(0, 2, 0, 0);
  ch_link(1, 3, 1, 8);
  ch_link(3, 0, 3, 0);
  h.roots[0] = ch_addr(3);
  ch_link(4, 0, 5, 0);
  ch_link(5, 1, 5, 8);
  ch_link(5, 4, 5, 0);
  ch_run(&h);
  CU_ASSERT_EQUAL(ch_state(&h, 0), D);
  CU_ASSERT_EQUAL(ch_state(&h, 1), D);
  CU_ASSERT_EQUAL(ch_state(&h, 2), D);
  CU_ASSERT_EQUAL(ch_state(&h, 3), R);
  CU_ASSERT_EQUAL(ch_state(&h, 5), I);
  CU_ASSERT_EQUAL_FATAL(h.cy.ncycles, 2);
  static const size_t m0[] = {0}, m2[] = {5}, nx[] = {0};
  static const uint64_t off0[] = {16}, off2[] = {32};
  expect_cycle(&h, 0, 1, m0, nx, off0, 24, 0, 0);
  expect_cycle(&h, 1, 1, m2, nx, off2, 48, 0, 0); /* the word holding its start */
  check_invariants(&h.sc, &h.cy);
  ch_free(&h);
}

/* ======================================================================== */
/* components that are not rings                                             */
/* ======================================================================== */

struct dnode {
  uintptr_t next, prev, payload;
};

static void test_doubly_linked_list(void) {
  /* list order 3, 0, 4, 1, 2 (word 0 next, word 1 prev), all lost */
  static const size_t order[] = {3, 0, 4, 1, 2};
  struct ch h;
  ch_init(&h, 5, NULL);
  for (size_t k = 0; k < 5; k++) {
    struct dnode *d = (struct dnode *)ch_addr(order[k]);
    d->next = k + 1 < 5 ? ch_addr(order[k + 1]) : 0;
    d->prev = k ? ch_addr(order[k - 1]) : 0;
    d->payload = 0x1234;
  }
  ch_run(&h);
  size_t ndef = 0;
  for (size_t i = 0; i < 5; i++) {
    CU_ASSERT(lost(ch_state(&h, i)));
    ndef += ch_state(&h, i) == D;
  }
  CU_ASSERT_EQUAL(ndef, 1); /* one clique: its leader definitely lost */
  CU_ASSERT_EQUAL_FATAL(h.cy.ncycles, 1);
  CU_ASSERT_EQUAL_FATAL(h.cy.first[1] - h.cy.first[0], 5);
  /* the properties the brief promises */
  unsigned seen = 0;
  for (size_t k = 0; k < 5; k++) {
    uint32_t b = h.cy.members[k];
    CU_ASSERT_FATAL(b < 5);
    CU_ASSERT_EQUAL(seen & 1u << b, 0);
    seen |= 1u << b;
    CU_ASSERT_FATAL(h.cy.next[k] < 5);
    CU_ASSERT(h.cy.offset[k] == 0 || h.cy.offset[k] == 8);
    CU_ASSERT_EQUAL(*(uintptr_t *)(ch_addr(b) + h.cy.offset[k]),
                    ch_addr(h.cy.members[h.cy.next[k]]));
  }
  CU_ASSERT_EQUAL(seen, 0x1f);
  CU_ASSERT_EQUAL(h.cy.members[0], 0);
  CU_ASSERT_EQUAL(h.cy.bytes[0], 5 * 32);
  /* and exactly: 0 -> 4 -> 1 -> 2 by next, 2 back by prev to 1 (all met);
   * the walk restarts at 3, whose only pointer into the list is next (0) */
  static const size_t m[] = {0, 4, 1, 2, 3}, nx[] = {1, 2, 3, 2, 0};
  static const uint64_t off[] = {0, 0, 0, 8, 0};
  expect_cycle(&h, 0, 5, m, nx, off, 160, 0, 0);
  check_invariants(&h.sc, &h.cy);
  ch_free(&h);
}

static void test_doubly_linked_list_prev_first(void) {
  /* 0 <-> 1 <-> 2 <-> 3 <-> 4 in address order, word 0 prev, word 1 next:
   * each node's first pointer goes back to a member already met, so the
   * walk must pass it over for next */
  struct ch h;
  ch_init(&h, 5, NULL);
  for (size_t i = 0; i < 5; i++) {
    if (i)
      ch_link(i, 0, i - 1, 0);
    if (i + 1 < 5)
      ch_link(i, 1, i + 1, 0);
  }
  ch_run(&h);
  CU_ASSERT_EQUAL_FATAL(h.cy.ncycles, 1);
  static const size_t m[] = {0, 1, 2, 3, 4}, nx[] = {1, 2, 3, 4, 3};
  static const uint64_t off[] = {8, 8, 8, 8, 0};
  expect_cycle(&h, 0, 5, m, nx, off, 160, 0, 0);
  check_invariants(&h.sc, &h.cy);
  ch_free(&h);
}

static void test_figure_eight(void) {
  /* two rings through one block: 1 -> 3 -> 1 and 1 -> 0 -> 2 -> 1; word
   * order in 1 puts the pointer to 3 first */
  struct ch h;
  ch_init(&h, 4, NULL);
  ch_link(1, 0, 3, 0);
  ch_link(1, 1, 0, 0);
  ch_link(3, 2, 1, 0);
  ch_link(0, 3, 2, 0);
  ch_link(2, 1, 1, 8);
  ch_run(&h);
  CU_ASSERT_EQUAL_FATAL(h.cy.ncycles, 1);
  /* 0 -> 2 -> 1 -> 3 (first unmet), 3 -> 1 (met): one walk */
  static const size_t m[] = {0, 2, 1, 3}, nx[] = {1, 2, 3, 2};
  static const uint64_t off[] = {24, 8, 0, 16};
  expect_cycle(&h, 0, 4, m, nx, off, 128, 0, 0);
  check_invariants(&h.sc, &h.cy);
  ch_free(&h);
}

/* ======================================================================== */
/* several cycles                                                            */
/* ======================================================================== */

static void test_two_separate_cycles(void) {
  /* interleaved: A = {0, 2}, B = {1, 3}; 4 lost alone */
  static const size_t sizes[] = {16, 24, 32, 40, 8};
  struct ch h;
  ch_init(&h, 5, sizes);
  ch_link(0, 1, 2, 0);
  ch_link(2, 0, 0, 0);
  ch_link(1, 0, 3, 8);
  ch_link(3, 4, 1, 0);
  ch_run(&h);
  CU_ASSERT_EQUAL_FATAL(h.cy.ncycles, 2);
  static const size_t ma[] = {0, 2}, mb[] = {1, 3}, nx[] = {1, 0};
  static const uint64_t offa[] = {8, 0}, offb[] = {0, 32};
  expect_cycle(&h, 0, 2, ma, nx, offa, 48, 0, 0);
  expect_cycle(&h, 1, 2, mb, nx, offb, 64, 0, 0);
  check_invariants(&h.sc, &h.cy);
  ch_free(&h);
}

static void test_cycle_points_to_cycle(void) {
  /* A = {0, 3} -> B = {1, 2}: Tarjan finishes B first, yet A, the lower
   * address, is cycle 0; B is a cycle of its own, not hanging off A */
  struct ch h;
  ch_init(&h, 4, NULL);
  ch_link(0, 0, 3, 0);
  ch_link(3, 0, 0, 0);
  ch_link(0, 1, 1, 0);
  ch_link(1, 0, 2, 0);
  ch_link(2, 0, 1, 0);
  ch_run(&h);
  CU_ASSERT_EQUAL_FATAL(h.cy.ncycles, 2);
  static const size_t ma[] = {0, 3}, mb[] = {1, 2}, nx[] = {1, 0};
  static const uint64_t off[] = {0, 0};
  expect_cycle(&h, 0, 2, ma, nx, off, 64, 0, 0);
  expect_cycle(&h, 1, 2, mb, nx, off, 64, 0, 0);
  check_invariants(&h.sc, &h.cy);
  ch_free(&h);
}

/* ======================================================================== */
/* what hangs off a cycle                                                    */
/* ======================================================================== */

static void test_hang_tail(void) {
  /* 2 <-> 3 -> 1 -> 0: the tail below the cycle in memory */
  static const size_t sizes[] = {40, 24, 16, 48};
  struct ch h;
  ch_init(&h, 4, sizes);
  ch_link(2, 0, 3, 0);
  ch_link(3, 0, 2, 0);
  ch_link(3, 1, 1, 0);
  ch_link(1, 2, 0, 8);
  ch_run(&h);
  CU_ASSERT_EQUAL(ch_state(&h, 0), I);
  CU_ASSERT_EQUAL(ch_state(&h, 1), I);
  CU_ASSERT_EQUAL_FATAL(h.cy.ncycles, 1);
  static const size_t m[] = {2, 3}, nx[] = {1, 0};
  static const uint64_t off[] = {0, 0};
  expect_cycle(&h, 0, 2, m, nx, off, 64, 2, 64);
  check_invariants(&h.sc, &h.cy);
  ch_free(&h);
}

static void test_hang_diamond_and_lead_in(void) {
  /* 0 (definitely lost) -> cycle 1 <-> 2; 2 -> 3, 1 -?-> 4, 3 -> 5, 4 -> 5:
   * the diamond 3, 4, 5 is reached only through the cycle, so it hangs off
   * it (a cycle passes its own label on, whatever points to it) */
  static const size_t sizes[] = {8, 16, 16, 24, 32, 40};
  struct ch h;
  ch_init(&h, 6, sizes);
  ch_link(0, 0, 1, 0);
  ch_link(1, 0, 2, 0);
  ch_link(2, 0, 1, 0);
  ch_link(2, 1, 3, 0);
  ch_link(1, 1, 4, 8);
  ch_link(3, 2, 5, 0);
  ch_link(4, 0, 5, 0);
  ch_run(&h);
  CU_ASSERT_EQUAL_FATAL(h.cy.ncycles, 1);
  static const size_t m[] = {1, 2}, nx[] = {1, 0};
  static const uint64_t off[] = {0, 0};
  expect_cycle(&h, 0, 2, m, nx, off, 32, 3, 96);
  check_invariants(&h.sc, &h.cy);
  ch_free(&h);
}

static void test_hang_shared_with_lost_root(void) {
  /* cycle 0 <-> 1 -> 2 -> 3 (its own); cycle -> 4 -> 6, and 5 (a lost root
   * of its own) -> 4: neither 4 nor 6 below it hangs off the cycle */
  static const size_t sizes[] = {16, 16, 24, 8, 40, 32, 48};
  struct ch h;
  ch_init(&h, 7, sizes);
  ch_link(0, 0, 1, 0);
  ch_link(1, 0, 0, 0);
  ch_link(1, 1, 2, 0);
  ch_link(2, 0, 3, 0);
  ch_link(0, 1, 4, 0);
  ch_link(5, 3, 4, 8);
  ch_link(4, 2, 6, 0);
  ch_run(&h);
  CU_ASSERT_EQUAL(ch_state(&h, 5), D);
  CU_ASSERT_EQUAL(ch_state(&h, 4), I);
  CU_ASSERT_EQUAL(ch_state(&h, 6), I);
  CU_ASSERT_EQUAL_FATAL(h.cy.ncycles, 1);
  static const size_t m[] = {0, 1}, nx[] = {1, 0};
  static const uint64_t off[] = {0, 0};
  expect_cycle(&h, 0, 2, m, nx, off, 32, 2, 32);
  check_invariants(&h.sc, &h.cy);
  ch_free(&h);
}

static void test_hang_shared_by_two_cycles(void) {
  /* A = 0 <-> 1, B = 2 <-> 3 (a self-loop too); both -> 4 -> 5; A -> 6
   * alone; B -> 7 -> 8 alone; 8 -> 4 as well */
  static const size_t sizes[] = {16, 16, 16, 24, 24, 32, 40, 8, 48};
  struct ch h;
  ch_init(&h, 9, sizes);
  ch_link(0, 0, 1, 0);
  ch_link(1, 0, 0, 0);
  ch_link(2, 0, 3, 0);
  ch_link(3, 0, 2, 0);
  ch_link(3, 1, 3, 0);
  ch_link(1, 1, 4, 0);
  ch_link(2, 1, 4, 0);
  ch_link(4, 0, 5, 0);
  ch_link(0, 1, 6, 0);
  ch_link(3, 2, 7, 0);
  ch_link(7, 0, 8, 0);
  ch_link(8, 0, 4, 0);
  ch_run(&h);
  CU_ASSERT_EQUAL_FATAL(h.cy.ncycles, 2);
  static const size_t ma[] = {0, 1}, mb[] = {2, 3}, nx[] = {1, 0};
  static const uint64_t off[] = {0, 0};
  expect_cycle(&h, 0, 2, ma, nx, off, 32, 1, 40);
  expect_cycle(&h, 1, 2, mb, nx, off, 40, 2, 56);
  check_invariants(&h.sc, &h.cy);
  ch_free(&h);
}

/* ======================================================================== */
/* cycles that are not lost                                                  */
/* ======================================================================== */

static void test_reachable_cycle_not_reported(void) {
  /* root -> 0 <-> 1; root -> 2 -> 2; lost 3 -> 0 (a lost block pointing
   * into a reachable cycle is no cycle); lost cycle 4 <-> 5 -> 1 */
  struct ch h;
  ch_init(&h, 6, NULL);
  h.roots[0] = ch_addr(0);
  h.roots[5] = ch_addr(2);
  ch_link(0, 0, 1, 0);
  ch_link(1, 0, 0, 0);
  ch_link(2, 0, 2, 0);
  ch_link(3, 0, 0, 0);
  ch_link(4, 0, 5, 0);
  ch_link(5, 3, 4, 0);
  ch_link(5, 0, 1, 0);
  ch_run(&h);
  CU_ASSERT_EQUAL(ch_state(&h, 0), R);
  CU_ASSERT_EQUAL(ch_state(&h, 1), R);
  CU_ASSERT_EQUAL(ch_state(&h, 2), R);
  CU_ASSERT_EQUAL(ch_state(&h, 3), D);
  CU_ASSERT_EQUAL_FATAL(h.cy.ncycles, 1);
  static const size_t m[] = {4, 5}, nx[] = {1, 0};
  static const uint64_t off[] = {0, 24};
  expect_cycle(&h, 0, 2, m, nx, off, 64, 0, 0);
  check_invariants(&h.sc, &h.cy);
  ch_free(&h);
}

static void test_only_reachable_cycle(void) {
  struct ch h;
  ch_init(&h, 2, NULL);
  h.roots[3] = ch_addr(1);
  ch_link(0, 0, 1, 0);
  ch_link(1, 0, 0, 0);
  ch_run(&h);
  CU_ASSERT_EQUAL(ch_state(&h, 0), R);
  CU_ASSERT_EQUAL(ch_state(&h, 1), R);
  CU_ASSERT_EQUAL(h.cy.ncycles, 0);
  CU_ASSERT_PTR_NULL(h.cy.mem);
  ch_free(&h);
}

static void test_possibly_lost_cycle_not_reported(void) {
  /* root -?-> 0 <-> 1, 1 -> 1; root -?-> 2 -> 2 */
  struct ch h;
  ch_init(&h, 3, NULL);
  h.roots[0] = ch_addr(0) + 8;
  h.roots[1] = ch_addr(2) + 16;
  ch_link(0, 0, 1, 0);
  ch_link(1, 0, 0, 0);
  ch_link(1, 1, 1, 0);
  ch_link(2, 0, 2, 0);
  ch_run(&h);
  CU_ASSERT_EQUAL(ch_state(&h, 0), P);
  CU_ASSERT_EQUAL(ch_state(&h, 1), P);
  CU_ASSERT_EQUAL(ch_state(&h, 2), P);
  CU_ASSERT_EQUAL(h.cy.ncycles, 0);
  CU_ASSERT_PTR_NULL(h.cy.mem);
  ch_free(&h);
}

static void test_suppressed_cycle_not_reported(void) {
  /* 0 (ignored) <-> 1: suppressed, not lost; 2 <-> 3 lost */
  struct ch h;
  ch_init(&h, 4, NULL);
  ch_link(0, 0, 1, 0);
  ch_link(1, 0, 0, 0);
  ch_link(2, 0, 3, 0);
  ch_link(3, 0, 2, 0);
  ch_prepare(&h);
  h.blocks[0].size_kind |= (uint64_t)TT_BLOCK_IGNORED << 56;
  tt_scan_root_range(&h.sc, (uintptr_t)h.roots, (uintptr_t)(h.roots + CH_ROOTS));
  tt_scan_propagate(&h.sc);
  tt_scan_suppress_ignored(&h.sc);
  tt_scan_classify(&h.sc);
  CU_ASSERT_EQUAL_FATAL(tt_cycles_find(&h.sc, &h.cy), 0);
  CU_ASSERT_EQUAL(ch_state(&h, 0), TT_STATE_SUPPRESSED);
  CU_ASSERT_EQUAL(ch_state(&h, 1), TT_STATE_SUPPRESSED);
  CU_ASSERT_EQUAL_FATAL(h.cy.ncycles, 1);
  static const size_t m[] = {2, 3}, nx[] = {1, 0};
  static const uint64_t off[] = {0, 0};
  expect_cycle(&h, 0, 2, m, nx, off, 64, 0, 0);
  ch_free(&h);
}

/* ======================================================================== */
/* scale: no recursion                                                       */
/* ======================================================================== */

#define BIG_NODE 16

struct big {
  char *mem;
  size_t n;
  struct tt_block *blocks;
  void *scratch;
  struct tt_scan sc;
  struct tt_cycles cy;
};

/* n adjacent 16-byte blocks, all zero; the caller links them, then big_run. */
static void big_init(struct big *g, size_t n) {
  memset(g, 0, sizeof *g);
  g->n = n;
  g->mem = aligned_alloc(64, n * BIG_NODE);
  g->blocks = calloc(n, sizeof *g->blocks);
  g->scratch = calloc(1, tt_scan_scratch_bytes(n));
  CU_ASSERT_FATAL(g->mem && g->blocks && g->scratch);
  memset(g->mem, 0, n * BIG_NODE);
  for (size_t i = 0; i < n; i++) {
    g->blocks[i].addr = (uintptr_t)(g->mem + i * BIG_NODE);
    g->blocks[i].size_kind = BIG_NODE;
  }
}

static uintptr_t big_addr(const struct big *g, size_t i) {
  return (uintptr_t)(g->mem + i * BIG_NODE);
}

static void big_link(struct big *g, size_t from, size_t w, size_t to) {
  ((uintptr_t *)(g->mem + from * BIG_NODE))[w] = big_addr(g, to);
}

static void big_run(struct big *g) {
  tt_scan_init(&g->sc, g->blocks, g->n, g->scratch);
  tt_scan_propagate(&g->sc);
  tt_scan_classify(&g->sc);
  CU_ASSERT_EQUAL_FATAL(tt_cycles_find(&g->sc, &g->cy), 0);
}

static void big_free(struct big *g) {
  tt_cycles_free(&g->cy);
  free(g->mem);
  free(g->blocks);
  free(g->scratch);
}

#define RING_N 100000
#define LIST_N 200000

static void test_big_ring(void) {
  /* i -> i - 1 (mod n) by word 1: the walk from 0 goes down from the top */
  struct big g;
  big_init(&g, RING_N);
  for (size_t i = 0; i < RING_N; i++)
    big_link(&g, i, 1, (i + RING_N - 1) % RING_N);
  big_run(&g);
  CU_ASSERT_EQUAL_FATAL(g.cy.ncycles, 1);
  CU_ASSERT_EQUAL(g.cy.first[0], 0);
  CU_ASSERT_EQUAL_FATAL(g.cy.first[1], RING_N);
  size_t bad = 0;
  for (size_t k = 0; k < RING_N; k++) {
    bad += g.cy.members[k] != (RING_N - k) % RING_N;
    bad += g.cy.next[k] != (k + 1) % RING_N;
    bad += g.cy.offset[k] != 8;
  }
  CU_ASSERT_EQUAL(bad, 0);
  CU_ASSERT_EQUAL(g.cy.bytes[0], (uint64_t)RING_N * BIG_NODE);
  CU_ASSERT_EQUAL(g.cy.hang_blocks[0], 0);
  CU_ASSERT_EQUAL(g.cy.hang_bytes[0], 0);
  big_free(&g);
}

static void test_big_list_into_self_loop(void) {
  /* 0 -> 1 -> ... -> n-1 -> n-1: Tarjan goes n deep; one cycle of one */
  struct big g;
  big_init(&g, LIST_N);
  for (size_t i = 0; i + 1 < LIST_N; i++)
    big_link(&g, i, 0, i + 1);
  big_link(&g, LIST_N - 1, 1, LIST_N - 1);
  big_run(&g);
  CU_ASSERT_EQUAL(g.sc.state[0], D);
  CU_ASSERT_EQUAL(g.sc.state[LIST_N - 1], I);
  CU_ASSERT_EQUAL_FATAL(g.cy.ncycles, 1);
  CU_ASSERT_EQUAL_FATAL(g.cy.first[1], 1);
  CU_ASSERT_EQUAL(g.cy.members[0], LIST_N - 1);
  CU_ASSERT_EQUAL(g.cy.next[0], 0);
  CU_ASSERT_EQUAL(g.cy.offset[0], 8);
  CU_ASSERT_EQUAL(g.cy.bytes[0], BIG_NODE);
  CU_ASSERT_EQUAL(g.cy.hang_blocks[0], 0);
  CU_ASSERT_EQUAL(g.cy.hang_bytes[0], 0);
  big_free(&g);
}

static void test_big_self_loop_with_tail(void) {
  /* 0 -> 0 (word 1), 0 -> 1 -> ... -> n-1 (word 0): all the list hangs */
  struct big g;
  big_init(&g, LIST_N);
  for (size_t i = 0; i + 1 < LIST_N; i++)
    big_link(&g, i, 0, i + 1);
  big_link(&g, 0, 1, 0);
  big_run(&g);
  CU_ASSERT_EQUAL_FATAL(g.cy.ncycles, 1);
  CU_ASSERT_EQUAL_FATAL(g.cy.first[1], 1);
  CU_ASSERT_EQUAL(g.cy.members[0], 0);
  CU_ASSERT_EQUAL(g.cy.next[0], 0);
  CU_ASSERT_EQUAL(g.cy.offset[0], 8);
  CU_ASSERT_EQUAL(g.cy.bytes[0], BIG_NODE);
  CU_ASSERT_EQUAL(g.cy.hang_blocks[0], LIST_N - 1);
  CU_ASSERT_EQUAL(g.cy.hang_bytes[0], (uint64_t)(LIST_N - 1) * BIG_NODE);
  big_free(&g);
}

/* ======================================================================== */
/* refcount audit                                                            */
/* ======================================================================== */

static void rc_setup(struct tt_refcount *rc, const size_t *blocks, size_t n) {
  memset(rc, 0, n * sizeof *rc);
  for (size_t i = 0; i < n; i++) {
    rc[i].block = (uint32_t)blocks[i];
    rc[i].count_size = 8;
    rc[i].field = ch_addr(blocks[i]) + 24;
    rc[i].count = 100 + i;
  }
}

/* Only refs and refs_from_lost ever change. */
static void rc_untouched(const struct tt_refcount *rc, const size_t *blocks, size_t n) {
  for (size_t i = 0; i < n; i++) {
    CU_ASSERT_EQUAL(rc[i].block, blocks[i]);
    CU_ASSERT_EQUAL(rc[i].count_size, 8);
    CU_ASSERT_EQUAL(rc[i].field, ch_addr(blocks[i]) + 24);
    CU_ASSERT_EQUAL(rc[i].count, 100 + i);
  }
}

static void test_refcount_range(void) {
  /* 6 blocks of 32 bytes, each followed by a 32-byte gap; refcounted: 1,
   * 3, 5. The arena as a root range: words in the blocks are skipped unless
   * whole. */
  static const size_t rcb[] = {1, 3, 5};
  struct ch h;
  struct tt_refcount rc[3];
  ch_init(&h, 6, NULL);
  ch_link(0, 0, 1, 0);                                  /* in block 0: to 1 */
  ch_link(2, 3, 1, 0);                                  /* in block 2: to 1 */
  ch_link(3, 1, 3, 0);                                  /* in block 3: to itself */
  *(uintptr_t *)(ch_addr(0) + 32) = ch_addr(1);         /* gap after 0: to 1 */
  *(uintptr_t *)(ch_addr(0) + 40) = ch_addr(1) + 8;     /* interior: never */
  *(uintptr_t *)(ch_addr(1) + 56) = ch_addr(3);         /* gap after 1: to 3 */
  *(uintptr_t *)(ch_addr(2) + 32) = ch_addr(2);         /* to 2: not refcounted */
  *(uintptr_t *)(ch_addr(4) + 48) = ch_addr(5);         /* gap after 4: to 5 */
  *(uintptr_t *)(ch_addr(4) + 40) = ch_addr(5) + 31;    /* interior: never */
  *(uintptr_t *)(ch_addr(3) + 32) = ch_addr(1) - 64;    /* to 0, below the span */
  *(uintptr_t *)(ch_addr(3) + 40) = UINTPTR_MAX;
  ch_scan(&h);
  uintptr_t lo = ch_addr(0), hi = ch_addr(6);

  rc_setup(rc, rcb, 3);
  tt_refcount_count_range(&h.sc, rc, 3, lo, hi, false);
  CU_ASSERT_EQUAL(rc[0].refs, 1);
  CU_ASSERT_EQUAL(rc[1].refs, 1);
  CU_ASSERT_EQUAL(rc[2].refs, 1);
  for (size_t i = 0; i < 3; i++)
    CU_ASSERT_EQUAL(rc[i].refs_from_lost, 0);
  rc_untouched(rc, rcb, 3);

  rc_setup(rc, rcb, 3);
  tt_refcount_count_range(&h.sc, rc, 3, lo, hi, true);
  CU_ASSERT_EQUAL(rc[0].refs, 3);
  CU_ASSERT_EQUAL(rc[1].refs, 2);
  CU_ASSERT_EQUAL(rc[2].refs, 1);
  for (size_t i = 0; i < 3; i++)
    CU_ASSERT_EQUAL(rc[i].refs_from_lost, 0);
  rc_untouched(rc, rcb, 3);

  /* counts add up over calls; a range starting inside block 2 and ending
   * inside the gap after 4 (before its word to 5) */
  tt_refcount_count_range(&h.sc, rc, 3, ch_addr(2) + 8, ch_addr(4) + 48, false);
  CU_ASSERT_EQUAL(rc[0].refs, 3);
  CU_ASSERT_EQUAL(rc[1].refs, 2);
  CU_ASSERT_EQUAL(rc[2].refs, 1);
  tt_refcount_count_range(&h.sc, rc, 3, ch_addr(2) + 8, ch_addr(4) + 56, false);
  CU_ASSERT_EQUAL(rc[2].refs, 2);
  tt_refcount_count_range(&h.sc, rc, 3, ch_addr(2) + 24, ch_addr(2) + 32, true);
  CU_ASSERT_EQUAL(rc[0].refs, 4);
  /* empty and reversed ranges, a range shorter than a word */
  tt_refcount_count_range(&h.sc, rc, 3, ch_addr(1) + 56, ch_addr(1) + 56, true);
  tt_refcount_count_range(&h.sc, rc, 3, ch_addr(1) + 64, ch_addr(1) + 56, true);
  tt_refcount_count_range(&h.sc, rc, 3, ch_addr(1) + 56, ch_addr(1) + 63, false);
  tt_refcount_count_range(&h.sc, rc, 3, ch_addr(1) + 56, ch_addr(1) + 63, true);
  CU_ASSERT_EQUAL(rc[0].refs, 4);
  CU_ASSERT_EQUAL(rc[1].refs, 2);
  CU_ASSERT_EQUAL(rc[2].refs, 2);

  /* a root array outside the heap: the same either way */
  uintptr_t roots[6] = {ch_addr(5), ch_addr(5), ch_addr(3) + 8, 0, ch_addr(4), ch_addr(1)};
  rc_setup(rc, rcb, 3);
  tt_refcount_count_range(&h.sc, rc, 3, (uintptr_t)roots, (uintptr_t)(roots + 6), false);
  tt_refcount_count_range(&h.sc, rc, 3, (uintptr_t)roots, (uintptr_t)(roots + 6), true);
  CU_ASSERT_EQUAL(rc[0].refs, 2);
  CU_ASSERT_EQUAL(rc[1].refs, 0);
  CU_ASSERT_EQUAL(rc[2].refs, 4);

  /* nothing refcounted */
  tt_refcount_count_range(&h.sc, rc, 0, lo, hi, true);
  ch_free(&h);
}

static void test_refcount_words(void) {
  static const size_t rcb[] = {0, 2, 3};
  struct ch h;
  struct tt_refcount rc[3];
  ch_init(&h, 4, NULL);
  ch_scan(&h);
  const uintptr_t regs[] = {ch_addr(0), ch_addr(2) + 8, ch_addr(1), 0, UINTPTR_MAX,
                            ch_addr(3), ch_addr(3), ch_addr(0) - 8, ch_addr(3) + 32};
  rc_setup(rc, rcb, 3);
  tt_refcount_count_words(&h.sc, rc, 3, regs, sizeof regs / sizeof regs[0]);
  CU_ASSERT_EQUAL(rc[0].refs, 1);
  CU_ASSERT_EQUAL(rc[1].refs, 0);
  CU_ASSERT_EQUAL(rc[2].refs, 2);
  for (size_t i = 0; i < 3; i++)
    CU_ASSERT_EQUAL(rc[i].refs_from_lost, 0);
  rc_untouched(rc, rcb, 3);
  tt_refcount_count_words(&h.sc, rc, 3, regs, 1);
  tt_refcount_count_words(&h.sc, rc, 3, regs, 0);
  CU_ASSERT_EQUAL(rc[0].refs, 2);
  /* one refcounted block */
  rc_setup(rc, rcb + 2, 1);
  tt_refcount_count_words(&h.sc, rc, 1, regs, sizeof regs / sizeof regs[0]);
  CU_ASSERT_EQUAL(rc[0].refs, 2);
  tt_refcount_count_words(&h.sc, rc, 0, regs, sizeof regs / sizeof regs[0]);
  ch_free(&h);
}

static void test_refcount_blocks(void) {
  /* refcounted: 1 (reachable), 3 (indirectly lost), 5 (reachable, nothing
   * in a block points to it).
   *   root -> 0 -> 1, 1 -> 1 (itself), 1 -?-> 1, root -> 5;
   *   lost 4 -> 3, 4 -> 1, 4 -?-> 5; 3 -> 3 (itself, lost), 3 -> 1;
   *   possibly lost 6 (root -?-> 6) -> 1, 6 -> 1 again;
   *   the gap after 2 -> 1 (no block: not counted here) */
  static const size_t rcb[] = {1, 3, 5};
  struct ch h;
  struct tt_refcount rc[3];
  ch_init(&h, 7, NULL);
  h.roots[0] = ch_addr(0);
  h.roots[1] = ch_addr(5);
  h.roots[2] = ch_addr(6) + 8;
  ch_link(0, 2, 1, 0);
  ch_link(1, 0, 1, 0);
  ch_link(1, 1, 1, 8);
  ch_link(4, 0, 3, 0);
  ch_link(4, 1, 1, 0);
  ch_link(4, 2, 5, 8);
  ch_link(3, 3, 3, 0);
  ch_link(3, 2, 1, 0);
  ch_link(6, 0, 1, 0);
  ch_link(6, 3, 1, 0);
  *(uintptr_t *)(ch_addr(2) + 40) = ch_addr(1);
  ch_scan(&h);
  CU_ASSERT_EQUAL(ch_state(&h, 0), R);
  CU_ASSERT_EQUAL(ch_state(&h, 1), R);
  CU_ASSERT_EQUAL(ch_state(&h, 2), D);
  CU_ASSERT_EQUAL(ch_state(&h, 3), I);
  CU_ASSERT_EQUAL(ch_state(&h, 4), D);
  CU_ASSERT_EQUAL(ch_state(&h, 5), R);
  CU_ASSERT_EQUAL(ch_state(&h, 6), P);
  rc_setup(rc, rcb, 3);
  tt_refcount_count_blocks(&h.sc, rc, 3);
  /* 1: from 0, itself, 4 (lost), 3 (lost), 6 twice */
  CU_ASSERT_EQUAL(rc[0].refs, 6);
  CU_ASSERT_EQUAL(rc[0].refs_from_lost, 2);
  /* 3: from 4 and itself, both lost */
  CU_ASSERT_EQUAL(rc[1].refs, 2);
  CU_ASSERT_EQUAL(rc[1].refs_from_lost, 2);
  /* 5: only an interior pointer */
  CU_ASSERT_EQUAL(rc[2].refs, 0);
  CU_ASSERT_EQUAL(rc[2].refs_from_lost, 0);
  rc_untouched(rc, rcb, 3);
  /* the roots (gaps) and the blocks together: what the check adds up */
  tt_refcount_count_range(&h.sc, rc, 3, ch_addr(0), ch_addr(7), false);
  tt_refcount_count_range(&h.sc, rc, 3, (uintptr_t)h.roots, (uintptr_t)(h.roots + CH_ROOTS), false);
  CU_ASSERT_EQUAL(rc[0].refs, 7);
  CU_ASSERT_EQUAL(rc[0].refs_from_lost, 2);
  CU_ASSERT_EQUAL(rc[1].refs, 2);
  CU_ASSERT_EQUAL(rc[2].refs, 1);
  CU_ASSERT_EQUAL(rc[2].refs_from_lost, 0);
  tt_refcount_count_blocks(&h.sc, rc, 0);
  ch_free(&h);
}

static void test_refcount_blocks_odd_sizes(void) {
  /* a block of 20 bytes: its words are those wholly inside it (0 and 1);
   * a zero-size block holds no words; only the refcounted start counts */
  static const size_t sizes[] = {20, 0, 32, 64};
  static const size_t rcb[] = {2};
  struct ch h;
  struct tt_refcount rc[1];
  ch_init(&h, 4, sizes);
  ch_link(0, 1, 2, 0);
  ch_link(0, 2, 2, 0); /* bytes 16..23: straddles the end of block 0 */
  ch_link(1, 0, 2, 0); /* at the zero-size block's address */
  ch_link(3, 7, 2, 0); /* the last word of block 3 */
  ch_link(3, 0, 2, 1); /* interior */
  ch_scan(&h);
  rc_setup(rc, rcb, 1);
  tt_refcount_count_blocks(&h.sc, rc, 1);
  CU_ASSERT_EQUAL(rc[0].refs, 2);
  CU_ASSERT_EQUAL(rc[0].refs_from_lost, 2); /* 0 and 3 are lost */
  ch_free(&h);
}

/* ======================================================================== */

int cycles_init(void) { return 0; }
int cycles_cleanup(void) { return 0; }

CU_TestInfo cycles_tests[] = {
    {"empty heap", test_empty_heap},
    {"no lost blocks", test_no_lost_blocks},
    {"lost tree and diamond: no cycle", test_lost_tree_and_dag},
    {"cycle of two", test_cycle_of_two},
    {"cycle of two, not the lowest lost block", test_cycle_of_two_not_first},
    {"cycle of three: walk order", test_cycle_of_three},
    {"self-loops: start and interior pointers", test_self_loops},
    {"doubly linked list of five", test_doubly_linked_list},
    {"doubly linked list, prev pointers first", test_doubly_linked_list_prev_first},
    {"figure eight", test_figure_eight},
    {"two separate cycles", test_two_separate_cycles},
    {"cycle pointing to a cycle: numbered by address", test_cycle_points_to_cycle},
    {"hang: a tail", test_hang_tail},
    {"hang: a diamond, a lead-in", test_hang_diamond_and_lead_in},
    {"hang: shared with a lost root", test_hang_shared_with_lost_root},
    {"hang: shared by two cycles", test_hang_shared_by_two_cycles},
    {"reachable cycle not reported", test_reachable_cycle_not_reported},
    {"only a reachable cycle", test_only_reachable_cycle},
    {"possibly lost cycle not reported", test_possibly_lost_cycle_not_reported},
    {"suppressed cycle not reported", test_suppressed_cycle_not_reported},
    {"ring of 100,000", test_big_ring},
    {"200,000-block list into a self-loop", test_big_list_into_self_loop},
    {"self-loop with a 200,000-block tail", test_big_self_loop_with_tail},
    {"refcount: root ranges", test_refcount_range},
    {"refcount: words", test_refcount_words},
    {"refcount: blocks", test_refcount_blocks},
    {"refcount: blocks of odd sizes", test_refcount_blocks_odd_sizes},
    CU_TEST_INFO_NULL,
};
