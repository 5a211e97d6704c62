/* SPDX-License-Identifier: MIT */
/* Lifetime errors (see tt_errors.h). Reports are written as they happen,
 * one whole error at a time under errors_lock so threads do not interleave.
 *
 * Notes on locking: errors_lock protects the context table and the output of
 * one report; under it the heap index, the symbolizer and the arena are
 * taken (never the other way round). */
#include "tt_errors.h"

#include <string.h>

#include "tt_arena.h"
#include "tt_log.h"
#include "tt_owners.h"
#include "tt_report.h"
#include "tt_stacks.h"
#include "tt_symbolize.h"
#include "tt_uthash.h"

/* Errors whose stacks agree in their first 4 frames are one context, as in
 * Valgrind (its "medium resolution", which it uses for errors): a program
 * that frees wrongly from one place reached by two paths gets one record
 * and the count of both, and "N errors from M contexts" reads the same.
 * The first of the 4 is tether's entry point (free, operator delete...),
 * which a stack does not hold: a bad free's key has its release kind. */
#define TT_ERROR_CONTEXT_FRAMES 3

struct context {
  UT_hash_handle hh;
  struct {
    uint32_t kind;
    uint32_t extra;  /* a second stack or a location class */
    uint32_t nframes;
    uint32_t pad;
    uintptr_t frames[TT_ERROR_CONTEXT_FRAMES]; /* of the stack that identifies it */
  } key;
  uint64_t count;
  struct tt_error_info info; /* the first occurrence, for machine-readable reports */
  bool suppressed;
  const char *supp_name; /* the suppression that matched (its name, as tt_suppress keeps it) */
};

static const struct tt_options *opts;
static tt_spinlock_t errors_lock = TT_SPINLOCK_INIT;
static struct context *contexts;
static uint64_t n_errors, n_contexts, n_suppressed, n_suppressed_contexts;

static const char *const kind_ids[TT_ERR_KIND_COUNT] = {
    "invalid_free",     "double_free",    "mismatched_free", "write_after_free",
    "dangling_pointer", "refcount_high",  "refcount_low"};

const char *tt_error_kind_id(enum tt_error_kind kind) {
  return kind < TT_ERR_KIND_COUNT ? kind_ids[kind] : "unknown";
}

void tt_errors_init(const struct tt_options *o) { opts = o; }
void tt_errors_lock(void) { tt_spin_lock(&errors_lock); }
void tt_errors_unlock(void) { tt_spin_unlock(&errors_lock); }

void tt_errors_counts(uint64_t *errors, uint64_t *ctxs) {
  tt_spin_lock(&errors_lock);
  *errors = n_errors;
  *ctxs = n_contexts;
  tt_spin_unlock(&errors_lock);
}

uint64_t tt_errors_suppressed(uint64_t *ctxs) {
  tt_spin_lock(&errors_lock);
  uint64_t n = n_suppressed;
  if (ctxs)
    *ctxs = n_suppressed_contexts;
  tt_spin_unlock(&errors_lock);
  return n;
}

void tt_errors_for_each(void (*fn_cb)(const struct tt_error_info *e, void *arg), void *arg) {
  tt_spin_lock(&errors_lock);
  for (struct context *c = contexts; c; c = c->hh.next)
    if (!c->suppressed)
      fn_cb(&c->info, arg);
  tt_spin_unlock(&errors_lock);
}

/* Counts an occurrence. Returns its context when it is new (the caller
 * fills in the details and reports it), NULL for one seen before. Called
 * with errors_lock held. */
