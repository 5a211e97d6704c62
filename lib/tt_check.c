/* SPDX-License-Identifier: MIT */
/* One whole leak check (see tt_check.h).
 *
 * Notes on locking: a check runs inside tt_os_with_loader_locked, so no
 * thread can be stopped while it holds the dynamic loader's lock (the roots
 * walk the module list). Then it takes every tether lock in this order:
 *   check_lock -> depot shards -> depot ids -> quarantine shards -> arena
 *   -> thread registry -> heap shards
 * The full order, which fork's handlers take whole (tt_check_fork_prepare):
 *   depot -> quarantine -> errors -> symbolizer -> arena -> thread registry
 *   -> heap shards -> log
 * (an error report holds the errors lock while it symbolizes and looks up
 * the index; the quarantine's exit-time check reports under its own lock).
 * and only then stops the other threads, so none of them is stopped holding
 * a lock the check needs. While the world is stopped nothing calls malloc:
 * all scratch memory comes from tt_os_map. fork's handlers take the same
 * locks in the same order (tt_check_lock_all). */
#include "tt_check.h"

#include <string.h>

#include "tt_arena.h"
#include "tt_errors.h"
#include "tt_quarantine.h"
#include "tt_heap.h"
#include "tt_os.h"
#include "tt_roots.h"
#include "tt_scan.h"
#include "tt_stacks.h"
#include "tt_symbolize.h"

#define TT_CHECK_MAX_THREADS 4096
#define TT_CHECK_MAX_DANGLING 4096 /* findings kept from one scan */

static tt_spinlock_t check_lock = TT_SPINLOCK_INIT;

void tt_check_lock_all(void) {
  tt_stacks_lock_all();
  tt_quarantine_lock_all();
  tt_arena_lock();
  tt_roots_lock();
  tt_heap_lock_all();
}

void tt_check_unlock_all(void) {
  tt_heap_unlock_all();
  tt_roots_unlock();
  tt_arena_unlock();
  tt_quarantine_unlock_all();
  tt_stacks_unlock_all();
}

void tt_check_fork_prepare(void) {
  tt_stacks_lock_all();
  tt_quarantine_lock_all();
  tt_errors_lock();
  tt_symbolize_lock();
  tt_arena_lock();
  tt_roots_lock();
  tt_heap_lock_all();
  tt_log_lock();
}

void tt_check_fork_parent(void) {
  tt_log_unlock();
  tt_heap_unlock_all();
  tt_roots_unlock();
  tt_arena_unlock();
  tt_symbolize_unlock();
  tt_errors_unlock();
  tt_quarantine_unlock_all();
  tt_stacks_unlock_all();
}

void tt_check_fork_child(void) {
  tt_check_fork_parent();
  tt_spin_unlock(&check_lock); /* the checking thread is not in the child */
}

struct ctx {
  const struct tt_check_request *req;
  struct tt_block *blocks;
  size_t n, blocks_bytes;
  struct tt_block *qblocks; /* the quarantine, for dangling pointers */
  size_t nq, qbytes;
  struct tt_dangling *found;
  size_t found_bytes;
  void *scratch;
  size_t scratch_bytes;
  struct tt_scan sc;
  int rc;
  uint64_t t_stop, t_scan;
};

static void *map_or_null(size_t bytes) { return bytes ? tt_os_map(bytes) : NULL; }

static void root_cb(uintptr_t lo, uintptr_t hi, enum tt_root_kind kind, void *arg) {
  struct tt_scan *sc = arg;
  sc->root_kind = kind;
  if (kind == TT_ROOT_REGISTERS)
    tt_scan_root_words(sc, (const uintptr_t *)lo, (hi - lo) / sizeof(uintptr_t));
  else
    tt_scan_root_range(sc, lo, hi);
}

