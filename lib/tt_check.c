/* SPDX-License-Identifier: MIT */
/* One whole leak check (see tt_check.h).
 *
 * Notes on locking: a check runs inside tt_os_with_loader_locked, so no
 * thread can be stopped while it holds the dynamic loader's lock (the roots
 * walk the module list). Then it takes every tether lock in this order:
 *   check_lock -> depot shards -> depot ids -> quarantine shards -> arena
 *   -> thread registry -> heap shards
 * The full order, which fork's handlers take whole (tt_check_fork_prepare):
 *   check_lock -> depot -> quarantine -> errors -> symbolizer -> owners
 *   -> arena -> thread registry -> heap shards -> log
 * (check_lock first: a fork waits for a check under way, whose loader lock
 * a child would inherit held)
 * (an error report holds the errors lock while it symbolizes and looks up
 * the index; the quarantine's exit-time check reports under its own lock).
 * and only then stops the other threads, so none of them is stopped holding
 * a lock the check needs. While the world is stopped nothing calls malloc:
 * all scratch memory comes from tt_os_map. fork's handlers take the same
 * locks in the same order (tt_check_lock_all). */
#include "tt_check.h"

#include <errno.h>
#include <string.h>

#include "tt_arena.h"
#include "tt_cycles.h"
#include "tt_errors.h"
#include "tt_fatal.h"
#include "tt_export.h"
#include "tt_quarantine.h"
#include "tt_heap.h"
#include "tt_log.h"
#include "tt_os.h"
#include "tt_owners.h"
#include "tt_roots.h"
#include "tt_scan.h"
#include "tt_stacks.h"
#include "tt_suppress.h"
#include "tt_symbolize.h"

#define TT_CHECK_MAX_THREADS 4096
#define TT_CHECK_MAX_DANGLING 4096 /* findings kept from one scan */

static tt_spinlock_t check_lock = TT_SPINLOCK_INIT;
/* Forks waiting for check_lock: a new check waits for them first. The lock
 * is not fair, and a thread that checks back to back took it again each
 * time before a forking thread's yield let it look (the fork waited for
 * ever). */
static int fork_waiters;

void tt_check_lock_all(void) {
  tt_stacks_lock_all();
  tt_quarantine_lock_all();
  tt_owners_lock();
  tt_arena_lock();
  tt_roots_lock();
  tt_heap_lock_all();
}

void tt_check_unlock_all(void) {
  tt_heap_unlock_all();
  tt_roots_unlock();
  tt_arena_unlock();
  tt_owners_unlock();
  tt_quarantine_unlock_all();
  tt_stacks_unlock_all();
}

void tt_check_fork_prepare(void) {
  /* A check under way first ends: it holds the dynamic linker's lock
   * (dl_iterate_phdr's), which glibc 2.36's fork does not reset in the
   * child, so a child forked meanwhile hung in its own exit check. */
  __atomic_fetch_add(&fork_waiters, 1, __ATOMIC_ACQ_REL);
  tt_spin_lock(&check_lock);
  __atomic_fetch_sub(&fork_waiters, 1, __ATOMIC_ACQ_REL);
  tt_stacks_lock_all();
  tt_quarantine_lock_all();
  tt_errors_lock();
  tt_symbolize_lock();
  tt_owners_lock();
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
  tt_owners_unlock();
  tt_symbolize_unlock();
  tt_errors_unlock();
  tt_quarantine_unlock_all();
  tt_stacks_unlock_all();
  tt_spin_unlock(&check_lock);
}

void tt_check_fork_child(void) {
  tt_check_fork_parent();
  tt_heap_fork_child();
}

struct ctx {
  const struct tt_check_request *req;
  struct tt_block *blocks;
  size_t n, blocks_bytes;
  /* --leak-check=no at exit: no scan, so no snapshot either; what is in
   * use comes from the heap's counters */
  bool counts_only;
  uint64_t in_use_blocks, in_use_bytes;
  struct tt_block *qblocks; /* the quarantine, for dangling pointers */
  size_t nq, qbytes;
  struct tt_block *oblocks; /* tether's own (untracked) blocks: never roots */
  size_t no, obytes;
  struct tt_dangling *found;
  size_t found_bytes;
  void *scratch;
  size_t scratch_bytes;
  struct tt_scan sc;
  uint32_t *parent;         /* TT_CHECK_OWNER: why each block is alive */
  uintptr_t *via;
  uint8_t *via_kind;
  size_t parent_bytes, via_bytes, via_kind_bytes;
  struct tt_cycles cyc;     /* reference cycles among the lost blocks */
  struct tt_range *rodata;  /* modules' read-only data (vtables) */
  size_t nrodata, rodata_bytes;
  struct tt_scan_limit *limits; /* blocks with a page that cannot be read */
  size_t nlimits, limits_cap;
  size_t probed;            /* the next block the probe looks at */
  bool probe_all;           /* it looks at every block (else at those not reached) */
  struct tt_refcount *refc; /* the refcounted blocks, audited */
  size_t nrefc, refc_bytes;
  int rc;
  uint64_t t_stop, t_scan, t_cycles, t_refcounts;
  size_t unlisted; /* blocks the counters have and the snapshot could not list */
};

/* The check's arrays: a million blocks take tens of megabytes, read at
 * random by the scan's searches; huge pages where the kernel has them. */
static void *map_or_null(size_t bytes) {
  void *p = bytes ? tt_os_map(bytes) : NULL;
  tt_os_advise_huge(p, bytes);
  return p;
}

struct chunk_ctx {
  uintptr_t lo, hi;
};

static bool mmapped_chunk_cb(const struct tt_block *b, void *arg) {
  const struct chunk_ctx *m = arg;
  /* the allocator's block starts at the prefix */
  size_t pre = tt_block_flags(b) & TT_BLOCK_PREFIXED ? TT_HEAP_PREFIX : 0;
  return tt_os_is_glibc_mmapped_chunk(b->addr - pre, tt_block_size(b) + pre, m->lo, m->hi);
}

/* Calls fn on [lo, hi) so that a page that faults is stepped over: the map
 * calls a mapping readable, but a guard region inside it (Linux 6.13's
 * MADV_GUARD_INSTALL; glibc 2.42 guards thread stacks so) or a truncated
 * file faults, and the check must not end the program. */
struct root_part {
  void *arg;
  uintptr_t lo, hi;
  void (*fn)(void *, uintptr_t, uintptr_t);
};

static void root_part_cb(void *arg) {
  struct root_part *r = arg;
  r->fn(r->arg, r->lo, r->hi);
}

static void readable_parts(void *arg, uintptr_t lo, uintptr_t hi,
                           void (*fn)(void *, uintptr_t, uintptr_t)) {
  struct root_part r = {arg, lo, hi, fn};
  while (r.lo < r.hi) {
    uintptr_t fault = tt_os_call_catching_faults(root_part_cb, &r);
    if (!fault || fault - 1 < r.lo || fault - 1 >= r.hi)
      break; /* done, or a fault outside the range: nothing to step over */
    r.lo = ((fault - 1) & ~(uintptr_t)4095) + 4096;
  }
}

static void propagate_cb(void *arg) { tt_scan_propagate(arg); }

/* The probe: one byte of every page of the blocks the passes after the
 * mark will read (the lost ones; the reachable ones too for the refcount
 * audit), beyond the page the sweep has shown readable already (a prefixed
 * block's first page holds its header), so that those passes, which have
 * no way to step over a fault, read each block only up to its first page
 * that cannot be read. Blocks of one page cost nothing. */
static void probe_cb(void *arg) {
  struct ctx *c = arg;
  for (; c->probed < c->n; c->probed++) {
    const struct tt_block *b = &c->blocks[c->probed];
    if (c->probe_all ? tt_scan_read_end(&c->sc, c->probed) < b->addr + tt_block_size(b)
                     : c->sc.state[c->probed] == TT_STATE_REACHABLE)
      continue; /* limited already, or reached: the mark steps over faults */
    size_t size = tt_block_size(b);
    uintptr_t pg = b->addr & ~(uintptr_t)4095, end = b->addr + size;
    if (tt_block_flags(b) & TT_BLOCK_PREFIXED && (b->addr & 4095) >= TT_HEAP_PREFIX)
      pg += 4096; /* the header's page */
    for (; pg < end; pg += 4096)
      (void)*(volatile const char *)(pg > b->addr ? pg : b->addr);
  }
}