static struct context *count_locked(enum tt_error_kind kind, uint32_t stack, uint32_t extra) {
  static struct context spare; /* out of memory: report, but no record */
  struct context probe, *c = NULL;
  memset(&probe, 0, sizeof probe);
  probe.key.kind = kind;
  probe.key.extra = extra;
  const uintptr_t *pcs;
  int n = tt_stacks_get(stack, &pcs);
  if (n > TT_ERROR_CONTEXT_FRAMES)
    n = TT_ERROR_CONTEXT_FRAMES;
  probe.key.nframes = (uint32_t)n;
  for (int i = 0; i < n; i++)
    probe.key.frames[i] = pcs[i];
  HASH_FIND(hh, contexts, &probe.key, sizeof probe.key, c);
  if (c) {
    c->count++;
    c->info.count = c->count;
    if (c->suppressed) {
      n_suppressed++;
      tt_suppress_used_again(c->supp_name); /* Valgrind counts every occurrence */
    } else {
      n_errors++;
    }
    return NULL;
  }
  n_errors++;
  n_contexts++;
  c = tt_arena_alloc(sizeof *c);
  if (!c) {
    memset(&spare, 0, sizeof spare);
    c = &spare;
  }
  c->key = probe.key;
  c->count = 1;
  c->info.kind = kind;
  c->info.count = 1;
  c->info.stack = stack;
  if (c != &spare)
    HASH_ADD(hh, contexts, key, sizeof c->key, c);
  return c;
}

/* Whether a suppression covers the new context c, whose stack (frames) is
 * the one suppressions match: then it is counted as suppressed, not as an
 * error, and not reported. */
static bool suppressed_locked(struct context *c, enum tt_supp_kind kind,
                              const struct tt_supp_frame *frames, int n) {
  const char *name;
  if (!tt_suppress_count() || !(name = tt_suppress_match(kind, 0, frames, n, 0, 0)))
    return false;
  c->suppressed = true;
  c->supp_name = name;
  n_errors--;
  n_contexts--;
  n_suppressed++;
  n_suppressed_contexts++;
  return true;
}

/* --gen-suppressions: a block after the error. */
static void gen_suppression(struct tt_out *o, enum tt_supp_kind kind,
                            const struct tt_supp_frame *frames, int shown) {
  if (opts->gen_suppressions != TT_GENSUPP_NO)
    tt_suppress_print_block(o, kind, 0, frames, shown);
}

static struct tt_supp_frame frames_buf[TT_REPORT_MAX_FRAMES]; /* under errors_lock */

/* Errors are only as useful as they are visible: with -q they still print. */
static void begin(struct tt_out *o) { tt_out_init(o, tt_log_fd()); }

static void end(struct tt_out *o) {
  tt_report_line(o, "%s", "");
  tt_out_flush(o);
}

/* " Address 0x... is K bytes inside a block of size N alloc'd" (or
 * "before" one: in tether's header, to the program just before the block,
 * where a C++ delete[] of a malloc'd array releases new[]'s cookie), or
 * "free'd" with the free stack and "Block was alloc'd at"; then the
 * allocation stack. */
static void describe_in_block(struct tt_out *o, uintptr_t addr, const struct tt_block *b) {
  bool before = addr < b->addr;
  size_t k = before ? b->addr - addr : addr - b->addr;
  const char *where = before ? "before" : "inside";
  if (tt_block_quarantined(b)) {
    tt_report_line(o, " Address 0x%lx is %'zu bytes %s a block of size %'zu free'd",
                   (unsigned long)addr, k, where, tt_block_size(b));
    tt_report_release_stack(o, tt_block_free_stack(b), tt_block_release_kind(b), opts);
    tt_report_line(o, " Block was alloc'd at");
  } else {
    tt_report_line(o, " Address 0x%lx is %'zu bytes %s a block of size %'zu alloc'd",
                   (unsigned long)addr, k, where, tt_block_size(b));
  }
  tt_report_stack(o, b->stack, tt_block_kind(b), opts);
}

/* " Address 0x... is ..." for an address tether holds no record for. */
static void describe_address(struct tt_out *o, uintptr_t addr) {
  struct tt_block b;
  if (tt_heap_find_containing(addr, &b) || tt_heap_find_header_holding(addr, &b)) {
    describe_in_block(o, addr, &b);
    return;
  }
  int thread = tt_roots_thread_of(addr);
  if (thread) {
    tt_report_line(o, " Address 0x%lx is on thread %d's stack", (unsigned long)addr, thread);
    return;
  }
  const char *name;
  size_t off;
  if (tt_symbolize_data(addr, &name, &off)) {
    tt_report_line(o, " Address 0x%lx is %'zu bytes inside data symbol \"%s\"", (unsigned long)addr,
                   off, name);
    return;
  }
  if (tt_heap_header_damaged(addr)) {
    tt_report_line(o, " Address 0x%lx is the start of a block whose header was written over "
                      "(the %zu bytes before it, where tether keeps the block's record): an "
                      "underrun of this block, or an overrun of the one before it; tether no "
                      "longer knows the block and leaves it allocated",
                   (unsigned long)addr, (size_t)TT_HEAP_PREFIX);
    return;
  }
  tt_report_line(o, " Address 0x%lx is not stack'd, malloc'd or (recently) free'd",
                 (unsigned long)addr);
}

