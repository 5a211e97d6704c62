/* SPDX-License-Identifier: MIT */
/* Root enumeration (see tt_roots.h).
 *
 * A writable mapping is a root unless it is: tether's own (its tables,
 * arena, and the writable data of libtether itself); glibc's allocator
 * memory ([heap] and the heaps of non-main arenas, whose free chunks hold
 * stale pointers); the part of a thread's stack below its stack pointer (dead
 * frames); or the stack block of a thread that has exited. Live blocks that
 * lie inside a root range are skipped by the scanner: a block is scanned only
 * when reached.
 *
 * Notes on locking: threads_lock protects the thread registry; a leaf lock
 * (the arena is called outside it). */
#include "tt_roots.h"

#include <string.h>

#include "tt_arena.h"
#include "tt_log.h"

#define TT_STACK_RED_ZONE 128 /* x86-64 ABI: below sp, still the frame's */
#define TT_OWN_EXCL_MAX 16384 /* tether's own mappings, for registered roots */

struct range {
  uintptr_t lo, hi;
};

/* ======================================================================== */
/* thread registry                                                           */
/* ======================================================================== */

struct thread_rec {
  struct thread_rec *next;
  uintptr_t lo, hi;
  uintptr_t tp; /* the thread pointer: glibc's descriptor sits at [tp, hi) */
  int tid;
  int number; /* Valgrind's thread number; the main thread is 1 */
  bool alive;
};

static struct thread_rec *threads;
static size_t nthread_recs;
static int next_thread_number = 2;
static tt_spinlock_t threads_lock = TT_SPINLOCK_INIT;
static __thread struct thread_rec *self_rec __attribute__((tls_model("initial-exec")));

static void (*exit_hook)(void);

void tt_roots_set_thread_exit_hook(void (*fn)(void)) { exit_hook = fn; }

static void thread_exit_cb(void *arg) {
  struct thread_rec *r = arg;
  if (exit_hook)
    exit_hook();
  __atomic_store_n(&r->alive, false, __ATOMIC_RELEASE);
}

/* The live threads of the registry, for stopping the world without /proc:
 * read without the lock, which the checking thread holds (records are only
 * ever added, at the head, and reused in place). */
static int registered_tids(int *tids, int max) {
  int n = 0;
  for (const struct thread_rec *r = __atomic_load_n(&threads, __ATOMIC_ACQUIRE); r && n < max;
       r = r->next)
    if (__atomic_load_n(&r->alive, __ATOMIC_ACQUIRE))
      tids[n++] = r->tid;
  return n;
}

void tt_roots_init(void) {
  tt_os_thread_exit_key_init(thread_exit_cb);
  tt_os_set_thread_lister(registered_tids);
}
void tt_roots_lock(void) { tt_spin_lock(&threads_lock); }
void tt_roots_unlock(void) { tt_spin_unlock(&threads_lock); }

void tt_roots_thread_start(void) {
  if (self_rec)
    return;
  /* The main thread's stack ends with the process: nothing to record, and
   * pthread_getattr_np would read /proc with stdio from inside an allocation. */
  if (tt_os_gettid() == tt_os_getpid())
    return;
  uintptr_t lo, hi;
  if (!tt_os_thread_stack(&lo, &hi))
    return;
  struct thread_rec *r = NULL;
  tt_spin_lock(&threads_lock);
  /* A new thread on a recycled stack block takes over the old record. */
  for (struct thread_rec *o = threads; o && !r; o = o->next) {
    if (!o->alive && o->lo < hi && lo < o->hi) {
      r = o;
      /* claimed under the lock; whoever lists the live threads without it
       * (no /proc) sees this thread's id and stack once it is alive */
      r->lo = lo;
      r->hi = hi;
      r->tid = tt_os_gettid();
      __atomic_store_n(&r->alive, true, __ATOMIC_RELEASE);
    }
  }
  tt_spin_unlock(&threads_lock);
  bool fresh = !r;
  if (fresh && !(r = tt_arena_alloc(sizeof *r)))
    return;
  r->lo = lo;
  r->hi = hi;
  r->tp = tt_os_thread_pointer();
  r->tid = tt_os_gettid();
  r->number = __atomic_fetch_add(&next_thread_number, 1, __ATOMIC_RELAXED);
  __atomic_store_n(&r->alive, true, __ATOMIC_RELEASE);
  self_rec = r;
  if (fresh) {
    tt_spin_lock(&threads_lock);
    r->next = threads;
    __atomic_store_n(&threads, r, __ATOMIC_RELEASE);
    nthread_recs++;
    tt_spin_unlock(&threads_lock);
  }
  tt_os_thread_exit_arm(r);
}

