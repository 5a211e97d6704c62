/* SPDX-License-Identifier: MIT */
/* tt_scan: the conservative mark and the leak classification, on synthetic
 * heaps. Blocks are carved out of one calloc'd area (so their contents and
 * their address order are ours to choose), roots are arrays of words we fill.
 *
 * The nine pointer chains are those of Valgrind's memcheck/tests/leak-cases.c
 * ("-->" a start pointer, "-?->" an interior pointer):
 *
 *   p1 ---> A              A reachable
 *   p2 ---> A ---> B       A reachable,        B reachable
 *   p3      A              A definitely lost
 *   p4      A ---> B       A definitely lost,  B indirectly lost
 *   p5 -?-> A              A possibly lost
 *   p6 ---> A -?-> B       A reachable,        B possibly lost
 *   p7 -?-> A ---> B       A possibly lost,    B possibly lost
 *   p8 -?-> A -?-> B       A possibly lost,    B possibly lost
 *   p9      A -?-> B       A definitely lost,  B indirectly lost
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "tt_roots.h"
#include "tt_scan.h"
#include "tt_sort.h"
#include "units.h"

#define R TT_STATE_REACHABLE
#define P TT_STATE_POSSIBLE
#define I TT_STATE_INDIRECT
#define D TT_STATE_DEFINITE

/* ======================================================================== */
/* a synthetic heap                                                          */
/* ======================================================================== */

/* Block i lives at mem + i * SH_STRIDE; a block smaller than the stride
 * leaves a gap after it. */
#define SH_MAX 32
#define SH_STRIDE 64
#define SH_ROOTS 16

struct sh {
  char *mem;
  size_t n;
  size_t size[SH_MAX];
  struct tt_block blocks[SH_MAX], tmp[SH_MAX];
  uintptr_t roots[SH_ROOTS];
  void *scratch;
  struct tt_scan sc;
};

/* n blocks; sizes[i] bytes each (NULL: 32 bytes each). */
static void sh_init(struct sh *h, size_t n, const size_t *sizes) {
  memset(h, 0, sizeof *h);
  CU_ASSERT_FATAL(n <= SH_MAX);
  h->n = n;
  h->mem = calloc(n ? n : 1, SH_STRIDE);
  CU_ASSERT_FATAL(h->mem != NULL);
  for (size_t i = 0; i < n; i++) {
    h->size[i] = sizes ? sizes[i] : 32;
    CU_ASSERT_FATAL(h->size[i] <= SH_STRIDE);
  }
}

static uintptr_t sh_addr(const struct sh *h, size_t i) {
  return (uintptr_t)(h->mem + i * SH_STRIDE);
}

static uintptr_t *sh_word(struct sh *h, size_t i, size_t w) {
  return (uintptr_t *)(h->mem + i * SH_STRIDE) + w;
}

/* Word w of block from points to block to, plus off bytes. */
static void sh_link(struct sh *h, size_t from, size_t w, size_t to, size_t off) {
  *sh_word(h, from, w) = sh_addr(h, to) + off;
}

/* Records in a shuffled order, sorted, scan set up. */
static void sh_prepare(struct sh *h) {
  /* a fixed permutation: i -> (i * 7 + 3) mod n for n not a multiple of 7 */
  for (size_t i = 0; i < h->n; i++) {
    size_t j = h->n % 7 ? (i * 7 + 3) % h->n : h->n - 1 - i;
    h->blocks[j].addr = sh_addr(h, i);
    h->blocks[j].size_kind = h->size[i];
    h->blocks[j].stack = (uint32_t)i;
    h->blocks[j].owner = 0;
  }
  tt_scan_sort_blocks(h->blocks, h->n, h->tmp);
  for (size_t i = 0; i < h->n; i++)
    CU_ASSERT_FATAL(h->blocks[i].addr == sh_addr(h, i));
  h->scratch = calloc(1, tt_scan_scratch_bytes(h->n));
  CU_ASSERT_FATAL(h->scratch != NULL);
  tt_scan_init(&h->sc, h->blocks, h->n, h->scratch);
}

static void sh_finish(struct sh *h) {
  tt_scan_propagate(&h->sc);
  tt_scan_classify(&h->sc);
}

/* Roots from h->roots as a root range. */
static void sh_run(struct sh *h) {
  sh_prepare(h);
  tt_scan_root_range(&h->sc, (uintptr_t)h->roots, (uintptr_t)(h->roots + SH_ROOTS));
  sh_finish(h);
}

static void sh_free(struct sh *h) {
  free(h->scratch);
  free(h->mem);
  h->scratch = NULL;
  h->mem = NULL;
}

static long sh_index(const struct sh *h, size_t i) {
  long k = tt_scan_find(&h->sc, sh_addr(h, i));
  CU_ASSERT_FATAL(k == (long)i);
  return k;
}

static int sh_state(const struct sh *h, size_t i) { return h->sc.state[sh_index(h, i)]; }
static uint64_t sh_ind(const struct sh *h, size_t i) { return h->sc.indirect[sh_index(h, i)]; }

/* Block i has state st and leads ind indirect bytes. */
#define EXPECT(h, i, st, ind)                   \
  do {                                          \
    CU_ASSERT_EQUAL(sh_state((h), (i)), (st));  \
    CU_ASSERT_EQUAL(sh_ind((h), (i)), (ind));   \
  } while (0)

/* ======================================================================== */
/* the nine chains of leak-cases.c                                           */
/* ======================================================================== */

enum link { NONE, START, INTERIOR };

struct chain_case {
  enum link root, ab; /* root -> A, A -> B (ab NONE: no B at all) */
  bool has_b;
  int want_a, want_b;
  uint64_t want_a_ind;
};

static const struct chain_case cases[9] = {
    {START, NONE, false, R, 0, 0},        /* p1 */
    {START, START, true, R, R, 0},        /* p2 */
    {NONE, NONE, false, D, 0, 0},         /* p3 */
    {NONE, START, true, D, I, 32},        /* p4 */
    {INTERIOR, NONE, false, P, 0, 0},     /* p5 */
    {START, INTERIOR, true, R, P, 0},     /* p6 */
    {INTERIOR, START, true, P, P, 0},     /* p7 */
    {INTERIOR, INTERIOR, true, P, P, 0},  /* p8 */
    {NONE, INTERIOR, true, D, I, 32},     /* p9 */
};

static size_t link_off(enum link l) { return l == INTERIOR ? 8 : 0; }

/* One chain alone: A is block 0, B block 1. */
static void run_case(int c) {
  const struct chain_case *k = &cases[c];
  struct sh h;
  sh_init(&h, k->has_b ? 2 : 1, NULL);
  if (k->root != NONE)
    h.roots[3] = sh_addr(&h, 0) + link_off(k->root);
  if (k->ab != NONE)
    sh_link(&h, 0, 1, 1, link_off(k->ab));
  sh_run(&h);
  EXPECT(&h, 0, k->want_a, k->want_a_ind);
  if (k->has_b)
    EXPECT(&h, 1, k->want_b, 0);
  sh_free(&h);
}

static void test_chain_p1_RRR(void) { run_case(0); }
static void test_chain_p2_RRR_RRR(void) { run_case(1); }
static void test_chain_p3_DL(void) { run_case(2); }
static void test_chain_p4_DL_IL(void) { run_case(3); }
static void test_chain_p5_interior_root(void) { run_case(4); }
static void test_chain_p6_R_then_interior(void) { run_case(5); }
static void test_chain_p7_interior_then_start(void) { run_case(6); }
static void test_chain_p8_interior_interior(void) { run_case(7); }
static void test_chain_p9_lost_interior(void) { run_case(8); }

/* All nine chains in one heap, as leak-cases.c runs them. B sits below A in
 * memory, so in p4 and p9 B leads a clique first and A absorbs it. */
static void test_chain_all_nine_in_one_heap(void) {
  struct sh h;
  sh_init(&h, 18, NULL);
  int nroots = 0;
  for (int c = 0; c < 9; c++) {
    size_t a = 2 * (size_t)c + 1, b = 2 * (size_t)c;
    if (cases[c].root != NONE)
      h.roots[nroots++] = sh_addr(&h, a) + link_off(cases[c].root);
    if (cases[c].ab != NONE)
      sh_link(&h, a, 2, b, link_off(cases[c].ab));
  }
  sh_run(&h);
  for (int c = 0; c < 9; c++) {
    size_t a = 2 * (size_t)c + 1, b = 2 * (size_t)c;
    EXPECT(&h, a, cases[c].want_a, cases[c].want_a_ind);
    /* a lone block in the chains without B is unreached: definitely lost */
    EXPECT(&h, b, cases[c].has_b ? cases[c].want_b : D, 0);
  }
  sh_free(&h);
}

/* ======================================================================== */
/* special blocks                                                            */
/* ======================================================================== */

static void test_zero_size_block_start_pointer(void) {
  static const size_t sizes[] = {0, 0, 64, 0};
  struct sh h;
  sh_init(&h, 4, sizes);
  h.roots[0] = sh_addr(&h, 0);     /* start of zero-size block 0 */
  h.roots[1] = sh_addr(&h, 1) + 1; /* one past zero-size block 1: nothing */
  h.roots[2] = sh_addr(&h, 2) + 64; /* one past block 2 == start of block 3 */
  sh_run(&h);
  CU_ASSERT_EQUAL(tt_scan_find(&h.sc, sh_addr(&h, 1)), 1);
  CU_ASSERT_EQUAL(tt_scan_find(&h.sc, sh_addr(&h, 1) + 1), -1);
  EXPECT(&h, 0, R, 0);
  EXPECT(&h, 1, D, 0);
  EXPECT(&h, 2, D, 0);
  EXPECT(&h, 3, R, 0);
  sh_free(&h);
}

static void test_zero_size_block_in_lost_clique(void) {
  static const size_t sizes[] = {16, 0};
  struct sh h;
  sh_init(&h, 2, sizes);
  sh_link(&h, 0, 0, 1, 0);
  sh_run(&h);
  EXPECT(&h, 0, D, 0);
  EXPECT(&h, 1, I, 0);
  sh_free(&h);
}

static void test_self_reference(void) {
  struct sh h;
  sh_init(&h, 4, NULL);
  sh_link(&h, 0, 0, 0, 0); /* lost, points to its own start */
  sh_link(&h, 1, 3, 1, 8); /* lost, points inside itself */
  sh_link(&h, 2, 0, 2, 0); /* reachable, points to itself */
  sh_link(&h, 3, 0, 3, 0); /* possibly lost, points to its own start */
  h.roots[0] = sh_addr(&h, 2);
  h.roots[1] = sh_addr(&h, 3) + 16;
  sh_run(&h);
  EXPECT(&h, 0, D, 0);
  EXPECT(&h, 1, D, 0);
  EXPECT(&h, 2, R, 0);
  EXPECT(&h, 3, P, 0);
  sh_free(&h);
}

/* ======================================================================== */
/* cycles, trees, cliques                                                    */
/* ======================================================================== */