static void bad_free_here(enum tt_error_kind kind, enum tt_release_kind how, uint32_t stack,
                          uintptr_t addr, const struct tt_block *b) {
  tt_spin_lock(&errors_lock);
  struct context *c = count_locked(kind, stack, (uint32_t)how);
  int shown, nf = 0;
  if (c) {
    c->info.how = how;
    c->info.addr = addr;
    struct tt_block inside;
    const struct tt_block *blk = b;
    if (!blk && tt_heap_find_containing(addr, &inside))
      blk = &inside; /* an interior pointer: the block it is in */
    else if (!blk && tt_heap_find_header_holding(addr, &inside))
      blk = &inside; /* just before the block (describe_address says so) */
    if (blk) {
      c->info.size = tt_block_size(blk);
      if (addr < blk->addr)
        c->info.before = blk->addr - addr;
      else
        c->info.offset = addr - blk->addr;
      c->info.alloc_stack = blk->stack;
      c->info.alloc_kind = tt_block_kind(blk);
      if (tt_block_quarantined(blk)) {
        c->info.free_stack = tt_block_free_stack(blk);
        c->info.free_how = tt_block_release_kind(blk);
      }
    }
    nf = tt_report_release_frames(stack, how, frames_buf, TT_REPORT_MAX_FRAMES, &shown);
  }
  if (!c || suppressed_locked(c, TT_SUPP_FREE, frames_buf, nf)) {
    tt_spin_unlock(&errors_lock);
    return;
  }
  struct tt_out o;
  begin(&o);
  if (kind == TT_ERR_MISMATCHED_FREE)
    tt_report_line(&o, "Mismatched free() / delete / delete []");
  else
    tt_report_line(&o, "Invalid free() / delete / delete[] / realloc()");
  tt_report_release_stack(&o, stack, how, opts);
  if (!b)
    describe_address(&o, addr);
  else
    describe_in_block(&o, addr, b);
  end(&o);
  gen_suppression(&o, TT_SUPP_FREE, frames_buf, shown);
  tt_out_flush(&o);
  tt_spin_unlock(&errors_lock);
}

static void write_after_free_here(uintptr_t addr, size_t size, size_t first, size_t last) {
  struct tt_block b;
  if (!tt_heap_lookup(addr, &b) || !tt_block_quarantined(&b))
    return;
  tt_spin_lock(&errors_lock);
  struct context *c = count_locked(TT_ERR_WRITE_AFTER_FREE, tt_block_free_stack(&b), b.stack);
  int shown, nf = 0;
  if (c) {
    c->info.how = tt_block_release_kind(&b);
    c->info.addr = addr + first;
    c->info.size = size;
    c->info.offset = first;
    c->info.free_stack = tt_block_free_stack(&b);
    c->info.free_how = tt_block_release_kind(&b);
    c->info.alloc_stack = b.stack;
    c->info.alloc_kind = tt_block_kind(&b);
    nf = tt_report_release_frames(tt_block_free_stack(&b), tt_block_release_kind(&b), frames_buf,
                                  TT_REPORT_MAX_FRAMES, &shown);
  }
  if (!c || suppressed_locked(c, TT_SUPP_WRITE_AFTER_FREE, frames_buf, nf)) {
    tt_spin_unlock(&errors_lock);
    return;
  }
  struct tt_out o;
  begin(&o);
  tt_report_line(&o, "Write after free() / delete / delete[]");
  tt_report_line(&o, " Bytes %'zu..%'zu of a block of size %'zu free'd were modified", first, last,
                 size);
  tt_report_release_stack(&o, tt_block_free_stack(&b), tt_block_release_kind(&b), opts);
  tt_report_line(&o, " Block was alloc'd at");
  tt_report_stack(&o, b.stack, tt_block_kind(&b), opts);
  end(&o);
  gen_suppression(&o, TT_SUPP_WRITE_AFTER_FREE, frames_buf, shown);
  tt_out_flush(&o);
  tt_spin_unlock(&errors_lock);
}