bool tt_roots_self_stack(uintptr_t *lo, uintptr_t *hi) {
  if (!self_rec)
    return false;
  *lo = self_rec->lo;
  *hi = self_rec->hi;
  return true;
}

int tt_roots_thread_of(uintptr_t addr) {
  int number = 0;
  tt_spin_lock(&threads_lock);
  for (struct thread_rec *r = threads; r && !number; r = r->next)
    if (r->alive && addr >= r->lo && addr < r->hi)
      number = r->number;
  tt_spin_unlock(&threads_lock);
  if (number)
    return number;
  char name[64];
  if (tt_os_mapping_name(addr, name, sizeof name) && strcmp(name, "[stack]") == 0)
    return 1;
  return 0;
}

void tt_roots_after_fork_child(void) {
  /* Only the forking thread lives on in the child; the other stacks are
   * copies with stale contents. */
  int self = tt_os_gettid();
  for (struct thread_rec *o = threads; o; o = o->next) {
    if (o == self_rec)
      o->tid = self;
    else
      o->alive = false;
  }
  threads_lock.locked = 0;
}

/* ======================================================================== */
/* ranges                                                                    */
/* ======================================================================== */

struct excl {
  struct range *r;
  size_t n, max;
};

static void excl_add(struct excl *e, uintptr_t lo, uintptr_t hi) {
  if (hi > lo && e->n < e->max) {
    e->r[e->n].lo = lo;
    e->r[e->n].hi = hi;
    e->n++;
  }
}

static void own_map_cb(uintptr_t lo, uintptr_t hi, void *arg) { excl_add(arg, lo, hi); }

/* Shell sort by lo, then merge overlaps: no libc qsort (it may allocate). */
static void excl_normalize(struct excl *e) {
  static const size_t gaps[] = {701, 301, 132, 57, 23, 10, 4, 1};
  for (unsigned g = 0; g < TT_ARRAY_LEN(gaps); g++) {
    size_t gap = gaps[g];
    for (size_t i = gap; i < e->n; i++) {
      struct range t = e->r[i];
      size_t j = i;
      for (; j >= gap && e->r[j - gap].lo > t.lo; j -= gap)
        e->r[j] = e->r[j - gap];
      e->r[j] = t;
    }
  }
  size_t out = 0;
  for (size_t i = 0; i < e->n; i++) {
    if (out && e->r[i].lo <= e->r[out - 1].hi) {
      if (e->r[i].hi > e->r[out - 1].hi)
        e->r[out - 1].hi = e->r[i].hi;
    } else {
      e->r[out++] = e->r[i];
    }
  }
  e->n = out;
}

/* Calls cb for the parts of [lo, hi) outside every exclusion. */
static void emit_minus(const struct excl *e, uintptr_t lo, uintptr_t hi, enum tt_root_kind kind,
                       tt_root_cb cb, void *arg) {
  size_t a = 0, b = e->n;
  while (a < b) { /* first exclusion ending after lo */
    size_t mid = a + (b - a) / 2;
    if (e->r[mid].hi <= lo)
      a = mid + 1;
    else
      b = mid;
  }
  uintptr_t cur = lo;
  for (size_t i = a; i < e->n && cur < hi; i++) {
    if (e->r[i].lo >= hi)
      break;
    if (e->r[i].lo > cur)
      cb(cur, e->r[i].lo, kind, arg);
    if (e->r[i].hi > cur)
      cur = e->r[i].hi;
  }
  if (cur < hi)
    cb(cur, hi, kind, arg);
}

/* ======================================================================== */
/* roots the program registers                                               */
/* ======================================================================== */