/* Runs with the loader lock held. */
static void stopped_world_cb(void *arg) {
  struct ctx *c = arg;
  size_t tbytes = TT_CHECK_MAX_THREADS * sizeof(struct tt_thread_state);
  struct tt_thread_state *threads = tt_os_map(tbytes);
  if (!threads) {
    c->rc = -12;
    return;
  }
  tt_check_lock_all();
  uint64_t t0 = tt_os_now_ns();
  int others = tt_os_stop_world(threads + 1, TT_CHECK_MAX_THREADS - 1);
  if (others < 0)
    others = 0;
  if (others > TT_CHECK_MAX_THREADS - 1)
    others = TT_CHECK_MAX_THREADS - 1;
  tt_os_save_own_registers(&threads[0]);
  threads[0].sp = c->req->entry_sp;
  threads[0].current = true;
  c->t_stop = tt_os_now_ns() - t0;

  /* Snapshot the index, sort it by address. */
  c->n = tt_heap_count_locked(&c->nq);
  c->blocks_bytes = c->n * sizeof(struct tt_block);
  c->blocks = map_or_null(c->blocks_bytes);
  size_t tmp_bytes = (c->n > c->nq ? c->n : c->nq) * sizeof(struct tt_block);
  struct tt_block *tmp = map_or_null(tmp_bytes);
  bool dangling = c->req->opts->check_dangling != TT_DANGLING_NO;
  c->qbytes = dangling ? c->nq * sizeof(struct tt_block) : 0;
  c->qblocks = map_or_null(c->qbytes);
  if (!c->qblocks)
    c->nq = 0;
  if (tmp && (c->blocks || !c->n)) {
    tt_heap_snapshot_locked(c->blocks, c->n, c->qblocks, c->nq);
    tt_scan_sort_blocks(c->blocks, c->n, tmp);
    tt_scan_sort_blocks(c->qblocks, c->nq, tmp);
  }
  tt_os_unmap(tmp, tmp_bytes); /* before the scan's scratch: a lower peak */
  c->scratch_bytes = tt_scan_scratch_bytes(c->n);
  c->scratch = map_or_null(c->scratch_bytes);
  c->found_bytes = TT_CHECK_MAX_DANGLING * sizeof(struct tt_dangling);
  c->found = c->nq ? map_or_null(c->found_bytes) : NULL;
  if (c->n && (!c->blocks || !tmp || !c->scratch)) {
    c->rc = -12;
  } else {
    tt_scan_init(&c->sc, c->blocks, c->n, c->scratch);
    if (c->found) {
      /* yes: start pointers kept in the program's data and in live blocks,
       * the places a program keeps handles it means to use again. all: any
       * pointer into a freed block, anywhere (stale locals and allocator
       * bookkeeping included). */
      unsigned mask = 1u << TT_ROOT_GLOBAL | TT_SCAN_DANGLING_HEAP | TT_SCAN_DANGLING_START_ONLY;
      if (c->req->opts->check_dangling == TT_DANGLING_ALL)
        mask = 1u << TT_ROOT_GLOBAL | 1u << TT_ROOT_OTHER | 1u << TT_ROOT_STACK |
               1u << TT_ROOT_REGISTERS | TT_SCAN_DANGLING_HEAP;
      tt_scan_set_quarantine(&c->sc, c->qblocks, c->nq, c->found, TT_CHECK_MAX_DANGLING, mask);
    }
    if (c->req->opts->leak_check != TT_LEAK_CHECK_NO) {
      struct tt_roots_input in = {c->req->opts, threads, others + 1, c->req->malloc_fn};
      tt_roots_enumerate(&in, root_cb, &c->sc);
      tt_scan_propagate(&c->sc);
      tt_scan_classify(&c->sc);
    }
  }
  c->t_scan = tt_os_now_ns() - t0 - c->t_stop;
  tt_os_resume_world();
  tt_check_unlock_all();
  tt_os_unmap(threads, tbytes);
}

/* ======================================================================== */
/* loss records                                                              */
/* ======================================================================== */

struct rec_table {
  struct tt_loss_record *slots;
  size_t mask, count, bytes;
};

static uint64_t rec_hash(uint32_t stack, uint32_t owner, unsigned state) {
  uint64_t h = ((uint64_t)stack << 32 | owner) * 0x9E3779B97F4A7C15ull;
  return h ^ (h >> 29) ^ state;
}