/* The reports run where the stack has room for symbolizing them
 * (tt_stacks_call_with_room): a program's thread may have 16 KB. */
#define TT_REPORT_STACK_ROOM ((size_t)1 << 20)

struct bad_free_call {
  enum tt_error_kind kind;
  enum tt_release_kind how;
  uint32_t stack;
  uintptr_t addr;
  const struct tt_block *b;
};

static void bad_free_cb(void *arg) {
  const struct bad_free_call *c = arg;
  bad_free_here(c->kind, c->how, c->stack, c->addr, c->b);
}

void tt_errors_bad_free(enum tt_error_kind kind, enum tt_release_kind how, uint32_t stack,
                        uintptr_t addr, const struct tt_block *b) {
  struct bad_free_call c = {kind, how, stack, addr, b};
  tt_stacks_call_with_room(bad_free_cb, &c, TT_REPORT_STACK_ROOM);
}

struct write_after_free_call {
  uintptr_t addr;
  size_t size, first, last;
};

static void write_after_free_cb(void *arg) {
  const struct write_after_free_call *c = arg;
  write_after_free_here(c->addr, c->size, c->first, c->last);
}

void tt_errors_write_after_free(uintptr_t addr, size_t size, size_t first, size_t last) {
  struct write_after_free_call c = {addr, size, first, last};
  tt_stacks_call_with_room(write_after_free_cb, &c, TT_REPORT_STACK_ROOM);
}

/* Was the block freed after exit() began (by an atexit handler, a
 * destructor, the runtime's clean-up)? The program is over by then: a
 * pointer left to such a block can no longer be followed, and libraries
 * (OpenSSL's OPENSSL_cleanup, for one) routinely leave them behind. */
static bool freed_during_exit(const struct tt_block *target) {
  static const char *const exit_frames[] = {"__run_exit_handlers", "_dl_fini", "__libc_freeres",
                                            "__cxa_finalize"};
  const uintptr_t *pcs;
  int n = tt_stacks_get(tt_block_free_stack(target), &pcs);
  for (int i = 0; i < n; i++) {
    struct tt_frame_info fi;
    tt_symbolize(pcs[i], true, &fi);
    for (unsigned k = 0; fi.function && k < TT_ARRAY_LEN(exit_frames); k++)
      if (strcmp(fi.function, exit_frames[k]) == 0)
        return true;
  }
  return false;
}