static void test_cycle_of_two(void) {
  static const size_t sizes[] = {16, 48, 24, 40};
  struct sh h;
  sh_init(&h, 4, sizes);
  sh_link(&h, 0, 0, 1, 0); /* 0 <-> 1 by start pointers */
  sh_link(&h, 1, 5, 0, 0);
  sh_link(&h, 2, 1, 3, 8); /* 2 <-> 3 by interior pointers */
  sh_link(&h, 3, 4, 2, 16);
  sh_run(&h);
  EXPECT(&h, 0, D, 48);
  EXPECT(&h, 1, I, 0);
  EXPECT(&h, 2, D, 40);
  EXPECT(&h, 3, I, 0);
  sh_free(&h);
}

static void test_cycle_of_three(void) {
  static const size_t sizes[] = {16, 32, 48, 8, 24, 40};
  struct sh h;
  sh_init(&h, 6, sizes);
  sh_link(&h, 0, 1, 1, 0); /* 0 -> 1 -> 2 -> 0 */
  sh_link(&h, 1, 2, 2, 0);
  sh_link(&h, 2, 3, 0, 0);
  sh_link(&h, 3, 0, 5, 0); /* 3 -> 5 -> 4 -> 3: the lowest leads */
  sh_link(&h, 5, 4, 4, 0);
  sh_link(&h, 4, 2, 3, 0);
  sh_run(&h);
  EXPECT(&h, 0, D, 32 + 48);
  EXPECT(&h, 1, I, 0);
  EXPECT(&h, 2, I, 0);
  EXPECT(&h, 3, D, 24 + 40);
  EXPECT(&h, 4, I, 0);
  EXPECT(&h, 5, I, 0);
  sh_free(&h);
}

static void test_reachable_cycle_stays_reachable(void) {
  struct sh h;
  sh_init(&h, 3, NULL);
  sh_link(&h, 0, 0, 1, 0);
  sh_link(&h, 1, 0, 2, 0);
  sh_link(&h, 2, 0, 0, 0);
  h.roots[7] = sh_addr(&h, 1);
  sh_run(&h);
  EXPECT(&h, 0, R, 0);
  EXPECT(&h, 1, R, 0);
  EXPECT(&h, 2, R, 0);
  sh_free(&h);
}

static void test_lost_tree(void) {
  /* 0 -> {1, 2}; 1 -> {3, 4}: the root first in memory */
  static const size_t sizes[] = {16, 16, 24, 32, 40};
  struct sh h;
  sh_init(&h, 5, sizes);
  sh_link(&h, 0, 0, 1, 0);
  sh_link(&h, 0, 1, 2, 0);
  sh_link(&h, 1, 0, 3, 0);
  sh_link(&h, 1, 1, 4, 0);
  sh_run(&h);
  EXPECT(&h, 0, D, 16 + 24 + 32 + 40);
  for (size_t i = 1; i < 5; i++)
    EXPECT(&h, i, I, 0);
  sh_free(&h);
}

static void test_lost_tree_root_last(void) {
  /* 4 -> {1, 3}; 1 -> {0, 2}: leaves lead cliques first, the root absorbs */
  static const size_t sizes[] = {8, 16, 24, 32, 40};
  struct sh h;
  sh_init(&h, 5, sizes);
  sh_link(&h, 4, 0, 1, 0);
  sh_link(&h, 4, 1, 3, 0);
  sh_link(&h, 1, 0, 0, 0);
  sh_link(&h, 1, 1, 2, 0);
  sh_run(&h);
  EXPECT(&h, 4, D, 8 + 16 + 24 + 32);
  for (size_t i = 0; i < 4; i++)
    EXPECT(&h, i, I, 0);
  sh_free(&h);
}

static void test_later_clique_absorbs_earlier_leader(void) {
  /* X(0) -> Z(1); Y(2) -> X: X led a clique of Z, then Y takes both */
  static const size_t sizes[] = {16, 24, 40};
  struct sh h;
  sh_init(&h, 3, sizes);
  sh_link(&h, 0, 0, 1, 0);
  sh_link(&h, 2, 3, 0, 0);
  sh_run(&h);
  EXPECT(&h, 2, D, 16 + 24);
  EXPECT(&h, 0, I, 0);
  EXPECT(&h, 1, I, 0);
  sh_free(&h);
}

static void test_absorption_chain(void) {
  /* 3 -> 2 -> 1 -> 0 (each points down): every leader is absorbed in turn */
  static const size_t sizes[] = {8, 16, 24, 32};
  struct sh h;
  sh_init(&h, 4, sizes);
  sh_link(&h, 1, 0, 0, 0);
  sh_link(&h, 2, 0, 1, 4); /* interior pointers join cliques too */
  sh_link(&h, 3, 0, 2, 0);
  sh_run(&h);
  EXPECT(&h, 3, D, 8 + 16 + 24);
  EXPECT(&h, 2, I, 0);
  EXPECT(&h, 1, I, 0);
  EXPECT(&h, 0, I, 0);
  sh_free(&h);
}

static void test_lost_block_pointing_into_reachable(void) {
  /* a lost block pointing at reachable and possible blocks leads nothing */
  struct sh h;
  sh_init(&h, 3, NULL);
  h.roots[0] = sh_addr(&h, 1);
  h.roots[1] = sh_addr(&h, 2) + 4;
  sh_link(&h, 0, 0, 1, 0);
  sh_link(&h, 0, 1, 2, 0);
  sh_run(&h);
  EXPECT(&h, 0, D, 0);
  EXPECT(&h, 1, R, 0);
  EXPECT(&h, 2, P, 0);
  sh_free(&h);
}

/* ======================================================================== */
/* interior pointers and possibly lost                                       */
/* ======================================================================== */

static void test_interior_root_last_byte(void) {
  struct sh h;
  sh_init(&h, 2, NULL);
  h.roots[0] = sh_addr(&h, 0) + 31; /* last byte of a 32-byte block */
  h.roots[1] = sh_addr(&h, 1) + 32; /* one past the end: no block */
  sh_run(&h);
  EXPECT(&h, 0, P, 0);
  EXPECT(&h, 1, D, 0);
  sh_free(&h);
}

static void test_possible_propagates_possible(void) {
  /* root -?-> 0 -> 1 -> 2: everything under a possible block is possible */
  struct sh h;
  sh_init(&h, 3, NULL);
  h.roots[0] = sh_addr(&h, 0) + 8;
  sh_link(&h, 0, 0, 1, 0);
  sh_link(&h, 1, 0, 2, 0);
  sh_run(&h);
  EXPECT(&h, 0, P, 0);
  EXPECT(&h, 1, P, 0);
  EXPECT(&h, 2, P, 0);
  sh_free(&h);
}

static void test_possible_upgraded_to_reachable(void) {
  /* roots: C (start), A + 8. A is marked possible and scanned first (B
   * possible), then C's scan finds A's start: A and everything under it must
   * become reachable. */
  struct sh h;
  sh_init(&h, 3, NULL); /* 0 = A, 1 = B, 2 = C */
  h.roots[0] = sh_addr(&h, 2);
  h.roots[1] = sh_addr(&h, 0) + 8;
  sh_link(&h, 2, 0, 0, 0);
  sh_link(&h, 0, 0, 1, 0);
  sh_run(&h);
  EXPECT(&h, 0, R, 0);
  EXPECT(&h, 1, R, 0);
  EXPECT(&h, 2, R, 0);
  sh_free(&h);
}

static void test_start_and_interior_roots_reachable(void) {
  /* order of the roots does not matter: a start pointer wins */
  struct sh h;
  sh_init(&h, 2, NULL);
  h.roots[0] = sh_addr(&h, 0) + 8;
  h.roots[1] = sh_addr(&h, 0);
  h.roots[2] = sh_addr(&h, 1);
  h.roots[3] = sh_addr(&h, 1) + 8;
  sh_run(&h);
  EXPECT(&h, 0, R, 0);
  EXPECT(&h, 1, R, 0);
  sh_free(&h);
}

/* ======================================================================== */
/* root ranges and root words                                                */
/* ======================================================================== */

static void test_root_range_skips_live_blocks(void) {
  /* The root range covers the whole heap area [mem, mem + 4 * stride): the
   * gaps after each 32-byte block are roots, the blocks are not. */
  struct sh h;
  sh_init(&h, 4, NULL);
  sh_link(&h, 0, 0, 1, 0);                    /* inside block 0: not a root */
  *(uintptr_t *)(h.mem + 0 * SH_STRIDE + 40) = sh_addr(&h, 2); /* gap after 0 */
  sh_link(&h, 3, 1, 2, 0);                    /* inside block 3 */
  sh_prepare(&h);
  tt_scan_root_range(&h.sc, (uintptr_t)h.mem, (uintptr_t)(h.mem + 4 * SH_STRIDE));
  /* 4 gaps of 32 bytes: 16 words scanned, the 16 block words skipped */
  CU_ASSERT_EQUAL(h.sc.words_scanned, 16);
  sh_finish(&h);
  EXPECT(&h, 0, D, 32);
  EXPECT(&h, 1, I, 0);
  EXPECT(&h, 2, R, 0);
  EXPECT(&h, 3, D, 0);
  sh_free(&h);
}

static void test_root_range_starts_and_ends_inside_blocks(void) {
  struct sh h;
  sh_init(&h, 5, NULL);
  sh_link(&h, 0, 3, 4, 0);                                     /* in block 0, after lo */
  *(uintptr_t *)(h.mem + 1 * SH_STRIDE + 48) = sh_addr(&h, 1) + 8; /* gap after 1 */
  sh_link(&h, 2, 0, 3, 0);                                     /* in block 2, before hi */
  sh_prepare(&h);
  /* [inside block 0, inside block 2) */
  tt_scan_root_range(&h.sc, sh_addr(&h, 0) + 8, sh_addr(&h, 2) + 16);
  CU_ASSERT_EQUAL(h.sc.words_scanned, 8); /* the gaps after blocks 0 and 1 */
  sh_finish(&h);
  EXPECT(&h, 0, D, 32); /* its pointer to 4 was not a root */
  EXPECT(&h, 1, P, 0);
  EXPECT(&h, 2, D, 32);
  EXPECT(&h, 3, I, 0);
  EXPECT(&h, 4, I, 0);
  sh_free(&h);
}

/* A root range over memory that holds freed (skip) and tether's own blocks
 * as well as live ones: only the gaps between all three are roots, and a
 * range with any of them starting in it "has a block". */