static void probe_blocks(struct ctx *c, bool all) {
  uintptr_t fault;
  size_t before = c->nlimits;
  c->probed = 0;
  c->probe_all = all;
  while ((fault = tt_os_call_catching_faults(probe_cb, c))) {
    uintptr_t at = (fault - 1) & ~(uintptr_t)4095;
    const struct tt_block *b = &c->blocks[c->probed];
    if (c->nlimits == c->limits_cap) {
      size_t cap = c->limits_cap ? c->limits_cap * 2 : 4096;
      struct tt_scan_limit *more = tt_os_map(cap * sizeof *more);
      if (!more)
        break; /* no room to remember: the probe stops, the passes read as before */
      if (c->limits)
        memcpy(more, c->limits, c->nlimits * sizeof *more);
      /* the probe itself looks up the limits found before it (sorted):
       * the scan reads the new copy before the old one goes */
      tt_scan_set_limits(&c->sc, more, before);
      tt_os_unmap(c->limits, c->limits_cap * sizeof *c->limits);
      c->limits = more;
      c->limits_cap = cap;
    }
    c->limits[c->nlimits].block = c->probed;
    c->limits[c->nlimits].end = at > b->addr ? at : b->addr;
    c->nlimits++;
    c->probed++;
  }
  /* a second probe's finds (in block order) merged with the first's */
  size_t n = c->nlimits;
  struct tt_scan_limit *merged = before && n > before ? tt_os_map(n * sizeof *merged) : NULL;
  if (merged) {
    size_t i = 0, j = before, k = 0;
    while (i < before || j < n)
      merged[k++] = j == n || (i < before && c->limits[i].block < c->limits[j].block)
                        ? c->limits[i++]
                        : c->limits[j++];
    memcpy(c->limits, merged, n * sizeof *merged);
    tt_os_unmap(merged, n * sizeof *merged);
  } else {
    for (size_t i = before; i < n && before; i++) /* no room: in place, slowly */
      for (size_t j = i; j > 0 && c->limits[j - 1].block > c->limits[j].block; j--) {
        struct tt_scan_limit t = c->limits[j];
        c->limits[j] = c->limits[j - 1];
        c->limits[j - 1] = t;
      }
  }
  tt_scan_set_limits(&c->sc, c->limits, c->nlimits);
}

struct resume {
  struct tt_scan *sc;
  uintptr_t from;
};

static void resume_cb(void *arg) {
  struct resume *r = arg;
  tt_scan_resume_block(r->sc, r->from);
}

/* The mark, stepping over the pages of reachable blocks that fault (the
 * program guarded or protected a page inside its block: a coroutine's
 * stack): the rest of such a block is scanned from the next page on. */
static void propagate_stepping_faults(struct tt_scan *sc) {
  uintptr_t fault;
  while ((fault = tt_os_call_catching_faults(propagate_cb, sc))) {
    struct resume r = {sc, ((fault - 1) & ~(uintptr_t)4095) + 4096};
    while ((fault = tt_os_call_catching_faults(resume_cb, &r)) && fault - 1 >= r.from)
      r.from = ((fault - 1) & ~(uintptr_t)4095) + 4096;
    sc->rescan = false;
    sc->current = -1;
  }
}

static void scan_root(void *sc, uintptr_t lo, uintptr_t hi) { tt_scan_root_range(sc, lo, hi); }
static void scan_root_all(void *sc, uintptr_t lo, uintptr_t hi) {
  tt_scan_root_range_all(sc, lo, hi);
}


/* /proc/self/pagemap while a check enumerates its roots (-1: none). */
static int pagemap_fd = -1;
/* From this many pages a root range is read only where it is in memory. */
#define TT_RESIDENT_MIN_PAGES 16

static void resident_cb(uintptr_t lo, uintptr_t hi, void *arg) {
  readable_parts(arg, lo, hi, scan_root);
}

static void root_cb(uintptr_t lo, uintptr_t hi, enum tt_root_kind kind, void *arg) {
  struct tt_scan *sc = arg;
  sc->root_kind = kind;
  if (kind == TT_ROOT_REGISTERS)
    tt_scan_root_words(sc, (const uintptr_t *)lo, (hi - lo) / sizeof(uintptr_t));
  else if (kind == TT_ROOT_USER)
    readable_parts(sc, lo, hi, scan_root_all);
  else if (kind == TT_ROOT_OTHER && tt_scan_has_block_in(sc, lo, hi) &&
           !tt_scan_all_blocks_in(sc, lo, hi, mmapped_chunk_cb, &(struct chunk_ctx){lo, hi}))
    return; /* an allocator's own memory (jemalloc's, tcmalloc's arenas): its free
               parts hold stale pointers, its blocks are scanned when reached. Blocks
               glibc mapped alone are not that: the kernel merges their mappings
               with neighbours (CPython's arenas), which stay roots. */
  else if ((kind == TT_ROOT_OTHER || kind == TT_ROOT_GLOBAL) &&
           hi - lo >= TT_RESIDENT_MIN_PAGES * 4096)
    /* a big mapping or .bss is read only where the process touched it: a
     * gigabyte reserved and never touched cost 0.3 s of page faults, a
     * PostgreSQL backend's look at 128 MB of shared buffers 60-90 ms */
    tt_os_for_each_resident_run(pagemap_fd, lo, hi, resident_cb, sc);
  else
    readable_parts(sc, lo, hi, scan_root);
}

static unsigned kind_bit(unsigned state);

/* The frames of one loss record's stack, for suppressions (under check_lock). */
static struct tt_supp_frame rec_frames[TT_REPORT_MAX_FRAMES];

/* Whether an on-demand check reports this block (and so marks it, for the
 * next tether_check_new_leaks): its loss record is shown, or it counts in
 * what the check returns (definitely and indirectly lost). */
static bool reports_block(const struct tt_options *opts, unsigned state) {
  if (state > TT_STATE_DEFINITE)
    return false;
  bool shown = opts->leak_check == TT_LEAK_CHECK_FULL && (opts->show_leak_kinds & kind_bit(state));
  return shown || state == TT_STATE_DEFINITE || state == TT_STATE_INDIRECT;
}

/* With the heap locked: flags the blocks this check reports. */
static void mark_reported_locked(struct ctx *c) {
  for (size_t i = 0; i < c->n; i++)
    if (!(tt_block_flags(&c->blocks[i]) & TT_BLOCK_REPORTED) &&
        reports_block(c->req->opts, c->sc.state[i]))
      tt_heap_set_flags_locked(c->blocks[i].addr, TT_BLOCK_REPORTED);
}

/* The refcount audit's counting: the same roots the mark scanned. */
struct count_roots {
  const struct tt_scan *sc;
  struct tt_refcount *refc;
  size_t n;
  bool whole;
};

static void count_root_part(void *arg, uintptr_t lo, uintptr_t hi) {
  struct count_roots *cr = arg;
  tt_refcount_count_range(cr->sc, cr->refc, cr->n, lo, hi, cr->whole);
}

static void count_resident_cb(uintptr_t lo, uintptr_t hi, void *arg) {
  readable_parts(arg, lo, hi, count_root_part);
}

static void count_root_cb(uintptr_t lo, uintptr_t hi, enum tt_root_kind kind, void *arg) {
  struct count_roots *cr = arg;
  if (kind == TT_ROOT_REGISTERS) {
    tt_refcount_count_words(cr->sc, cr->refc, cr->n, (const uintptr_t *)lo,
                            (hi - lo) / sizeof(uintptr_t));
  } else {
    cr->whole = kind == TT_ROOT_USER;
    if ((kind == TT_ROOT_OTHER || kind == TT_ROOT_GLOBAL) &&
        hi - lo >= TT_RESIDENT_MIN_PAGES * 4096) /* as root_cb reads them */
      tt_os_for_each_resident_run(pagemap_fd, lo, hi, count_resident_cb, cr);
    else
      readable_parts(cr, lo, hi, count_root_part);
  }
}

/* With the world stopped and every lock held: reads the count of every
 * refcounted block and counts the references to it. */
static void refcount_audit_locked(struct ctx *c, const struct tt_roots_input *in) {
  size_t n = 0;
  for (size_t i = 0; i < c->n; i++)
    n += (tt_block_flags(&c->blocks[i]) & TT_BLOCK_REFCOUNTED) != 0;
  if (!n)
    return;
  c->refc_bytes = n * sizeof *c->refc;
  c->refc = map_or_null(c->refc_bytes);
  if (!c->refc)
    return;
  for (size_t i = 0; i < c->n; i++) {
    const struct tt_block *b = &c->blocks[i];
    if (!(tt_block_flags(b) & TT_BLOCK_REFCOUNTED))
      continue;
    struct tt_refcount *r = &c->refc[c->nrefc++];
    r->block = (uint32_t)i;
    uintptr_t field;
    unsigned size;
    uint64_t v = 0;
    if (tt_owners_refcount_locked(b->addr, &field, &size) &&
        tt_os_read_memory(field, &v, size)) { /* little-endian: the low bytes */
      r->count_size = (uint8_t)size;
      r->field = field;
      r->count = v;
    }
  }
  struct count_roots cr = {&c->sc, c->refc, c->nrefc, false};
  int fd = tt_os_open_read("/proc/self/pagemap");
  pagemap_fd = fd >= 0 ? fd : -1;
  tt_roots_enumerate(in, count_root_cb, &cr);
  if (pagemap_fd >= 0)
    tt_os_close(pagemap_fd);
  pagemap_fd = -1;
  probe_blocks(c, true); /* it reads every block (ignored ones are no longer "reached") */
  tt_refcount_count_blocks(&c->sc, c->refc, c->nrefc);
}