static struct tt_loss_record *rec_get(struct rec_table *t, uint32_t stack, uint32_t owner,
                                      unsigned state) {
  size_t i = rec_hash(stack, owner, state) & t->mask;
  for (;;) {
    struct tt_loss_record *r = &t->slots[i];
    if (!r->blocks) {
      r->stack = stack;
      r->owner = owner;
      r->state = (uint8_t)state;
      t->count++;
      return r;
    }
    if (r->stack == stack && r->owner == owner && r->state == state)
      return r;
    i = (i + 1) & t->mask;
  }
}

/* Valgrind's order (cmp_LossRecords): total size ascending, then state with
 * definitely lost first, then block count, then the older stack. */
static int rec_cmp(const struct tt_loss_record *a, const struct tt_loss_record *b) {
  uint64_t ta = a->bytes + a->indirect_bytes, tb = b->bytes + b->indirect_bytes;
  if (ta != tb)
    return ta < tb ? -1 : 1;
  unsigned va = 3u - a->state, vb = 3u - b->state; /* Valgrind: Unreached=0 .. Reachable=3 */
  if (va != vb)
    return va < vb ? -1 : 1;
  if (a->blocks != b->blocks)
    return a->blocks < b->blocks ? -1 : 1;
  if (a->stack != b->stack)
    return a->stack < b->stack ? -1 : 1;
  return a->owner < b->owner ? -1 : a->owner > b->owner;
}

static void rec_sort(struct tt_loss_record *r, size_t n, struct tt_loss_record *tmp) {
  for (size_t width = 1; width < n; width *= 2) {
    for (size_t lo = 0; lo < n; lo += 2 * width) {
      size_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
      size_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi)
        tmp[k++] = rec_cmp(&r[j], &r[i]) < 0 ? r[j++] : r[i++];
      while (i < mid)
        tmp[k++] = r[i++];
      while (j < hi)
        tmp[k++] = r[j++];
    }
    memcpy(r, tmp, n * sizeof *r);
  }
}

static unsigned kind_bit(unsigned state) {
  switch (state) {
  case TT_STATE_REACHABLE:
    return TT_KIND_REACHABLE;
  case TT_STATE_POSSIBLE:
    return TT_KIND_POSSIBLE;
  case TT_STATE_INDIRECT:
    return TT_KIND_INDIRECT;
  default:
    return TT_KIND_DEFINITE;
  }
}