static void test_root_range_skips_freed_and_own_blocks(void) {
  struct sh h;
  /* a fake area of 6 slots: 0, 1 live; 2 freed; 3, 4 tether's own; 5 empty */
  char *area = calloc(6, SH_STRIDE);
  CU_ASSERT_FATAL(area != NULL);
  sh_init(&h, 2, NULL);
  struct tt_block freed[1], own[2];
  memset(freed, 0, sizeof freed);
  memset(own, 0, sizeof own);
  freed[0].addr = (uintptr_t)(area + 2 * SH_STRIDE);
  freed[0].size_kind = 32;
  own[0].addr = (uintptr_t)(area + 3 * SH_STRIDE);
  own[0].size_kind = 32;
  own[1].addr = (uintptr_t)(area + 4 * SH_STRIDE);
  own[1].size_kind = SH_STRIDE; /* no gap after it */
  uintptr_t *w = (uintptr_t *)area;
  w[2 * SH_STRIDE / 8] = sh_addr(&h, 0);     /* inside the freed block */
  w[3 * SH_STRIDE / 8 + 1] = sh_addr(&h, 0); /* inside an own block */
  w[4 * SH_STRIDE / 8 + 7] = sh_addr(&h, 0); /* inside the other, its last word */
  w[3 * SH_STRIDE / 8 + 5] = sh_addr(&h, 1); /* in the gap after own[0]: a root */
  sh_prepare(&h);
  tt_scan_set_skip(&h.sc, freed, 1);
  tt_scan_set_own(&h.sc, own, 2);
  uintptr_t lo = (uintptr_t)area, hi = (uintptr_t)(area + 6 * SH_STRIDE);
  tt_scan_root_range(&h.sc, lo, hi);
  /* 6 * 8 words, minus 4 + 4 + 8 inside the freed and own blocks */
  CU_ASSERT_EQUAL(h.sc.words_scanned, 6 * 8 - 16);
  CU_ASSERT_TRUE(tt_scan_has_block_in(&h.sc, (uintptr_t)(area + 3 * SH_STRIDE), hi));
  CU_ASSERT_TRUE(tt_scan_has_block_in(&h.sc, (uintptr_t)(area + 2 * SH_STRIDE), (uintptr_t)(area + 2 * SH_STRIDE) + 1));
  CU_ASSERT_FALSE(tt_scan_has_block_in(&h.sc, (uintptr_t)(area + 5 * SH_STRIDE), hi));
  sh_finish(&h);
  EXPECT(&h, 0, D, 0);
  EXPECT(&h, 1, R, 0);
  /* The contrast: without the own list the same memory reaches block 0. */
  memset(h.scratch, 0, tt_scan_scratch_bytes(h.n));
  tt_scan_init(&h.sc, h.blocks, h.n, h.scratch);
  tt_scan_set_skip(&h.sc, freed, 1);
  tt_scan_root_range(&h.sc, lo, hi);
  CU_ASSERT_EQUAL(h.sc.words_scanned, 6 * 8 - 4);
  CU_ASSERT_FALSE(tt_scan_has_block_in(&h.sc, (uintptr_t)(area + 3 * SH_STRIDE), hi));
  sh_finish(&h);
  EXPECT(&h, 0, R, 0);
  sh_free(&h);
  free(area);
}

static void test_root_range_empty_and_reversed(void) {
  struct sh h;
  sh_init(&h, 1, NULL);
  h.roots[0] = sh_addr(&h, 0);
  sh_prepare(&h);
  tt_scan_root_range(&h.sc, (uintptr_t)h.roots, (uintptr_t)h.roots);
  tt_scan_root_range(&h.sc, (uintptr_t)(h.roots + 1), (uintptr_t)h.roots);
  /* a range shorter than a word holds no aligned word */
  tt_scan_root_range(&h.sc, (uintptr_t)h.roots, (uintptr_t)h.roots + 7);
  sh_finish(&h);
  EXPECT(&h, 0, D, 0);
  CU_ASSERT_EQUAL(h.sc.words_scanned, 0);
  sh_free(&h);
}

static void test_root_words(void) {
  struct sh h;
  sh_init(&h, 4, NULL);
  uintptr_t regs[6] = {sh_addr(&h, 0), sh_addr(&h, 1) + 12, 0, UINTPTR_MAX, 42,
                       sh_addr(&h, 3) + 32};
  sh_prepare(&h);
  tt_scan_root_words(&h.sc, regs, 6);
  sh_finish(&h);
  EXPECT(&h, 0, R, 0);
  EXPECT(&h, 1, P, 0);
  EXPECT(&h, 2, D, 0);
  EXPECT(&h, 3, D, 0);
  sh_free(&h);
}

/* ======================================================================== */
/* lookup and sorting                                                        */
/* ======================================================================== */

static void test_find(void) {
  static const size_t sizes[] = {32, 0, 17, 64, 8};
  struct sh h;
  sh_init(&h, 5, sizes);
  sh_prepare(&h);
  const struct tt_scan *sc = &h.sc;
  for (size_t i = 0; i < 5; i++)
    CU_ASSERT_EQUAL(tt_scan_find(sc, sh_addr(&h, i)), (long)i);
  CU_ASSERT_EQUAL(tt_scan_find(sc, sh_addr(&h, 0) + 1), 0);
  CU_ASSERT_EQUAL(tt_scan_find(sc, sh_addr(&h, 0) + 31), 0);
  CU_ASSERT_EQUAL(tt_scan_find(sc, sh_addr(&h, 0) + 32), -1); /* one past the end */
  CU_ASSERT_EQUAL(tt_scan_find(sc, sh_addr(&h, 0) + 63), -1); /* gap */
  CU_ASSERT_EQUAL(tt_scan_find(sc, sh_addr(&h, 1) + 1), -1);  /* zero-size: one byte */
  CU_ASSERT_EQUAL(tt_scan_find(sc, sh_addr(&h, 2) + 16), 2);
  CU_ASSERT_EQUAL(tt_scan_find(sc, sh_addr(&h, 2) + 17), -1);
  CU_ASSERT_EQUAL(tt_scan_find(sc, sh_addr(&h, 3) + 63), 3);
  CU_ASSERT_EQUAL(tt_scan_find(sc, sh_addr(&h, 3) + 64), 4); /* adjacent: next start */
  CU_ASSERT_EQUAL(tt_scan_find(sc, sh_addr(&h, 4) + 7), 4);
  CU_ASSERT_EQUAL(tt_scan_find(sc, sh_addr(&h, 4) + 8), -1); /* past the last block */
  CU_ASSERT_EQUAL(tt_scan_find(sc, sh_addr(&h, 0) - 1), -1); /* before the first */
  CU_ASSERT_EQUAL(tt_scan_find(sc, 0), -1);
  CU_ASSERT_EQUAL(tt_scan_find(sc, UINTPTR_MAX), -1);
  CU_ASSERT_EQUAL(sc->lo, sh_addr(&h, 0));
  CU_ASSERT_EQUAL(sc->hi, sh_addr(&h, 4) + 8);
  sh_free(&h);
}

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;
static uint64_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

static uint32_t tag_of(uintptr_t a) { return (uint32_t)((a * 0x9E3779B97F4A7C15ull) >> 32); }

/* Sorts blocks[0..n) (addresses already filled in) after a shuffle and
 * checks order, that every record moved whole, and that none was lost. */
static void sort_and_check(struct tt_block *b, size_t n, bool shuffle) {
  uintptr_t sum = 0, x = 0;
  for (size_t i = 0; i < n; i++) {
    b[i].stack = tag_of(b[i].addr);
    b[i].size_kind = b[i].addr & 0xffff;
    b[i].owner = ~b[i].stack;
    sum += b[i].addr;
    x ^= b[i].addr * 31;
  }
  for (size_t i = n; shuffle && i > 1; i--) {
    size_t j = rnd() % i;
    struct tt_block t = b[i - 1];
    b[i - 1] = b[j];
    b[j] = t;
  }
  struct tt_block *tmp = calloc(n ? n : 1, sizeof *tmp);
  CU_ASSERT_FATAL(tmp != NULL);
  tt_scan_sort_blocks(b, n, tmp);
  free(tmp);
  size_t bad = 0;
  uintptr_t sum2 = 0, x2 = 0;
  for (size_t i = 0; i < n; i++) {
    if (i && b[i - 1].addr > b[i].addr)
      bad++;
    if (b[i].stack != tag_of(b[i].addr) || b[i].owner != ~b[i].stack ||
        b[i].size_kind != (b[i].addr & 0xffff))
      bad++;
    sum2 += b[i].addr;
    x2 ^= b[i].addr * 31;
  }
  CU_ASSERT_EQUAL(bad, 0);
  CU_ASSERT_EQUAL(sum, sum2);
  CU_ASSERT_EQUAL(x, x2);
}

static void test_sort_shuffled(void) {
  enum { N = 20000 };
  struct tt_block *b = calloc(N, sizeof *b);
  CU_ASSERT_FATAL(b != NULL);
  for (size_t i = 0; i < N; i++)
    b[i].addr = 0x550000000000ull + (rnd() % (1ull << 40)) * 16;
  sort_and_check(b, N, true);
  /* already sorted, and reversed */
  sort_and_check(b, N, false);
  for (size_t i = 0; i < N; i++)
    b[i].addr = 0x7f0000000000ull - i * 48;
  sort_and_check(b, N, false);
  free(b);
}

/* The snapshot's order: ascending but for a few blocks (reused memory,
 * records from the hash table at the end), which are sorted alone and
 * merged; and inputs where that does not pay. */
static void test_sort_nearly_sorted(void) {
  enum { N = 20000 };
  struct tt_block *b = calloc(N, sizeof *b);
  CU_ASSERT_FATAL(b != NULL);
  for (unsigned stray = 1; stray <= N / 4; stray *= 7) {
    for (size_t i = 0; i < N; i++)
      b[i].addr = 0x550000000000ull + i * 64;
    for (unsigned k = 0; k < stray; k++) { /* a block moved elsewhere: lower or higher */
      size_t i = rnd() % N, j = rnd() % N;
      struct tt_block t = b[i];
      b[i] = b[j];
      b[j] = t;
    }
    sort_and_check(b, N, false);
    for (size_t i = 0; i < N; i++)
      if (b[i].addr != 0x550000000000ull + i * 64) {
        CU_FAIL("not the ascending sequence");
        break;
      }
  }
  /* an early outlier above everything, and a tail below everything */
  for (size_t i = 0; i < N; i++)
    b[i].addr = 0x560000000000ull + i * 32;
  b[0].addr = 0x7f0000000000ull;
  sort_and_check(b, N, false);
  for (size_t i = N - 100; i < N; i++)
    b[i].addr = 0x100000 + i * 16;
  sort_and_check(b, N, false);
  free(b);
}

static void test_sort_bits_outside_radix(void) {
  enum { N = 512 };
  struct tt_block b[N];
  memset(b, 0, sizeof b);
  /* differing only above bit 47 */
  for (size_t i = 0; i < 256; i++)
    b[i].addr = 0x1000 | ((uint64_t)i << 48);
  sort_and_check(b, 256, true);
  for (size_t i = 0; i < 256; i++)
    CU_ASSERT_EQUAL(b[i].addr, 0x1000 | ((uint64_t)i << 48));
  /* differing only below bit 4 */
  for (size_t i = 0; i < 16; i++)
    b[i].addr = 0x5550 + i;
  sort_and_check(b, 16, true);
  for (size_t i = 0; i < 16; i++)
    CU_ASSERT_EQUAL(b[i].addr, 0x5550 + i);
  /* all 64 bits random */
  for (size_t i = 0; i < N; i++)
    b[i].addr = rnd();
  sort_and_check(b, N, true);
  /* nothing and one */
  sort_and_check(b, 0, true);
  b[0].addr = 0x1234;
  sort_and_check(b, 1, true);
  CU_ASSERT_EQUAL(b[0].addr, 0x1234);
}

/* ======================================================================== */
/* scale and edges                                                           */
/* ======================================================================== */

#define CHAIN_N 200000
#define NODE 16