/* The read-only data of loaded modules (where relocated vtables live), for
 * the multipleinheritance heuristic. */
struct rodata_ctx {
  struct tt_range *r;
  size_t n, max;
};

static void rodata_cb(const struct tt_mapping *m, void *arg) {
  struct rodata_ctx *rc = arg;
  if (m->prot == TT_MAP_R && m->name[0] == '/' && rc->n < rc->max) {
    rc->r[rc->n].lo = m->lo;
    rc->r[rc->n].hi = m->hi;
    rc->n++;
  }
}

static void collect_rodata(struct ctx *c) {
  if (!(c->req->opts->leak_check_heuristics & TT_HEUR_BIT(TT_HEUR_MULTIPLEINHERITANCE)))
    return;
  size_t bufsize = (size_t)4 << 20;
  char *buf = tt_os_map(bufsize);
  c->rodata_bytes = 16384 * sizeof(struct tt_range);
  c->rodata = map_or_null(c->rodata_bytes);
  if (buf && c->rodata) {
    struct rodata_ctx rc = {c->rodata, 0, 16384};
    if (tt_os_for_each_mapping(buf, bufsize, rodata_cb, &rc) == 0)
      c->nrodata = rc.n;
  }
  tt_os_unmap(buf, bufsize);
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
  if (c->req->entry_regs) /* the program's, not what tether's code left there */
    memcpy(threads[0].regs, c->req->entry_regs, sizeof threads[0].regs);
  threads[0].sp = c->req->entry_sp;
  threads[0].current = true;
  c->t_stop = tt_os_now_ns() - t0;

  /* Snapshot the index, sort it by address. */
  c->n = tt_heap_count_locked(&c->nq);
  c->counts_only = c->req->opts->leak_check == TT_LEAK_CHECK_NO && c->req->mode == TT_CHECK_EXIT;
  if (c->counts_only) {
    c->in_use_blocks = c->n;
    c->in_use_bytes = tt_heap_live_bytes_locked();
    c->n = c->nq = 0;
  }
  c->no = c->counts_only ? 0 : tt_heap_snapshot_untracked_locked(NULL, 0);
  c->blocks_bytes = c->n * sizeof(struct tt_block);
  c->blocks = map_or_null(c->blocks_bytes);
  size_t most = c->n > c->nq ? c->n : c->nq;
  size_t tmp_bytes = (most > c->no ? most : c->no) * sizeof(struct tt_block);
  struct tt_block *tmp = map_or_null(tmp_bytes);
  bool dangling = c->req->opts->check_dangling != TT_DANGLING_NO && c->req->mode != TT_CHECK_OWNER;
  /* the quarantine: never roots, and the targets of dangling pointers */
  c->qbytes = c->nq * sizeof(struct tt_block);
  c->qblocks = map_or_null(c->qbytes);
  if (!c->qblocks)
    c->nq = 0;
  c->obytes = c->no * sizeof(struct tt_block);
  c->oblocks = map_or_null(c->obytes);
  if (!c->oblocks)
    c->no = 0;
  if (tmp && (c->blocks || !c->n)) {
    /* The snapshot lists what it finds, which can be fewer than the
     * counters say: a block whose header the program wrote over (an
     * underrun) is counted but cannot be listed. The arrays are zero-filled
     * mappings, so what was not written is a zero address at the end. */
    size_t got = tt_heap_snapshot_locked(c->blocks, c->n, c->qblocks, c->nq);
    if (got < c->n) {
      c->unlisted = c->n - got;
      c->n = got;
    }
    while (c->nq && !c->qblocks[c->nq - 1].addr)
      c->nq--;
    tt_heap_snapshot_untracked_locked(c->oblocks, c->no);
    tt_scan_sort_blocks(c->blocks, c->n, tmp);
    tt_scan_sort_blocks(c->qblocks, c->nq, tmp);
    tt_scan_sort_blocks(c->oblocks, c->no, tmp);
  }
  tt_os_unmap(tmp, tmp_bytes); /* before the scan's scratch: a lower peak */
  c->scratch_bytes = tt_scan_scratch_bytes(c->n);
  c->scratch = tt_os_map(c->scratch_bytes);
  tt_os_advise_huge(c->scratch, tt_scan_dense_bytes(c->n));
  c->found_bytes = TT_CHECK_MAX_DANGLING * sizeof(struct tt_dangling);
  c->found = c->nq && dangling ? map_or_null(c->found_bytes) : NULL;
  if (c->n && (!c->blocks || !tmp || !c->scratch)) {
    c->rc = -12;
  } else {
    tt_scan_init(&c->sc, c->blocks, c->n, c->scratch);
    tt_scan_set_skip(&c->sc, c->qblocks, c->nq);
    tt_scan_set_own(&c->sc, c->oblocks, c->no);
    collect_rodata(c);
    tt_scan_set_heuristics(&c->sc, c->req->opts->leak_check_heuristics, c->rodata, c->nrodata);
    if (c->req->mode == TT_CHECK_OWNER) {
      c->parent_bytes = c->n * sizeof *c->parent;
      c->via_bytes = c->n * sizeof *c->via;
      c->via_kind_bytes = c->n;
      c->parent = map_or_null(c->parent_bytes);
      c->via = map_or_null(c->via_bytes);
      c->via_kind = map_or_null(c->via_kind_bytes);
      if (c->parent && c->via && c->via_kind)
        tt_scan_track_parents(&c->sc, c->parent, c->via, c->via_kind);
    }
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
    if (c->req->opts->leak_check != TT_LEAK_CHECK_NO || c->req->mode != TT_CHECK_EXIT) {
      struct tt_roots_input in = {c->req->opts, threads, others + 1, c->req->malloc_fn};
      int fd = tt_os_open_read("/proc/self/pagemap");
      pagemap_fd = fd >= 0 ? fd : -1;
      tt_roots_enumerate(&in, root_cb, &c->sc);
      if (pagemap_fd >= 0)
        tt_os_close(pagemap_fd);
      pagemap_fd = -1;
      propagate_stepping_faults(&c->sc);
      probe_blocks(c, false);
      tt_scan_suppress_ignored(&c->sc);
      tt_scan_classify(&c->sc);
      if (c->req->mode == TT_CHECK_FULL || c->req->mode == TT_CHECK_NEW)
        mark_reported_locked(c);
      if (c->req->mode != TT_CHECK_OWNER) {
        /* both read the program's memory: the world must still be stopped */
        uint64_t t1 = tt_os_now_ns();
        tt_cycles_find(&c->sc, &c->cyc);
        uint64_t t2 = tt_os_now_ns();
        refcount_audit_locked(c, &in);
        c->t_cycles = t2 - t1;
        c->t_refcounts = tt_os_now_ns() - t2;
      }
    }
  }
  c->t_scan = tt_os_now_ns() - t0 - c->t_stop - c->t_cycles - c->t_refcounts;
  if (c->req->mode == TT_CHECK_EXIT)
    tt_os_park_sleepers(); /* the process ends with this check: no early wake-ups */
  tt_os_resume_world();
  tt_check_unlock_all();
  tt_os_unmap(threads, tbytes);
}

/* ======================================================================== */
/* loss records                                                              */
/* ======================================================================== */

/* Loss records aggregate blocks by (allocation stack, owner, transfer
 * stack, state); sample is the first block of each (its index). */
struct rec_table {
  struct tt_loss_record *slots;
  uint32_t *sample;
  size_t mask, count, bytes, sample_bytes;
};

static uint64_t rec_hash(uint32_t stack, uint32_t owner, uint32_t xfer, unsigned state) {
  uint64_t h = ((uint64_t)stack << 32 | owner) * 0x9E3779B97F4A7C15ull;
  h ^= (uint64_t)xfer * 0xC2B2AE3D27D4EB4Full;
  return h ^ (h >> 29) ^ state;
}