/* Under threads_lock. A plain array: programs register a handful. */
static struct range *user_roots;
static size_t n_user_roots, max_user_roots;

bool tt_roots_register(uintptr_t lo, size_t size) {
  tt_spin_lock(&threads_lock);
  for (size_t i = 0; i < n_user_roots; i++) {
    if (user_roots[i].lo == lo) {
      user_roots[i].hi = lo + size;
      tt_spin_unlock(&threads_lock);
      return true;
    }
  }
  if (n_user_roots == max_user_roots) {
    size_t max = max_user_roots ? max_user_roots * 2 : 16;
    tt_spin_unlock(&threads_lock); /* the arena is not called under this lock */
    struct range *fresh = tt_arena_alloc(max * sizeof *fresh);
    if (!fresh)
      return false;
    tt_spin_lock(&threads_lock);
    if (max > max_user_roots) {
      if (user_roots)
        memcpy(fresh, user_roots, n_user_roots * sizeof *fresh);
      struct range *old = user_roots;
      size_t old_max = max_user_roots;
      user_roots = fresh;
      max_user_roots = max;
      fresh = old;
      max = old_max;
    }
    tt_spin_unlock(&threads_lock);
    if (fresh)
      tt_arena_free(fresh, max * sizeof *fresh);
    return tt_roots_register(lo, size);
  }
  user_roots[n_user_roots].lo = lo;
  user_roots[n_user_roots].hi = lo + size;
  n_user_roots++;
  tt_spin_unlock(&threads_lock);
  return true;
}

bool tt_roots_unregister(uintptr_t lo) {
  tt_spin_lock(&threads_lock);
  for (size_t i = 0; i < n_user_roots; i++) {
    if (user_roots[i].lo == lo) {
      user_roots[i] = user_roots[--n_user_roots];
      tt_spin_unlock(&threads_lock);
      return true;
    }
  }
  tt_spin_unlock(&threads_lock);
  return false;
}

bool tt_roots_user_of(uintptr_t addr, uintptr_t *lo) {
  bool found = false;
  tt_spin_lock(&threads_lock);
  for (size_t i = 0; i < n_user_roots && !found; i++) {
    if (addr >= user_roots[i].lo && addr < user_roots[i].hi) {
      *lo = user_roots[i].lo;
      found = true;
    }
  }
  tt_spin_unlock(&threads_lock);
  return found;
}

/* ======================================================================== */
/* what the program took from the break itself                               */
/* ======================================================================== */

/* Under threads_lock. Growth that continues the last range extends it. */
#define TT_BREAK_RANGES 64
static struct range break_ranges[TT_BREAK_RANGES];
static size_t n_break_ranges;

void tt_roots_note_break(uintptr_t old_brk, uintptr_t new_brk) {
  tt_spin_lock(&threads_lock);
  if (new_brk > old_brk) {
    struct range *last = n_break_ranges ? &break_ranges[n_break_ranges - 1] : NULL;
    if (last && last->hi == old_brk)
      last->hi = new_brk;
    else if (n_break_ranges < TT_BREAK_RANGES)
      break_ranges[n_break_ranges++] = (struct range){old_brk, new_brk};
    else /* a program that moves the break that often: one range to hold it */
      break_ranges[TT_BREAK_RANGES - 1].hi = new_brk;
  } else if (new_brk < old_brk) { /* given back: nothing above new_brk stays */
    size_t k = 0;
    for (size_t i = 0; i < n_break_ranges; i++) {
      struct range r = break_ranges[i];
      if (r.hi > new_brk)
        r.hi = new_brk;
      if (r.lo < r.hi)
        break_ranges[k++] = r;
    }
    n_break_ranges = k;
  }
  tt_spin_unlock(&threads_lock);
}

/* ======================================================================== */
/* enumeration                                                               */
/* ======================================================================== */

static bool is_special(const char *name) {
  if (strncmp(name, "/dev/", 5) == 0)
    return strncmp(name, "/dev/zero", 9) != 0 && strncmp(name, "/dev/shm/", 9) != 0;
  return strcmp(name, "[vvar]") == 0 || strcmp(name, "[vsyscall]") == 0 ||
         strcmp(name, "[vdso]") == 0;
}

