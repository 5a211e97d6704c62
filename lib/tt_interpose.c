/* SPDX-License-Identifier: MIT */
/* The allocation entry points: the only file that defines malloc, free and
 * the rest of the family, and C++'s operator new and delete. Also owns the
 * start-up of the preload and the exit-time check.
 *
 * Re-entrancy: a per-thread guard (initial-exec TLS) is raised while tether
 * works; allocations made with it raised (libunwind, libdw, pthread and libc
 * internals called by tether) go straight to the real allocator, unrecorded.
 * While the real functions are being looked up, allocations come from a
 * static bump arena, which free() and realloc() recognise.
 *
 * Ordering: a block's record is removed before the real free, and a realloc
 * takes the old record out first and puts it back if the realloc fails: the
 * address may be handed to another thread the moment the real call returns.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tether.h"
#include "tt_check.h"
#include "tt_errors.h"
#include "tt_exec.h"
#include "tt_export.h"
#include "tt_fatal.h"
#include "tt_quarantine.h"
#include "tt_heap.h"
#include "tt_log.h"
#include "tt_options.h"
#include "tt_os.h"
#include "tt_owners.h"
#include "tt_preload.h"
#include "tt_report.h"
#include "tt_roots.h"
#include "tt_stacks.h"
#include "tt_suppress.h"
#include "tt_symbolize.h"
#include "tt_unwind.h"

/* This file defines libc's and the C++ runtime's own symbols; their
 * prototypes live in those runtimes' headers (and C++ mangling), not here. */
#pragma GCC diagnostic ignored "-Wmissing-prototypes"

/* ======================================================================== */
/* state                                                                     */
/* ======================================================================== */

static struct {
  void *(*malloc)(size_t);
  void (*free)(void *);
  void *(*calloc)(size_t, size_t);
  void *(*realloc)(void *, size_t);
  void *(*memalign)(size_t, size_t);
  int (*posix_memalign)(void **, size_t, size_t);
  void *(*aligned_alloc)(size_t, size_t);
  void *(*valloc)(size_t);
  void *(*pvalloc)(size_t);
  size_t (*malloc_usable_size)(void *);
} real;

enum { INIT_NONE, INIT_RESOLVING, INIT_RESOLVED };
static int resolve_state;
static int init_done;
static volatile int tracking; /* recording blocks: after start-up, until the exit check */
static int exit_done;
/* The first thread in exit() (its tid), and the thread running the exit
 * check: another thread that would end the process meanwhile waits for
 * them (wait_for_other_exit). 0: none. */
static int exit_tid, exit_check_tid;
/* While the C runtimes free their own state at exit, freed blocks skip the
 * quarantine: libc keeps pointers to them in its own data afterwards, and
 * those are not the program's dangling pointers. */
static volatile int in_freeres;
static struct tt_options opts;
static uintptr_t self_lo, self_hi;
static char self_path[4096];
static int log_pid;
/* This process's pid, as init and fork's child handler last saw it: a
 * process that differs was made without fork's handlers (vfork, clone) and
 * may share this one's memory, so it must not run the exit check. */
static int proc_pid;

static __thread int guard __attribute__((tls_model("initial-exec")));
static __thread bool thread_known __attribute__((tls_model("initial-exec")));
/* Inside pthread_getattr_np (see there). */
static __thread int in_getattr_np __attribute__((tls_model("initial-exec")));
/* Inside dlclose (see there), and the dynamic linker's text. */
static __thread int in_dlclose __attribute__((tls_model("initial-exec")));
static uintptr_t ldso_lo, ldso_hi;

static void init(void);

/* ======================================================================== */
/* bootstrap arena                                                           */
/* ======================================================================== */

#define TT_BOOT_BYTES (256 * 1024)
#define TT_BOOT_HEADER 16
static char boot_mem[TT_BOOT_BYTES] __attribute__((aligned(64)));
static size_t boot_used;

static void *boot_alloc(size_t size) {
  size_t need = TT_ALIGN_UP(size + TT_BOOT_HEADER, 16);
  size_t at = __atomic_fetch_add(&boot_used, need, __ATOMIC_RELAXED);
  if (at + need > TT_BOOT_BYTES)
    return NULL; /* fresh static memory is already zero, as calloc needs */
  *(size_t *)(boot_mem + at) = size;
  return boot_mem + at + TT_BOOT_HEADER;
}

static inline bool is_boot(const void *p) {
  return (const char *)p >= boot_mem && (const char *)p < boot_mem + TT_BOOT_BYTES;
}

static size_t boot_size(const void *p) { return *(const size_t *)((const char *)p - TT_BOOT_HEADER); }

/* Looks up the real allocator; false while that is under way (the caller
 * then uses the bootstrap arena: dlsym itself allocates). */