/* Twice the slots, the records moved over; false (the table as it was)
 * when there is no memory for it. */
static bool rec_table_grow(struct rec_table *t) {
  size_t cap = (t->mask + 1) * 2;
  struct rec_table g = {0};
  g.mask = cap - 1;
  g.bytes = cap * sizeof(struct tt_loss_record);
  g.sample_bytes = cap * sizeof(uint32_t);
  g.slots = map_or_null(g.bytes);
  g.sample = map_or_null(g.sample_bytes);
  if (!g.slots || !g.sample) {
    tt_os_unmap(g.slots, g.bytes);
    tt_os_unmap(g.sample, g.sample_bytes);
    return false;
  }
  for (size_t i = 0; i <= t->mask; i++) {
    const struct tt_loss_record *r = &t->slots[i];
    if (!r->blocks)
      continue;
    size_t k = rec_hash(r->stack, r->owner, r->xfer, r->state) & g.mask;
    while (g.slots[k].blocks)
      k = (k + 1) & g.mask;
    g.slots[k] = *r;
    g.sample[k] = t->sample[i];
  }
  g.count = t->count;
  tt_os_unmap(t->slots, t->bytes);
  tt_os_unmap(t->sample, t->sample_bytes);
  *t = g;
  return true;
}

/* The record of (stack, owner, xfer, state), a new one if there is none;
 * NULL only when the table is full and cannot grow. The table is sized
 * from the distinct stacks, but a record is also an owner and a transfer:
 * it grows at three quarters full (it filled up and the search for a free
 * slot went on for ever: 65 owners of blocks from one stack). */
static struct tt_loss_record *rec_get(struct rec_table *t, uint32_t stack, uint32_t owner,
                                      uint32_t xfer, unsigned state, uint32_t index) {
  if (t->count + 1 > (t->mask + 1) / 4 * 3 && !rec_table_grow(t) && t->count > t->mask)
    return NULL;
  size_t i = rec_hash(stack, owner, xfer, state) & t->mask;
  for (;;) {
    struct tt_loss_record *r = &t->slots[i];
    if (!r->blocks) {
      r->stack = stack;
      r->owner = owner;
      r->xfer = xfer;
      r->state = (uint8_t)state;
      t->sample[i] = index;
      t->count++;
      return r;
    }
    if (r->stack == stack && r->owner == owner && r->xfer == xfer && r->state == state)
      return r;
    i = (i + 1) & t->mask;
  }
}

static bool rec_table_init(struct rec_table *t, size_t nblocks) {
  size_t cap_hint = (size_t)tt_stacks_count() * 4 + 16;
  if (cap_hint > nblocks * 2 + 16)
    cap_hint = nblocks * 2 + 16;
  size_t cap = 64;
  while (cap < cap_hint * 2)
    cap *= 2;
  t->mask = cap - 1;
  t->count = 0;
  t->bytes = cap * sizeof(struct tt_loss_record);
  t->sample_bytes = cap * sizeof(uint32_t);
  t->slots = map_or_null(t->bytes);
  t->sample = map_or_null(t->sample_bytes);
  return t->slots && t->sample;
}

static void rec_table_free(struct rec_table *t) {
  tt_os_unmap(t->slots, t->bytes);
  tt_os_unmap(t->sample, t->sample_bytes);
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
  if (a->owner != b->owner)
    return a->owner < b->owner ? -1 : 1;
  return a->xfer < b->xfer ? -1 : a->xfer > b->xfer;
}

/* A stable merge sort of records with their samples. */
struct rec_item {
  struct tt_loss_record r;
  uint32_t sample;
};

static void rec_sort(struct rec_item *r, size_t n, struct rec_item *tmp) {
  for (size_t width = 1; width < n; width *= 2) {
    for (size_t lo = 0; lo < n; lo += 2 * width) {
      size_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
      size_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi)
        tmp[k++] = rec_cmp(&r[j].r, &r[i].r) < 0 ? r[j++] : r[i++];
      while (i < mid)
        tmp[k++] = r[i++];
      while (j < hi)
        tmp[k++] = r[j++];
    }
    memcpy(r, tmp, n * sizeof *r);
  }
}