struct big {
  char *mem;
  struct tt_block *blocks;
  void *scratch;
  struct tt_scan sc;
};

/* CHAIN_N adjacent 16-byte blocks; node i's first word is next(i) (or none). */
static void big_build(struct big *g, long (*next)(long)) {
  g->mem = calloc(CHAIN_N, NODE);
  g->blocks = calloc(CHAIN_N, sizeof *g->blocks);
  struct tt_block *tmp = calloc(CHAIN_N, sizeof *tmp);
  g->scratch = calloc(1, tt_scan_scratch_bytes(CHAIN_N));
  CU_ASSERT_FATAL(g->mem && g->blocks && tmp && g->scratch);
  for (long i = 0; i < CHAIN_N; i++) {
    long j = next(i);
    if (j >= 0)
      *(uintptr_t *)(g->mem + i * NODE) = (uintptr_t)(g->mem + j * NODE);
    /* stored back to front: the sort has work to do */
    g->blocks[CHAIN_N - 1 - i].addr = (uintptr_t)(g->mem + i * NODE);
    g->blocks[CHAIN_N - 1 - i].size_kind = NODE;
  }
  tt_scan_sort_blocks(g->blocks, CHAIN_N, tmp);
  free(tmp);
  tt_scan_init(&g->sc, g->blocks, CHAIN_N, g->scratch);
}

static void big_free(struct big *g) {
  free(g->mem);
  free(g->blocks);
  free(g->scratch);
}

static long next_up_cb(long i) { return i + 1 < CHAIN_N ? i + 1 : -1; }
static long next_down_cb(long i) { return i - 1; }

static size_t count_state(const struct big *g, int st) {
  size_t c = 0;
  for (size_t i = 0; i < CHAIN_N; i++)
    c += g->sc.state[i] == st;
  return c;
}

static void test_long_chain_reachable(void) {
  struct big g;
  big_build(&g, next_up_cb);
  uintptr_t root = (uintptr_t)g.mem;
  tt_scan_root_words(&g.sc, &root, 1);
  tt_scan_propagate(&g.sc);
  tt_scan_classify(&g.sc);
  CU_ASSERT_EQUAL(count_state(&g, R), CHAIN_N);
  big_free(&g);
}

static void test_long_chain_lost(void) {
  struct big g;
  big_build(&g, next_up_cb);
  tt_scan_propagate(&g.sc);
  tt_scan_classify(&g.sc);
  CU_ASSERT_EQUAL(g.sc.state[0], D);
  CU_ASSERT_EQUAL(g.sc.indirect[0], (uint64_t)(CHAIN_N - 1) * NODE);
  CU_ASSERT_EQUAL(count_state(&g, I), CHAIN_N - 1);
  big_free(&g);
}

static void test_long_chain_lost_pointing_down(void) {
  /* the head is the highest block: 200,000 absorptions of earlier leaders */
  struct big g;
  big_build(&g, next_down_cb);
  tt_scan_propagate(&g.sc);
  tt_scan_classify(&g.sc);
  CU_ASSERT_EQUAL(g.sc.state[CHAIN_N - 1], D);
  CU_ASSERT_EQUAL(g.sc.indirect[CHAIN_N - 1], (uint64_t)(CHAIN_N - 1) * NODE);
  CU_ASSERT_EQUAL(count_state(&g, I), CHAIN_N - 1);
  uint64_t total = 0;
  for (size_t i = 0; i < CHAIN_N; i++)
    total += g.sc.indirect[i];
  CU_ASSERT_EQUAL(total, (uint64_t)(CHAIN_N - 1) * NODE);
  big_free(&g);
}

static void test_long_chain_possible(void) {
  /* an interior root into the head: all 200,000 possibly lost, none twice */
  struct big g;
  big_build(&g, next_up_cb);
  uintptr_t root = (uintptr_t)g.mem + 8;
  tt_scan_root_words(&g.sc, &root, 1);
  tt_scan_propagate(&g.sc);
  tt_scan_classify(&g.sc);
  CU_ASSERT_EQUAL(count_state(&g, P), CHAIN_N);
  CU_ASSERT_EQUAL(g.sc.words_scanned, (uint64_t)CHAIN_N * NODE / sizeof(uintptr_t));
  big_free(&g);
}

static void test_empty_heap(void) {
  struct tt_scan sc;
  uint64_t scratch[4] = {0};
  struct tt_block one;
  memset(&one, 0, sizeof one);
  CU_ASSERT(tt_scan_scratch_bytes(0) <= sizeof scratch);
  tt_scan_init(&sc, &one, 0, scratch);
  uintptr_t roots[4] = {0, 8, 0x1000, (uintptr_t)&sc};
  CU_ASSERT_EQUAL(tt_scan_find(&sc, 0x1000), -1);
  CU_ASSERT_EQUAL(tt_scan_find(&sc, 0), -1);
  tt_scan_root_range(&sc, (uintptr_t)roots, (uintptr_t)(roots + 4));
  tt_scan_root_words(&sc, roots, 4);
  tt_scan_propagate(&sc);
  tt_scan_classify(&sc);
  CU_ASSERT_EQUAL(sc.nwork, 0);
}

/* Regression: with no blocks (n == 0) the span was [UINTPTR_MAX, 0), so
 * the range filter let a word of ~0 through and tt_scan_find read
 * sc->blocks[0], which does not exist. tt_check scans an empty heap with
 * blocks == NULL, and a saved register holding -1 reaches it through
 * tt_scan_root_words: the program under test crashed at exit. Run in a
 * child so a crash is a failure, not the end of the suite. */
static void test_empty_heap_all_ones_word(void) {
  fflush(NULL);
  pid_t pid = fork();
  CU_ASSERT_FATAL(pid >= 0);
  if (pid == 0) {
    if (!freopen("/dev/null", "w", stderr))
      _exit(4);
    struct tt_scan sc;
    uint64_t *scratch = calloc(1, tt_scan_scratch_bytes(0)); /* as tt_check maps it */
    tt_scan_init(&sc, NULL, 0, scratch);
    uintptr_t regs[2] = {UINTPTR_MAX, 0x1000};
    tt_scan_root_words(&sc, regs, 2);
    long k = tt_scan_find(&sc, UINTPTR_MAX);
    free(scratch);
    _exit(k == -1 ? 0 : 3);
  }
  int status = 0;
  CU_ASSERT_FATAL(waitpid(pid, &status, 0) == pid);
  CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* tt_scan_find against a linear search, on layouts that exercise the page
 * directory: dense pages, blocks spanning many pages, zero-size blocks,
 * segments split by gaps of TT_SCAN_SEG_GAP and just under it, a sparse
 * segment (coarser directory), and more segments than TT_SCAN_MAX_SEGS
 * (the last takes the rest). Addresses only: the scan reads no block. */
static long find_linear(const struct tt_block *b, size_t n, uintptr_t a) {
  for (size_t i = 0; i < n; i++) {
    size_t size = tt_block_size(&b[i]);
    if (a >= b[i].addr && a - b[i].addr < (size ? size : 1))
      return (long)i;
  }
  return -1;
}

static size_t find_layout(struct tt_block *b, size_t max, unsigned layout) {
  uintptr_t a = 0x10000000000ull;
  size_t n = 0;
  uint64_t r = 0x9E3779B97F4A7C15ull * (layout + 1);
  while (n < max) {
    r ^= r << 13, r ^= r >> 7, r ^= r << 17;
    size_t size;
    switch (layout) {
    case 0: size = 16 + (r % 4) * 16; break;                  /* dense pages */
    case 1: size = r % 8 == 0 ? 3 * 4096 + 8 : 48; break;     /* spanning pages */
    default: size = r % 5 == 0 ? 0 : 32 + r % 200; break;     /* zero sizes */
    }
    memset(&b[n], 0, sizeof b[n]);
    b[n].addr = a;
    b[n].size_kind = size;
    n++;
    uintptr_t gap = 16;
    if (layout == 2 && r % 97 == 0)
      gap = TT_SCAN_SEG_GAP + 4096 * (r % 3);                 /* a new segment */
    else if (layout == 2 && r % 89 == 0)
      gap = TT_SCAN_SEG_GAP - 16;                             /* just not one */
    else if (layout == 3)
      gap = (r % 3 ? 4096 * 1000 : TT_SCAN_SEG_GAP * 2);      /* sparse, 100+ segments */
    a = TT_ALIGN_UP(a + (size ? size : 1) + gap, 16);
  }
  return n;
}

static void test_find_matches_linear_search(void) {
  enum { N = 3000 };
  struct tt_block *b = calloc(N, sizeof *b);
  CU_ASSERT_FATAL(b != NULL);
  for (unsigned layout = 0; layout < 4; layout++) {
    size_t n = find_layout(b, N, layout);
    void *scratch = calloc(1, tt_scan_scratch_bytes(n));
    CU_ASSERT_FATAL(scratch != NULL);
    struct tt_scan sc;
    tt_scan_init(&sc, b, n, scratch);
    if (layout >= 2)
      CU_ASSERT(sc.nsegs > 1);
    if (layout == 3)
      CU_ASSERT_EQUAL(sc.nsegs, TT_SCAN_MAX_SEGS);
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
      size_t size = tt_block_size(&b[i]);
      uintptr_t probe[] = {b[i].addr, b[i].addr + size / 2, b[i].addr + size,
                           b[i].addr + (size ? size - 1 : 0), b[i].addr - 1, b[i].addr + 4096,
                           b[i].addr + TT_SCAN_SEG_GAP, TT_ALIGN_UP(b[i].addr, 4096) - 8};
      for (size_t k = 0; k < sizeof probe / sizeof probe[0]; k++)
        bad += tt_scan_find(&sc, probe[k]) != find_linear(b, n, probe[k]);
    }
    CU_ASSERT_EQUAL(bad, 0);
    free(scratch);
  }
  free(b);
}

static void test_scratch_bytes(void) {
  /* starts, indirect, the 2n + 1 mark stack and the state bytes */
  for (size_t n = 0; n < 100; n++) {
    size_t need = n * 8 + n * 8 + (2 * n + 1) * 4 + n;
    CU_ASSERT(tt_scan_scratch_bytes(n) >= need);
  }
}

/* tt_scan_init writes the dense arrays and the directory, and nothing of
 * the rest of a fresh mapping: the mark stack, the cliques' totals, the
 * scanned bits and the heuristics cost only the pages a scan touches. The
 * rest is made read-only here: a write faults. */