void tt_errors_dangling(uintptr_t where, enum tt_root_kind root_kind,
                        const struct tt_block *holder, uintptr_t value,
                        const struct tt_block *target) {
  if (freed_during_exit(target))
    return;
  /* One context per (freed block's free stack, where the pointer sits: the
   * holder's allocation stack, or the kind of root). */
  uint32_t place = holder ? holder->stack : 0x80000000u | (uint32_t)root_kind;
  tt_spin_lock(&errors_lock);
  struct context *c = count_locked(TT_ERR_DANGLING_POINTER, tt_block_free_stack(target), place);
  int shown, nf = 0;
  if (c) {
    c->info.how = tt_block_release_kind(target);
    c->info.addr = value;
    c->info.size = tt_block_size(target);
    c->info.offset = value - target->addr;
    c->info.free_stack = tt_block_free_stack(target);
    c->info.free_how = tt_block_release_kind(target);
    c->info.alloc_stack = target->stack;
    c->info.alloc_kind = tt_block_kind(target);
    nf = tt_report_release_frames(tt_block_free_stack(target), tt_block_release_kind(target),
                                  frames_buf, TT_REPORT_MAX_FRAMES, &shown);
  }
  if (!c || suppressed_locked(c, TT_SUPP_DANGLING, frames_buf, nf)) {
    tt_spin_unlock(&errors_lock);
    return;
  }
  struct tt_out o;
  begin(&o);
  tt_report_line(&o, "Dangling pointer to free'd block");
  if (holder) {
    tt_report_line(&o, " Address 0x%lx is %'zu bytes inside a block of size %'zu alloc'd",
                   (unsigned long)where, (size_t)(where - holder->addr), tt_block_size(holder));
    tt_report_stack(&o, holder->stack, tt_block_kind(holder), opts);
  } else {
    const char *name;
    size_t off;
    int thread;
    struct tt_frame_info fi;
    if (root_kind == TT_ROOT_GLOBAL && tt_symbolize_data(where, &name, &off))
      tt_report_line(&o, " Address 0x%lx is %'zu bytes inside data symbol \"%s\"",
                     (unsigned long)where, off, name);
    else if (root_kind == TT_ROOT_GLOBAL && (tt_symbolize(where, false, &fi), fi.object))
      tt_report_line(&o, " Address 0x%lx is in the data of %s", (unsigned long)where, fi.object);
    else if (root_kind == TT_ROOT_STACK && (thread = tt_roots_thread_of(where)) != 0)
      tt_report_line(&o, " Address 0x%lx is on thread %d's stack", (unsigned long)where, thread);
    else if (root_kind == TT_ROOT_REGISTERS)
      tt_report_line(&o, " A register of a thread");
    else
      tt_report_line(&o, " Address 0x%lx is in writable memory outside the heap",
                     (unsigned long)where);
  }
  tt_report_line(&o, " holds 0x%lx, %'zu bytes inside a block of size %'zu free'd",
                 (unsigned long)value, (size_t)(value - target->addr), tt_block_size(target));
  tt_report_release_stack(&o, tt_block_free_stack(target), tt_block_release_kind(target), opts);
  tt_report_line(&o, " Block was alloc'd at");
  tt_report_stack(&o, target->stack, tt_block_kind(target), opts);
  end(&o);
  gen_suppression(&o, TT_SUPP_DANGLING, frames_buf, shown);
  tt_out_flush(&o);
  tt_spin_unlock(&errors_lock);
}

void tt_errors_refcount(enum tt_error_kind kind, const struct tt_block *b, uint64_t count,
                        unsigned count_size, uintptr_t field, uint64_t refs) {
  tt_spin_lock(&errors_lock);
  struct context *c = count_locked(kind, b->stack, 0);
  int shown, nf = 0;
  if (c) {
    c->info.addr = b->addr;
    c->info.size = tt_block_size(b);
    c->info.alloc_stack = b->stack;
    c->info.alloc_kind = tt_block_kind(b);
    c->info.count_value = count;
    c->info.refs = refs;
    nf = tt_report_alloc_frames(b->stack, tt_block_kind(b), frames_buf, TT_REPORT_MAX_FRAMES,
                                &shown);
  }
  if (!c || suppressed_locked(c, TT_SUPP_REFCOUNT, frames_buf, nf)) {
    tt_spin_unlock(&errors_lock);
    return;
  }
  bool high = kind == TT_ERR_REFCOUNT_HIGH;
  struct tt_out o;
  begin(&o);
  tt_report_line(&o, "%s", high ? "Refcount too high" : "Refcount too low");
  char where[96];
  if (field >= b->addr && field - b->addr < tt_block_size(b))
    tt_fmt(where, sizeof where, "%u byte%s at offset %'zu", count_size, count_size == 1 ? "" : "s",
           (size_t)(field - b->addr));
  else
    tt_fmt(where, sizeof where, "%u byte%s at 0x%lx", count_size, count_size == 1 ? "" : "s",
           (unsigned long)field);
  tt_report_line(&o,
                 " Block 0x%lx of size %'zu has a count of %'llu (%s), but %'llu reference%s to "
                 "it %s found: %s",
                 (unsigned long)b->addr, tt_block_size(b), (unsigned long long)count, where,
                 (unsigned long long)refs, refs == 1 ? "" : "s", refs == 1 ? "was" : "were",
                 high ? "a release is missing, and the block will leak"
                      : "a retain is missing, and a pointer will dangle after the next release");
  tt_report_line(&o, " Block was alloc'd at");
  tt_report_stack(&o, b->stack, tt_block_kind(b), opts);
  if (tt_owners_count())
    tt_report_owner(&o, b->owner, 0, opts);
  end(&o);
  gen_suppression(&o, TT_SUPP_REFCOUNT, frames_buf, shown);
  tt_out_flush(&o);
  tt_spin_unlock(&errors_lock);
}
