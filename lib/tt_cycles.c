/* SPDX-License-Identifier: MIT */
/* Reference cycles and the refcount audit (see tt_cycles.h).
 *
 * ==== How it works ========================================================
 *
 * The graph. Its nodes are the definitely and indirectly lost blocks of a
 * classified scan; an edge u -> v is an aligned word in u whose value points
 * to the start or inside of v (the scan's own notion of a pointer). Edges
 * are counted, then stored in one array (compressed rows): two passes over
 * the lost blocks' words.
 *
 * Components. Tarjan's algorithm, with an explicit call stack of (node, next
 * edge) pairs instead of recursion, so a lost list of a million nodes costs
 * no C stack: every node and edge is visited once. A component of two or
 * more nodes, or one node with an edge to itself, is a cycle: the blocks
 * keep one another "alive" (a refcount never drops to zero) while nothing
 * else reaches them.
 *
 * Walk order. Each cycle's members are listed as a walk along their
 * pointers from the lowest address (the block Valgrind calls definitely
 * lost), always to a member not yet met when there is one; a component that
 * is not a simple ring (a doubly linked list) restarts the walk at the next
 * member not met. Each member names the pointer it was left by.
 *
 * Hanging off a cycle. Tarjan emits components sinks first, so the reverse
 * of that order is topological. Going down it, every component passes a
 * label to the components it points to: a cycle passes itself, any other
 * component passes what it was given; two different labels meet as "none",
 * as does a component nothing points to (a definitely lost root of its
 * own). A block whose component ends with a cycle's label is reached from
 * that cycle and from nothing else: it hangs off it.
 *
 * Refcounts. For each block the program registered as refcounted, aligned
 * words equal to its start are counted in the roots (the parts no live block
 * covers, as the mark sees them) and in every live block, itself included
 * (an object that points to itself holds a count on itself: a cycle of one);
 * those in lost blocks are counted apart. The caller compares with the
 * count. */
#include "tt_cycles.h"

#include <string.h>

#include "tt_os.h"

#define NONE UINT32_MAX
#define UNSET (UINT32_MAX - 1)

static inline bool is_lost(const struct tt_scan *sc, size_t i) {
  return sc->state[i] == TT_STATE_DEFINITE || sc->state[i] == TT_STATE_INDIRECT;
}

/* One mapping carved into arrays. */
struct carve {
  char *base;
  size_t used, size;
};

static void *take(struct carve *c, size_t bytes) {
  void *p = c->base + c->used;
  c->used += TT_ALIGN_UP(bytes, 8);
  return p;
}

void tt_cycles_free(struct tt_cycles *c) {
  if (c->mem)
    tt_os_unmap(c->mem, c->mem_bytes);
  memset(c, 0, sizeof *c);
}

/* The edges of node u (block b): calls back for each pointer to a lost block. */
/* A pointer from a block into itself is an edge only when it holds the
 * block's start (an object that refers to itself); a pointer into its own
 * middle (a C++ string's inline buffer, a cursor into its own data) keeps
 * nothing alive. */
#define FOR_EACH_EDGE(sc, b, self, node_of, w_off, target, BODY)                        \
  do {                                                                                \
    uintptr_t lo_ = TT_ALIGN_UP((b)->addr, sizeof(uintptr_t));                        \
    uintptr_t hi_ = tt_scan_read_end((sc), (size_t)((b) - (sc)->blocks));             \
    for (const uintptr_t *p_ = (const uintptr_t *)lo_; (uintptr_t)(p_ + 1) <= hi_; p_++) { \
      long t_ = tt_scan_find((sc), *p_);                                              \
      if (t_ < 0 || (node_of)[t_] == NONE)                                            \
        continue;                                                                     \
      if ((node_of)[t_] == (self) && *p_ != (b)->addr)                                \
        continue;                                                                     \
      uint64_t w_off = (uintptr_t)p_ - (b)->addr;                                     \
      uint32_t target = (node_of)[t_];                                                \
      BODY;                                                                           \
    }                                                                                 \
  } while (0)

