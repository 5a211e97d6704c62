/* SPDX-License-Identifier: MIT */
/* The public API (include/tether.h): the functions libtether.so exports and
 * the table the header finds them by ("tether_api_v1"). Thin: checks the
 * arguments (misuse is one warning line, never a crash), then drives owners,
 * roots and the check. Also the --check-signal thread.
 *
 * Every call raises the re-entrancy guard first (tt_preload_enter_api), so what
 * tether allocates on the program's behalf (names, reports) is its own. */
#ifndef TETHER_IMPLEMENTATION
#define TETHER_IMPLEMENTATION
#endif
#include "tether.h"

#include <string.h>

#include "tt_check.h"
#include "tt_heap.h"
#include "tt_log.h"
#include "tt_os.h"
#include "tt_owners.h"
#include "tt_preload.h"
#include "tt_report.h"
#include "tt_roots.h"

/* Where this function's return address sits (tether is built with frame
 * pointers): the stack of the program's call starts there. */
#define TT_RA_SLOT() ((uintptr_t)__builtin_frame_address(0) + sizeof(void *))

/* ======================================================================== */
/* misuse                                                                    */
/* ======================================================================== */

/* "Warning: tether_set_owner: 0x... is not ..." for a pointer that is not
 * the start of a live block. */
static void not_a_block(const char *call, const void *p) {
  struct tt_block b;
  uintptr_t a = (uintptr_t)p;
  if (!p)
    tt_warn("%s: a null pointer is not a heap block; ignored", call);
  else if (tt_heap_lookup(a, &b) && tt_block_quarantined(&b))
    tt_warn("%s: 0x%lx is a freed block; ignored", call, (unsigned long)a);
  else if (tt_heap_find_containing(a, &b) && !tt_block_quarantined(&b))
    tt_warn("%s: 0x%lx is not the start of a heap block (it is %'zu bytes inside a block of "
            "size %'zu); ignored",
            call, (unsigned long)a, (size_t)(a - b.addr), tt_block_size(&b));
  else
    tt_warn("%s: 0x%lx is not a heap block tether knows; ignored", call, (unsigned long)a);
}

/* ======================================================================== */
/* owners                                                                    */
/* ======================================================================== */

TT_EXPORT int tether_running(void) { return 1; }

TT_EXPORT void tether_set_owner(const void *block, const char *owner) {
  if (!tt_preload_enter_api("tether_set_owner"))
    return;
  uint32_t id = tt_owners_intern(owner);
  struct tt_block before;
  if (!block || !tt_heap_update_live((uintptr_t)block, true, id, 0, TT_BLOCK_TRANSFERRED, &before))
    not_a_block("tether_set_owner", block);
  else if (tt_block_flags(&before) & TT_BLOCK_TRANSFERRED)
    tt_owners_forget_transfer((uintptr_t)block);
  tt_preload_leave();
}

TT_EXPORT TT_NOINLINE void tether_transfer(const void *block, const char *new_owner) {
  if (!tt_preload_enter_api("tether_transfer"))
    return;
  uint32_t stack = tt_preload_capture(TT_RA_SLOT());
  uint32_t id = tt_owners_intern(new_owner);
  /* The stack goes in first: a report between the two steps must not see
   * the flag without it. */
  if (block)
    tt_owners_set_transfer((uintptr_t)block, stack);
  if (!block || !tt_heap_update_live((uintptr_t)block, true, id, TT_BLOCK_TRANSFERRED, 0, NULL)) {
    if (block)
      tt_owners_forget_transfer((uintptr_t)block);
    not_a_block("tether_transfer", block);
  }
  tt_preload_leave();
}

TT_EXPORT const char *tether_owner_of(const void *block) {
  if (!block || !tt_preload_enter_api("tether_owner_of"))
    return NULL;
  struct tt_block b;
  const char *name = NULL;
  if (tt_heap_lookup((uintptr_t)block, &b) &&
      !(tt_block_flags(&b) & (TT_BLOCK_QUARANTINED | TT_BLOCK_UNTRACKED)))
    name = tt_owners_name(b.owner);
  tt_preload_leave();
  return name;
}