/* The table's records, sorted, in fresh memory (*bytes to unmap). */
static struct rec_item *rec_collect(const struct rec_table *t, size_t *bytes) {
  size_t n = t->count;
  *bytes = n * sizeof(struct rec_item);
  struct rec_item *items = map_or_null(*bytes), *tmp = map_or_null(*bytes);
  if (n && (!items || !tmp)) {
    tt_os_unmap(items, *bytes);
    tt_os_unmap(tmp, *bytes);
    return NULL;
  }
  for (size_t i = 0, k = 0; i <= t->mask; i++)
    if (t->slots[i].blocks) {
      items[k].r = t->slots[i];
      items[k++].sample = t->sample[i];
    }
  rec_sort(items, n, tmp);
  tt_os_unmap(tmp, *bytes);
  return items;
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

/* A record of blocks an earlier check reported (a check for new leaks): a
 * suppression that matches it moves its blocks to "suppressed" in the
 * totals, as it did at that check; nothing is shown or counted as new. */
static void suppress_old_record(const struct tt_loss_record *r, struct tt_leak_totals *totals,
                                const struct tt_options *opts) {
  unsigned bit = kind_bit(r->state);
  int shown = 0;
  int nf = tt_report_alloc_frames(r->stack, r->kind, rec_frames, TT_REPORT_MAX_FRAMES, &shown);
  if (!tt_suppress_match(TT_SUPP_LEAK, bit, rec_frames, nf, r->bytes + r->indirect_bytes,
                         r->blocks))
    return;
  totals->bytes[r->state] -= r->bytes;
  totals->blocks[r->state] -= r->blocks;
  totals->suppressed_bytes += r->bytes;
  totals->suppressed_blocks += r->blocks;
  totals->suppressed_records++;
  if (opts->leak_check == TT_LEAK_CHECK_FULL && (opts->errors_for_leak_kinds & bit))
    totals->suppressed_error_records++;
}

static uint32_t xfer_of(const struct tt_block *b) {
  return (tt_block_flags(b) & TT_BLOCK_TRANSFERRED) ? tt_owners_transfer_of(b->addr) : 0;
}

/* ======================================================================== */
/* the owner table                                                           */
/* ======================================================================== */

static uint64_t row_total(const struct tt_owner_row *r) {
  uint64_t t = 0;
  for (int s = 0; s < 6; s++)
    t += r->bytes[s];
  return t;
}

/* The LEAKS BY OWNER rows, when the program named owners: every owner with
 * live blocks (and the unowned ones), largest first, as --show-owner lets
 * through. *bytes: the mapping to unmap; NULL when there are none. */
static struct tt_owner_row *owner_rows(const struct ctx *c, size_t *n_out, size_t *bytes) {
  *n_out = 0;
  *bytes = 0;
  uint32_t nowners = tt_owners_count();
  if (!nowners)
    return NULL;
  *bytes = (nowners + 1) * sizeof(struct tt_owner_row);
  struct tt_owner_row *rows = map_or_null(*bytes);
  if (!rows)
    return NULL;
  for (size_t i = 0; i < c->n; i++) {
    const struct tt_block *b = &c->blocks[i];
    uint32_t id = b->owner <= nowners ? b->owner : 0;
    unsigned st = c->sc.state[i];
    if (st == TT_STATE_UNREACHED)
      st = TT_STATE_DEFINITE;
    rows[id].owner = id;
    rows[id].bytes[st] += tt_block_size(b);
    rows[id].blocks[st]++;
  }
  size_t n = 0;
  for (uint32_t id = 0; id <= nowners; id++) {
    uint64_t blocks = 0;
    for (int s = 0; s < 6; s++)
      blocks += rows[id].blocks[s];
    if (blocks && tt_options_show_owner(c->req->opts, tt_owners_name(id)))
      rows[n++] = rows[id];
  }
  /* insertion sort: a program has a handful of owners, and the sort is stable */
  for (size_t i = 1; i < n; i++) {
    struct tt_owner_row r = rows[i];
    size_t j = i;
    for (; j > 0 && row_total(&rows[j - 1]) < row_total(&r); j--)
      rows[j] = rows[j - 1];
    rows[j] = r;
  }
  *n_out = n;
  return rows;
}

static void owner_table(const struct ctx *c, struct tt_out *o) {
  size_t n, bytes;
  struct tt_owner_row *rows = owner_rows(c, &n, &bytes);
  if (n)
    tt_report_owner_table(o, rows, n);
  tt_os_unmap(rows, bytes);
}

/* ======================================================================== */
/* tether_check_owner: why a block is alive                                  */
/* ======================================================================== */

#define TT_CHAIN_SHOWN 8 /* links shown of a longer chain: the nearest and the root */

/* " which is held at offset K of a block of size N alloc'd at" + stack, or
 * the root that holds the chain. */
static void chain_root(struct tt_out *o, const char *lead, uintptr_t via, unsigned kind) {
  const char *name;
  size_t off;
  int thread;
  uintptr_t lo;
  switch (kind) {
  case TT_ROOT_GLOBAL:
    if (tt_symbolize_data(via, &name, &off)) {
      tt_report_line(o, " %s data symbol \"%s\", at offset %'zu (0x%lx)", lead, name, off,
                     (unsigned long)via);
      return;
    }
    tt_report_line(o, " %s the data of a loaded module at 0x%lx", lead, (unsigned long)via);
    return;
  case TT_ROOT_STACK:
    thread = tt_roots_thread_of(via);
    if (thread)
      tt_report_line(o, " %s thread %d's stack at 0x%lx", lead, thread, (unsigned long)via);
    else
      tt_report_line(o, " %s a thread's stack at 0x%lx", lead, (unsigned long)via);
    return;
  case TT_ROOT_REGISTERS:
    tt_report_line(o, " %s a register of a thread", lead);
    return;
  case TT_ROOT_USER:
    if (tt_roots_user_of(via, &lo)) {
      tt_report_line(o, " %s offset %'zu of the root registered at 0x%lx", lead,
                     (size_t)(via - lo), (unsigned long)lo);
      return;
    }
    break;
  default:
    break;
  }
  tt_report_line(o, " %s writable memory outside the heap at 0x%lx", lead, (unsigned long)via);
}

static void chain_block(const struct ctx *c, struct tt_out *o, const char *lead, uint32_t holder,
                        uintptr_t via) {
  const struct tt_block *h = &c->blocks[holder];
  tt_report_line(o, " %s offset %'zu of a block of size %'zu alloc'd at", lead,
                 (size_t)(via - h->addr), tt_block_size(h));
  tt_report_stack(o, h->stack, tt_block_kind(h), c->req->opts);
}

static void why_alive(const struct ctx *c, struct tt_out *o, size_t i) {
  unsigned st = c->sc.state[i];
  switch (st) {
  case TT_STATE_DEFINITE:
    tt_report_line(o, " It is definitely lost: nothing points to it any more");
    return;
  case TT_STATE_INDIRECT:
    tt_report_line(o, " It is indirectly lost: only other lost blocks point to it");
    return;
  case TT_STATE_SUPPRESSED:
    if (tt_block_flags(&c->blocks[i]) & TT_BLOCK_IGNORED) {
      tt_report_line(o, " It is ignored (tether_ignore)");
      return;
    }
    tt_report_line(o, " It is suppressed: only ignored blocks hold it");
    break;
  case TT_STATE_POSSIBLE:
    tt_report_line(o, " It is possibly lost: what holds it points inside it, not to its start");
    break;
  default:
    break;
  }
  if (!c->parent) {
    tt_report_line(o, " (tether had no memory to trace what holds it)");
    return;
  }
  /* The chain from the block up to the root, nearest holder first. */
  size_t len = 0;
  for (size_t k = i; c->parent[k] != TT_SCAN_ROOT_PARENT && len <= c->n; k = c->parent[k])
    len++;
  size_t k = i, step = 0;
  const char *lead = "Held at";
  for (; c->parent[k] != TT_SCAN_ROOT_PARENT && step <= c->n; k = c->parent[k], step++) {
    if (len > TT_CHAIN_SHOWN && step == TT_CHAIN_SHOWN - 2) {
      tt_report_line(o, " ... %'zu more blocks ...", len - (TT_CHAIN_SHOWN - 1));
      while (step < len - 1) { /* on to the last block before the root */
        k = c->parent[k];
        step++;
      }
    }
    chain_block(c, o, lead, c->parent[k], c->via[k]);
    lead = "which is held at";
  }
  if (st == TT_STATE_SUPPRESSED)
    return; /* the chain ends at the ignored block */
  chain_root(o, step ? "which is held by" : "Held by", c->via[k], c->via_kind[k]);
}

/* tether_check_owner: every live block of req->owner, by (stack, transfer,
 * state), each group with why its first block is alive. */
static int owner_report(const struct ctx *c, struct tt_check_result *res) {
  const struct tt_check_request *req = c->req;
  struct tt_out *o = req->out;
  struct rec_table t;
  if (!rec_table_init(&t, c->n)) {
    rec_table_free(&t);
    return -12;
  }
  for (size_t i = 0; i < c->n; i++) {
    const struct tt_block *b = &c->blocks[i];
    if (b->owner != req->owner)
      continue;
    unsigned st = c->sc.state[i] == TT_STATE_UNREACHED ? TT_STATE_DEFINITE : c->sc.state[i];
    struct tt_loss_record *r = rec_get(&t, b->stack, b->owner, xfer_of(b), st, (uint32_t)i);
    res->owner_blocks++;
    if (!r)
      continue; /* out of memory for the table: counted, not listed */
    if (!r->blocks)
      r->kind = (uint8_t)tt_block_kind(b);
    r->blocks++;
    r->bytes += tt_block_size(b);
  }
  size_t items_bytes;
  struct rec_item *items = rec_collect(&t, &items_bytes);
  if (t.count && !items) {
    rec_table_free(&t);
    return -12;
  }
  const char *name = tt_owners_name(req->owner);
  for (size_t i = 0; i < t.count; i++) {
    const struct tt_loss_record *r = &items[i].r;
    if (name)
      tt_report_line(o, "%'llu bytes in %'llu blocks of owner \"%s\" are still alive",
                     (unsigned long long)r->bytes, (unsigned long long)r->blocks, name);
    else
      tt_report_line(o, "%'llu bytes in %'llu blocks with no owner are still alive",
                     (unsigned long long)r->bytes, (unsigned long long)r->blocks);
    tt_report_stack(o, r->stack, r->kind, req->opts);
    if (r->xfer)
      tt_report_owner(o, r->owner, r->xfer, req->opts);
    why_alive(c, o, items[i].sample);
    tt_report_line(o, "%s", "");
  }
  tt_os_unmap(items, items_bytes);
  rec_table_free(&t);
  return 0;
}

/* ======================================================================== */
/* reference cycles and refcounts                                            */
/* ======================================================================== */

/* A member's name: A..Z, AA..ZZ, AAA... (as spreadsheet columns). */
static void member_name(char *buf, size_t size, size_t i) {
  char tmp[16];
  size_t n = 0;
  for (i++; i && n < sizeof tmp; i = (i - 1) / 26)
    tmp[n++] = (char)('A' + (i - 1) % 26);
  size_t k = 0;
  while (n && k + 1 < size)
    buf[k++] = tmp[--n];
  buf[k] = '\0';
}

static void owner_words(char *buf, size_t size, uint32_t owner) {
  const char *name = tt_owners_name(owner);
  if (!tt_owners_count())
    buf[0] = '\0'; /* the program names no owners: say nothing of them */
  else if (name)
    tt_fmt(buf, size, ", owner \"%s\"", name);
  else
    tt_fmt(buf, size, ", no owner");
}

static const struct tt_refcount *refcount_of(const struct ctx *c, uint32_t block) {
  size_t a = 0, b = c->nrefc;
  while (a < b) {
    size_t mid = a + (b - a) / 2;
    if (c->refc[mid].block == block)
      return &c->refc[mid];
    if (c->refc[mid].block < block)
      a = mid + 1;
    else
      b = mid;
  }
  return NULL;
}

/* A refcounted lost block whose every reference comes from other lost
 * blocks, as many as its count: nothing but the leak holds it. */
static bool held_by_cycle(const struct tt_refcount *r) {
  return r && r->count_size && r->refs && r->count == r->refs && r->refs == r->refs_from_lost;
}

/* Whether two members of a walk print alike (folded into a run). */
static bool same_member(const struct ctx *c, const struct tt_cycles *y, uint32_t a, uint32_t b) {
  const struct tt_block *x = &c->blocks[y->members[a]], *z = &c->blocks[y->members[b]];
  return x->stack == z->stack && tt_block_size(x) == tt_block_size(z) && x->owner == z->owner &&
         y->offset[a] == y->offset[b];
}

#define TT_CYCLE_RUN_SHOWN 2   /* members of a run of alike ones printed before "... N more" */
#define TT_CYCLE_NAMES_SHOWN 6 /* refcounted members and weak-pointer candidates named */
#define TT_CYCLE_LINES_SHOWN 24 /* member lines of one cycle before the rest is summed up */

/* The bytes of members [from, to) of a walk. */
static uint64_t cycle_bytes_between(const struct ctx *c, const struct tt_cycles *y, uint32_t from,
                                    uint32_t to) {
  uint64_t bytes = 0;
  for (uint32_t k = from; k < to; k++)
    bytes += tt_block_size(&c->blocks[y->members[k]]);
  return bytes;
}

static void cycle_report(const struct ctx *c, struct tt_out *o, size_t ci, size_t number,
                         size_t total, uint64_t like_cycles, uint64_t like_bytes,
                         uint64_t like_blocks) {
  const struct tt_cycles *y = &c->cyc;
  const struct tt_options *opts = c->req->opts;
  uint32_t first = y->first[ci], end = y->first[ci + 1];
  tt_report_line(o, "%'llu bytes in %'u blocks form a reference cycle (cycle %'zu of %'zu)",
                 (unsigned long long)y->bytes[ci], end - first, number, total);
  char name[16], target[16], who[TT_OWNER_NAME_MAX + 32], same[48];
  uint32_t run = 0, lines = 0;
  for (uint32_t k = first; k < end; k++) {
    const struct tt_block *b = &c->blocks[y->members[k]];
    if (lines >= TT_CYCLE_LINES_SHOWN && k + 1 < end) {
      /* a long cycle of many kinds of members: the last one closes it */
      tt_report_line(o, "    ... %'u more blocks, %'llu bytes", end - 1 - k,
                     (unsigned long long)cycle_bytes_between(c, y, k, end - 1));
      k = end - 1;
      b = &c->blocks[y->members[k]];
      run = 0;
    }
    run = k > first && same_member(c, y, k - 1, k) ? run + 1 : 0;
    bool last_of_run = k + 1 == end || !same_member(c, y, k, k + 1);
    if (run > TT_CYCLE_RUN_SHOWN && !last_of_run)
      continue; /* folded */
    if (run > TT_CYCLE_RUN_SHOWN + 1) { /* the run's last member closes it */
      member_name(name, sizeof name, k - run + TT_CYCLE_RUN_SHOWN - first);
      tt_report_line(o, "    ... %'u more blocks like %s, each +%'llu -> the next",
                     run - TT_CYCLE_RUN_SHOWN - 1, name, (unsigned long long)y->offset[k]);
    }
    member_name(name, sizeof name, k - first);
    member_name(target, sizeof target, y->next[k] - first);
    owner_words(who, sizeof who, b->owner);
    /* the first member with this stack prints it; the others point to it */
    uint32_t twin = first;
    while (twin < k && c->blocks[y->members[twin]].stack != b->stack)
      twin++;
    same[0] = '\0';
    if (twin < k) {
      char tn[16];
      member_name(tn, sizeof tn, twin - first);
      tt_fmt(same, sizeof same, "   (same stack as %s)", tn);
    }
    tt_report_line(o, "   block %s: %'zu bytes%s, +%'llu -> %s%s", name, tt_block_size(b), who,
                   (unsigned long long)y->offset[k], target, same);
    lines++;
    if (twin == k) {
      tt_report_stack_indented(o, b->stack, tt_block_kind(b), opts, 3);
      lines += 2;
    }
  }
  if (y->hang_blocks[ci])
    tt_report_line(o, "   hanging off the cycle: %'llu blocks, %'llu bytes",
                   (unsigned long long)y->hang_blocks[ci], (unsigned long long)y->hang_bytes[ci]);
  /* Refcounted members that only the cycle holds: the count is right, the
   * structure is wrong; a weak pointer into one of them breaks it. */
  char names[128], edges[256];
  size_t nheld = 0, nlen = 0, elen = 0, nedges = 0;
  uint64_t one_count = 0;
  names[0] = edges[0] = '\0';
  for (uint32_t k = first; k < end; k++) {
    const struct tt_refcount *r = refcount_of(c, y->members[k]);
    if (!held_by_cycle(r))
      continue;
    member_name(name, sizeof name, k - first);
    if (nheld++ < TT_CYCLE_NAMES_SHOWN)
      nlen += tt_fmt(names + nlen, sizeof names - nlen, "%s%s", nlen ? ", " : "", name);
    one_count = r->count;
  }
  /* the pointers into those members, one pass (a ring has one per member) */
  for (uint32_t j = first; j < end && nheld; j++) {
    uint32_t k = y->next[j];
    if (!held_by_cycle(refcount_of(c, y->members[k])))
      continue;
    if (nedges++ < TT_CYCLE_NAMES_SHOWN) {
      member_name(name, sizeof name, k - first);
      member_name(target, sizeof target, j - first);
      elen += tt_fmt(edges + elen, sizeof edges - elen, "%s%s+%'llu -> %s", elen ? ", " : "",
                     target, (unsigned long long)y->offset[j], name);
    }
  }
  if (nheld == 1)
    tt_report_line(o, "   block %s is refcounted, and its count (%'llu) is all references from "
                      "lost blocks", names, (unsigned long long)one_count);
  else if (nheld > 1)
    tt_report_line(o, "   %'zu of its blocks are refcounted, and each one's count is all "
                      "references from lost blocks (%s%s)",
                   nheld, names, nheld > TT_CYCLE_NAMES_SHOWN ? ", ..." : "");
  /* In a simple ring any one pointer made weak breaks it; in a richer
   * structure (a doubly linked list) one is not enough. */
  if (nedges && y->ring[ci])
    tt_report_line(o, "   to break the cycle, make one of these a weak reference: %s%s", edges,
                   nedges > TT_CYCLE_NAMES_SHOWN ? ", ..." : "");
  else if (nedges)
    tt_report_line(o, "   its blocks point at each other in more than one way: no single weak "
                      "pointer breaks it (make the back pointers weak, or tear it down)");
  if (like_cycles)
    tt_report_line(o, "   and %'llu more cycles like it: %'llu bytes in %'llu blocks",
                   (unsigned long long)like_cycles, (unsigned long long)like_bytes,
                   (unsigned long long)like_blocks);
  tt_report_line(o, "%s", "");
}

/* A cycle's shape, for folding cycles alike into one finding: its size
 * and its members' stacks and sizes, in any order. */
static uint64_t cycle_signature(const struct ctx *c, size_t ci) {
  const struct tt_cycles *y = &c->cyc;
  uint64_t h = y->first[ci + 1] - y->first[ci];
  for (uint32_t k = y->first[ci]; k < y->first[ci + 1]; k++) {
    const struct tt_block *b = &c->blocks[y->members[k]];
    uint64_t x = ((uint64_t)b->stack << 32 | b->owner) ^ (uint64_t)tt_block_size(b) * 0x9E3779B97F4A7C15ull;
    x ^= x >> 31;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 29;
    h += x;
  }
  return h;
}

/* Whether a check shows cycle ci: --show-owner lets a member through, and a
 * check for new leaks shows only cycles no earlier check reported. */
static bool cycle_shown(const struct ctx *c, size_t ci) {
  const struct tt_cycles *y = &c->cyc;
  bool owner_ok = false;
  for (uint32_t k = y->first[ci]; k < y->first[ci + 1]; k++) {
    const struct tt_block *b = &c->blocks[y->members[k]];
    if (c->req->mode == TT_CHECK_NEW && (tt_block_flags(b) & TT_BLOCK_REPORTED))
      return false;
    owner_ok = owner_ok || tt_options_show_owner(c->req->opts, tt_owners_name(b->owner));
  }
  return owner_ok;
}

/* Every cycle shown, alike ones folded into the first of them. */
static void cycles_report(const struct ctx *c, struct tt_out *o) {
  const struct tt_cycles *y = &c->cyc;
  if (!y->ncycles)
    return;
  size_t slots = 64;
  while (slots < y->ncycles * 2)
    slots *= 2;
  size_t bytes = y->ncycles * (4 * sizeof(uint64_t) + sizeof(uint32_t)) + slots * sizeof(uint32_t);
  char *mem = map_or_null(bytes);
  if (!mem)
    return;
  uint64_t *sig = (uint64_t *)mem;
  uint64_t *like = sig + y->ncycles, *like_bytes = like + y->ncycles;
  uint64_t *like_blocks = like_bytes + y->ncycles;
  uint32_t *group = (uint32_t *)(like_blocks + y->ncycles); /* the first cycle alike */
  uint32_t *table = group + y->ncycles; /* signature -> first cycle + 1 (0: empty) */
  size_t groups = 0;
  for (size_t ci = 0; ci < y->ncycles; ci++) {
    group[ci] = UINT32_MAX;
    if (!cycle_shown(c, ci))
      continue;
    sig[ci] = cycle_signature(c, ci);
    size_t h = (size_t)(sig[ci] ^ (sig[ci] >> 29)) & (slots - 1);
    while (table[h] && sig[table[h] - 1] != sig[ci])
      h = (h + 1) & (slots - 1);
    if (!table[h]) {
      table[h] = (uint32_t)ci + 1;
      group[ci] = (uint32_t)ci;
      groups++;
      continue;
    }
    size_t k = table[h] - 1;
    group[ci] = (uint32_t)k;
    like[k]++;
    like_bytes[k] += y->bytes[ci];
    like_blocks[k] += y->first[ci + 1] - y->first[ci];
  }
  size_t number = 0;
  for (size_t ci = 0; ci < y->ncycles; ci++)
    if (group[ci] == ci)
      cycle_report(c, o, ci, ++number, groups, like[ci], like_bytes[ci], like_blocks[ci]);
  tt_os_unmap(mem, bytes);
}

/* Refcounts that the references found do not explain. */
static void refcount_errors(const struct ctx *c) {
  for (size_t i = 0; i < c->nrefc; i++) {
    const struct tt_refcount *r = &c->refc[i];
    if (!r->count_size || r->count == r->refs)
      continue;
    tt_errors_refcount(r->count > r->refs ? TT_ERR_REFCOUNT_HIGH : TT_ERR_REFCOUNT_LOW,
                       &c->blocks[r->block], r->count, r->count_size, r->field, r->refs);
  }
}

/* ======================================================================== */
/* a whole check                                                             */
/* ======================================================================== */

bool tt_check_gate(const struct tt_options *opts, const struct tt_leak_totals *t,
                   uint64_t lifetime_errors) {
  bool gate = lifetime_errors > 0;
  static const unsigned bits[4] = {TT_KIND_REACHABLE, TT_KIND_POSSIBLE, TT_KIND_INDIRECT,
                                   TT_KIND_DEFINITE};
  if (opts->leak_check != TT_LEAK_CHECK_NO)
    for (int s = 0; s < 4; s++)
      if (t->blocks[s] && (opts->errors_for_leak_kinds & bits[s]))
        gate = true;
  return gate;
}

/* The machine-readable reports of the exit check. */
static void export_reports(const struct ctx *c, const struct tt_leak_totals *totals,
                           const struct rec_item *recs, size_t nrecs) {
  const struct tt_options *opts = c->req->opts;
  if (!tt_export_wanted(opts))
    return;
  size_t rbytes = nrecs * sizeof(struct tt_loss_record);
  struct tt_loss_record *flat = map_or_null(rbytes);
  for (size_t i = 0; flat && i < nrecs; i++)
    flat[i] = recs[i].r;
  size_t nowners, obytes;
  struct tt_owner_row *owners = owner_rows(c, &nowners, &obytes);
  uint64_t errors, contexts, supp_errors, supp_used, err_supp_contexts;
  tt_errors_counts(&errors, &contexts);
  tt_suppress_totals(&supp_errors, &supp_used);
  uint64_t err_supp = tt_errors_suppressed(&err_supp_contexts);
  bool gate = tt_check_gate(opts, totals, errors);
  struct tt_export x = {opts,
                        totals,
                        flat,
                        flat ? nrecs : 0,
                        owners,
                        nowners,
                        &c->cyc,
                        c->blocks,
                        c->req->fatal ? 128 + c->req->fatal->sig
                        : gate && opts->error_exitcode ? opts->error_exitcode
                                                       : c->req->program_status,
                        gate,
                        totals->error_records + errors,
                        totals->error_records + contexts,
                        totals->suppressed_error_records + err_supp,
                        totals->suppressed_error_records + err_supp_contexts,
                        c->req->fatal};
  tt_export_write(&x);
  tt_os_unmap(flat, rbytes);
  tt_os_unmap(owners, obytes);
}

/* The totals of the last on-demand check, for the next one's deltas. */
static struct tt_leak_totals last_totals;

static int check_run_here(const struct tt_check_request *req, struct tt_leak_totals *totals,
                          struct tt_check_result *res);

struct check_call {
  const struct tt_check_request *req;
  struct tt_leak_totals *totals;
  struct tt_check_result *res;
  int rc;
};

static void check_call_cb(void *arg) {
  struct check_call *c = arg;
  c->rc = check_run_here(c->req, c->totals, c->res);
}

/* A check needs far more stack than a thread may have (libdw, the report):
 * it runs on a stack of its own. The program's stack is scanned from the
 * request's entry_sp up, as before. */

void tt_check_verify_quarantine(void) {
  /* check_lock: the fault catching is one process-wide handler */
  while (!tt_spin_trylock(&check_lock))
    tt_os_yield();
  size_t unreadable = tt_quarantine_check_all();
  tt_spin_unlock(&check_lock);
  tt_os_requeue_sent_faults();
  if (unreadable && tt_log_verbosity() > 0)
    tt_log_line("tether: %zu freed block%s not verified for writes after free: the program "
                "protected %s after freeing %s",
                unreadable, unreadable == 1 ? "" : "s", unreadable == 1 ? "a page of it" : "pages of them",
                unreadable == 1 ? "it" : "them");
}

int tt_check_run(const struct tt_check_request *req, struct tt_leak_totals *totals,
                 struct tt_check_result *res) {
  struct check_call c = {req, totals, res, 0};
  if (tt_os_call_on_own_stack(check_call_cb, &c, TT_OWN_STACK_BYTES))
    return c.rc;
  return check_run_here(req, totals, res); /* no memory for a stack: try here */
}

static int check_run_here(const struct tt_check_request *req, struct tt_leak_totals *totals,
                          struct tt_check_result *res) {
  const struct tt_options *opts = req->opts;
  struct tt_check_result scratch_res;
  if (!res)
    res = &scratch_res;
  memset(res, 0, sizeof *res);
  memset(totals, 0, sizeof *totals);
  if (__atomic_load_n(&fork_waiters, __ATOMIC_ACQUIRE) || !tt_spin_trylock(&check_lock))
    return -16; /* EBUSY: another check is running, or a fork waits for one to end */