int tt_cycles_find(const struct tt_scan *sc, struct tt_cycles *out) {
  memset(out, 0, sizeof *out);
  /* nodes */
  size_t n = sc->n, nl = 0;
  for (size_t i = 0; i < n; i++)
    nl += is_lost(sc, i);
  if (!nl)
    return 0;
  size_t nodes_bytes = n * sizeof(uint32_t) + nl * sizeof(uint32_t) + (nl + 1) * sizeof(uint64_t);
  struct carve g = {tt_os_map(nodes_bytes + 64), 0, nodes_bytes + 64};
  if (!g.base)
    return -12;
  uint32_t *node_of = take(&g, n * sizeof(uint32_t));
  uint32_t *block_of = take(&g, nl * sizeof(uint32_t));
  uint64_t *eoff = take(&g, (nl + 1) * sizeof(uint64_t));
  for (size_t i = 0, k = 0; i < n; i++) {
    node_of[i] = is_lost(sc, i) ? (uint32_t)k : NONE;
    if (node_of[i] != NONE)
      block_of[k++] = (uint32_t)i;
  }
  /* edges: count, then fill */
  uint64_t ne = 0;
  for (size_t u = 0; u < nl; u++) {
    eoff[u] = ne;
    FOR_EACH_EDGE(sc, &sc->blocks[block_of[u]], u, node_of, off_, v_,
                  ((void)off_, (void)v_, ne++));
  }
  eoff[nl] = ne;
  size_t e_bytes = ne * (sizeof(uint32_t) + sizeof(uint64_t));
  /* Tarjan's arrays, component lists, labels, and the result */
  size_t t_bytes = nl * (6 * sizeof(uint32_t) + sizeof(uint64_t) + 2) + 64 * 16;
  size_t tbytes = e_bytes + t_bytes + 2 * (nl + 1) * sizeof(uint32_t) * 2;
  struct carve t = {tt_os_map(tbytes), 0, tbytes};
  if (!t.base) {
    tt_os_unmap(g.base, g.size);
    return -12;
  }
  uint32_t *adj = take(&t, ne * sizeof(uint32_t));
  uint64_t *adj_off = take(&t, ne * sizeof(uint64_t));
  for (size_t u = 0, k = 0; u < nl; u++)
    FOR_EACH_EDGE(sc, &sc->blocks[block_of[u]], u, node_of, off_, v_,
                  (adj[k] = v_, adj_off[k] = off_, k++));

  uint32_t *idx = take(&t, nl * sizeof(uint32_t));
  uint32_t *low = take(&t, nl * sizeof(uint32_t));
  uint32_t *stk = take(&t, nl * sizeof(uint32_t));
  uint32_t *comp = take(&t, nl * sizeof(uint32_t));
  uint32_t *cs_node = take(&t, nl * sizeof(uint32_t));
  uint64_t *cs_edge = take(&t, nl * sizeof(uint64_t));
  uint8_t *onstk = take(&t, nl);
  uint8_t *met = take(&t, nl);
  for (size_t v = 0; v < nl; v++)
    idx[v] = NONE;
  uint32_t counter = 0, ncomp = 0;
  size_t sp = 0, csp = 0;
  for (uint32_t root = 0; root < nl; root++) {
    if (idx[root] != NONE)
      continue;
    idx[root] = low[root] = counter++;
    stk[sp++] = root;
    onstk[root] = 1;
    cs_node[csp] = root;
    cs_edge[csp++] = eoff[root];
    while (csp) {
      uint32_t u = cs_node[csp - 1];
      uint64_t e = cs_edge[csp - 1];
      if (e < eoff[u + 1]) {
        cs_edge[csp - 1]++;
        uint32_t w = adj[e];
        if (idx[w] == NONE) {
          idx[w] = low[w] = counter++;
          stk[sp++] = w;
          onstk[w] = 1;
          cs_node[csp] = w;
          cs_edge[csp++] = eoff[w];
        } else if (onstk[w] && idx[w] < low[u]) {
          low[u] = idx[w];
        }
        continue;
      }
      if (low[u] == idx[u]) { /* u roots a component: pop it */
        uint32_t x;
        do {
          x = stk[--sp];
          onstk[x] = 0;
          comp[x] = ncomp;
        } while (x != u);
        ncomp++;
      }
      csp--;
      if (csp) {
        uint32_t p = cs_node[csp - 1];
        if (low[u] < low[p])
          low[p] = low[u];
      }
    }
  }

  /* Component sizes and node lists (counting sort); which are cycles. The
   * arrays Tarjan is done with are reused. */
  uint32_t *csize = low, *cstart = take(&t, (nl + 1) * sizeof(uint32_t)), *cnodes = stk;
  uint32_t *cycle_of = take(&t, (nl + 1) * sizeof(uint32_t)); /* per component */
  memset(csize, 0, nl * sizeof(uint32_t));
  for (size_t v = 0; v < nl; v++)
    csize[comp[v]]++;
  cstart[0] = 0;
  for (uint32_t c = 0; c < ncomp; c++)
    cstart[c + 1] = cstart[c] + csize[c];
  memset(csize, 0, ncomp * sizeof(uint32_t));
  for (uint32_t v = 0; v < nl; v++)
    cnodes[cstart[comp[v]] + csize[comp[v]]++] = v; /* ascending: lowest address first */
  for (uint32_t c = 0; c < ncomp; c++)
    cycle_of[c] = NONE;
  size_t ncycles = 0, nmembers = 0;
  for (uint32_t v = 0; v < nl; v++) { /* cycles numbered by their lowest address */
    uint32_t c = comp[v];
    if (cycle_of[c] != NONE)
      continue; /* looked at already */
    bool cyc = csize[c] >= 2;
    for (uint64_t e = eoff[v]; !cyc && e < eoff[v + 1]; e++)
      cyc = adj[e] == v;
    if (cyc) {
      cycle_of[c] = (uint32_t)ncycles++;
      nmembers += csize[c];
    } else {
      cycle_of[c] = UNSET; /* looked at: not a cycle */
    }
  }
  for (uint32_t c = 0; c < ncomp; c++)
    if (cycle_of[c] == UNSET)
      cycle_of[c] = NONE;
  if (!ncycles)
    goto done;

  /* The result. */
  size_t rbytes = (ncycles + 1) * sizeof(uint32_t) + nmembers * (2 * sizeof(uint32_t) + 8) +
                  3 * ncycles * sizeof(uint64_t) + ncycles + 64 * 8;
  struct carve r = {tt_os_map(rbytes), 0, rbytes};
  if (!r.base) {
    tt_os_unmap(t.base, t.size);
    tt_os_unmap(g.base, g.size);
    return -12;
  }
  out->mem = r.base;
  out->mem_bytes = r.size;
  out->ncycles = ncycles;
  out->first = take(&r, (ncycles + 1) * sizeof(uint32_t));
  out->members = take(&r, nmembers * sizeof(uint32_t));
  out->next = take(&r, nmembers * sizeof(uint32_t));
  out->offset = take(&r, nmembers * sizeof(uint64_t));
  out->bytes = take(&r, ncycles * sizeof(uint64_t));
  out->hang_blocks = take(&r, ncycles * sizeof(uint64_t));
  out->hang_bytes = take(&r, ncycles * sizeof(uint64_t));
  out->ring = take(&r, ncycles);

  /* Each cycle's slots in the member arrays, in cycle order. */
  for (uint32_t c = 0; c < ncomp; c++)
    if (cycle_of[c] != NONE)
      out->first[cycle_of[c]] = csize[c]; /* the sizes, for now */
  for (size_t ci = 0, acc = 0; ci <= ncycles; ci++) {
    uint32_t size = ci < ncycles ? out->first[ci] : 0;
    out->first[ci] = (uint32_t)acc;
    acc += size;
  }

  /* Walks: the members in pointer order. pos_of (reusing idx) maps a node
   * to its place; next_node (reusing cs_node) holds each member's target
   * node until every place is known. */
  uint32_t *pos_of = idx, *next_node = cs_node;
  for (uint32_t c = 0; c < ncomp; c++) {
    if (cycle_of[c] == NONE)
      continue;
    size_t ci = cycle_of[c];
    uint32_t pos = out->first[ci], end = out->first[ci + 1];
    uint32_t restart = cstart[c]; /* the component's nodes, lowest address first */
    uint64_t bytes = 0;
    bool ring = true;
    while (pos < end) {
      while (met[cnodes[restart]])
        restart++;
      uint32_t cur = cnodes[restart];
      for (;;) {
        met[cur] = 1;
        pos_of[cur] = pos;
        out->members[pos] = block_of[cur];
        bytes += tt_block_size(&sc->blocks[block_of[cur]]);
        /* leave by a pointer to a member not met yet, else to another
         * member, else (a cycle of one) to itself: every member of a cycle
         * points into it */
        uint64_t pick = NONE, any = NONE;
        for (uint64_t e = eoff[cur]; e < eoff[cur + 1]; e++) {
          if (comp[adj[e]] != c)
            continue;
          if (any == NONE || (adj[any] == cur && adj[e] != cur))
            any = e;
          if (!met[adj[e]]) {
            pick = e;
            break;
          }
        }
        if (pick == NONE)
          pick = any;
        for (uint64_t e = eoff[cur]; e < eoff[cur + 1] && ring; e++)
          if (comp[adj[e]] == c && adj[e] != adj[pick])
            ring = false; /* a second member it points to: not a simple ring */
        next_node[pos] = adj[pick];
        out->offset[pos] = adj_off[pick];
        pos++;
        if (met[adj[pick]])
          break;
        cur = adj[pick];
      }
    }
    out->bytes[ci] = bytes;
    out->ring[ci] = ring;
  }
  for (size_t k = 0; k < nmembers; k++)
    out->next[k] = pos_of[next_node[k]];

  /* What hangs off each cycle: labels down the topological order (Tarjan
   * numbered components sinks first). */
  uint32_t *label = take(&t, ncomp * sizeof(uint32_t));
  for (uint32_t c = 0; c < ncomp; c++)
    label[c] = UNSET;
  for (uint32_t c = ncomp; c-- > 0;) {
    uint32_t l = cycle_of[c] != NONE ? c : (label[c] == UNSET ? NONE : label[c]);
    label[c] = l;
    for (uint32_t k = cstart[c]; k < cstart[c + 1]; k++) {
      uint32_t v = cnodes[k];
      for (uint64_t e = eoff[v]; e < eoff[v + 1]; e++) {
        uint32_t d = comp[adj[e]];
        if (d == c)
          continue;
        label[d] = label[d] == UNSET ? l : (label[d] == l ? l : NONE);
      }
    }
  }
  for (uint32_t c = 0; c < ncomp; c++) {
    if (cycle_of[c] != NONE || label[c] == NONE || label[c] == UNSET)
      continue;
    size_t ci = cycle_of[label[c]];
    for (uint32_t k = cstart[c]; k < cstart[c + 1]; k++) {
      out->hang_blocks[ci]++;
      out->hang_bytes[ci] += tt_block_size(&sc->blocks[block_of[cnodes[k]]]);
    }
  }

done:
  tt_os_unmap(t.base, t.size);
  tt_os_unmap(g.base, g.size);
  return 0;
}