TT_EXPORT void tether_scope_push(const char *owner) {
  if (!tt_preload_enter_api("tether_scope_push"))
    return;
  tt_owners_push(tt_owners_intern(owner));
  if (tt_owners_depth() == TT_OWNER_SCOPE_MAX + 1)
    tt_warn("tether_scope_push: scopes nested deeper than %d on one thread; the deeper ones "
            "are counted, and their pops restore the owner of scope %d",
            TT_OWNER_SCOPE_MAX, TT_OWNER_SCOPE_MAX);
  tt_preload_leave();
}

TT_EXPORT void tether_scope_pop(void) {
  if (!tt_preload_enter_api("tether_scope_pop"))
    return;
  if (!tt_owners_pop())
    tt_warn("tether_scope_pop: no scope to pop on this thread (a pop without a push); ignored");
  tt_preload_leave();
}

TT_EXPORT void tether_ignore(const void *block) {
  if (!tt_preload_enter_api("tether_ignore"))
    return;
  if (!block || !tt_heap_update_live((uintptr_t)block, false, 0, TT_BLOCK_IGNORED, 0, NULL))
    not_a_block("tether_ignore", block);
  tt_preload_leave();
}

TT_EXPORT void tether_refcounted(const void *object, const void *count_field,
                                 size_t count_size) {
  if (!tt_preload_enter_api("tether_refcounted"))
    return;
  struct tt_block b;
  if (count_size != 1 && count_size != 2 && count_size != 4 && count_size != 8) {
    tt_warn("tether_refcounted: a count of %zu bytes is not 1, 2, 4 or 8; ignored", count_size);
  } else if (!count_field) {
    tt_warn("tether_refcounted: the count field is a null pointer; ignored");
  } else if (!object || !tt_heap_lookup((uintptr_t)object, &b) ||
             (tt_block_flags(&b) & (TT_BLOCK_QUARANTINED | TT_BLOCK_UNTRACKED))) {
    not_a_block("tether_refcounted", object);
  } else if (!tt_owners_set_refcount((uintptr_t)object, tt_block_size(&b),
                                     (uintptr_t)count_field, (unsigned)count_size)) {
    tt_warn("tether_refcounted: out of memory for the refcount table; ignored");
  } else if (!tt_heap_update_live((uintptr_t)object, false, 0, TT_BLOCK_REFCOUNTED, 0, NULL)) {
    tt_owners_forget_block((uintptr_t)object); /* freed meanwhile */
    not_a_block("tether_refcounted", object);
  }
  tt_preload_leave();
}

/* ======================================================================== */
/* roots                                                                     */
/* ======================================================================== */

TT_EXPORT void tether_register_root(const void *begin, size_t size) {
  if (!tt_preload_enter_api("tether_register_root"))
    return;
  if (!begin || !size || (uintptr_t)begin + size < (uintptr_t)begin)
    tt_warn("tether_register_root: [0x%lx, +%'zu) is not a memory range; ignored",
            (unsigned long)(uintptr_t)begin, size);
  else if (!tt_roots_register((uintptr_t)begin, size))
    tt_warn("tether_register_root: out of memory for the root table; ignored");
  tt_preload_leave();
}

TT_EXPORT void tether_unregister_root(const void *begin) {
  if (!tt_preload_enter_api("tether_unregister_root"))
    return;
  if (!tt_roots_unregister((uintptr_t)begin))
    tt_warn("tether_unregister_root: no root was registered at 0x%lx; ignored",
            (unsigned long)(uintptr_t)begin);
  tt_preload_leave();
}

/* ======================================================================== */
/* checks                                                                    */
/* ======================================================================== */

/* A check on demand, below the exported function's frame so that its own
 * large locals lie below entry_sp and are not roots. Waits for a check
 * another thread is running. */
static TT_NOINLINE size_t run_check(enum tt_check_mode mode, uint32_t owner, const char *title,
                                    uintptr_t entry_sp, const uintptr_t *entry_regs) {
  const struct tt_options *opts = tt_preload_options();
  tt_preload_reopen_log_if_forked();
  struct tt_out o;
  tt_out_init(&o, tt_log_fd());
  struct tt_check_request req = {opts, &o, entry_sp, mode, opts->quiet,
                                 tt_preload_real_malloc(), owner, title, 0, entry_regs, NULL};
  struct tt_leak_totals t;
  struct tt_check_result res;
  int rc;
  while ((rc = tt_check_run(&req, &t, &res)) == -16)
    tt_os_yield();
  if (rc != 0)
    tt_report_line(&o, "tether: the leak check could not run (errno %d)", -rc);
  tt_out_flush(&o);
  return mode == TT_CHECK_OWNER ? (size_t)res.owner_blocks : (size_t)res.lost_bytes;
}