static const struct tt_mapping *mapping_of(const struct tt_maps *ms, uintptr_t addr) {
  for (size_t i = 0; i < ms->n; i++)
    if (addr >= ms->m[i].lo && addr < ms->m[i].hi)
      return &ms->m[i];
  return NULL;
}

/* The stack a stopped thread's stack pointer is in: its mapping, or without
 * a memory map, the stack the registry recorded for the thread (the main
 * thread's: from where it started down to 64 MiB). */
static bool stack_of(const struct tt_maps *ms, const struct tt_thread_state *th, struct range *out) {
  const struct tt_mapping *m = mapping_of(ms, th->sp);
  if (m) {
    out->lo = m->lo;
    out->hi = m->hi;
    return true;
  }
  if (ms->n)
    return false;
  uintptr_t lo = 0, hi = 0;
  if (th->tid == tt_os_getpid()) {
    if (!tt_os_main_stack(&lo, &hi))
      return false;
  } else {
    for (const struct thread_rec *r = threads; r; r = r->next)
      if (r->alive && r->tid == th->tid) {
        lo = r->lo;
        hi = r->hi;
        break;
      }
  }
  if (th->sp < lo || th->sp >= hi)
    return false;
  out->lo = lo;
  out->hi = hi;
  return true;
}

struct seg_ctx {
  struct excl *excl;      /* where module segments are recorded */
  struct range *segs;
  size_t nsegs, maxsegs;
  uintptr_t self_lo, self_hi;
};

/* A private writable mapping of an ELF file that no module was loaded from
 * (segs: the modules' writable segments) is a reader's copy of the file:
 * libelf maps the files tether's symbolizer reads that way (and so do
 * programs that use libelf themselves). It holds the file's bytes, among
 * them plenty of small numbers that look like a non-PIE program's heap
 * addresses, and no pointers. */
static bool is_elf_copy(const struct tt_mapping *m, const struct seg_ctx *segs) {
  if (m->name[0] != '/' || (m->prot & TT_MAP_SHARED) || !(m->prot & TT_MAP_R) ||
      m->hi - m->lo < 4 || memcmp((const void *)m->lo, "\177ELF", 4) != 0)
    return false;
  for (size_t i = 0; i < segs->nsegs; i++)
    if (segs->segs[i].lo < m->hi && TT_ALIGN_UP(segs->segs[i].hi, 4096) > m->lo)
      return false;
  return true;
}

static void segment_cb(uintptr_t lo, uintptr_t hi, const char *path, void *arg) {
  (void)path;
  struct seg_ctx *c = arg;
  lo &= ~(uintptr_t)4095;
  if (lo >= c->self_lo && lo < c->self_hi) { /* libtether's own data */
    excl_add(c->excl, lo, TT_ALIGN_UP(hi, 4096));
    return;
  }
  if (c->nsegs < c->maxsegs) {
    c->segs[c->nsegs].lo = lo;
    c->segs[c->nsegs].hi = hi;
    c->nsegs++;
  }
}

static int self_span_cb(const struct tt_module *m, void *arg) {
  struct range *r = arg;
  uintptr_t me = (uintptr_t)&tt_roots_enumerate;
  if (me >= m->lo && me < m->hi) {
    r->lo = m->lo;
    r->hi = m->hi;
    return 1;
  }
  return 0;
}