/* ======================================================================== */
/* refcount audit                                                            */
/* ======================================================================== */

/* The entry of rc whose block starts at w, or -1. */
static long rc_find(const struct tt_scan *sc, const struct tt_refcount *rc, size_t nrc,
                    uintptr_t w) {
  size_t a = 0, b = nrc;
  while (a < b) {
    size_t mid = a + (b - a) / 2;
    uintptr_t s = sc->starts[rc[mid].block];
    if (s == w)
      return (long)mid;
    if (s < w)
      a = mid + 1;
    else
      b = mid;
  }
  return -1;
}

struct count_ctx {
  const struct tt_scan *sc;
  struct tt_refcount *rc;
  size_t nrc;
  bool lost;  /* the words sit in a lost block */
};

static void count_words(struct count_ctx *c, const uintptr_t *p, const uintptr_t *end) {
  if (!c->nrc)
    return;
  uintptr_t lo = c->sc->starts[c->rc[0].block], span = c->sc->starts[c->rc[c->nrc - 1].block] - lo;
  for (; p < end; p++) {
    if (*p - lo > span)
      continue;
    long k = rc_find(c->sc, c->rc, c->nrc, *p);
    if (k < 0)
      continue;
    c->rc[k].refs++;
    if (c->lost)
      c->rc[k].refs_from_lost++;
  }
}