int tt_check_run(const struct tt_check_request *req, struct tt_leak_totals *totals) {
  const struct tt_options *opts = req->opts;
  memset(totals, 0, sizeof *totals);
  if (!tt_spin_trylock(&check_lock))
    return -16; /* EBUSY: another check is running */

  struct ctx c;
  memset(&c, 0, sizeof c);
  c.req = req;
  tt_os_with_loader_locked(stopped_world_cb, &c);

  struct tt_heap_stats hs;
  tt_heap_stats(&hs);
  totals->allocs = hs.allocs;
  totals->frees = hs.frees;
  totals->bytes_allocated = hs.bytes_allocated;
  if (c.rc != 0) {
    tt_spin_unlock(&check_lock);
    return c.rc;
  }

  /* Dangling pointers, reported now that the world runs again (reports
   * symbolize, and symbolizing allocates). Only from memory still in use:
   * a pointer held by a lost block is part of the leak, not a hazard. */
  for (size_t i = 0; c.found && i < c.sc.nfound; i++) {
    const struct tt_dangling *d = &c.found[i];
    if (d->holder >= 0 && c.sc.state[d->holder] > TT_STATE_POSSIBLE)
      continue;

    tt_errors_dangling(d->where, (enum tt_root_kind)d->root_kind,
                       d->holder >= 0 ? &c.blocks[d->holder] : NULL, d->value,
                       &c.qblocks[d->target]);
  }

  /* Aggregate loss records by (stack, owner, state). */
  struct rec_table t = {0};
  size_t cap_hint = (size_t)tt_stacks_count() * 4 + 16;
  if (cap_hint > c.n * 2 + 16)
    cap_hint = c.n * 2 + 16;
  size_t cap = 64;
  while (cap < cap_hint * 2)
    cap *= 2;
  t.mask = cap - 1;
  t.bytes = cap * sizeof(struct tt_loss_record);
  t.slots = map_or_null(t.bytes);
  struct tt_loss_record *recs = NULL, *tmp = NULL;
  size_t nrecs = 0, recs_bytes = 0;
  if (!t.slots) {
    c.rc = -12;
    goto out;
  }
  for (size_t i = 0; i < c.n; i++) {
    const struct tt_block *b = &c.blocks[i];
    size_t size = tt_block_size(b);
    totals->in_use_bytes += size;
    totals->in_use_blocks++;
    if (opts->leak_check == TT_LEAK_CHECK_NO)
      continue;
    unsigned st = c.sc.state[i];
    totals->bytes[st] += size;
    totals->blocks[st]++;
    struct tt_loss_record *r = rec_get(&t, b->stack, b->owner, st);
    if (!r->blocks)
      r->kind = (uint8_t)tt_block_kind(b);
    r->blocks++;
    r->bytes += size;
    r->indirect_bytes += c.sc.indirect[i];
  }
  nrecs = t.count;
  recs_bytes = nrecs * sizeof *recs;
  recs = map_or_null(recs_bytes);
  tmp = map_or_null(recs_bytes);
  if (nrecs && (!recs || !tmp)) {
    c.rc = -12;
    goto out;
  }
  for (size_t i = 0, k = 0; i <= t.mask; i++)
    if (t.slots[i].blocks)
      recs[k++] = t.slots[i];
  rec_sort(recs, nrecs, tmp);
  totals->records = nrecs;

  /* Render. */
  struct tt_out *o = req->out;
  bool full = opts->leak_check == TT_LEAK_CHECK_FULL;
  if (!req->quiet)
    tt_report_heap_summary(o, totals);
  for (size_t i = 0; i < nrecs; i++) {
    unsigned bit = kind_bit(recs[i].state);
    if (full && (opts->errors_for_leak_kinds & bit))
      totals->error_records++;
    if (full && (opts->show_leak_kinds & bit))
      tt_report_loss_record(o, &recs[i], i + 1, nrecs, opts);
  }
  if (!req->quiet) {
    if (opts->leak_check == TT_LEAK_CHECK_NO) {
      tt_report_line(o, "For a detailed leak analysis, rerun with: --leak-check=full");
      tt_report_line(o, "%s", "");
    } else {
      tt_report_leak_summary(o, totals, opts);
    }
  }
  if (tt_log_verbosity() > 0) {
    tt_report_line(o, "leak check: %'zu blocks, %'llu words scanned; stop %llu us, scan %llu us",
                   c.n, (unsigned long long)c.sc.words_scanned,
                   (unsigned long long)(c.t_stop / 1000), (unsigned long long)(c.t_scan / 1000));
    tt_report_line(o, "tether memory: heap index %'llu bytes (%llu per live block), %'u distinct "
                      "stacks in %'zu bytes, internal arena %'zu bytes",
                   (unsigned long long)hs.index_bytes,
                   (unsigned long long)(hs.live_blocks ? hs.index_bytes / hs.live_blocks : 0),
                   tt_stacks_count(), tt_stacks_bytes(), tt_arena_mapped());
    struct tt_capture_stats cs;
    tt_stacks_capture_stats(&cs);
    tt_report_line(o, "stack captures: %'llu from the cache, %'llu unwound (%llu fills, %llu failed)",
                   (unsigned long long)cs.hits, (unsigned long long)cs.misses,
                   (unsigned long long)cs.fills, (unsigned long long)cs.failed);
  }

out:
  tt_os_unmap(t.slots, t.bytes);
  tt_os_unmap(recs, recs_bytes);
  tt_os_unmap(tmp, recs_bytes);
  tt_os_unmap(c.blocks, c.blocks_bytes);
  tt_os_unmap(c.scratch, c.scratch_bytes);
  tt_os_unmap(c.qblocks, c.qbytes);
  tt_os_unmap(c.found, c.found_bytes);
  tt_spin_unlock(&check_lock);
  return c.rc;
}
