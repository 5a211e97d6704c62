/* SPDX-License-Identifier: MIT */
/* Stack capture with libunwind, local unwinding only. The only file that
 * includes <libunwind.h>. unw_backtrace() takes libunwind's fast path: a
 * per-thread cache of frame descriptions built from DWARF CFI, so it is
 * correct in code built without frame pointers and costs ~100-150 ns for ten
 * frames once warm (../shared/bench unwcost). */
#define UNW_LOCAL_ONLY
#include "tt_unwind.h"

#include <libunwind.h>

#include "tt_os.h"

/* tether's own frames that may precede the caller's: this one, the
 * capture's slow path and the capture (one frame when the compiler makes
 * the calls jumps, three when it does not: a build without optimisation),
 * the entry point (malloc). Fewer, and such a build's stacks lost their
 * outermost frames. */
#define TT_UNWIND_SLACK 4
#define TT_UNWIND_MAX 256

/* Inside libunwind's set-up or one of its validating walks: a pipe it
 * opens now is its own, to move out of the program's way (tt_fds.c). */
static __thread int in_library __attribute__((tls_model("initial-exec")));

bool tt_unwind_in_library(void) { return in_library > 0; }

void tt_unwind_init(void) {
  /* libunwind opens a pipe at its first call and keeps it (to check
   * addresses): in a process started with stdin closed it took fd 0, and
   * the program found a pipe there (CPython's posix_spawn test); else it
   * took 3 and 4, which a program listing its descriptors saw (CPython's
   * test_subprocess). The preload's pipe2 moves it to tether's range; the
   * placeholders keep 0-2 where there is no preload (the unit tests). */
  unsigned held = tt_os_hold_std_fds();
  in_library++;
  unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_PER_THREAD);
  in_library--;
  tt_os_release_std_fds(held);
}

int tt_unwind_capture(uintptr_t *pcs, int max, uintptr_t skip_lo, uintptr_t skip_hi) {
  if (max > TT_UNWIND_MAX)
    max = TT_UNWIND_MAX;
  if (max <= 0)
    return 0;
  void *raw[max + TT_UNWIND_SLACK]; /* what was asked for: stacks may be small */
  int n = unw_backtrace(raw, max + TT_UNWIND_SLACK);
  int first = 0;
  while (first < n && (uintptr_t)raw[first] >= skip_lo && (uintptr_t)raw[first] < skip_hi)
    first++;
  int out = 0;
  for (int i = first; i < n && out < max; i++)
    pcs[out++] = (uintptr_t)raw[i];
  return out;
}

int tt_unwind_capture_slots(uintptr_t *pcs, uintptr_t *slots, int max, uintptr_t skip_lo,
                            uintptr_t skip_hi) {
  unw_context_t uc;
  unw_cursor_t cur;
  if (max > TT_UNWIND_MAX)
    max = TT_UNWIND_MAX;
  if (max <= 0)
    return 0;
  in_library++;
  int out = 0, guard = 0;
  if (unw_getcontext(&uc) != 0 || unw_init_local(&cur, &uc) != 0)
    goto done;
  bool skipping = true;
  /* Frame k's pc, once k >= 1, is the return address its callee's call
   * pushed: it sits just below frame k's stack pointer. */
  while (out < max && guard++ < max + TT_UNWIND_SLACK + 64) {
    if (unw_step(&cur) <= 0)
      break;
    unw_word_t ip = 0, sp = 0;
    if (unw_get_reg(&cur, UNW_REG_IP, &ip) != 0 || unw_get_reg(&cur, UNW_REG_SP, &sp) != 0) {
      out = 0;
      break;
    }
    if (skipping && ip >= skip_lo && ip < skip_hi)
      continue;
    skipping = false;
    pcs[out] = (uintptr_t)ip;
    slots[out] = (uintptr_t)sp - sizeof(uintptr_t);
    if (*(const uintptr_t *)slots[out] != (uintptr_t)ip) {
      out = 0; /* not a plain call frame (a signal frame...): do not trust */
      break;
    }
    out++;
  }
done:
  in_library--;
  return out;
}

int tt_unwind_capture_context(uintptr_t *pcs, int max, void *ucontext) {
  unw_cursor_t cur;
  if (max > TT_UNWIND_MAX)
    max = TT_UNWIND_MAX;
  /* On x86-64 and AArch64 Linux, unw_context_t is the ucontext_t a signal
   * handler gets; UNW_INIT_SIGNAL_FRAME says its pc is not a return
   * address. */
  if (max <= 0 || !ucontext)
    return 0;
  in_library++;
  int out = 0;
  if (unw_init_local2(&cur, (unw_context_t *)ucontext, UNW_INIT_SIGNAL_FRAME) == 0) {
    do {
      unw_word_t ip = 0;
      if (unw_get_reg(&cur, UNW_REG_IP, &ip) != 0 || !ip)
        break;
      pcs[out++] = (uintptr_t)ip;
    } while (out < max && unw_step(&cur) > 0);
  }
  in_library--;
  return out;
}