static void count_gap_cb(uintptr_t lo, uintptr_t hi, void *arg) {
  lo = TT_ALIGN_UP(lo, sizeof(uintptr_t));
  if (hi > lo)
    count_words(arg, (const uintptr_t *)lo, (const uintptr_t *)lo + (hi - lo) / sizeof(uintptr_t));
}

void tt_refcount_count_range(const struct tt_scan *sc, struct tt_refcount *rc, size_t nrc,
                             uintptr_t lo, uintptr_t hi, bool whole) {
  struct count_ctx c = {sc, rc, nrc, false};
  if (whole)
    count_gap_cb(lo, hi, &c);
  else
    tt_scan_for_gaps(sc, lo, hi, count_gap_cb, &c);
}

void tt_refcount_count_words(const struct tt_scan *sc, struct tt_refcount *rc, size_t nrc,
                             const uintptr_t *words, size_t n) {
  struct count_ctx c = {sc, rc, nrc, false};
  count_words(&c, words, words + n);
}

void tt_refcount_count_blocks(const struct tt_scan *sc, struct tt_refcount *rc, size_t nrc) {
  struct count_ctx c = {sc, rc, nrc, false};
  for (size_t i = 0; i < sc->n; i++) {
    const struct tt_block *b = &sc->blocks[i];
    c.lost = is_lost(sc, i);
    count_gap_cb(b->addr, tt_scan_read_end(sc, i), &c);
  }
}
