/* SPDX-License-Identifier: MIT */
/* What a leak scan starts from: the writable data of every loaded module,
 * every thread's stack (from its stack pointer up, which takes in the
 * thread's descriptor and static TLS) and saved registers, and every other
 * writable mapping that is neither allocator memory nor tether's own
 * (interpreters' object arenas, pools, the main thread's TLS). Reaches the
 * platform only through tt_os. */
#ifndef TT_ROOTS_H
#define TT_ROOTS_H

#include "tt_common.h"
#include "tt_options.h"
#include "tt_os.h"

enum tt_root_kind {
  TT_ROOT_GLOBAL,
  TT_ROOT_STACK,
  TT_ROOT_REGISTERS,
  TT_ROOT_OTHER,
  TT_ROOT_USER /* registered by the program (tether_register_root): scanned whole */
};

typedef void (*tt_root_cb)(uintptr_t lo, uintptr_t hi, enum tt_root_kind kind, void *arg);

struct tt_roots_input {
  const struct tt_options *opts;
  /* Every thread of the process: stopped ones with sp and registers; the
   * checking thread with sp = the stack pointer where the check began, so
   * tether's own frames below it are not roots. */
  const struct tt_thread_state *threads;
  int nthreads;
  /* The allocator's malloc: its state (glibc's main_arena) is not a root. */
  void *malloc_fn;
};

/* Calls cb for every root range. Needs no allocation: scratch memory comes
 * from tt_os_map and is returned. Returns 0 or -errno (could not read the
 * memory map: then only module data, stacks and registers were reported).
 * The caller holds tt_roots_lock. */
int tt_roots_enumerate(const struct tt_roots_input *in, tt_root_cb cb, void *arg) TT_HIDDEN;

/* The thread registry: each thread that allocates registers its stack block
 * once; when it exits, its stack (which glibc caches for reuse, stale
 * pointers and all) is no longer a root. */
void tt_roots_thread_start(void) TT_HIDDEN;
void tt_roots_after_fork_child(void) TT_HIDDEN;
void tt_roots_init(void) TT_HIDDEN;
/* fn runs in each registered thread as it exits (before its TLS goes). */
void tt_roots_set_thread_exit_hook(void (*fn)(void)) TT_HIDDEN;
/* Valgrind's thread number (1: the main thread; others in the order they
 * first allocated) of the live thread whose stack holds addr; 0 if none. */
int tt_roots_thread_of(uintptr_t addr) TT_HIDDEN;
/* The calling thread's stack as tt_roots_thread_start recorded it (false for
 * the main thread, which has no record, or an unknown stack). */
bool tt_roots_self_stack(uintptr_t *lo, uintptr_t *hi) TT_HIDDEN;
/* Roots the program registers (tether_register_root): [lo, lo + size),
 * replacing the size of one registered at the same lo. false when tether
 * is out of memory. */
bool tt_roots_register(uintptr_t lo, size_t size) TT_HIDDEN;
/* false if no root was registered at lo. */
bool tt_roots_unregister(uintptr_t lo) TT_HIDDEN;
/* The registered root containing addr: its start in *lo; false if none. */
bool tt_roots_user_of(uintptr_t addr, uintptr_t *lo) TT_HIDDEN;
/* The program moved the break itself (sbrk, brk) from old_brk to new_brk.
 * What it took is its own memory inside [heap], which tether otherwise
 * leaves out of the roots as glibc's (whose malloc moves the break through
 * glibc's internal __sbrk, not through these): a pool the program keeps
 * there (graphviz's libexpr) is a root, as Valgrind's brk segment is. */
void tt_roots_note_break(uintptr_t old_brk, uintptr_t new_brk) TT_HIDDEN;
/* fork and the stopped world: the registry lock. */
void tt_roots_lock(void) TT_HIDDEN;
void tt_roots_unlock(void) TT_HIDDEN;

#endif