static void test_scratch_sparse_untouched(void) {
  enum { SN = 100000 };
  struct tt_block *b = calloc(SN, sizeof *b);
  CU_ASSERT_FATAL(b != NULL);
  for (size_t i = 0; i < SN; i++) {
    b[i].addr = 0x10000000 + i * 64;
    b[i].size_kind = 32;
  }
  size_t bytes = tt_scan_scratch_bytes(SN);
  CU_ASSERT(tt_scan_dense_bytes(SN) >= SN * sizeof(uintptr_t) + SN);
  CU_ASSERT(tt_scan_dense_bytes(SN) < bytes);
  struct tt_scan sc;
  char *probe = calloc(1, bytes);
  CU_ASSERT_FATAL(probe != NULL);
  tt_scan_init(&sc, b, SN, probe);
  size_t lo = TT_ALIGN_UP((size_t)((char *)sc.indirect - probe), 4096);
  size_t hi = ((size_t)((char *)sc.segs - probe)) & ~(size_t)4095;
  CU_ASSERT((char *)sc.state - probe < (long)tt_scan_dense_bytes(SN));
  CU_ASSERT((char *)sc.indirect - probe >= (long)tt_scan_dense_bytes(SN));
  CU_ASSERT((char *)sc.work > (char *)sc.indirect && (char *)sc.heur < (char *)sc.segs);
  free(probe);
  char *scratch = mmap(NULL, bytes + 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CU_ASSERT_FATAL(scratch != MAP_FAILED && hi > lo + SN);
  CU_ASSERT_FATAL(mprotect(scratch + lo, hi - lo, PROT_READ) == 0);
  tt_scan_init(&sc, b, SN, scratch); /* a write to the sparse part faults */
  CU_ASSERT_FATAL(mprotect(scratch + lo, hi - lo, PROT_READ | PROT_WRITE) == 0);
  CU_ASSERT_EQUAL(tt_scan_find(&sc, 0x10000000 + 5 * 64 + 31), 5);
  CU_ASSERT_EQUAL(tt_scan_find(&sc, 0x10000000 + 5 * 64 + 32), -1);
  CU_ASSERT_EQUAL(sc.state[SN - 1], TT_STATE_UNREACHED);
  munmap(scratch, bytes + 4096);
  free(b);
}

/* ======================================================================== */
/* dangling pointers: words that point into freed (quarantined) blocks      */
/* ======================================================================== */

/* Freed blocks i at qmem + i * 64 (never read by the scan): sizes 32, but
 * block 3 has size 0. */
#define QH_N 6
struct qh {
  char *mem;
  struct tt_block q[QH_N];
  struct tt_dangling out[64];
};

static void qh_init(struct qh *x) {
  memset(x, 0, sizeof *x);
  x->mem = calloc(QH_N, 64);
  CU_ASSERT_FATAL(x->mem != NULL);
  for (size_t i = 0; i < QH_N; i++) {
    x->q[i].addr = (uintptr_t)(x->mem + i * 64);
    x->q[i].size_kind = (i == 3 ? 0 : 32) | (uint64_t)TT_BLOCK_QUARANTINED << 56;
    x->q[i].stack = (uint32_t)(1000 + i);
  }
}

static uintptr_t qa(const struct qh *x, size_t i) { return x->q[i].addr; }

static void qh_free(struct qh *x) { free(x->mem); }

static void qh_set(struct sh *h, struct qh *x, unsigned mask) {
  tt_scan_set_quarantine(&h->sc, x->q, QH_N, x->out, TT_ARRAY_LEN(x->out), mask);
}

/* Roots as a range of the given kind. */
static void sh_roots(struct sh *h, int kind) {
  h->sc.root_kind = kind;
  tt_scan_root_range(&h->sc, (uintptr_t)h->roots, (uintptr_t)(h->roots + SH_ROOTS));
}

/* The finding whose where is w, or NULL. */
static const struct tt_dangling *found_at(const struct sh *h, const void *w) {
  for (size_t i = 0; i < h->sc.nfound; i++)
    if (h->sc.found[i].where == (uintptr_t)w)
      return &h->sc.found[i];
  return NULL;
}

static void test_dangling_root_start(void) {
  struct sh h;
  struct qh x;
  sh_init(&h, 1, NULL);
  qh_init(&x);
  h.roots[5] = qa(&x, 1);
  sh_prepare(&h);
  qh_set(&h, &x, 1u << TT_ROOT_GLOBAL | TT_SCAN_DANGLING_START_ONLY);
  sh_roots(&h, TT_ROOT_GLOBAL);
  sh_finish(&h);
  CU_ASSERT_EQUAL_FATAL(h.sc.nfound, 1);
  const struct tt_dangling *d = &x.out[0];
  CU_ASSERT_EQUAL(d->where, (uintptr_t)&h.roots[5]);
  CU_ASSERT_EQUAL(d->value, qa(&x, 1));
  CU_ASSERT_EQUAL(d->holder, -1);
  CU_ASSERT_EQUAL(d->target, 1);
  CU_ASSERT_EQUAL(d->root_kind, TT_ROOT_GLOBAL);
  EXPECT(&h, 0, D, 0); /* the leak check is not disturbed */
  sh_free(&h);
  qh_free(&x);
}

/* Interior pointers count only without START_ONLY; a zero-size freed block
 * is one byte; words just outside the freed blocks are nothing. */
static void run_dangling_interior(bool start_only) {
  struct sh h;
  struct qh x;
  sh_init(&h, 1, NULL);
  qh_init(&x);
  h.roots[0] = qa(&x, 0) - 8;      /* below all of them */
  h.roots[1] = qa(&x, 1) + 8;      /* interior */
  h.roots[2] = qa(&x, 1) + 31;     /* the last byte */
  h.roots[3] = qa(&x, 1) + 32;     /* one past: the gap before block 2 */
  h.roots[4] = qa(&x, 3);          /* zero-size block: its start */
  h.roots[5] = qa(&x, 3) + 1;      /* and one past it */
  h.roots[6] = qa(&x, 5) + 32;     /* the end of the span */
  h.roots[7] = qa(&x, 2);          /* a start */
  sh_prepare(&h);
  qh_set(&h, &x, 1u << TT_ROOT_OTHER | (start_only ? TT_SCAN_DANGLING_START_ONLY : 0));
  sh_roots(&h, TT_ROOT_OTHER);
  sh_finish(&h);
  const struct tt_dangling *d;
  CU_ASSERT_EQUAL(h.sc.nfound, start_only ? 2 : 4);
  CU_ASSERT_PTR_NULL(found_at(&h, &h.roots[0]));
  CU_ASSERT_PTR_NULL(found_at(&h, &h.roots[3]));
  CU_ASSERT_PTR_NULL(found_at(&h, &h.roots[5]));
  CU_ASSERT_PTR_NULL(found_at(&h, &h.roots[6]));
  d = found_at(&h, &h.roots[4]);
  CU_ASSERT(d && d->target == 3 && d->value == qa(&x, 3) && d->root_kind == TT_ROOT_OTHER);
  d = found_at(&h, &h.roots[7]);
  CU_ASSERT(d && d->target == 2 && d->value == qa(&x, 2) && d->holder == -1);
  if (start_only) {
    CU_ASSERT_PTR_NULL(found_at(&h, &h.roots[1]));
    CU_ASSERT_PTR_NULL(found_at(&h, &h.roots[2]));
  } else {
    d = found_at(&h, &h.roots[1]);
    CU_ASSERT(d && d->target == 1 && d->value == qa(&x, 1) + 8);
    d = found_at(&h, &h.roots[2]);
    CU_ASSERT(d && d->target == 1 && d->value == qa(&x, 1) + 31);
  }
  sh_free(&h);
  qh_free(&x);
}

static void test_dangling_interior(void) { run_dangling_interior(false); }
static void test_dangling_interior_start_only(void) { run_dangling_interior(true); }

/* Words in reachable (and possibly lost) live blocks; never in lost ones. */
static void run_dangling_heap(unsigned mask) {
  struct sh h;
  struct qh x;
  sh_init(&h, 4, NULL); /* A = 0 reachable, B = 1 unreached, C = 2 lost, D = 3 possible */
  qh_init(&x);
  h.roots[0] = sh_addr(&h, 0);
  h.roots[1] = sh_addr(&h, 3) + 8;
  *sh_word(&h, 0, 1) = qa(&x, 0);      /* A: a start */
  *sh_word(&h, 0, 3) = qa(&x, 4) + 16; /* A: interior */
  *sh_word(&h, 2, 0) = qa(&x, 2);      /* C: lost, so not a hazard */
  *sh_word(&h, 3, 2) = qa(&x, 5);      /* D */
  sh_prepare(&h);
  qh_set(&h, &x, mask);
  sh_roots(&h, TT_ROOT_GLOBAL);
  sh_finish(&h);
  bool heap = mask & TT_SCAN_DANGLING_HEAP, start_only = mask & TT_SCAN_DANGLING_START_ONLY;
  CU_ASSERT_EQUAL(h.sc.nfound, !heap ? 0 : start_only ? 2 : 3);
  CU_ASSERT_PTR_NULL(found_at(&h, sh_word(&h, 2, 0)));
  const struct tt_dangling *d = found_at(&h, sh_word(&h, 0, 1));
  if (heap) {
    CU_ASSERT(d && d->holder == 0 && d->target == 0 && d->value == qa(&x, 0));
    d = found_at(&h, sh_word(&h, 3, 2));
    CU_ASSERT(d && d->holder == 3 && d->target == 5);
    d = found_at(&h, sh_word(&h, 0, 3));
    if (start_only) {
      CU_ASSERT_PTR_NULL(d);
    } else {
      CU_ASSERT(d && d->holder == 0 && d->target == 4 && d->value == qa(&x, 4) + 16);
    }
  } else {
    CU_ASSERT_PTR_NULL(d);
  }
  EXPECT(&h, 0, R, 0);
  EXPECT(&h, 2, D, 0);
  EXPECT(&h, 3, P, 0);
  sh_free(&h);
  qh_free(&x);
}

static void test_dangling_heap(void) { run_dangling_heap(TT_SCAN_DANGLING_HEAP); }
static void test_dangling_heap_start_only(void) {
  run_dangling_heap(TT_SCAN_DANGLING_HEAP | TT_SCAN_DANGLING_START_ONLY | 1u << TT_ROOT_GLOBAL);
}
static void test_dangling_heap_not_in_mask(void) {
  run_dangling_heap(0xffu & ~(unsigned)TT_SCAN_DANGLING_HEAP);
}

static void test_dangling_root_kinds_and_mask(void) {
  struct sh h;
  struct qh x;
  sh_init(&h, 1, NULL);
  qh_init(&x);
  h.roots[0] = qa(&x, 0);
  sh_prepare(&h);
  qh_set(&h, &x, 1u << TT_ROOT_GLOBAL | 1u << TT_ROOT_REGISTERS);
  sh_roots(&h, TT_ROOT_STACK); /* not in the mask */
  CU_ASSERT_EQUAL(h.sc.nfound, 0);
  sh_roots(&h, TT_ROOT_OTHER);
  CU_ASSERT_EQUAL(h.sc.nfound, 0);
  sh_roots(&h, TT_ROOT_GLOBAL);
  CU_ASSERT_EQUAL_FATAL(h.sc.nfound, 1);
  CU_ASSERT_EQUAL(x.out[0].root_kind, TT_ROOT_GLOBAL);
  /* saved registers: where is the word in the array handed in */
  uintptr_t regs[4] = {0, qa(&x, 4) + 4, 7, qa(&x, 1)};
  h.sc.root_kind = TT_ROOT_REGISTERS;
  tt_scan_root_words(&h.sc, regs, 4);
  CU_ASSERT_EQUAL_FATAL(h.sc.nfound, 3);
  const struct tt_dangling *d = found_at(&h, &regs[1]);
  CU_ASSERT(d && d->target == 4 && d->value == qa(&x, 4) + 4 && d->holder == -1 &&
            d->root_kind == TT_ROOT_REGISTERS);
  d = found_at(&h, &regs[3]);
  CU_ASSERT(d && d->target == 1);
  h.sc.root_kind = TT_ROOT_STACK;
  tt_scan_root_words(&h.sc, regs, 4); /* stack kind: not in the mask */
  CU_ASSERT_EQUAL(h.sc.nfound, 3);
  sh_finish(&h);
  sh_free(&h);
  qh_free(&x);
}

static void test_dangling_max(void) {
  struct sh h;
  struct qh x;
  sh_init(&h, 1, NULL);
  qh_init(&x);
  for (size_t i = 0; i < 10; i++)
    h.roots[i] = qa(&x, i % QH_N);
  sh_prepare(&h);
  for (size_t i = 0; i < TT_ARRAY_LEN(x.out); i++)
    x.out[i].where = 0xdead;
  tt_scan_set_quarantine(&h.sc, x.q, QH_N, x.out, 3, 1u << TT_ROOT_GLOBAL);
  sh_roots(&h, TT_ROOT_GLOBAL);
  sh_finish(&h);
  CU_ASSERT_EQUAL(h.sc.nfound, 3);
  CU_ASSERT_EQUAL(x.out[0].where, (uintptr_t)&h.roots[0]);
  CU_ASSERT_EQUAL(x.out[2].where, (uintptr_t)&h.roots[2]);
  CU_ASSERT_EQUAL(x.out[3].where, 0xdead); /* nothing past max */
  /* max 0 and no array at all */
  sh_free(&h);
  sh_init(&h, 1, NULL);
  for (size_t i = 0; i < 10; i++)
    h.roots[i] = qa(&x, 0);
  sh_prepare(&h);
  tt_scan_set_quarantine(&h.sc, x.q, QH_N, NULL, 0, 1u << TT_ROOT_GLOBAL);
  sh_roots(&h, TT_ROOT_GLOBAL);
  sh_finish(&h);
  CU_ASSERT_EQUAL(h.sc.nfound, 0);
  sh_free(&h);
  qh_free(&x);
}

static void test_dangling_empty_live_heap(void) {
  struct qh x;
  qh_init(&x);
  struct tt_scan sc;
  uint64_t scratch[4] = {0};
  CU_ASSERT(tt_scan_scratch_bytes(0) <= sizeof scratch);
  tt_scan_init(&sc, NULL, 0, scratch);
  tt_scan_set_quarantine(&sc, x.q, QH_N, x.out, TT_ARRAY_LEN(x.out),
                         1u << TT_ROOT_GLOBAL | 1u << TT_ROOT_REGISTERS);
  uintptr_t roots[4] = {1, qa(&x, 2), qa(&x, 2) + 100, UINTPTR_MAX};
  sc.root_kind = TT_ROOT_GLOBAL;
  tt_scan_root_range(&sc, (uintptr_t)roots, (uintptr_t)(roots + 4));
  CU_ASSERT_EQUAL_FATAL(sc.nfound, 1);
  CU_ASSERT_EQUAL(x.out[0].where, (uintptr_t)&roots[1]);
  CU_ASSERT_EQUAL(x.out[0].target, 2);
  uintptr_t regs[2] = {UINTPTR_MAX, qa(&x, 5)};
  sc.root_kind = TT_ROOT_REGISTERS;
  tt_scan_root_words(&sc, regs, 2);
  CU_ASSERT_EQUAL_FATAL(sc.nfound, 2);
  CU_ASSERT_EQUAL(x.out[1].where, (uintptr_t)&regs[1]);
  CU_ASSERT_EQUAL(x.out[1].target, 5);
  tt_scan_propagate(&sc);
  tt_scan_classify(&sc);
  CU_ASSERT_EQUAL(sc.nfound, 2);
  qh_free(&x);
}

/* No freed blocks: nothing is looked for (and an empty quarantine set up
 * with no array is fine). */
static void test_dangling_empty_quarantine(void) {
  struct sh h;
  sh_init(&h, 2, NULL);
  h.roots[0] = sh_addr(&h, 0);
  sh_prepare(&h);
  tt_scan_set_quarantine(&h.sc, NULL, 0, NULL, 0, 0xffffffffu);
  sh_roots(&h, TT_ROOT_GLOBAL);
  sh_finish(&h);
  CU_ASSERT_EQUAL(h.sc.nfound, 0);
  EXPECT(&h, 0, R, 0);
  EXPECT(&h, 1, D, 0);
  sh_free(&h);
}

/* One word, one finding. A block first reached through an interior pointer
 * (possibly lost) and then through its start (reachable) is scanned twice
 * by the mark; a dangling word in it must still be recorded once.
 * Regression: the word was once recorded on each scan, and the ERROR
 * SUMMARY counted two errors for one pointer. */
static void test_bug_dangling_recorded_once_per_word(void) {
  struct sh h;
  struct qh x;
  sh_init(&h, 1, NULL);
  qh_init(&x);
  h.roots[0] = sh_addr(&h, 0) + 8; /* interior first */
  h.roots[1] = sh_addr(&h, 0);     /* then the start */
  *sh_word(&h, 0, 2) = qa(&x, 0);
  sh_prepare(&h);
  qh_set(&h, &x, TT_SCAN_DANGLING_HEAP);
  sh_roots(&h, TT_ROOT_GLOBAL);
  sh_finish(&h);
  EXPECT(&h, 0, R, 0);
  CU_ASSERT_EQUAL(h.sc.nfound, 1);
  sh_free(&h);
  qh_free(&x);
}

/* ======================================================================== */
/* ignored blocks (tether_ignore): tt_scan_suppress_ignored                  */
/* ======================================================================== */

#define S TT_STATE_SUPPRESSED
#define IGNORED_BIT ((uint64_t)TT_BLOCK_IGNORED << 56)

/* Roots from h->roots; blocks ign[0..nign) flagged ignored; the mark, then
 * the suppression, then the cliques. */
static void sh_run_ignoring(struct sh *h, const size_t *ign, size_t nign) {
  sh_prepare(h);
  for (size_t k = 0; k < nign; k++)
    h->blocks[ign[k]].size_kind |= IGNORED_BIT;
  tt_scan_root_range(&h->sc, (uintptr_t)h->roots, (uintptr_t)(h->roots + SH_ROOTS));
  tt_scan_propagate(&h->sc);
  tt_scan_suppress_ignored(&h->sc);
  tt_scan_classify(&h->sc);
}

static void test_suppress_unreached_ignored(void) {
  /* 0 (ignored, unreached) -> 1 -> 3; 0 -?-> 2; 4 -> 5 lost; root -> 6 */
  static const size_t ign[] = {0};
  struct sh h;
  sh_init(&h, 7, NULL);
  sh_link(&h, 0, 0, 1, 0);
  sh_link(&h, 0, 1, 2, 8);
  sh_link(&h, 1, 2, 3, 0);
  sh_link(&h, 4, 0, 5, 0);
  h.roots[2] = sh_addr(&h, 6);
  sh_run_ignoring(&h, ign, 1);
  EXPECT(&h, 0, S, 0);
  EXPECT(&h, 1, S, 0); /* start pointer from the ignored block */
  EXPECT(&h, 2, S, 0); /* interior pointer from the ignored block */
  EXPECT(&h, 3, S, 0); /* two steps under it */
  EXPECT(&h, 4, D, 32); /* the rest classify as before */
  EXPECT(&h, 5, I, 0);
  EXPECT(&h, 6, R, 0);
  sh_free(&h);
}

static void test_suppress_shared_with_root(void) {
  /* 0 (ignored) -> 1, 2, 3; root -> 1 (start), root -?-> 3 */
  static const size_t ign[] = {0};
  struct sh h;
  sh_init(&h, 4, NULL);
  sh_link(&h, 0, 0, 1, 0);
  sh_link(&h, 0, 1, 2, 0);
  sh_link(&h, 0, 2, 3, 0);
  h.roots[0] = sh_addr(&h, 1);
  h.roots[1] = sh_addr(&h, 3) + 16;
  sh_run_ignoring(&h, ign, 1);
  EXPECT(&h, 0, S, 0);
  EXPECT(&h, 1, R, 0); /* a root reaches it by its start: stays reachable */
  EXPECT(&h, 2, S, 0);
  EXPECT(&h, 3, S, 0); /* only possibly reached otherwise: the ignored block keeps it */
  sh_free(&h);
}

static void test_suppress_ignored_reached_from_root(void) {
  /* root -> 0 (ignored) -> 1 -> 2; 0 -?-> 3 */
  static const size_t ign[] = {0};
  struct sh h;
  sh_init(&h, 4, NULL);
  h.roots[4] = sh_addr(&h, 0);
  sh_link(&h, 0, 0, 1, 0);
  sh_link(&h, 1, 0, 2, 0);
  sh_link(&h, 0, 3, 3, 8);
  sh_run_ignoring(&h, ign, 1);
  EXPECT(&h, 0, S, 0); /* itself suppressed */
  EXPECT(&h, 1, R, 0); /* what it reaches stays as the mark left it */
  EXPECT(&h, 2, R, 0);
  EXPECT(&h, 3, P, 0);
  sh_free(&h);
}

static void test_suppress_ignored_possibly_reached(void) {
  /* root -?-> 0 (ignored) -> 1; root -?-> 2, not ignored */
  static const size_t ign[] = {0};
  struct sh h;
  sh_init(&h, 3, NULL);
  h.roots[0] = sh_addr(&h, 0) + 8;
  h.roots[1] = sh_addr(&h, 2) + 24;
  sh_link(&h, 0, 2, 1, 0);
  sh_run_ignoring(&h, ign, 1);
  EXPECT(&h, 0, S, 0);
  EXPECT(&h, 1, S, 0);
  EXPECT(&h, 2, P, 0);
  sh_free(&h);
}

static void test_suppress_cycles_and_special_blocks(void) {
  /* 0 <-> 1 (0 ignored); 2 (ignored) -> itself; 3 and 4 (both ignored) -> 5;
   * 6 (ignored, size 0) unreached; 7 plain lost */
  static const size_t sizes[] = {32, 32, 32, 32, 32, 32, 0, 16};
  static const size_t ign[] = {0, 2, 3, 4, 6};
  struct sh h;
  sh_init(&h, 8, sizes);
  sh_link(&h, 0, 0, 1, 0);
  sh_link(&h, 1, 1, 0, 0);
  sh_link(&h, 2, 0, 2, 0);
  sh_link(&h, 3, 0, 5, 0);
  sh_link(&h, 4, 3, 5, 4);
  sh_run_ignoring(&h, ign, TT_ARRAY_LEN(ign));
  for (size_t i = 0; i < 7; i++)
    EXPECT(&h, i, S, 0);
  EXPECT(&h, 7, D, 0);
  sh_free(&h);
}

static void test_suppress_lost_block_points_at_ignored(void) {
  /* 1 (lost) -> 0 (ignored) -> 3; 1 -> 2 */
  static const size_t ign[] = {0};
  struct sh h;
  sh_init(&h, 4, NULL);
  sh_link(&h, 1, 0, 0, 0);
  sh_link(&h, 1, 1, 2, 0);
  sh_link(&h, 0, 0, 3, 0);
  sh_run_ignoring(&h, ign, 1);
  EXPECT(&h, 0, S, 0);
  EXPECT(&h, 1, D, 32); /* leads only 2: the suppressed ones are not its */
  EXPECT(&h, 2, I, 0);
  EXPECT(&h, 3, S, 0);
  sh_free(&h);
}

/* Other flags and the kind byte around the ignored bit: only TT_BLOCK_IGNORED
 * counts, and the size is still read right. */
static void test_suppress_only_the_ignored_flag(void) {
  struct sh h;
  sh_init(&h, 4, NULL);
  sh_link(&h, 0, 0, 1, 0);
  sh_link(&h, 2, 0, 3, 8);
  sh_prepare(&h);
  h.blocks[0].size_kind |= (uint64_t)(TT_BLOCK_IGNORED | TT_BLOCK_REPORTED | TT_BLOCK_TRANSFERRED)
                               << 56 |
                           (uint64_t)5 << 48;
  h.blocks[2].size_kind |= (uint64_t)TT_BLOCK_LIVE_FLAGS << 56 & ~IGNORED_BIT;
  h.blocks[2].size_kind |= (uint64_t)0xff << 48;
  tt_scan_propagate(&h.sc);
  tt_scan_suppress_ignored(&h.sc);
  tt_scan_classify(&h.sc);
  EXPECT(&h, 0, S, 0);
  EXPECT(&h, 1, S, 0);
  EXPECT(&h, 2, D, 32);
  EXPECT(&h, 3, I, 0);
  sh_free(&h);
}

/* Without ignored blocks the pass changes nothing: the nine chains. */
static void test_suppress_nothing_ignored(void) {
  struct sh h;
  sh_init(&h, 18, NULL);
  int nroots = 0;
  for (int c = 0; c < 9; c++) {
    size_t a = 2 * (size_t)c + 1, b = 2 * (size_t)c;
    if (cases[c].root != NONE)
      h.roots[nroots++] = sh_addr(&h, a) + link_off(cases[c].root);
    if (cases[c].ab != NONE)
      sh_link(&h, a, 2, b, link_off(cases[c].ab));
  }
  sh_run_ignoring(&h, NULL, 0);
  for (int c = 0; c < 9; c++) {
    size_t a = 2 * (size_t)c + 1, b = 2 * (size_t)c;
    EXPECT(&h, a, cases[c].want_a, cases[c].want_a_ind);
    EXPECT(&h, b, cases[c].has_b ? cases[c].want_b : D, 0);
  }
  sh_free(&h);
}

/* ======================================================================== */
/* why a block is alive: tt_scan_track_parents                               */
/* ======================================================================== */

struct parents {
  uint32_t parent[SH_MAX];
  uintptr_t via[SH_MAX];
  uint8_t via_kind[SH_MAX];
};

/* After sh_prepare: arrays filled with junk first, then tracking on. */
static void track(struct sh *h, struct parents *p) {
  memset(p, 0xab, sizeof *p);
  tt_scan_track_parents(&h->sc, p->parent, p->via, p->via_kind);
  for (size_t i = 0; i < h->n; i++) {
    CU_ASSERT_EQUAL(p->parent[i], TT_SCAN_ROOT_PARENT);
    CU_ASSERT_EQUAL(p->via[i], 0);
    CU_ASSERT_EQUAL(p->via_kind[i], 0);
  }
  CU_ASSERT_EQUAL(p->parent[h->n], 0xababababu); /* n entries, no more */
}

static void test_parents_chain(void) {
  /* stack root -> 0 -> 1 -> 2 -?-> 3; 4 unreached; other root -> 5 (twice) */
  struct sh h;
  struct parents p;
  uintptr_t other[3];
  sh_init(&h, 6, NULL);
  h.roots[5] = sh_addr(&h, 0);
  sh_link(&h, 0, 2, 1, 0);
  sh_link(&h, 1, 3, 2, 0);
  sh_link(&h, 2, 1, 3, 8);
  other[0] = 0;
  other[1] = sh_addr(&h, 5);
  other[2] = sh_addr(&h, 5);
  sh_prepare(&h);
  track(&h, &p);
  h.sc.root_kind = TT_ROOT_STACK;
  tt_scan_root_range(&h.sc, (uintptr_t)h.roots, (uintptr_t)(h.roots + SH_ROOTS));
  h.sc.root_kind = TT_ROOT_OTHER;
  tt_scan_root_range(&h.sc, (uintptr_t)other, (uintptr_t)(other + 3));
  sh_finish(&h);
  EXPECT(&h, 0, R, 0);
  EXPECT(&h, 1, R, 0);
  EXPECT(&h, 2, R, 0);
  EXPECT(&h, 3, P, 0);
  EXPECT(&h, 4, D, 0);
  EXPECT(&h, 5, R, 0);
  CU_ASSERT_EQUAL(p.parent[0], TT_SCAN_ROOT_PARENT);
  CU_ASSERT_EQUAL(p.via[0], (uintptr_t)&h.roots[5]);
  CU_ASSERT_EQUAL(p.via_kind[0], TT_ROOT_STACK);
  CU_ASSERT_EQUAL(p.parent[1], 0);
  CU_ASSERT_EQUAL(p.via[1], (uintptr_t)sh_word(&h, 0, 2));
  CU_ASSERT_EQUAL(p.parent[2], 1);
  CU_ASSERT_EQUAL(p.via[2], (uintptr_t)sh_word(&h, 1, 3));
  CU_ASSERT_EQUAL(p.parent[3], 2); /* an interior pointer is a link too */
  CU_ASSERT_EQUAL(p.via[3], (uintptr_t)sh_word(&h, 2, 1));
  CU_ASSERT_EQUAL(p.parent[4], TT_SCAN_ROOT_PARENT); /* never reached: untouched */
  CU_ASSERT_EQUAL(p.via[4], 0);
  CU_ASSERT_EQUAL(p.parent[5], TT_SCAN_ROOT_PARENT);
  CU_ASSERT_EQUAL(p.via[5], (uintptr_t)&other[1]); /* the first word: the second improved nothing */
  CU_ASSERT_EQUAL(p.via_kind[5], TT_ROOT_OTHER);
  sh_free(&h);
}

static void test_parents_root_words(void) {
  struct sh h;
  struct parents p;
  sh_init(&h, 2, NULL);
  sh_prepare(&h);
  track(&h, &p);
  uintptr_t regs[3] = {7, sh_addr(&h, 1), 0};
  h.sc.root_kind = TT_ROOT_REGISTERS;
  tt_scan_root_words(&h.sc, regs, 3);
  sh_finish(&h);
  EXPECT(&h, 0, D, 0);
  EXPECT(&h, 1, R, 0);
  CU_ASSERT_EQUAL(p.parent[1], TT_SCAN_ROOT_PARENT);
  CU_ASSERT_EQUAL(p.via[1], 0); /* a register has no address */
  CU_ASSERT_EQUAL(p.via_kind[1], TT_ROOT_REGISTERS);
  sh_free(&h);
}

static void test_parents_last_improvement(void) {
  /* roots: C, A + 8; C -> A -> B. A is first possibly reached from the root,
   * then reachable through C: its parent is C. */
  struct sh h;
  struct parents p;
  sh_init(&h, 3, NULL); /* 0 = A, 1 = B, 2 = C */
  h.roots[0] = sh_addr(&h, 2);
  h.roots[1] = sh_addr(&h, 0) + 8;
  sh_link(&h, 2, 1, 0, 0);
  sh_link(&h, 0, 3, 1, 0);
  sh_prepare(&h);
  track(&h, &p);
  h.sc.root_kind = TT_ROOT_GLOBAL;
  tt_scan_root_range(&h.sc, (uintptr_t)h.roots, (uintptr_t)(h.roots + SH_ROOTS));
  CU_ASSERT_EQUAL(p.via[0], (uintptr_t)&h.roots[1]); /* before propagating */
  sh_finish(&h);
  EXPECT(&h, 0, R, 0);
  EXPECT(&h, 1, R, 0);
  EXPECT(&h, 2, R, 0);
  CU_ASSERT_EQUAL(p.parent[0], 2);
  CU_ASSERT_EQUAL(p.via[0], (uintptr_t)sh_word(&h, 2, 1));
  CU_ASSERT_EQUAL(p.parent[1], 0);
  CU_ASSERT_EQUAL(p.via[1], (uintptr_t)sh_word(&h, 0, 3));
  CU_ASSERT_EQUAL(p.parent[2], TT_SCAN_ROOT_PARENT);
  CU_ASSERT_EQUAL(p.via[2], (uintptr_t)&h.roots[0]);
  sh_free(&h);
}

static void test_parents_suppressed(void) {
  /* 0 (ignored, unreached) -> 1 -> 2 */
  static const size_t ign[] = {0};
  struct sh h;
  struct parents p;
  sh_init(&h, 3, NULL);
  sh_link(&h, 0, 3, 1, 0);
  sh_link(&h, 1, 1, 2, 8);
  sh_prepare(&h);
  track(&h, &p);
  h.blocks[ign[0]].size_kind |= IGNORED_BIT;
  tt_scan_root_range(&h.sc, (uintptr_t)h.roots, (uintptr_t)(h.roots + SH_ROOTS));
  tt_scan_propagate(&h.sc);
  tt_scan_suppress_ignored(&h.sc);
  tt_scan_classify(&h.sc);
  EXPECT(&h, 0, S, 0);
  EXPECT(&h, 1, S, 0);
  EXPECT(&h, 2, S, 0);
  CU_ASSERT_EQUAL(p.parent[0], TT_SCAN_ROOT_PARENT);
  CU_ASSERT_EQUAL(p.via[0], 0);
  CU_ASSERT_EQUAL(p.parent[1], 0);
  CU_ASSERT_EQUAL(p.via[1], (uintptr_t)sh_word(&h, 0, 3));
  CU_ASSERT_EQUAL(p.parent[2], 1);
  CU_ASSERT_EQUAL(p.via[2], (uintptr_t)sh_word(&h, 1, 1));
  sh_free(&h);
}

/* ======================================================================== */
/* registered roots: tt_scan_root_range_all                                  */
/* ======================================================================== */

/* One layout, the heap area as a root range both ways: block 0 -> 1, the
 * gap after block 0 -> 2, block 3 -> 2 and 3 -?-> 0. */
static void run_range_over_blocks(bool all) {
  struct sh h;
  sh_init(&h, 4, NULL);
  sh_link(&h, 0, 0, 1, 0);
  *(uintptr_t *)(h.mem + 0 * SH_STRIDE + 40) = sh_addr(&h, 2);
  sh_link(&h, 3, 1, 2, 0);
  sh_link(&h, 3, 2, 0, 8);
  sh_prepare(&h);
  if (all)
    tt_scan_root_range_all(&h.sc, (uintptr_t)h.mem, (uintptr_t)(h.mem + 4 * SH_STRIDE));
  else
    tt_scan_root_range(&h.sc, (uintptr_t)h.mem, (uintptr_t)(h.mem + 4 * SH_STRIDE));
  CU_ASSERT_EQUAL(h.sc.words_scanned, all ? 32 : 16);
  sh_finish(&h);
  if (all) {
    EXPECT(&h, 0, P, 0); /* block 3's words are roots: an interior one */
    EXPECT(&h, 1, R, 0); /* block 0's words are roots */
    EXPECT(&h, 2, R, 0);
    EXPECT(&h, 3, D, 0); /* nothing points to block 3 itself */
  } else {
    EXPECT(&h, 0, I, 0);
    EXPECT(&h, 1, I, 0);
    EXPECT(&h, 2, R, 0);
    EXPECT(&h, 3, D, 64);
  }
  sh_free(&h);
}

static void test_root_range_all_scans_blocks(void) { run_range_over_blocks(true); }
static void test_root_range_skips_blocks_contrast(void) { run_range_over_blocks(false); }

static void test_root_range_all_bounds(void) {
  struct sh h;
  sh_init(&h, 6, NULL);
  sh_link(&h, 0, 0, 2, 0); /* before lo */
  sh_link(&h, 0, 1, 3, 0); /* the first aligned word at or after lo */
  sh_link(&h, 1, 1, 4, 0); /* the last word before hi */
  sh_link(&h, 1, 2, 5, 0); /* at hi */
  sh_prepare(&h);
  /* [block 0 + 4, block 1 + 16): lo is aligned up to block 0 + 8 */
  tt_scan_root_range_all(&h.sc, sh_addr(&h, 0) + 4, sh_addr(&h, 1) + 16);
  CU_ASSERT_EQUAL(h.sc.words_scanned, 9);
  sh_finish(&h);
  EXPECT(&h, 0, D, 32);
  EXPECT(&h, 1, D, 32);
  EXPECT(&h, 2, I, 0);
  EXPECT(&h, 3, R, 0);
  EXPECT(&h, 4, R, 0);
  EXPECT(&h, 5, I, 0);
  sh_free(&h);
}

static void test_root_range_all_empty_and_self(void) {
  struct sh h;
  sh_init(&h, 2, NULL);
  sh_link(&h, 0, 0, 0, 0); /* points to itself */
  sh_link(&h, 1, 0, 1, 0);
  sh_prepare(&h);
  tt_scan_root_range_all(&h.sc, sh_addr(&h, 1), sh_addr(&h, 1));
  tt_scan_root_range_all(&h.sc, sh_addr(&h, 1) + 8, sh_addr(&h, 1));
  tt_scan_root_range_all(&h.sc, sh_addr(&h, 1), sh_addr(&h, 1) + 7);
  CU_ASSERT_EQUAL(h.sc.words_scanned, 0);
  /* a registered root holding a block that points to itself: the word is a
   * root like any other, so the block is reachable */
  tt_scan_root_range_all(&h.sc, sh_addr(&h, 0), sh_addr(&h, 0) + 32);
  CU_ASSERT_EQUAL(h.sc.words_scanned, 4);
  sh_finish(&h);
  EXPECT(&h, 0, R, 0);
  EXPECT(&h, 1, D, 0);
  sh_free(&h);
}

/* Dangling words inside a live block of a registered root are the root's:
 * holder -1, the range's kind. */
static void test_root_range_all_dangling(void) {
  struct sh h;
  struct qh x;
  sh_init(&h, 2, NULL);
  qh_init(&x);
  *sh_word(&h, 1, 2) = qa(&x, 4);
  sh_prepare(&h);
  qh_set(&h, &x, 1u << TT_ROOT_USER | TT_SCAN_DANGLING_HEAP);
  h.sc.root_kind = TT_ROOT_USER;
  tt_scan_root_range_all(&h.sc, sh_addr(&h, 1), sh_addr(&h, 1) + 32);
  sh_finish(&h);
  CU_ASSERT_EQUAL_FATAL(h.sc.nfound, 1);
  CU_ASSERT_EQUAL(x.out[0].where, (uintptr_t)sh_word(&h, 1, 2));
  CU_ASSERT_EQUAL(x.out[0].holder, -1);
  CU_ASSERT_EQUAL(x.out[0].target, 4);
  CU_ASSERT_EQUAL(x.out[0].root_kind, TT_ROOT_USER);
  EXPECT(&h, 0, D, 0);
  EXPECT(&h, 1, D, 0);
  sh_free(&h);
  qh_free(&x);
}

/* ======================================================================== */

int scan_init(void) { return 0; }
int scan_cleanup(void) { return 0; }

struct keyed {
  uint32_t pos; /* input position: the tie-break a stable sort keeps */
  uint32_t pad;
  uint64_t key;
  char payload[8];
};

static int keyed_cmp(const void *a, const void *b) {
  const struct keyed *x = a, *y = b;
  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* tt_radix_sort against qsort by (key, position), on keys that differ only
 * in a few low bits (many ties), in high bits only, over all 64 bits, all
 * equal, and already sorted. */
static void test_radix_sort_stable(void) {
  enum { N = 5000 };
  static struct keyed a[N], b[N], tmp[N];
  static size_t count[TT_SORT_BUCKETS];
  uint64_t x = 88172645463325252ull;
  for (int shape = 0; shape < 5; shape++) {
    for (uint32_t i = 0; i < N; i++) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      uint64_t k = shape == 0   ? (x & 0x70) | 0x7f0000000000ull
                   : shape == 1 ? x & 0xfff0000000000000ull
                   : shape == 2 ? x
                   : shape == 3 ? 42
                                : (uint64_t)i * 16;
      a[i] = (struct keyed){i, 0, k, {(char)i}};
    }
    memcpy(b, a, sizeof a);
    qsort(b, N, sizeof *b, keyed_cmp);
    tt_radix_sort(a, N, sizeof *a, offsetof(struct keyed, key), tmp, count);
    CU_ASSERT_EQUAL(memcmp(a, b, sizeof a), 0);
  }
  tt_radix_sort(a, 1, sizeof *a, offsetof(struct keyed, key), tmp, count); /* n < 2: nothing */
  CU_ASSERT_EQUAL(a[0].key, b[0].key);
}

CU_TestInfo scan_tests[] = {
    {"radix sort: stable, as qsort by key then position", test_radix_sort_stable},
    {"find: the page directory agrees with a linear search", test_find_matches_linear_search},
    {"leak-cases p1: root -> A", test_chain_p1_RRR},
    {"leak-cases p2: root -> A -> B", test_chain_p2_RRR_RRR},
    {"leak-cases p3: A", test_chain_p3_DL},
    {"leak-cases p4: A -> B", test_chain_p4_DL_IL},
    {"leak-cases p5: root -?-> A", test_chain_p5_interior_root},
    {"leak-cases p6: root -> A -?-> B", test_chain_p6_R_then_interior},
    {"leak-cases p7: root -?-> A -> B", test_chain_p7_interior_then_start},
    {"leak-cases p8: root -?-> A -?-> B", test_chain_p8_interior_interior},
    {"leak-cases p9: A -?-> B", test_chain_p9_lost_interior},
    {"leak-cases: all nine in one heap", test_chain_all_nine_in_one_heap},
    {"zero-size block found by its start", test_zero_size_block_start_pointer},
    {"zero-size block in a lost clique", test_zero_size_block_in_lost_clique},
    {"self-reference", test_self_reference},
    {"cycle of two", test_cycle_of_two},
    {"cycle of three", test_cycle_of_three},
    {"reachable cycle", test_reachable_cycle_stays_reachable},
    {"lost tree", test_lost_tree},
    {"lost tree, root at the highest address", test_lost_tree_root_last},
    {"later clique absorbs an earlier leader", test_later_clique_absorbs_earlier_leader},
    {"chain of absorptions", test_absorption_chain},
    {"lost block pointing at live blocks", test_lost_block_pointing_into_reachable},
    {"interior root at the last byte", test_interior_root_last_byte},
    {"possibly lost propagates", test_possible_propagates_possible},
    {"possible upgraded to reachable", test_possible_upgraded_to_reachable},
    {"start and interior roots", test_start_and_interior_roots_reachable},
    {"root range skips live blocks", test_root_range_skips_live_blocks},
    {"root range bounds inside blocks", test_root_range_starts_and_ends_inside_blocks},
    {"root range empty or reversed", test_root_range_empty_and_reversed},
    {"root words", test_root_words},
    {"find", test_find},
    {"sort shuffled", test_sort_shuffled},
    {"sort bits outside the radix passes", test_sort_bits_outside_radix},
    {"sort nearly sorted", test_sort_nearly_sorted},
    {"200,000-block chain reachable", test_long_chain_reachable},
    {"200,000-block chain lost", test_long_chain_lost},
    {"200,000-block chain lost, pointing down", test_long_chain_lost_pointing_down},
    {"200,000-block chain possibly lost", test_long_chain_possible},
    {"empty heap", test_empty_heap},
    {"empty heap, root word ~0", test_empty_heap_all_ones_word},
    {"scratch size", test_scratch_bytes},
    {"scratch: the sparse arrays untouched by init", test_scratch_sparse_untouched},
    {"dangling: root start pointer", test_dangling_root_start},
    {"dangling: interior, zero-size, outside", test_dangling_interior},
    {"dangling: interior ignored with START_ONLY", test_dangling_interior_start_only},
    {"dangling: in reachable and possible blocks", test_dangling_heap},
    {"dangling: in blocks, START_ONLY", test_dangling_heap_start_only},
    {"dangling: blocks not in the mask", test_dangling_heap_not_in_mask},
    {"dangling: root kinds and the mask", test_dangling_root_kinds_and_mask},
    {"dangling: max bounds the findings", test_dangling_max},
    {"dangling: empty live heap", test_dangling_empty_live_heap},
    {"dangling: empty quarantine", test_dangling_empty_quarantine},
    {"dangling: one word recorded once", test_bug_dangling_recorded_once_per_word},
    {"ignored: unreached, and what only it reaches", test_suppress_unreached_ignored},
    {"ignored: blocks a root also reaches", test_suppress_shared_with_root},
    {"ignored: reached from a root", test_suppress_ignored_reached_from_root},
    {"ignored: possibly reached", test_suppress_ignored_possibly_reached},
    {"ignored: cycles, self, shared, zero-size", test_suppress_cycles_and_special_blocks},
    {"ignored: pointed to by a lost block", test_suppress_lost_block_points_at_ignored},
    {"ignored: only the ignored flag counts", test_suppress_only_the_ignored_flag},
    {"ignored: none, the nine chains unchanged", test_suppress_nothing_ignored},
    {"parents: a chain from roots", test_parents_chain},
    {"parents: root words", test_parents_root_words},
    {"parents: the last improvement", test_parents_last_improvement},
    {"parents: suppressed blocks", test_parents_suppressed},
    {"root range: freed and own blocks skipped", test_root_range_skips_freed_and_own_blocks},
    {"root range all: scans blocks in it", test_root_range_all_scans_blocks},
    {"root range: the same heap skipped", test_root_range_skips_blocks_contrast},
    {"root range all: bounds", test_root_range_all_bounds},
    {"root range all: empty, self-pointer", test_root_range_all_empty_and_self},
    {"root range all: dangling words are the root's", test_root_range_all_dangling},
    CU_TEST_INFO_NULL,
};