TT_EXPORT size_t tether_check_owner(const char *owner) {
  struct tt_thread_state regs;
  tt_os_save_own_registers(&regs); /* the program's, before tether's code runs */
  if (!tt_preload_enter_api("tether_check_owner"))
    return 0;
  size_t n = 0;
  uint32_t id = tt_owners_find(owner);
  if (id || !owner || !owner[0]) /* a name never used owns nothing */
    n = run_check(TT_CHECK_OWNER, id, NULL, tt_os_current_sp(), regs.regs);
  tt_preload_leave();
  return n;
}

TT_EXPORT size_t tether_check_leaks(void) {
  struct tt_thread_state regs;
  tt_os_save_own_registers(&regs); /* the program's, before tether's code runs */
  if (!tt_preload_enter_api("tether_check_leaks"))
    return 0;
  size_t n = run_check(TT_CHECK_FULL, 0, "Leak check (tether_check_leaks):", tt_os_current_sp(),
                       regs.regs);
  tt_preload_leave();
  return n;
}

TT_EXPORT size_t tether_check_new_leaks(void) {
  struct tt_thread_state regs;
  tt_os_save_own_registers(&regs); /* the program's, before tether's code runs */
  if (!tt_preload_enter_api("tether_check_new_leaks"))
    return 0;
  size_t n = run_check(TT_CHECK_NEW, 0, "Leak check, new leaks only (tether_check_new_leaks):",
                       tt_os_current_sp(), regs.regs);
  tt_preload_leave();
  return n;
}

/* The table the header looks up. */
TT_EXPORT const tether_api_v1_t tether_api_v1 = {
    sizeof(tether_api_v1_t), tether_running,       tether_set_owner,   tether_transfer,
    tether_owner_of,         tether_scope_push,    tether_scope_pop,   tether_check_owner,
    tether_ignore,           tether_register_root, tether_unregister_root,
    tether_check_leaks,      tether_check_new_leaks, tether_refcounted,
};

/* ======================================================================== */
/* --check-signal                                                            */
/* ======================================================================== */

/* The handler only wakes the thread: a check stops the world, takes locks
 * and symbolizes, none of which a signal handler may do. */
static int signal_pending;
static int check_signal;
static char signal_title[96];

static void check_signal_handler(int sig) {
  (void)sig;
  __atomic_store_n(&signal_pending, 1, __ATOMIC_RELEASE);
  tt_os_futex_wake(&signal_pending);
}

static void *signal_thread(void *arg) {
  (void)arg;
  for (;;) {
    while (!__atomic_exchange_n(&signal_pending, 0, __ATOMIC_ACQ_REL))
      tt_os_futex_wait(&signal_pending, 0);
    if (!tt_preload_enter())
      continue; /* tether stopped: the exit check ran */
    run_check(TT_CHECK_NEW, 0, signal_title, tt_os_current_sp(), NULL); /* tether's thread */
    tt_preload_leave();
  }
  return NULL;
}

static void start_signal_thread(void) {
  int rc = tt_os_start_thread(signal_thread, NULL);
  if (rc != 0)
    tt_warn("--check-signal: cannot start tether's check thread (errno %d); no checks on "
            "signal", -rc);
}

void tt_api_init(const struct tt_options *opts) {
  tt_report_set_transfer_entry((uintptr_t)&tether_transfer);
  check_signal = opts->check_signal;
  if (!check_signal)
    return;
  const char *name = tt_options_signal_name(check_signal);
  if (name)
    tt_fmt(signal_title, sizeof signal_title, "Leak check, new leaks only (on %s):", name);
  else
    tt_fmt(signal_title, sizeof signal_title, "Leak check, new leaks only (on signal %d):",
           check_signal);
  int rc = tt_os_catch_signal(check_signal, check_signal_handler);
  if (rc != 0) {
    tt_warn("--check-signal: cannot catch signal %d (errno %d); no checks on signal",
            check_signal, -rc);
    check_signal = 0;
    return;
  }
  start_signal_thread();
}

void tt_api_fork_child(void) {
  __atomic_store_n(&signal_pending, 0, __ATOMIC_RELAXED);
  if (check_signal)
    start_signal_thread(); /* the parent's did not come along */
}