  struct ctx c;
  memset(&c, 0, sizeof c);
  c.req = req;
  tt_os_with_loader_locked(stopped_world_cb, &c);
  tt_os_requeue_sent_faults(); /* a SIGSEGV sent meanwhile: the program's, now */

  struct tt_heap_stats hs;
  tt_heap_stats(&hs);
  totals->allocs = hs.allocs;
  totals->frees = hs.frees;
  totals->bytes_allocated = hs.bytes_allocated;
  struct rec_table t = {0}, old = {0};
  struct rec_item *recs = NULL;
  size_t nrecs = 0, recs_bytes = 0;
  struct tt_out *o = req->out;
  if (c.rc == 0 && tt_heap_snapshot_blind()) {
    tt_warn("cannot tell which memory can be read (no /proc, and the kernel refuses both "
            "process_vm_readv and writing from memory into a pipe): the heap's blocks cannot "
            "be listed, so there is no leak check");
    c.rc = -EPERM;
  }
  if (c.rc != 0)
    goto out;
  if (c.unlisted && req->mode == TT_CHECK_EXIT)
    tt_warn("%'zu block%s tether recorded could not be found at exit: the %zu bytes before each, "
            "where tether keeps its record, were written over (an underrun of the block, or an "
            "overrun of the one before it) or made unreadable; %s left out of this report",
            c.unlisted, c.unlisted == 1 ? "" : "s", (size_t)TT_HEAP_PREFIX,
            c.unlisted == 1 ? "it is" : "they are");