static bool resolve(void) {
  if (__atomic_load_n(&resolve_state, __ATOMIC_ACQUIRE) == INIT_RESOLVED)
    return true;
  int expected = INIT_NONE;
  if (!__atomic_compare_exchange_n(&resolve_state, &expected, INIT_RESOLVING, false,
                                   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
    return false;
  real.calloc = tt_os_dlsym_next("calloc");
  real.malloc = tt_os_dlsym_next("malloc");
  real.free = tt_os_dlsym_next("free");
  real.realloc = tt_os_dlsym_next("realloc");
  real.memalign = tt_os_dlsym_next("memalign");
  real.posix_memalign = tt_os_dlsym_next("posix_memalign");
  real.aligned_alloc = tt_os_dlsym_next("aligned_alloc");
  real.valloc = tt_os_dlsym_next("valloc");
  real.pvalloc = tt_os_dlsym_next("pvalloc");
  real.malloc_usable_size = tt_os_dlsym_next("malloc_usable_size");
  if (!real.malloc || !real.free || !real.calloc || !real.realloc || !real.memalign) {
    static const char msg[] = "tether: fatal: cannot find the real allocator\n";
    tt_os_write(2, msg, sizeof msg - 1);
    tt_os_abort();
  }
  __atomic_store_n(&resolve_state, INIT_RESOLVED, __ATOMIC_RELEASE);
  return true;
}

/* ======================================================================== */
/* recording                                                                 */
/* ======================================================================== */

/* Recording starts at the first allocation the program makes once the
 * environment can be read (so blocks allocated by other libraries'
 * constructors, which may run before ours, are recorded too, as under
 * Valgrind) and ends with the exit-time check. */
static inline bool should_record(void) {
  if (TT_UNLIKELY(!tracking)) {
    if (__atomic_load_n(&init_done, __ATOMIC_ACQUIRE) || guard)
      return false;
    init();
    if (!tracking)
      return false;
  }
  return !guard && !tt_disabled;
}

/* The allocation stack's id; the caller has raised the guard. Taken before
 * the real allocator runs, so the new block's address is not live in
 * tether's frames while libunwind walks: tether must not leave copies of the
 * program's pointers in dead stack memory that a later scan reads. */
static TT_NOINLINE uint32_t capture_stack_at(uintptr_t ra_slot) {
  if (TT_UNLIKELY(in_dlclose)) {
    /* the dynamic linker's own free inside dlclose, under its write lock:
     * no unwinding (libunwind takes a lock of its own around
     * dl_iterate_phdr, which waits for that one: two threads deadlocked) */
    uintptr_t ra = *(const uintptr_t *)ra_slot;
    if (ra - ldso_lo < ldso_hi - ldso_lo)
      return tt_stacks_intern(&ra, 1);
  }
  if (TT_UNLIKELY(!thread_known) && !in_getattr_np) {
    thread_known = true;
    tt_roots_thread_start();
    tt_fatal_altstack_give(); /* room for the report of a stack overflow */
    uintptr_t lo, hi;
    if (tt_roots_self_stack(&lo, &hi) || tt_os_main_stack(&lo, &hi))
      tt_stacks_set_thread_stack(lo, hi);
  }
  return tt_stacks_capture(ra_slot, opts.num_callers - 1, self_lo, self_hi);
}

/* The return-address slot of the entry point this expands in (tether is
 * built with frame pointers: the return address sits just above the frame
 * pointer). Expands in the exported function or in a static inline one
 * that the compiler inlined into it. */
#define TT_RA_SLOT() ((uintptr_t)__builtin_frame_address(0) + sizeof(void *))
#define capture_stack() capture_stack_at(TT_RA_SLOT())

/* An allocation made while tether's guard is up (by libunwind, libdw, libc
 * on tether's behalf) is still put in the index, untracked, so that its
 * free is recognised and not reported as invalid. */
static TT_NOINLINE void *untracked(void *p, size_t size) {
  if (p && tracking && !tt_disabled)
    tt_heap_insert_untracked((uintptr_t)p, size);
  return p;
}

/* Clears the stack just below the caller, where tether's frames that held
 * the new block's address (the index insert, the real allocator) were: a
 * later frame that leaves a slot uninitialised must not hand a scan a stale
 * copy of it. (Valgrind's allocator runs on its own stack; ours cannot.) */
#define TT_SCRUB_WORDS 32 /* 256 bytes: the index insert's and free's frames */
#if defined(__x86_64__)
__attribute__((target_clones("avx2", "default")))
#endif
static TT_NOINLINE void scrub_below(void) {
  /* 32-byte vector stores, unrolled: one instruction each where the CPU
   * has AVX2, two 16-byte ones (SSE2) elsewhere; a libc memset here would
   * pick a wide vector version whose start-up costs more than these few
   * stores. */
  typedef uint64_t v4u64 __attribute__((vector_size(32), aligned(8)));
  volatile v4u64 pad[TT_SCRUB_WORDS / 4];
  for (int i = 0; i < TT_SCRUB_WORDS / 4; i++)
    pad[i] = (v4u64){0, 0, 0, 0};
  __asm__ volatile("" : : "r"(pad) : "memory");
#if defined(__x86_64__)
  /* The registers a call may change: the leak check scans a thread's
   * registers, and a copy of the block's address that tether's code left
   * in one (r9, from the index insert) kept a lost block reachable while
   * the program did not touch that register (case root_scratch_registers).
   * rax is the result; the callers' own registers are restored by them. */
  __asm__ volatile("xor %%ecx, %%ecx\n\txor %%edx, %%edx\n\txor %%esi, %%esi\n\t"
                   "xor %%edi, %%edi\n\txor %%r8d, %%r8d\n\txor %%r9d, %%r9d\n\t"
                   "xor %%r10d, %%r10d\n\txor %%r11d, %%r11d"
                   :
                   :
                   : "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11");
#endif
}

/* Runs the real allocation expression and records its result. */
#define TT_TRACKED(expr, size, kind)                          \
  do {                                                        \
    if (!should_record())                                     \
      return guard ? untracked((expr), (size)) : (expr);      \
    guard++;                                                  \
    uint32_t id_ = capture_stack();                           \
    void *p_ = (expr);                                        \
    if (p_)                                                   \
      tt_heap_insert((uintptr_t)p_, (size), id_, tt_owners_current(), (kind)); \
    scrub_below();                                            \
    guard--;                                                  \
    return p_;                                                \
  } while (0)

/* Prefixed blocks (tt_heap_insert_prefixed): the real allocator's block
 * is TT_HEAP_PREFIX bytes bigger and starts that much before the
 * program's, where the block's record is kept. Blocks of the aligned
 * functions (whose alignment a prefix would break) and blocks not recorded
 * (tether's own, and those made while tether is off) have no prefix. */
static inline void *base_of(void *p) { return (char *)p - TT_HEAP_PREFIX; }

/* What to ask the real allocator for a prefixed block of size bytes. The
 * prefix is a multiple of 16, so the program's malloc_usable_size is what
 * glibc gives natively (perl sizes its strings by it, and behaved
 * differently), but for glibc's smallest chunks, whose 24 usable bytes
 * the program would see shrink to 8: those are asked for as 24. */
#define TT_MIN_REQUEST ((size_t)24)
static inline size_t prefixed_request(size_t size) {
  return (size < TT_MIN_REQUEST ? TT_MIN_REQUEST : size) + TT_HEAP_PREFIX;
}

static inline void *prefixed_alloc(size_t size, bool zero) {
  if (size > SIZE_MAX - TT_HEAP_PREFIX) {
    errno = ENOMEM;
    return NULL;
  }
  size_t req = prefixed_request(size);
  char *b = zero ? real.calloc(1, req) : real.malloc(req);
  return b ? b + TT_HEAP_PREFIX : NULL;
}

/* Gives a block back to the real allocator, given its record's flags. */
static inline void real_free_flags(void *p, unsigned flags) {
  real.free(flags & TT_BLOCK_PREFIXED ? base_of(p) : p);
}

/* Like TT_TRACKED for a prefixed block: prefixed is the allocation with
 * its prefix (the program's address), plain the same without (for blocks
 * not recorded, and if the record cannot be made: tether then disables
 * itself, and frees must not find a prefix they cannot know about). */
#define TT_TRACKED_PREFIXED(plain, prefixed, size, kind)                    \
  do {                                                                      \
    if (!should_record())                                                   \
      return guard ? untracked((plain), (size)) : (plain);                  \
    guard++;                                                                \
    uint32_t id_ = capture_stack();                                         \
    void *p_ = (prefixed);                                                  \
    if (p_ && !tt_heap_insert_prefixed((uintptr_t)p_, (size), id_, tt_owners_current(), (kind))) { \
      real.free(base_of(p_));                                               \
      p_ = (plain);                                                         \
    }                                                                       \
    scrub_below();                                                          \
    guard--;                                                                \
    return p_;                                                              \
  } while (0)

/* --debuginfo-cache: the option's directory, or the default one under the
 * user's cache directory, or none. */
static void set_debuginfo_cache(void) {
  char dir[TT_OPT_PATH_MAX + 32];
  const char *xdg = tt_os_getenv("XDG_CACHE_HOME"), *home = tt_os_getenv("HOME");
  dir[0] = '\0';
  if (opts.debuginfo_cache[0])
    tt_fmt(dir, sizeof dir, "%s", strcmp(opts.debuginfo_cache, "no") ? opts.debuginfo_cache : "");
  else if (xdg && xdg[0] == '/')
    tt_fmt(dir, sizeof dir, "%s/tether/debuginfo", xdg);
  else if (home && home[0] == '/')
    tt_fmt(dir, sizeof dir, "%s/.cache/tether/debuginfo", home);
  tt_symbolize_set_cache_dir(dir);
}

/* free() and every operator delete: how says which (for reports and the
 * family check). A bad release never reaches the real allocator. */
static TT_NOINLINE void release_checked(void *p, enum tt_release_kind how) {
  size_t volume = tt_quarantine_volume();
  bool quarantine = volume != 0 && !in_freeres;
  /* The index slot, and with a quarantine the block tether is about to fill,
   * are often cold: start loading them now, the stack capture below takes
   * long enough to hide the misses. */
  tt_heap_prefetch((uintptr_t)p);
  if (quarantine) {
    __builtin_prefetch(p, 1);
    __builtin_prefetch((char *)p + TT_QUARANTINE_FILL_MAX - 1, 1); /* the fill spans two lines */
  }
  guard++;
  /* The free stack is kept with a quarantined block; without a quarantine
   * it is needed only for an error report. */
  uint32_t stack = quarantine ? capture_stack() : 0;
  struct tt_block b;
  enum tt_free_status st;
  if (quarantine) {
    st = tt_heap_mark_freed((uintptr_t)p, stack, how, &b);
  } else if (volume != 0 && tt_heap_lookup((uintptr_t)p, &b) &&
             tt_block_quarantined(&b)) {
    /* the C runtime's frees at exit skip the quarantine, but a block
     * already in it is freed twice, and only the quarantine releases it */
    st = TT_FREE_QUARANTINED;
    stack = capture_stack();
  } else {
    st = tt_heap_remove((uintptr_t)p, &b) ? TT_FREE_LIVE : TT_FREE_UNKNOWN;
    if (st == TT_FREE_LIVE && (tt_block_flags(&b) & TT_BLOCK_UNTRACKED))
      st = TT_FREE_UNTRACKED;
    if (st == TT_FREE_UNKNOWN ||
        (st == TT_FREE_LIVE &&
         tt_alloc_family_of((enum tt_alloc_kind)tt_block_kind(&b)) != tt_release_family_of(how)))
      stack = capture_stack();
  }
  switch (st) {
  case TT_FREE_LIVE:
    if (TT_UNLIKELY(tt_block_flags(&b) & TT_BLOCK_EXTRAS))
      tt_owners_forget_block((uintptr_t)p);
    if (tt_alloc_family_of((enum tt_alloc_kind)tt_block_kind(&b)) != tt_release_family_of(how))
      tt_errors_bad_free(TT_ERR_MISMATCHED_FREE, how, stack, (uintptr_t)p, &b);
    if (TT_UNLIKELY(in_freeres))
      break; /* its record is gone, its memory stays (see exit_check) */
    if (!quarantine || !tt_quarantine_push((uintptr_t)p, tt_block_size(&b))) {
      if (quarantine) /* too big to keep: its record goes now */
        tt_heap_remove((uintptr_t)p, NULL);
      real_free_flags(p, tt_block_flags(&b));
    }
    break;
  case TT_FREE_UNTRACKED:
    if (!in_freeres)
      real.free(p);
    break;
  case TT_FREE_QUARANTINED:
    tt_errors_bad_free(TT_ERR_DOUBLE_FREE, how, stack, (uintptr_t)p, &b);
    break;
  case TT_FREE_UNKNOWN:
    tt_errors_bad_free(TT_ERR_INVALID_FREE, how, stack, (uintptr_t)p, NULL);
    break;
  }
  scrub_below(); /* the frames below held p, whose address a new block may get */
  guard--;
}

static inline void release(void *p, enum tt_release_kind how) {
  if (!p || TT_UNLIKELY(is_boot(p)))
    return;
  if (TT_UNLIKELY(!real.free) && !resolve())
    return; /* nothing to free it with yet: keep it */
  if (!tracking || tt_disabled || guard) {
    /* tether is off, or the block is its own or libc's on its behalf; a
     * program's block recorded before still has its prefix. One freed
     * before is the quarantine's to release: only it takes blocks out. */
    struct tt_block b;
    if (tt_heap_lookup((uintptr_t)p, &b) && tt_block_quarantined(&b))
      return;
    real_free_flags(p, tt_heap_remove((uintptr_t)p, &b) ? tt_block_flags(&b) : 0);
  } else {
    release_checked(p, how); /* a tail call: the stack capture cache keys on it */
  }
}

/* A bootstrap block moved to the real allocator, with a prefix or not. */
static void *boot_move(void *p, size_t size, bool prefixed) {
  void *q = prefixed ? prefixed_alloc(size, false) : real.malloc(size);
  if (q)
    memcpy(q, p, boot_size(p) < size ? boot_size(p) : size);
  return q;
}

/* realloc of a prefixed block that is not to be recorded any more (tether
 * is off, or it is tether's own call): the block moves to one without a
 * prefix, as the allocator's realloc(p, 0) frees it. */
static void *realloc_unprefix(void *p, size_t size) {
  struct tt_block old;
  if (!tt_heap_remove((uintptr_t)p, &old))
    return NULL;
  if (!(tt_block_flags(&old) & TT_BLOCK_PREFIXED)) {
    tt_heap_restore(&old);
    return NULL;
  }
  if (size == 0) {
    real.free(base_of(p));
    return NULL;
  }
  void *q = real.malloc(size);
  if (!q) {
    tt_heap_restore(&old);
    return NULL;
  }
  size_t have = real.malloc_usable_size ? real.malloc_usable_size(base_of(p)) - TT_HEAP_PREFIX
                                        : tt_block_size(&old);
  memcpy(q, p, have < size ? have : size);
  real.free(base_of(p));
  return q;
}

/* realloc of the prefixed block p (its record taken out into old): the
 * real realloc, so the allocator may grow it in place. NULL if it failed,
 * or if size is 0 and the allocator frees then (glibc does). */
static void *realloc_prefixed(void *p, size_t size) {
  if (size > SIZE_MAX - TT_HEAP_PREFIX) {
    errno = ENOMEM;
    return NULL;
  }
  if (size == 0) {
    char *b = real.realloc(base_of(p), 0);
    if (!b)
      return NULL;
    /* an allocator that keeps a minimal block: too small for the prefix */
    real.free(b);
    b = real.malloc(prefixed_request(0));
    return b ? b + TT_HEAP_PREFIX : NULL;
  }
  char *b = real.realloc(base_of(p), prefixed_request(size));
  return b ? b + TT_HEAP_PREFIX : NULL;
}

static void *realloc_common(void *p, size_t size, enum tt_alloc_kind kind) {
  if (TT_UNLIKELY(!real.realloc) && !resolve()) {
    void *q = boot_alloc(size);
    if (q && p)
      memcpy(q, p, is_boot(p) && boot_size(p) < size ? boot_size(p) : size);
    return q;
  }
  if (!p)
    TT_TRACKED_PREFIXED(real.malloc(size), prefixed_alloc(size, false), size, kind);
  if (TT_UNLIKELY(is_boot(p)))
    TT_TRACKED_PREFIXED(boot_move(p, size, false), boot_move(p, size, true), size, kind);
  if (!tracking || tt_disabled || guard) {
    struct tt_block old;
    bool known = tt_heap_lookup((uintptr_t)p, &old);
    if (known && tt_block_quarantined(&old)) { /* freed before: the quarantine's */
      errno = ENOMEM;
      return NULL;
    }
    if (known && (tt_block_flags(&old) & TT_BLOCK_PREFIXED)) {
      void *q = realloc_unprefix(p, size);
      return guard ? untracked(q, size) : q;
    }
    if (!guard)
      return real.realloc(p, size);
    bool had = tt_heap_remove((uintptr_t)p, &old);
    void *q = real.realloc(p, size);
    if (q)
      untracked(q, size);
    else if (had && size != 0)
      tt_heap_restore(&old);
    return q;
  }
  guard++;
  uint32_t id = capture_stack();
  struct tt_block old;
  bool had = tt_heap_lookup((uintptr_t)p, &old);
  if (!had || tt_block_quarantined(&old)) {
    /* realloc of a freed block or of a pointer tether never handed out: an
     * invalid free; the program gets NULL and the heap stays intact */
    tt_errors_bad_free(had ? TT_ERR_DOUBLE_FREE : TT_ERR_INVALID_FREE, TT_RELEASE_REALLOC, id,
                       (uintptr_t)p, had ? &old : NULL);
    guard--;
    errno = ENOMEM;
    return NULL;
  }
  if (tt_block_flags(&old) & TT_BLOCK_UNTRACKED) {
    tt_heap_remove((uintptr_t)p, NULL); /* the program's from now on */
    had = false;
  } else {
    if (tt_alloc_family_of((enum tt_alloc_kind)tt_block_kind(&old)) != TT_FAMILY_MALLOC)
      tt_errors_bad_free(TT_ERR_MISMATCHED_FREE, TT_RELEASE_REALLOC, id, (uintptr_t)p, &old);
    had = tt_heap_remove((uintptr_t)p, &old);
  }
  /* The block may grow in place: glibc's realloc runs as is. A block it
   * moves is freed inside realloc, so it does not pass the quarantine. */
  bool prefixed = had && (tt_block_flags(&old) & TT_BLOCK_PREFIXED);
  void *q = prefixed ? realloc_prefixed(p, size) : real.realloc(p, size);
  if (q && had) {
    /* the same object: it keeps its owner, transfer, refcount and ignore marks */
    if (!prefixed) {
      tt_heap_insert((uintptr_t)q, size, id, old.owner, kind);
    } else if (!tt_heap_insert_prefixed((uintptr_t)q, size, id, old.owner, kind)) {
      /* no record (tether disables itself): a block without a prefix */
      void *r = real.malloc(size);
      if (r)
        memcpy(r, q, size);
      real.free(base_of(q));
      scrub_below();
      guard--;
      return r;
    }
    unsigned keep = tt_block_flags(&old) & (TT_BLOCK_IGNORED | TT_BLOCK_EXTRAS);
    if (keep)
      tt_heap_update_live((uintptr_t)q, false, 0, keep, 0, NULL);
    if (keep & TT_BLOCK_EXTRAS)
      tt_owners_move_block((uintptr_t)p, (uintptr_t)q);
  } else if (q) {
    tt_heap_insert((uintptr_t)q, size, id, tt_owners_current(), kind);
  } else if (had && size != 0) { /* failed: p is still the program's */
    tt_heap_restore(&old);
  } else if (had && (tt_block_flags(&old) & TT_BLOCK_EXTRAS)) { /* realloc(p, 0) freed it */
    tt_owners_forget_block((uintptr_t)p);
  }
  scrub_below();
  guard--;
  return q;
}

/* ======================================================================== */
/* the C allocation functions                                                */
/* ======================================================================== */

TT_EXPORT void *malloc(size_t size) {
  if (TT_UNLIKELY(!real.malloc) && !resolve())
    return boot_alloc(size);
  TT_TRACKED_PREFIXED(real.malloc(size), prefixed_alloc(size, false), size, TT_ALLOC_MALLOC);
}

TT_EXPORT void free(void *p) { release(p, TT_RELEASE_FREE); }

TT_EXPORT void *calloc(size_t n, size_t size) {
  if (TT_UNLIKELY(!real.calloc) && !resolve()) {
    if (size && n > SIZE_MAX / size)
      return NULL;
    return boot_alloc(n * size);
  }
  if (size && n > SIZE_MAX / size) {
    errno = ENOMEM;
    return NULL;
  }
  TT_TRACKED_PREFIXED(real.calloc(n, size), prefixed_alloc(n * size, true), n * size,
                      TT_ALLOC_CALLOC);
}

TT_EXPORT void *realloc(void *p, size_t size) { return realloc_common(p, size, TT_ALLOC_REALLOC); }

TT_EXPORT void *reallocarray(void *p, size_t n, size_t size) {
  if (size && n > SIZE_MAX / size) {
    errno = ENOMEM;
    return NULL;
  }
  return realloc_common(p, n * size, TT_ALLOC_REALLOCARRAY);
}

TT_EXPORT void *memalign(size_t align, size_t size) {
  if (TT_UNLIKELY(!real.memalign) && !resolve())
    return NULL;
  TT_TRACKED(real.memalign(align, size), size, TT_ALLOC_MEMALIGN);
}

TT_EXPORT int posix_memalign(void **out, size_t align, size_t size) {
  if (TT_UNLIKELY(!real.posix_memalign) && !resolve())
    return ENOMEM;
  if (!should_record()) {
    int rc = real.posix_memalign(out, align, size);
    if (rc == 0 && guard)
      untracked(*out, size);
    return rc;
  }
  guard++;
  uint32_t id = capture_stack();
  int rc = real.posix_memalign(out, align, size);
  if (rc == 0)
    tt_heap_insert((uintptr_t)*out, size, id, tt_owners_current(), TT_ALLOC_POSIX_MEMALIGN);
  scrub_below();
  guard--;
  return rc;
}

TT_EXPORT void *aligned_alloc(size_t align, size_t size) {
  if (TT_UNLIKELY(!real.aligned_alloc) && !resolve())
    return NULL;
  TT_TRACKED(real.aligned_alloc(align, size), size, TT_ALLOC_ALIGNED_ALLOC);
}

TT_EXPORT void *valloc(size_t size) {
  if (TT_UNLIKELY(!real.valloc) && !resolve())
    return NULL;
  TT_TRACKED(real.valloc(size), size, TT_ALLOC_VALLOC);
}

TT_EXPORT void *pvalloc(size_t size) {
  if (TT_UNLIKELY(!real.pvalloc) && !resolve())
    return NULL;
  /* pvalloc rounds the size up to whole pages; the program may use them all */
  size_t page = tt_os_page_size();
  size_t rounded = size ? TT_ALIGN_UP(size, page) : page;
  TT_TRACKED(real.pvalloc(size), rounded, TT_ALLOC_PVALLOC);
}

TT_EXPORT size_t malloc_usable_size(void *p) {
  if (!p)
    return 0;
  if (is_boot(p))
    return boot_size(p);
  if (TT_UNLIKELY(!real.malloc_usable_size) && !resolve())
    return 0;
  struct tt_block b;
  if (tt_heap_lookup((uintptr_t)p, &b) && (tt_block_flags(&b) & TT_BLOCK_PREFIXED)) {
    size_t n = real.malloc_usable_size(base_of(p));
    return n > TT_HEAP_PREFIX ? n - TT_HEAP_PREFIX : 0;
  }
  return real.malloc_usable_size(p);
}

/* glibc's other names for the same functions, which a program can call
 * directly (Valgrind replaces them too), and cfree, which binaries linked
 * against glibc before 2.26 still call: under tether they must reach
 * tether's functions, or glibc would be handed a block whose real start is
 * TT_HEAP_PREFIX bytes lower. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-attributes"
#define TT_SYNONYM(name, target) \
  extern __typeof(target) name __attribute__((alias(#target), visibility("default")));
TT_SYNONYM(__libc_malloc, malloc)
TT_SYNONYM(__libc_free, free)
TT_SYNONYM(__libc_calloc, calloc)
TT_SYNONYM(__libc_realloc, realloc)
TT_SYNONYM(__libc_memalign, memalign)
TT_SYNONYM(__libc_valloc, valloc)
TT_SYNONYM(__libc_pvalloc, pvalloc)
TT_SYNONYM(cfree, free)
#pragma GCC diagnostic pop

/* ======================================================================== */
/* C++ operator new and delete                                               */
/* ======================================================================== */

/* The real operator new of the C++ runtime, for the failure path only: it
 * runs the program's new_handler and throws std::bad_alloc (unwinding
 * through this C frame, which has unwind tables). */
static void *real_cxx(const char *mangled) { return tt_os_dlsym_next(mangled); }

static TT_NOINLINE void *new_failed(size_t size, size_t align, enum tt_alloc_kind kind,
                                    const char *mangled) {
  void *p = NULL;
  void *fn = real_cxx(mangled);
  if (fn) {
    if (align)
      p = ((void *(*)(size_t, size_t))fn)(size, align);
    else
      p = ((void *(*)(size_t))fn)(size);
  }
  if (p && tracking && !tt_disabled) {
    /* The runtime's own malloc call was recorded as malloc: name it right. */
    struct tt_block b;
    if (tt_heap_remove((uintptr_t)p, &b)) {
      b.size_kind = (b.size_kind & TT_SIZE_MASK) | ((uint64_t)kind << TT_SIZE_BITS);
      tt_heap_restore(&b);
    }
  }
  bool nothrow = kind == TT_ALLOC_NEW_NOTHROW || kind == TT_ALLOC_NEW_ARRAY_NOTHROW ||
                 kind == TT_ALLOC_NEW_ALIGNED_NOTHROW || kind == TT_ALLOC_NEW_ARRAY_ALIGNED_NOTHROW;
  if (!p && !nothrow && !fn) {
    tt_log_line("tether: out of memory in %s and no C++ runtime to throw std::bad_alloc",
                tt_alloc_kind_name(kind));
    tt_os_abort();
  }
  return p;
}

static inline void *new_common(size_t size, size_t align, enum tt_alloc_kind kind,
                               const char *mangled) {
  if (TT_UNLIKELY(!real.malloc) && !resolve())
    return boot_alloc(size);
  if (!should_record()) {
    void *p = align ? real.memalign(align, size) : real.malloc(size);
    if (p && guard)
      untracked(p, size);
    return TT_LIKELY(p) ? p : new_failed(size, align, kind, mangled);
  }
  guard++;
  uint32_t id = capture_stack();
  void *p = align ? real.memalign(align, size) : prefixed_alloc(size, false);
  if (p && align) {
    tt_heap_insert((uintptr_t)p, size, id, tt_owners_current(), kind);
  } else if (p && !tt_heap_insert_prefixed((uintptr_t)p, size, id, tt_owners_current(), kind)) {
    real.free(base_of(p));
    p = real.malloc(size);
  }
  scrub_below();
  guard--;
  return TT_LIKELY(p) ? p : new_failed(size, align, kind, mangled);
}

#define TT_NEW(mangled, params, size, align, kind) \
  TT_EXPORT void *mangled params { return new_common(size, align, kind, #mangled); }

/* operator new(size_t) and friends: the names are the Itanium C++ ABI's. */
TT_NEW(_Znwm, (size_t n), n, 0, TT_ALLOC_NEW)
TT_NEW(_Znam, (size_t n), n, 0, TT_ALLOC_NEW_ARRAY)
TT_NEW(_ZnwmRKSt9nothrow_t, (size_t n, const void *nt), ((void)nt, n), 0, TT_ALLOC_NEW_NOTHROW)
TT_NEW(_ZnamRKSt9nothrow_t, (size_t n, const void *nt), ((void)nt, n), 0,
       TT_ALLOC_NEW_ARRAY_NOTHROW)
TT_NEW(_ZnwmSt11align_val_t, (size_t n, size_t al), n, al, TT_ALLOC_NEW_ALIGNED)
TT_NEW(_ZnamSt11align_val_t, (size_t n, size_t al), n, al, TT_ALLOC_NEW_ARRAY_ALIGNED)
TT_NEW(_ZnwmSt11align_val_tRKSt9nothrow_t, (size_t n, size_t al, const void *nt), ((void)nt, n),
       al, TT_ALLOC_NEW_ALIGNED_NOTHROW)
TT_NEW(_ZnamSt11align_val_tRKSt9nothrow_t, (size_t n, size_t al, const void *nt), ((void)nt, n),
       al, TT_ALLOC_NEW_ARRAY_ALIGNED_NOTHROW)

/* operator delete: plain, sized, nothrow and aligned forms. The size and
 * alignment arguments are the allocation's; the index knows both. */
#define TT_DELETE(mangled, params, how) \
  TT_EXPORT void mangled params { release(p, how); }
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
TT_DELETE(_ZdlPv, (void *p), TT_RELEASE_DELETE)
TT_DELETE(_ZdaPv, (void *p), TT_RELEASE_DELETE_ARRAY)
TT_DELETE(_ZdlPvm, (void *p, size_t n), TT_RELEASE_DELETE_SIZED)
TT_DELETE(_ZdaPvm, (void *p, size_t n), TT_RELEASE_DELETE_ARRAY_SIZED)
TT_DELETE(_ZdlPvRKSt9nothrow_t, (void *p, const void *nt), TT_RELEASE_DELETE_NOTHROW)
TT_DELETE(_ZdaPvRKSt9nothrow_t, (void *p, const void *nt), TT_RELEASE_DELETE_ARRAY_NOTHROW)
TT_DELETE(_ZdlPvSt11align_val_t, (void *p, size_t al), TT_RELEASE_DELETE_ALIGNED)
TT_DELETE(_ZdaPvSt11align_val_t, (void *p, size_t al), TT_RELEASE_DELETE_ARRAY_ALIGNED)
TT_DELETE(_ZdlPvmSt11align_val_t, (void *p, size_t n, size_t al), TT_RELEASE_DELETE_SIZED_ALIGNED)
TT_DELETE(_ZdaPvmSt11align_val_t, (void *p, size_t n, size_t al),
          TT_RELEASE_DELETE_ARRAY_SIZED_ALIGNED)
TT_DELETE(_ZdlPvSt11align_val_tRKSt9nothrow_t, (void *p, size_t al, const void *nt),
          TT_RELEASE_DELETE_ALIGNED_NOTHROW)
TT_DELETE(_ZdaPvSt11align_val_tRKSt9nothrow_t, (void *p, size_t al, const void *nt),
          TT_RELEASE_DELETE_ARRAY_ALIGNED_NOTHROW)
#pragma GCC diagnostic pop

/* ======================================================================== */
/* dlclose: keep the module known for symbols                                */
/* ======================================================================== */

/* Also marks the thread as inside dlclose: the dynamic linker frees there
 * under its write lock, and a stack capture must not unwind with libunwind
 * then (capture_stack_at). (dlopen and dlsym are tt_dl.c's: jumps, since
 * glibc takes their caller's address to pick the search path, RUNPATH,
 * $ORIGIN and RTLD_NEXT's place.) */

TT_EXPORT int dlclose(void *handle) {
  static int (*real_dlclose)(void *);
  if (!real_dlclose)
    real_dlclose = (int (*)(void *))tt_os_dlsym_next("dlclose");
  if (tracking) {
    guard++;
    tt_symbolize_retain_modules();
    guard--;
  }
  in_dlclose++;
  int rc = real_dlclose ? real_dlclose(handle) : -1;
  in_dlclose--;
  return rc;
}

/* ======================================================================== */
/* start-up, fork, exit                                                      */
/* ======================================================================== */

static void print_banner(void) {
  if (opts.quiet)
    return;
  char cmd[4096];
  size_t n = tt_os_cmdline(cmd, sizeof cmd);
  struct tt_out o;
  tt_out_init(&o, tt_log_fd());
  tt_report_banner(&o, cmd, n);
  tt_out_flush(&o);
}

/* Opens the report destination for this process (again after a fork when
 * the log file name carries the pid). */
/* What the report's descriptor referred to when tether opened it, and
 * stderr then (see ensure_log). */
static uint64_t log_id[2], stderr_id[2];
static bool log_id_known, stderr_id_known;

static void open_log(void) {
  int fd = -1;
  log_pid = tt_os_getpid();
  stderr_id_known = tt_os_fd_identity(2, stderr_id);
  if (opts.log_file[0]) {
    char path[TT_OPT_PATH_MAX + 64];
    tt_log_expand_path(opts.log_file, path, sizeof path);
    fd = tt_os_open_log(path);
    if (fd < 0) {
      tt_log_set_fd(tt_os_dup_high(2));
      tt_warn("cannot open log file '%s' (errno %d); reporting to stderr", path, -fd);
      return;
    }
  } else {
    fd = tt_os_dup_high(2);
  }
  tt_log_set_fd(fd);
  log_id_known = tt_os_fd_identity(fd, log_id);
}

/* The report's descriptor is no longer what tether opened: the program
 * closed it with a raw system call (the wrappers of close and its kin keep
 * it), or closed it and opened something else at that number. The log file
 * is opened again, appending; a report to stderr takes a new copy of fd 2
 * if that is still the stderr of the start. */
static void ensure_log(void) {
  uint64_t now[2];
  int fd = tt_log_fd();
  if (!log_id_known || (tt_os_fd_identity(fd, now) && now[0] == log_id[0] && now[1] == log_id[1]))
    return;
  int fresh = -1;
  if (opts.log_file[0]) {
    char path[TT_OPT_PATH_MAX + 64];
    tt_log_expand_path(opts.log_file, path, sizeof path);
    fresh = tt_os_reopen_log(path);
  } else if (stderr_id_known && tt_os_fd_identity(2, now) && now[0] == stderr_id[0] &&
             now[1] == stderr_id[1]) {
    fresh = tt_os_dup_high(2);
  }
  if (fresh < 0) {
    /* No number left for a copy (the program took them all, with raw
     * dup2s of its stdout: the report went into its output). Never where
     * the old number leads now: fd 2 itself if it is still the stderr of
     * the start, else nowhere (the report is lost, as before). */
    bool err_ok = stderr_id_known && tt_os_fd_identity(2, now) && now[0] == stderr_id[0] &&
                  now[1] == stderr_id[1];
    tt_log_set_fd(err_ok && !opts.log_file[0] ? 2 : -1);
    log_id_known = false;
    return;
  }
  tt_log_set_fd(fresh);
  log_id_known = tt_os_fd_identity(fresh, log_id);
}

/* ======================================================================== */
/* what the public API needs (tt_preload.h)                                  */
/* ======================================================================== */

bool tt_preload_enter(void) {
  if (TT_UNLIKELY(!tracking) && !__atomic_load_n(&init_done, __ATOMIC_ACQUIRE) && !guard)
    init();
  if (!tracking || tt_disabled)
    return false;
  guard++;
  return true;
}

/* The entry points tt_preload_enter_api warned about: a signal handler on
 * a timer would otherwise say it thousands of times. */
#define TT_API_WARNED_MAX 16
static const char *api_warned[TT_API_WARNED_MAX];

static TT_NOINLINE void api_reentered(const char *call) {
  for (int i = 0; i < TT_API_WARNED_MAX; i++) {
    const char *seen = __atomic_load_n(&api_warned[i], __ATOMIC_ACQUIRE);
    if (seen == call)
      return;
    if (seen)
      continue;
    const char *none = NULL;
    if (__atomic_compare_exchange_n(&api_warned[i], &none, call, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE))
      break;
    if (none == call)
      return;
  }
  if (tt_log_held_here())
    return; /* interrupted writing a line: another would deadlock */
  tt_warn("%s: called while this thread was inside tether (from a signal handler that "
          "interrupted malloc, free or a tether call?); ignored, here and from now on without "
          "a word: tether's functions must not be called from a signal handler (for leak "
          "checks on a signal, --check-signal)",
          call);
}

bool tt_preload_enter_api(const char *call) {
  if (TT_UNLIKELY(guard) && tracking && !tt_disabled) {
    api_reentered(call);
    return false;
  }
  return tt_preload_enter();
}

void tt_preload_leave(void) { guard--; }

bool tt_preload_enter_from_program(bool *disabled) {
  if (!tracking || guard)
    return false;
  guard++;
  *disabled = tt_disabled;
  return true;
}

uint32_t tt_preload_capture(uintptr_t ra_slot) { return capture_stack_at(ra_slot); }

const struct tt_options *tt_preload_options(void) { return &opts; }

void *tt_preload_real_malloc(void) { return (void *)real.malloc; }

void tt_preload_reopen_log_if_forked(void) {
  if (tt_os_getpid() != log_pid && opts.log_file[0] && strstr(opts.log_file, "%p")) {
    open_log();
    print_banner();
    return;
  }
  ensure_log();
}

/* Reads one suppression file; false (with the message logged) when it is
 * unreadable or malformed. */
static bool supp_oom; /* a file could not be read for want of memory */

static bool load_suppression_file(const char *path, bool must_exist) {
  char *text;
  size_t len, mapped;
  int rc = tt_os_read_file(path, &text, &len, &mapped);
  if (rc != 0) {
    if (must_exist)
      tt_log_line("tether: cannot read suppression file '%s' (errno %d)", path, -rc);
    return !must_exist;
  }
  char err[512];
  int n = tt_suppress_parse(text, len, path, err, sizeof err);
  tt_os_unmap(text, mapped);
  if (n == -2) { /* not the file's fault: a memory limit (ulimit -v) */
    tt_log_line("tether: out of memory reading the suppression file %s (a memory limit such as "
                "ulimit -v leaves tether too little to run)",
                path);
    supp_oom = true;
    return false;
  }
  if (n < 0) {
    tt_log_line("tether: bad suppression file: %s", err);
    return false;
  }
  tt_verbose("read %d suppressions from %s", n, path);
  return true;
}

/* --suppressions files and the default one beside the library (share/tether
 * under the library's prefix). A bad file stops the run before the program
 * starts: running without the suppressions the user asked for would fail
 * their CI for the wrong reason. */
static void load_suppressions(void) {
  bool ok = true;
  if (opts.default_suppressions && self_path[0]) {
    char path[sizeof self_path + 64];
    tt_fmt(path, sizeof path, "%s", self_path);
    char *slash = strrchr(path, '/');
    if (slash) {
      tt_fmt(slash, sizeof path - (size_t)(slash - path), "/../share/tether/default.supp");
      ok = load_suppression_file(path, false);
    }
  }
  for (const char *p = opts.suppressions; ok && *p;) {
    const char *nl = strchr(p, '\n');
    char path[TT_OPT_PATH_MAX];
    size_t n = (size_t)(nl - p) < sizeof path ? (size_t)(nl - p) : sizeof path - 1;
    memcpy(path, p, n);
    path[n] = '\0';
    ok = load_suppression_file(path, true);
    p = nl + 1;
  }
  if (!ok) {
    tt_log_line(supp_oom ? "tether: stopping before the program starts (out of memory)"
                         : "tether: stopping before the program starts (fix or drop the suppression "
                           "file)");
    tt_os_exit_now(1);
  }
}

static void fork_prepare(void) {
  guard++;
  tt_check_fork_prepare();
}

static void fork_parent(void) {
  tt_check_fork_parent();
  guard--;
}

static void fork_child(void) {
  proc_pid = tt_os_getpid();
  exit_tid = exit_check_tid = 0; /* the parent's exiting threads are not here */
  tt_fatal_fork_child();
  tt_check_fork_child();
  tt_roots_after_fork_child();
  if (opts.child_silent_after_fork) {
    /* Valgrind's --child-silent-after-fork: the child says nothing until
     * it execs (the program it runs then loads tether afresh). tether is
     * off in it, as after tt_self_disable but without a word: its own
     * blocks go straight to the allocator, the parent's recorded ones
     * lose their records as they are freed, no exit check, no report, no
     * file in the run directory, no --check-signal thread. */
    tt_disabled = 1;
    guard--;
    return;
  }
  /* The child's errors belong in its own report from its first line on. */
  if (opts.log_file[0] && strstr(opts.log_file, "%p")) {
    open_log();
    print_banner();
  }
  tt_export_fork_child();
  tt_api_fork_child();
  guard--;
}


/* The exit-time check, below exit_cb's small frame so that its own large
 * locals lie below entry_sp and are not roots. */
/* The report could not be written to --log-file: one line on the
 * program's stderr says so (the gate and exit status still hold). */
static TT_NOINLINE void report_lost(int err) { /* not inlined: exit_check's frame stays small */
  char path[TT_OPT_PATH_MAX + 64], head[64], tail[96];
  tt_log_expand_path(opts.log_file, path, sizeof path);
  size_t h = tt_fmt(head, sizeof head, "==%d== tether: cannot write the report to '", tt_os_getpid());
  size_t t = tt_fmt(tail, sizeof tail, "' (errno %d): it is incomplete or lost\n", -err);
  tt_os_write(2, head, h < sizeof head ? h : sizeof head - 1);
  tt_os_write(2, path, strlen(path));
  tt_os_write(2, tail, t < sizeof tail ? t : sizeof tail - 1);
}

/* regs: the exiting thread's registers at exit's entry (each caller's own:
 * two threads may call exit at once). fatal: the fatal signal ending the
 * process (tt_fatal.h), or NULL. */
static TT_NOINLINE void exit_check(uintptr_t entry_sp, int status, const uintptr_t *regs,
                                   const struct tt_fatal_info *fatal) {
  if (__atomic_exchange_n(&exit_done, 1, __ATOMIC_ACQ_REL) || !tracking)
    return;
  __atomic_store_n(&exit_check_tid, tt_os_gettid(), __ATOMIC_RELEASE);
  if (tt_disabled) {
    tracking = 0;
    return;
  }
  guard++;
  tt_symbolize_retain_modules();
  tt_os_freeres_init();
  guard--;
  /* The C and C++ runtimes free what they keep for the whole run, as under
   * Valgrind; their frees are still recorded. The memory of what they free
   * is never given back to the allocator (release_checked): glibc frees
   * tables it goes on pointing at (printf's, once a library registered a
   * format: libquadmath, so gfortran programs and ffmpeg), and the report
   * calls printf through libdw. Released, the table came back to libdw's
   * own allocations and printf called through garbage. Not in a signal handler: the
   * program may have stopped in the middle of their state (a stream it was
   * writing), and Valgrind does not either. */
  in_freeres = 1;
  if (opts.run_cxx_freeres && !fatal)
    tt_os_run_cxx_freeres();
  if (opts.run_libc_freeres && !fatal)
    tt_os_run_libc_freeres();
  in_freeres = 0;
  /* Recording goes on until the check has its snapshot: another thread's
   * free before the world stops must still remove its record, or the freed
   * block would read as a leak. */
  guard++;

  tt_preload_reopen_log_if_forked();
  tt_quarantine_flush_thread();
  tt_check_verify_quarantine(); /* writes after free still waiting to be found */
  struct tt_out o;
  tt_out_init(&o, tt_log_fd());
  struct tt_check_request req = {&opts, &o, entry_sp, TT_CHECK_EXIT, opts.quiet,
                                 (void *)real.malloc, 0, NULL, status, regs, fatal};
  struct tt_leak_totals t;
  int rc;
  /* An on-demand check in another thread finishes first. */
  while ((rc = tt_check_run(&req, &t, NULL)) == -16)
    tt_os_yield();
  tracking = 0; /* from here on frees pass through and nothing is recorded */
  if (rc != 0) /* nothing was checked: no gate passes on that */
    tt_report_line(&o, "tether: the leak check could not run (errno %d)%s", -rc,
                   opts.error_exitcode && !fatal ? "; the gate fails" : "");
  uint64_t lifetime_errors, lifetime_contexts, supp_contexts;
  tt_errors_counts(&lifetime_errors, &lifetime_contexts);
  uint64_t supp_errors = tt_errors_suppressed(&supp_contexts);
  if (tt_log_verbosity() > 0)
    tt_suppress_print_used(&o);
  if (!opts.quiet)
    tt_report_error_summary(&o, t.error_records + lifetime_errors,
                            t.error_records + lifetime_contexts,
                            t.suppressed_error_records + supp_errors,
                            t.suppressed_error_records + supp_contexts);
  tt_out_flush(&o);
  if (o.err && opts.log_file[0]) /* a full disk, /dev/full: said where the program's stderr is */
    report_lost(o.err);

  bool gate = rc != 0 || tt_check_gate(&opts, &t, lifetime_errors);
  if (gate && opts.error_exitcode && !fatal) /* a fatal signal ends it as it would have */
    tt_os_exit_now(opts.error_exitcode);
  guard--;
}

#define TT_UNPARK_AFTER_EXIT_MS 1000

/* The exit-time check: after the program's atexit handlers and C++ static
 * destructors (registered after this one), once per process. */
/* Another thread is reporting a fatal signal, which ends the process when
 * the report is out: this thread, which would end it first with a status
 * of its own (exit, a return from main), waits for that. */
static void wait_for_fatal_report(void) {
  if (!tt_fatal_reporting_elsewhere())
    return;
  tt_sigmask_t saved;
  tt_os_block_signals(&saved); /* but the stop signal: a check may stop this thread */
  tt_os_unblock_signal(tt_os_stop_signal());
  for (;;)
    tt_os_pause();
}

/* Another thread is ending the process. glibc's exit guards nothing: of
 * two threads calling exit at once, the second found tether's handler
 * taken by the first, ran on and ended the process with _exit while the
 * first wrote its report (lost, every time). So a thread that would end it
 * waits while another runs the exit check (which ends with the process);
 * and while another is in exit() before its check, for 2 s at most (a
 * handler of the program's may wait for this thread), then goes on as it
 * would without tether. */
static void wait_for_other_exit(void) {
  int me = tt_os_gettid();
  for (unsigned ms = 0;; ms++) {
    int checker = __atomic_load_n(&exit_check_tid, __ATOMIC_ACQUIRE);
    if (checker && checker != me) {
      tt_sigmask_t saved;
      tt_os_block_signals(&saved); /* but the stop signal: a check may stop this thread */
      tt_os_unblock_signal(tt_os_stop_signal());
      for (;;)
        tt_os_pause();
    }
    int first = __atomic_load_n(&exit_tid, __ATOMIC_ACQUIRE);
    if (!first || first == me || ms >= 2000)
      return;
    tt_os_sleep_ms(1);
  }
}

/* Whether this process is the one tether set up: proc_pid, which fork's
 * child handler updates. A child made by a raw fork system call
 * (syscall(SYS_fork), clone or clone3 without CLONE_VM) ran no handler and
 * has the parent's number there, as a vfork or CLONE_VM child does; but its
 * memory is its own (kcmp tells): it is set up now as fork's child handler
 * would have (a new report, every lock free), and checked, as Valgrind
 * checks it. It went unchecked, with no word. */
static bool our_process(void) {
  int self = tt_os_getpid();
  if (TT_LIKELY(self == proc_pid))
    return true;
  if (tt_os_same_memory(self, proc_pid) != 0)
    return false; /* the parent's memory (or the kernel will not say) */
  guard++;      /* what fork_prepare raised, fork_child lowers */
  fork_child(); /* proc_pid is this process's now */
  return proc_pid == self;
}

/* exit(): see wait_for_other_exit. glibc's own calls (main's return) reach
 * its exit directly; tether's handler (exit_cb) waits there. */
TT_EXPORT __attribute__((noreturn)) void exit(int status) {
  static void (*real_exit)(int);
  if (TT_UNLIKELY(!real_exit))
    real_exit = (void (*)(int))tt_preload_next("exit");
  if (tracking && our_process()) {
    int none = 0;
    __atomic_compare_exchange_n(&exit_tid, &none, tt_os_gettid(), false, __ATOMIC_ACQ_REL,
                                __ATOMIC_ACQUIRE);
    wait_for_other_exit();
  }
  if (real_exit)
    real_exit(status);
  tt_os_exit_now(status);
}

static void exit_cb(int status, void *arg) {
  (void)arg;
  wait_for_fatal_report();
  bool ours = our_process();
  if (ours)
    wait_for_other_exit();
  if (!guard)
    tt_fatal_take_deferred();
  if (ours) {
    struct tt_thread_state regs;
    tt_os_save_own_registers(&regs);
    exit_check(tt_os_current_sp(), status, regs.regs, NULL);
    /* The threads the check took out of a sleep stay out of the way while
     * exit ends the process (woken, with EINTR, a main thread would return
     * from main and race this thread to end it with its own status). If
     * the process still runs in a second (a library's destructor joins one
     * of them), they go on. */
    tt_os_unpark_in(TT_UNPARK_AFTER_EXIT_MS);
  }
}

/* _exit and _Exit end the process without atexit handlers, as Debian's sh
 * and many forked children do; Valgrind still checks such a process, and so
 * does tether (the C runtimes' own state is freed first, as at exit). Not in
 * a child made by vfork or clone, which shares its parent's memory. */
static TT_NOINLINE __attribute__((noreturn)) void exit_now_checked(int status) {
  bool ours = our_process();
  if (ours) {
    wait_for_fatal_report();
    wait_for_other_exit();
    if (!guard)
      tt_fatal_take_deferred();
  }
  if (tracking && ours) {
    struct tt_thread_state regs;
    tt_os_save_own_registers(&regs);
    exit_check(tt_os_current_sp(), status, regs.regs, NULL);
  }
  tt_os_exit_now(status);
}

TT_EXPORT void _exit(int status) { exit_now_checked(status); }
TT_EXPORT void _Exit(int status) { exit_now_checked(status); }

/* quick_exit runs the at_quick_exit handlers, then glibc's _exit, inside
 * libc where the wrapper above never sees it: the process ended unchecked
 * (no report, and the gate passed). tether's handler, registered first,
 * runs last, and checks with the status the wrapper noted. */
static int quick_status;

TT_EXPORT __attribute__((noreturn)) void quick_exit(int status) {
  static void (*real_quick_exit)(int);
  if (TT_UNLIKELY(!real_quick_exit))
    real_quick_exit = (void (*)(int))tt_preload_next("quick_exit");
  __atomic_store_n(&quick_status, status, __ATOMIC_RELAXED);
  if (real_quick_exit)
    real_quick_exit(status);
  exit_now_checked(status); /* no libc's to call: end as _exit would */
}

static void quick_exit_cb(void) { exit_cb(__atomic_load_n(&quick_status, __ATOMIC_RELAXED), NULL); }

/* ======================================================================== */
/* fatal signals (tt_fatal.h)                                               */
/* ======================================================================== */

/* A signal's handler may run on the thread's own small stack, or on the
 * program's alternate signal stack: the report needs the room a symbolizer
 * takes (tt_stacks_call_with_room). */
#define TT_FATAL_STACK_ROOM ((size_t)1 << 20)
/* What a function may keep below its stack pointer without moving it (the
 * x86-64 ABI's red zone): the interrupted frame's own. */
#define TT_RED_ZONE_BYTES 128

struct fatal_call {
  int sig;
  const siginfo_t *si;
  void *ucontext;
};

/* Valgrind's line for a SIGSEGV that is a stack overflow, or "". */
static const char *overflow_line(int sig, const siginfo_t *si, uintptr_t sp, char *buf,
                                 size_t size) {
  buf[0] = '\0';
  if (tt_fatal_is_stack_overflow(sig, si, sp)) {
    /* sp may have gone below the stack already (a frame's sub, then its
     * first store faults): the thread is the one whose stack is just above */
    int thread = 0;
    for (uintptr_t at = sp; !thread && at - sp <= 64 * 1024 && at >= sp; at += 4096)
      thread = tt_roots_thread_of(at);
    uintptr_t page = (uintptr_t)si->si_addr & ~(uintptr_t)4095;
    if (thread)
      tt_fmt(buf, size, "Stack overflow in thread #%d: can't grow stack to 0x%lx", thread,
             (unsigned long)page);
    else
      tt_fmt(buf, size, "Stack overflow: can't grow stack to 0x%lx", (unsigned long)page);
  }
  return buf;
}

static void fatal_headline(struct tt_out *o, int sig, const siginfo_t *si, uintptr_t sp) {
  char name[32], why[160];
  tt_report_line(o, "%s", "");
  tt_report_line(o, "Process terminating with default action of signal %d (%s)", sig,
                 tt_fatal_signal_name(sig, name, sizeof name));
  if (tt_fatal_describe(si, proc_pid, why, sizeof why)[0])
    tt_report_line(o, "%s", why);
  if (overflow_line(sig, si, sp, why, sizeof why)[0])
    tt_report_line(o, "%s", why);
}

/* Says where, then checks as at exit, the program's frames at the
 * interrupted stack pointer the top of its stack. */
static void fatal_report_cb(void *arg) {
  const struct fatal_call *f = arg;
  guard++;
  uintptr_t pcs[TT_MAX_FRAMES];
  int n = tt_unwind_capture_context(pcs, TT_MAX_FRAMES, f->ucontext);
  /* A signal asked for again may find the thread in tether's entry points
   * (outside its guard): the stack starts at the program's frames. */
  int first = 0;
  while (first < n - 1 && pcs[first] >= self_lo && pcs[first] < self_hi)
    first++;
  if (n - first > opts.num_callers)
    n = first + opts.num_callers;
  struct tt_fatal_info info;
  tt_fatal_info_of(f->si, f->sig, &info);
  info.stack = n > first ? tt_stacks_intern(pcs + first, n - first) : 0;
  struct tt_out o;
  tt_out_init(&o, tt_log_fd());
  fatal_headline(&o, f->sig, f->si, tt_os_context_sp(f->ucontext));
  tt_report_signal_stack(&o, info.stack, &opts);
  tt_out_flush(&o);
  guard--;
  struct tt_thread_state st;
  tt_os_context_state(&st, f->ucontext);
  exit_check(st.sp - TT_RED_ZONE_BYTES, 128 + f->sig, st.regs, &info);
}

/* In tether's own code, or the allocator under it: its locks may be held,
 * so neither a stack nor a check, only the news. Its own frame: the
 * handler's stays small (it may run on a small alternate signal stack). */
static TT_NOINLINE void fatal_inside(int sig, const siginfo_t *si, uintptr_t sp) {
  char pre[32], name[32], why[160], over[128], text[800];
  tt_log_prefix(pre, sizeof pre);
  tt_fatal_describe(si, proc_pid, why, sizeof why);
  overflow_line(sig, si, sp, over, sizeof over);
  size_t n = tt_fmt(text, sizeof text,
                    "%s\n%sProcess terminating with default action of signal %d (%s)\n%s%s%s"
                    "%s%s%s%s (inside tether or the allocator it calls: no leak check)\n",
                    pre, pre, sig, tt_fatal_signal_name(sig, name, sizeof name), why[0] ? pre : "",
                    why, why[0] ? "\n" : "", over[0] ? pre : "", over, over[0] ? "\n" : "", pre);
  tt_os_write(tt_log_fd(), text, n);
}

static void fatal_handler(int sig, siginfo_t *info, void *ucontext) {
  if (tt_os_getpid() != proc_pid)
    tt_fatal_die(sig); /* a vfork child: the parent's memory, not its to report on */
  const siginfo_t *si = tt_fatal_origin(sig, info);
  if (guard && __atomic_load_n(&exit_done, __ATOMIC_ACQUIRE) && tt_fatal_from_outside(sig, si))
    return; /* sent during the exit check, which ends the process: it goes on */
  if (guard && tt_fatal_defer(sig, si))
    return; /* sent from outside while in tether's code: again in a moment */
  tt_fatal_claim(sig); /* returns in the first thread only */
  tt_fatal_begin(sig, TT_FATAL_WATCHDOG_SECONDS);
  if (tracking && !tt_disabled && tt_os_getpid() == proc_pid) {
    if (guard) {
      fatal_inside(sig, si, tt_os_context_sp(ucontext));
    } else {
      struct fatal_call f = {sig, si, ucontext};
      tt_stacks_call_with_room(fatal_report_cb, &f, TT_FATAL_STACK_ROOM);
    }
  }
  tt_fatal_die(sig);
}

/* The program's view of its signal dispositions: tether's handler hidden
 * (tt_fatal_sigaction). The signal() family goes through it for the
 * reported signals, as glibc's own does through sigaction; for the others
 * glibc's functions answer. __sigaction, which glibc uses inside, is left
 * alone (tether itself reaches libc's through it). */
TT_EXPORT int sigaction(int sig, const struct sigaction *act, struct sigaction *old) {
  return tt_fatal_sigaction(sig, act, old);
}

/* libc's signal(), bsd_signal(), ssignal(), sysv_signal(), __sysv_signal(),
 * looked up at start-up (a first call may come from a signal handler,
 * where dlsym may not run). */
enum {
  SIG_FN_SIGNAL,
  SIG_FN_BSD,
  SIG_FN_SSIGNAL,
  SIG_FN_SYSV,
  SIG_FN___SYSV,
  SIG_FN_SIGSET,
  SIG_FN_COUNT
};
static const char *const sig_fn_names[SIG_FN_COUNT] = {
    "signal", "bsd_signal", "ssignal", "sysv_signal", "__sysv_signal", "sigset"};
static tt_sighandler_t (*sig_fns[SIG_FN_COUNT])(int, tt_sighandler_t);

static void resolve_signal_fns(void) {
  for (int i = 0; i < SIG_FN_COUNT; i++)
    if (!sig_fns[i])
      sig_fns[i] = (tt_sighandler_t(*)(int, tt_sighandler_t))tt_os_dlsym_next(sig_fn_names[i]);
}

/* Resolves libc's functions before tether's start-up; false (ENOSYS) if
 * which cannot be found. */
static bool signal_like_ready(int which) {
  guard++;
  resolve_signal_fns();
  guard--;
  if (sig_fns[which])
    return true;
  errno = ENOSYS;
  return false;
}

static tt_sighandler_t signal_like(int which, int sig, tt_sighandler_t handler) {
  if (TT_UNLIKELY(!sig_fns[which]) && !signal_like_ready(which))
    return SIG_ERR;
  if (handler != SIG_HOLD)
    tt_fatal_note_disposition(sig);
  if (!tt_fatal_is_reported(sig) || !opts.report_fatal_signals || !init_done)
    return sig_fns[which](sig, handler);
  return tt_fatal_signal_via(sig, handler, sig_fns[which]);
}

/* sigset (System V): like signal, and also SIG_HOLD, which blocks the
 * signal and leaves its disposition alone; the answer is SIG_HOLD where the
 * signal was blocked, else the disposition as the program sees it. glibc's
 * goes through its internal sigaction, which tether does not see: SIG_DFL
 * took tether's handler out (a crash ended with no report), and the answer
 * named tether's handler. */
TT_EXPORT tt_sighandler_t sigset(int sig, tt_sighandler_t disposition) {
  if (disposition != SIG_HOLD) {
    sigset_t mask;
    bool held = pthread_sigmask(SIG_BLOCK, NULL, &mask) == 0 && sigismember(&mask, sig) == 1;
    tt_sighandler_t was = signal_like(SIG_FN_SIGSET, sig, disposition);
    if (was == SIG_ERR)
      return SIG_ERR;
    /* glibc's unblocks it, but signal_like puts the caller's mask back */
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, sig);
    pthread_sigmask(SIG_UNBLOCK, &one, NULL);
    return held ? SIG_HOLD : was;
  }
  if (TT_UNLIKELY(!sig_fns[SIG_FN_SIGSET]) && !signal_like_ready(SIG_FN_SIGSET))
    return SIG_ERR;
  tt_sighandler_t was = sig_fns[SIG_FN_SIGSET](sig, SIG_HOLD);
  struct sigaction view;
  if (was == SIG_HOLD || was == SIG_ERR || tt_fatal_sigaction(sig, NULL, &view) != 0)
    return was;
  return view.sa_handler;
}

void *tt_preload_next(const char *name) {
  guard++;
  void *fn = tt_os_dlsym_next(name);
  guard--;
  return fn;
}

/* pthread_getattr_np: glibc holds the thread's own lock in it and grows a
 * CPU set with realloc. tether learns a thread's stack at the thread's
 * first allocation, with pthread_getattr_np: not while one is under way in
 * the thread, which would wait for that lock forever (the JVM's threads ask
 * for their stack before they allocate anything: java hung at start). A
 * later allocation learns it. */
static int (*real_getattr_np)(pthread_t, pthread_attr_t *);

TT_EXPORT int pthread_getattr_np(pthread_t thread, pthread_attr_t *attr) {
  if (TT_UNLIKELY(!real_getattr_np)) { /* before tether's start-up */
    real_getattr_np = (int (*)(pthread_t, pthread_attr_t *))tt_preload_next("pthread_getattr_np");
    if (!real_getattr_np)
      return ENOSYS;
  }
  in_getattr_np++;
  int rc = real_getattr_np(thread, attr);
  in_getattr_np--;
  return rc;
}

/* abort(): when a handler the program set for SIGABRT returns, glibc's
 * abort puts SIG_DFL back itself (through its internal sigaction, which
 * tether does not see) and raises again: the process ended with no
 * report. tether's does the same through the program's view of its
 * dispositions, where SIG_DFL's place is tether's handler. (glibc's own
 * calls, from assert, still reach glibc's abort.) */
static void (*real_abort)(void);

TT_EXPORT __attribute__((noreturn)) void abort(void) {
  tt_os_unblock_signal(SIGABRT);
  tt_os_raise(SIGABRT); /* the program's handler, or tether's in SIG_DFL's place */
  if (init_done && opts.report_fatal_signals && tt_os_getpid() == proc_pid)
    tt_fatal_raise_default(SIGABRT);
  if (!real_abort) {
    real_abort = (void (*)(void))tt_preload_next("abort");
  }
  if (real_abort)
    real_abort();
  tt_os_abort();
}

#define TT_SIGNAL_WRAPPER(name, which)                                       \
  TT_EXPORT tt_sighandler_t name(int sig, tt_sighandler_t handler) {         \
    return signal_like((which), sig, handler);                               \
  }
TT_SIGNAL_WRAPPER(signal, SIG_FN_SIGNAL)
TT_SIGNAL_WRAPPER(bsd_signal, SIG_FN_BSD)
TT_SIGNAL_WRAPPER(ssignal, SIG_FN_SSIGNAL)
TT_SIGNAL_WRAPPER(sysv_signal, SIG_FN_SYSV)
TT_SIGNAL_WRAPPER(__sysv_signal, SIG_FN___SYSV)
#undef TT_SIGNAL_WRAPPER

/* A block leaving the quarantine; one whose record is gone (the program
 * wrote over its header) is kept: where its prefix starts is unknown. */
static void real_free_hook(void *p, int flags) {
  if (flags >= 0)
    real_free_flags(p, (unsigned)flags);
}

/* A thread's last few frees wait in its batch: queue them as it exits, or
 * they would never be released. Its capture-hit counter is given back. */
static void thread_exit_hook(void) {
  guard++;
  tt_fatal_altstack_drop();
  tt_quarantine_thread_exiting();
  tt_stacks_thread_exiting();
  tt_heap_thread_exiting();
  guard--;
  if (!guard)
    tt_fatal_take_deferred();
}

/* Our own entry points' addresses, for frame 0 of reports. `&malloc` would
 * be the canonical address, which in a non-PIE program that takes malloc's
 * address is the program's PLT entry: hidden aliases resolve to libtether's
 * definitions themselves. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-attributes" /* only their addresses are used */
#define TT_SELF(sym) extern __typeof(sym) tt_self_##sym __attribute__((alias(#sym), visibility("hidden")));
TT_SELF(malloc)
TT_SELF(calloc)
TT_SELF(realloc)
TT_SELF(reallocarray)
TT_SELF(posix_memalign)
TT_SELF(aligned_alloc)
TT_SELF(memalign)
TT_SELF(valloc)
TT_SELF(pvalloc)
TT_SELF(_Znwm)
TT_SELF(_ZnwmRKSt9nothrow_t)
TT_SELF(_ZnwmSt11align_val_t)
TT_SELF(_ZnwmSt11align_val_tRKSt9nothrow_t)
TT_SELF(_Znam)
TT_SELF(_ZnamRKSt9nothrow_t)
TT_SELF(_ZnamSt11align_val_t)
TT_SELF(_ZnamSt11align_val_tRKSt9nothrow_t)
TT_SELF(free)
TT_SELF(_ZdlPv)
TT_SELF(_ZdlPvm)
TT_SELF(_ZdlPvRKSt9nothrow_t)
TT_SELF(_ZdlPvSt11align_val_t)
TT_SELF(_ZdlPvmSt11align_val_t)
TT_SELF(_ZdlPvSt11align_val_tRKSt9nothrow_t)
TT_SELF(_ZdaPv)
TT_SELF(_ZdaPvm)
TT_SELF(_ZdaPvRKSt9nothrow_t)
TT_SELF(_ZdaPvSt11align_val_t)
TT_SELF(_ZdaPvmSt11align_val_t)
TT_SELF(_ZdaPvSt11align_val_tRKSt9nothrow_t)
#undef TT_SELF
#pragma GCC diagnostic pop

static void init(void) {
  if (!tt_os_environ_ready())
    return; /* too early: the environment is not set up; try again later */
  if (__atomic_exchange_n(&init_done, 1, __ATOMIC_ACQ_REL))
    return;
  guard++;
  while (!resolve())
    tt_os_yield(); /* another thread is resolving */

  proc_pid = tt_os_getpid();
  tt_options_defaults(&opts);
  char err[1024] = "";
  const char *env = tt_os_getenv("TETHER_OPTIONS");
  bool bad = env && tt_options_parse(&opts, env, err, sizeof err) != 0;
  tt_log_set_verbosity(opts.quiet ? -1 : opts.verbose);
  open_log();
  if (bad)
    tt_log_line("Warning: TETHER_OPTIONS: %s; each option named keeps its default", err);

  tt_os_module_span((uintptr_t)&init, &self_lo, &self_hi, self_path, sizeof self_path);
  uintptr_t entry[TT_ALLOC_KIND_COUNT] = {
      [TT_ALLOC_MALLOC] = (uintptr_t)&tt_self_malloc,
      [TT_ALLOC_CALLOC] = (uintptr_t)&tt_self_calloc,
      [TT_ALLOC_REALLOC] = (uintptr_t)&tt_self_realloc,
      [TT_ALLOC_REALLOCARRAY] = (uintptr_t)&tt_self_reallocarray,
      [TT_ALLOC_POSIX_MEMALIGN] = (uintptr_t)&tt_self_posix_memalign,
      [TT_ALLOC_ALIGNED_ALLOC] = (uintptr_t)&tt_self_aligned_alloc,
      [TT_ALLOC_MEMALIGN] = (uintptr_t)&tt_self_memalign,
      [TT_ALLOC_VALLOC] = (uintptr_t)&tt_self_valloc,
      [TT_ALLOC_PVALLOC] = (uintptr_t)&tt_self_pvalloc,
      [TT_ALLOC_NEW] = (uintptr_t)&tt_self__Znwm,
      [TT_ALLOC_NEW_NOTHROW] = (uintptr_t)&tt_self__ZnwmRKSt9nothrow_t,
      [TT_ALLOC_NEW_ALIGNED] = (uintptr_t)&tt_self__ZnwmSt11align_val_t,
      [TT_ALLOC_NEW_ALIGNED_NOTHROW] = (uintptr_t)&tt_self__ZnwmSt11align_val_tRKSt9nothrow_t,
      [TT_ALLOC_NEW_ARRAY] = (uintptr_t)&tt_self__Znam,
      [TT_ALLOC_NEW_ARRAY_NOTHROW] = (uintptr_t)&tt_self__ZnamRKSt9nothrow_t,
      [TT_ALLOC_NEW_ARRAY_ALIGNED] = (uintptr_t)&tt_self__ZnamSt11align_val_t,
      [TT_ALLOC_NEW_ARRAY_ALIGNED_NOTHROW] = (uintptr_t)&tt_self__ZnamSt11align_val_tRKSt9nothrow_t,
  };
  uintptr_t rel[TT_RELEASE_KIND_COUNT] = {
      [TT_RELEASE_FREE] = (uintptr_t)&tt_self_free,
      [TT_RELEASE_REALLOC] = (uintptr_t)&tt_self_realloc,
      [TT_RELEASE_DELETE] = (uintptr_t)&tt_self__ZdlPv,
      [TT_RELEASE_DELETE_SIZED] = (uintptr_t)&tt_self__ZdlPvm,
      [TT_RELEASE_DELETE_NOTHROW] = (uintptr_t)&tt_self__ZdlPvRKSt9nothrow_t,
      [TT_RELEASE_DELETE_ALIGNED] = (uintptr_t)&tt_self__ZdlPvSt11align_val_t,
      [TT_RELEASE_DELETE_SIZED_ALIGNED] = (uintptr_t)&tt_self__ZdlPvmSt11align_val_t,
      [TT_RELEASE_DELETE_ALIGNED_NOTHROW] = (uintptr_t)&tt_self__ZdlPvSt11align_val_tRKSt9nothrow_t,
      [TT_RELEASE_DELETE_ARRAY] = (uintptr_t)&tt_self__ZdaPv,
      [TT_RELEASE_DELETE_ARRAY_SIZED] = (uintptr_t)&tt_self__ZdaPvm,
      [TT_RELEASE_DELETE_ARRAY_NOTHROW] = (uintptr_t)&tt_self__ZdaPvRKSt9nothrow_t,
      [TT_RELEASE_DELETE_ARRAY_ALIGNED] = (uintptr_t)&tt_self__ZdaPvSt11align_val_t,
      [TT_RELEASE_DELETE_ARRAY_SIZED_ALIGNED] = (uintptr_t)&tt_self__ZdaPvmSt11align_val_t,
      [TT_RELEASE_DELETE_ARRAY_ALIGNED_NOTHROW] = (uintptr_t)&tt_self__ZdaPvSt11align_val_tRKSt9nothrow_t,
  };
  tt_report_set_entry_points(entry, rel, self_path[0] ? self_path : "libtether.so");
  set_debuginfo_cache();
  tt_report_set_show_below_main(opts.show_below_main);
  tt_errors_init(&opts);
  struct tt_quarantine_hooks qh = {real_free_hook, tt_errors_write_after_free};
  tt_quarantine_init(opts.freelist_vol, &qh);
  tt_roots_set_thread_exit_hook(thread_exit_hook);

  tt_unwind_init();
  tt_roots_init();
  tt_os_freeres_init();
  print_banner();
  load_suppressions();
  tt_export_init();
  tt_export_started();
  resolve_signal_fns();
  real_abort = (void (*)(void))tt_os_dlsym_next("abort");
  if (!real_getattr_np)
    real_getattr_np =
        (int (*)(pthread_t, pthread_attr_t *))tt_os_dlsym_next("pthread_getattr_np");
  void *in_ldso = tt_os_dlsym_next("__tls_get_addr"); /* the dynamic linker exports it */
  if (!in_ldso || !tt_os_module_span((uintptr_t)in_ldso, &ldso_lo, &ldso_hi, NULL, 0))
    ldso_lo = ldso_hi = 0;
  if (opts.report_fatal_signals)
    tt_fatal_install(fatal_handler, opts.check_signal); /* that one is tether's own */
  tt_fatal_altstack_give(); /* this thread's: the others' at their first allocation */
  /* --trace-children=no: what this process execs runs without tether (a
   * forked child runs this program and stays checked, as under Valgrind) */
  if (!opts.trace_children && self_path[0])
    tt_os_preload_drop(self_path);
  tt_exec_init(self_path, opts.trace_children);
  tracking = 1;
  guard--;
}

/* The constructor registers the fork and exit handlers (not the lazy init:
 * a first allocation may come from inside libc with its locks held). */
__attribute__((constructor)) static void tt_preload_ctor(void) {
  init();
  if (!init_done)
    return; /* no environment at all: run unchecked */
  guard++;
  tt_os_atfork(fork_prepare, fork_parent, fork_child);
  tt_os_on_exit(exit_cb, NULL);
  tt_os_on_quick_exit(quick_exit_cb);
  tt_api_init(&opts);
  guard--;
}
