/* SPDX-License-Identifier: MIT */
/* Stack capture with libunwind, local unwinding only. The only file that
 * includes <libunwind.h>. unw_backtrace() takes libunwind's fast path: a
 * per-thread cache of frame descriptions built from DWARF CFI, so it is
 * correct in code built without frame pointers and costs ~100-150 ns for ten
 * frames once warm (../shared/bench unwcost). */
#define UNW_LOCAL_ONLY
#include "tt_unwind.h"

#include <libunwind.h>

#define TT_UNWIND_SLACK 3 /* tether's own frames that may precede the caller's */
#define TT_UNWIND_MAX 256

void tt_unwind_init(void) {
  unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_PER_THREAD);
}

int tt_unwind_capture(uintptr_t *pcs, int max, uintptr_t skip_lo, uintptr_t skip_hi) {
  void *raw[TT_UNWIND_MAX + TT_UNWIND_SLACK];
  if (max > TT_UNWIND_MAX)
    max = TT_UNWIND_MAX;
  if (max <= 0)
    return 0;
  int n = unw_backtrace(raw, max + TT_UNWIND_SLACK);
  int first = 0;
  while (first < n && (uintptr_t)raw[first] >= skip_lo && (uintptr_t)raw[first] < skip_hi)
    first++;
  int out = 0;
  for (int i = first; i < n && out < max; i++)
    pcs[out++] = (uintptr_t)raw[i];
  return out;
}