  if (req->mode == TT_CHECK_OWNER) {
    c.rc = owner_report(&c, res);
    goto out;
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

  refcount_errors(&c);

  /* Aggregate loss records. */
  bool leak_check = opts->leak_check != TT_LEAK_CHECK_NO || req->mode != TT_CHECK_EXIT;
  if (!rec_table_init(&t, c.n)) {
    c.rc = -12;
    goto out;
  }
  /* Only a record some suppression could match needs its stack symbolized
   * here: the default ones match possibly lost blocks only, and symbolizing
   * every still-reachable record cost a short process most of its exit. */
  unsigned supp_kinds = tt_suppress_count() ? tt_suppress_leak_kinds() : 0;
  /* A check for new leaks makes records of new blocks only; the blocks an
   * earlier check reported still count in the totals, and those a
   * suppression took out of their kind then must leave it again (they read
   * as new lost blocks, "definitely lost (+N)" with no record to show). */
  if (req->mode == TT_CHECK_NEW && supp_kinds && !rec_table_init(&old, c.n)) {
    c.rc = -12;
    goto out;
  }
  for (size_t i = 0; i < c.n; i++) {
    const struct tt_block *b = &c.blocks[i];
    size_t size = tt_block_size(b);
    totals->in_use_bytes += size;
    totals->in_use_blocks++;
    if (!leak_check)
      continue;
    unsigned st = c.sc.state[i];
    if (st == TT_STATE_SUPPRESSED) {
      totals->suppressed_bytes += size;
      totals->suppressed_blocks++;
      continue;
    }
    totals->bytes[st] += size;
    totals->blocks[st]++;
    if (st == TT_STATE_REACHABLE && c.sc.heur[i]) {
      totals->heur_bytes[c.sc.heur[i]] += size;
      totals->heur_blocks[c.sc.heur[i]]++;
    }
    bool is_new = !(tt_block_flags(b) & TT_BLOCK_REPORTED);
    if (req->mode == TT_CHECK_NEW && !is_new) { /* an earlier check reported it */
      if (supp_kinds & kind_bit(st)) {
        struct tt_loss_record *r = rec_get(&old, b->stack, b->owner, xfer_of(b), st, (uint32_t)i);
        if (!r)
          continue;
        if (!r->blocks)
          r->kind = (uint8_t)tt_block_kind(b);
        r->blocks++;
        r->bytes += size;
        r->indirect_bytes += c.sc.indirect[i];
      }
      continue;
    }
    if (st == TT_STATE_DEFINITE || st == TT_STATE_INDIRECT)
      res->lost_bytes += size;
    struct tt_loss_record *r = rec_get(&t, b->stack, b->owner, xfer_of(b), st, (uint32_t)i);
    if (!r)
      continue; /* out of memory for the table: in the totals, not listed */
    if (!r->blocks)
      r->kind = (uint8_t)tt_block_kind(b);
    r->blocks++;
    r->bytes += size;
    r->indirect_bytes += c.sc.indirect[i];
  }
  if (c.counts_only) {
    totals->in_use_blocks = c.in_use_blocks;
    totals->in_use_bytes = c.in_use_bytes;
  }
  nrecs = t.count;
  recs = rec_collect(&t, &recs_bytes);
  if (nrecs && !recs) {
    c.rc = -12;
    goto out;
  }
  totals->records = nrecs;

  /* Render. The options hold for checks on demand too: --leak-check=summary
   * prints only the LEAK SUMMARY, =no nothing but what the call returns,
   * -q only the loss records. */
  bool full = opts->leak_check == TT_LEAK_CHECK_FULL;
  bool on_demand = req->mode != TT_CHECK_EXIT;
  if (req->title && !req->quiet && (full || opts->leak_check == TT_LEAK_CHECK_SUMMARY)) {
    tt_report_line(o, "%s", req->title);
    tt_report_line(o, "%s", "");
  }
  if (!req->quiet && req->mode == TT_CHECK_EXIT)
    tt_report_heap_summary(o, totals);
  for (size_t i = 0; old.slots && i <= old.mask; i++)
    if (old.slots[i].blocks)
      suppress_old_record(&old.slots[i], totals, opts);
  for (size_t i = 0; i < nrecs; i++) {
    struct tt_loss_record *r = &recs[i].r;
    unsigned bit = kind_bit(r->state);
    bool suppressing = (supp_kinds & bit) != 0;
    int nf = 0, shown = 0;
    if (suppressing || opts->gen_suppressions != TT_GENSUPP_NO)
      nf = tt_report_alloc_frames(r->stack, r->kind, rec_frames, TT_REPORT_MAX_FRAMES, &shown);
    if (suppressing && tt_suppress_match(TT_SUPP_LEAK, bit, rec_frames, nf,
                                         r->bytes + r->indirect_bytes, r->blocks)) {
      /* Valgrind moves a suppressed record's blocks from its kind to
       * "suppressed"; it counts as a suppressed error (and context) when its
       * kind is one that counts as an error */
      totals->bytes[r->state] -= r->bytes;
      totals->blocks[r->state] -= r->blocks;
      totals->suppressed_bytes += r->bytes;
      totals->suppressed_blocks += r->blocks;
      totals->suppressed_records++;
      if (full && (opts->errors_for_leak_kinds & bit))
        totals->suppressed_error_records++;
      if (r->state == TT_STATE_DEFINITE || r->state == TT_STATE_INDIRECT)
        res->lost_bytes -= r->bytes; /* what the call returns: not lost, suppressed */
      r->suppressed = 1;
      continue;
    }
    if (full && (opts->errors_for_leak_kinds & bit))
      totals->error_records++;
    if (full && (opts->show_leak_kinds & bit) &&
        tt_options_show_owner(opts, tt_owners_name(r->owner))) {
      tt_report_loss_record(o, r, i + 1, nrecs, opts);
      if (opts->gen_suppressions != TT_GENSUPP_NO)
        tt_suppress_print_block(o, TT_SUPP_LEAK, bit, rec_frames, shown);
    }
  }
  if (full && (opts->show_leak_kinds & (TT_KIND_DEFINITE | TT_KIND_INDIRECT)))
    cycles_report(&c, o);
  if (!req->quiet) {
    if (opts->leak_check == TT_LEAK_CHECK_NO) {
      if (!on_demand) {
        tt_report_line(o, "For a detailed leak analysis, rerun with: --leak-check=full");
        tt_report_line(o, "%s", "");
      }
    } else {
      if (req->mode == TT_CHECK_NEW)
        tt_report_leak_summary_delta(o, totals, &last_totals, opts);
      else
        tt_report_leak_summary(o, totals, opts);
      owner_table(&c, o);
    }
  }
  if (req->mode != TT_CHECK_EXIT)
    last_totals = *totals;
  else {
    tt_out_flush(o); /* a warning while exporting must not split a report line */
    export_reports(&c, totals, recs, nrecs);
  }
  if (tt_log_verbosity() > 0) {
    tt_report_line(o, "leak check: %'zu blocks, %'llu words scanned; stop %llu us, scan %llu us",
                   c.n, (unsigned long long)c.sc.words_scanned,
                   (unsigned long long)(c.t_stop / 1000), (unsigned long long)(c.t_scan / 1000));
    tt_report_line(o, "cycles: %'zu found in %llu us; refcount audit of %'zu blocks: %llu us",
                   c.cyc.ncycles, (unsigned long long)(c.t_cycles / 1000), c.nrefc,
                   (unsigned long long)(c.t_refcounts / 1000));
    tt_report_line(o, "tether memory: heap index %'llu bytes with the blocks' headers (%llu per "
                      "live block), %'u distinct stacks in %'zu bytes, internal "
                      "arena %'zu bytes",
                   (unsigned long long)hs.index_bytes,
                   (unsigned long long)(hs.live_blocks ? hs.index_bytes / hs.live_blocks : 0),
                   tt_stacks_count(), tt_stacks_bytes(), tt_arena_mapped());
    struct tt_capture_stats cs;
    tt_stacks_capture_stats(&cs);
    tt_report_line(o,
                   "stack captures: %'llu from the cache, %'llu unwound (%llu fills, %llu by a "
                   "frame walk, %llu failed)",
                   (unsigned long long)cs.hits, (unsigned long long)cs.misses,
                   (unsigned long long)cs.fills, (unsigned long long)cs.walks,
                   (unsigned long long)cs.failed);
    tt_report_line(o, "symbols: %'zu addresses looked up", tt_symbolize_lookups());
    size_t qb = 0, qn = 0, fb = 0, fn = 0;
    tt_quarantine_stats(&qb, &qn);
    tt_quarantine_forsaken(&fn, &fb);
    tt_report_line(o,
                   "quarantine: %'zu blocks, %'zu bytes; forsaken (memory the program took "
                   "away): %'zu blocks, %'zu bytes",
                   qn, qb, fn, fb);
  }

out:
  rec_table_free(&t);
  rec_table_free(&old);
  tt_os_unmap(recs, recs_bytes);
  tt_os_unmap(c.blocks, c.blocks_bytes);
  tt_os_unmap(c.scratch, c.scratch_bytes);
  tt_os_unmap(c.limits, c.limits_cap * sizeof *c.limits);
  tt_os_unmap(c.qblocks, c.qbytes);
  tt_os_unmap(c.oblocks, c.obytes);
  tt_os_unmap(c.found, c.found_bytes);
  tt_os_unmap(c.parent, c.parent_bytes);
  tt_os_unmap(c.via, c.via_bytes);
  tt_os_unmap(c.via_kind, c.via_kind_bytes);
  tt_os_unmap(c.refc, c.refc_bytes);
  tt_os_unmap(c.rodata, c.rodata_bytes);
  tt_cycles_free(&c.cyc);
  tt_spin_unlock(&check_lock);
  return c.rc;
}