int tt_roots_enumerate(const struct tt_roots_input *in, tt_root_cb cb, void *arg) {
  const struct tt_options *o = in->opts;
  /* /proc/self/maps (none: the program headers and the threads only) */
  struct tt_maps ms;
  int rc = tt_os_maps_read(&ms);

  /* Exclusions. */
  struct excl ex = {0};
  ex.max = 16384 + (size_t)in->nthreads * 2 + ms.n + __atomic_load_n(&nthread_recs, __ATOMIC_RELAXED);
  /* ex: what is never a root; all: that plus what phases 1-2 already scan */
  size_t exbytes = 2 * ex.max * sizeof(struct range);
  ex.r = tt_os_map(exbytes);
  struct seg_ctx segs = {0};
  segs.maxsegs = 4096;
  size_t segbytes = segs.maxsegs * sizeof(struct range);
  segs.segs = tt_os_map(segbytes);
  segs.excl = &ex;
  if (!ex.r || !segs.segs) {
    rc = -12;
    goto out;
  }
  struct range self = {0, 0};
  tt_os_for_each_module(self_span_cb, &self);
  segs.self_lo = self.lo;
  segs.self_hi = self.hi;

  tt_os_for_each_own_map(own_map_cb, &ex);
  uintptr_t alo = 0, ahi;
  if (in->malloc_fn && tt_os_glibc_main_arena(in->malloc_fn, &alo, &ahi))
    excl_add(&ex, alo, ahi);
  tt_os_for_each_writable_segment(segment_cb, &segs);
  for (size_t i = 0; i < ms.n; i++) {
    const struct tt_mapping *m = &ms.m[i];
    if (!(m->prot & TT_MAP_W))
      continue;
    if (strcmp(m->name, "[heap]") == 0 || is_special(m->name) || is_elf_copy(m, &segs))
      excl_add(&ex, m->lo, m->hi);
    else if (!(m->prot & TT_MAP_SHARED) && m->name[0] == '\0') {
      if (tt_os_is_glibc_arena_heap(m->lo, m->hi)) {
        excl_add(&ex, m->lo, m->hi);
        continue;
      }
      /* a heap the kernel merged with the mapping below it */
      uintptr_t from = m->lo, hlo, hend;
      while ((hend = tt_os_glibc_arena_heap_inside(alo, m->lo, m->hi, from, &hlo))) {
        excl_add(&ex, hlo, hend);
        from = hlo + 1;
      }
    }
  }
  /* Threads: below the stack pointer is dead; stacks of exited threads are
   * dead altogether (unless a live thread now runs on that block). */
  for (int t = 0; t < in->nthreads; t++) {
    const struct tt_thread_state *th = &in->threads[t];
    if (!th->stopped)
      continue;
    const struct tt_mapping *m = mapping_of(&ms, th->sp);
    uintptr_t live = th->sp - (th->current ? 0 : TT_STACK_RED_ZONE);
    if (m && live > m->lo)
      excl_add(&ex, m->lo, live);
  }
  /* the checker holds threads_lock (tt_roots_lock) */
  for (struct thread_rec *r = threads; r; r = r->next) {
    if (r->alive || r->hi <= r->lo)
      continue;
    bool reused = false;
    for (int t = 0; t < in->nthreads && !reused; t++)
      reused = in->threads[t].stopped && in->threads[t].sp >= r->lo && in->threads[t].sp < r->hi;
    /* The dead stack and TLS go; the descriptor stays a root: glibc keeps
     * the block in its stack cache for the next thread, and the descriptor
     * still points to what it will reuse (the DTV). */
    if (!reused)
      excl_add(&ex, r->lo, r->tp > r->lo && r->tp < r->hi ? r->tp : r->hi);
  }

  /* Module data is a root of its own kind; keep it out of "other". */
  excl_normalize(&ex);
  struct excl all = {ex.r + ex.max, ex.n, ex.max};
  memcpy(all.r, ex.r, ex.n * sizeof *ex.r);
  for (size_t i = 0; i < segs.nsegs && all.n < all.max; i++)
    excl_add(&all, segs.segs[i].lo, TT_ALIGN_UP(segs.segs[i].hi, 4096));
  /* Stack mappings of stopped threads are reported as stacks. */
  for (int t = 0; t < in->nthreads; t++) {
    struct range st;
    if (in->threads[t].stopped && stack_of(&ms, &in->threads[t], &st))
      excl_add(&all, st.lo, st.hi);
  }

  /* 1. globals */
  if (o->use_globals) {
    for (size_t i = 0; i < segs.nsegs; i++) {
      /* only the parts that are mapped writable now (relro became read-only) */
      for (size_t k = 0; k < ms.n; k++) {
        const struct tt_mapping *m = &ms.m[k];
        if (!(m->prot & TT_MAP_W) || m->hi <= segs.segs[i].lo || m->lo >= segs.segs[i].hi)
          continue;
        uintptr_t lo = m->lo > segs.segs[i].lo ? m->lo : segs.segs[i].lo;
        uintptr_t hi = m->hi < segs.segs[i].hi ? m->hi : segs.segs[i].hi;
        emit_minus(&ex, lo, hi, TT_ROOT_GLOBAL, cb, arg);
      }
      if (!ms.n) /* no memory map: trust the program headers */
        emit_minus(&ex, segs.segs[i].lo, segs.segs[i].hi, TT_ROOT_GLOBAL, cb, arg);
    }
  }
  /* 2. stacks and registers */
  for (int t = 0; t < in->nthreads; t++) {
    const struct tt_thread_state *th = &in->threads[t];
    if (!th->stopped)
      continue;
    struct range st;
    if (o->use_stacks && stack_of(&ms, th, &st)) {
      uintptr_t lo = th->sp - (th->current ? 0 : TT_STACK_RED_ZONE);
      if (lo < st.lo)
        lo = st.lo;
      emit_minus(&ex, lo, st.hi, TT_ROOT_STACK, cb, arg);
    }
    if (o->use_registers)
      cb((uintptr_t)th->regs, (uintptr_t)(th->regs + TT_REGS_WORDS), TT_ROOT_REGISTERS, arg);
  }
  /* 3. every other writable mapping */
  if (o->use_other_mappings) {
    excl_normalize(&all);
    for (size_t i = 0; i < ms.n; i++) {
      const struct tt_mapping *m = &ms.m[i];
      if ((m->prot & (TT_MAP_R | TT_MAP_W)) != (TT_MAP_R | TT_MAP_W))
        continue;
      emit_minus(&all, m->lo, m->hi, TT_ROOT_OTHER, cb, arg);
    }
  }

  /* 3b. what the program took from the break itself (inside [heap], which
   * step 3 leaves out as glibc's): the part still mapped and writable */
  if (o->use_other_mappings && n_break_ranges) {
    for (size_t b = 0; b < n_break_ranges; b++) {
      for (size_t i = 0; i < ms.n; i++) {
        const struct tt_mapping *m = &ms.m[i];
        uintptr_t lo = break_ranges[b].lo > m->lo ? break_ranges[b].lo : m->lo;
        uintptr_t hi = break_ranges[b].hi < m->hi ? break_ranges[b].hi : m->hi;
        if (lo < hi && (m->prot & (TT_MAP_R | TT_MAP_W)) == (TT_MAP_R | TT_MAP_W))
          cb(lo, hi, TT_ROOT_OTHER, arg);
      }
    }
  }

  /* 4. what the program registered: whole, but only what is still mapped
   * and readable (a region unmapped since would fault), and never tether's
   * own memory (a stale registration over memory tether reuses would make
   * its tables, which hold every block's address, a root) */
  if (n_user_roots) {
    struct excl own = {0};
    own.max = TT_OWN_EXCL_MAX;
    size_t ownbytes = own.max * sizeof(struct range);
    own.r = tt_os_map(ownbytes);
    if (own.r) {
      tt_os_for_each_own_map(own_map_cb, &own);
      if (self.hi > self.lo)
        excl_add(&own, self.lo, self.hi);
      excl_normalize(&own);
      for (size_t u = 0; u < n_user_roots; u++) {
        for (size_t i = 0; i < ms.n; i++) {
          const struct tt_mapping *m = &ms.m[i];
          uintptr_t lo = user_roots[u].lo > m->lo ? user_roots[u].lo : m->lo;
          uintptr_t hi = user_roots[u].hi < m->hi ? user_roots[u].hi : m->hi;
          if (lo < hi && (m->prot & TT_MAP_R) && !is_special(m->name))
            emit_minus(&own, lo, hi, TT_ROOT_USER, cb, arg);
        }
      }
      tt_os_unmap(own.r, ownbytes);
    }
  }

out:
  tt_os_unmap(ex.r, exbytes);
  tt_os_unmap(segs.segs, segbytes);
  tt_os_maps_free(&ms);
  return rc;
}
