/* SPDX-License-Identifier: MIT */
/* Stack capture. Only tt_unwind_libunwind.c knows how. */
#ifndef TT_UNWIND_H
#define TT_UNWIND_H

#include "tt_common.h"

/* One-time set-up (caching policy); safe to call more than once. */
void tt_unwind_init(void) TT_HIDDEN;
/* Whether the calling thread is inside the unwinding library's set-up or
 * a validating walk (a pipe it opens then is the library's own). */
bool tt_unwind_in_library(void) TT_HIDDEN;
/* Captures up to max return addresses of the caller's stack into pcs,
 * dropping the leading frames whose pc lies in [skip_lo, skip_hi) (tether's
 * own code). Returns the number of frames stored. */
int tt_unwind_capture(uintptr_t *pcs, int max, uintptr_t skip_lo, uintptr_t skip_hi) TT_HIDDEN;

/* Like tt_unwind_capture, and also where each frame's return address is
 * kept: slots[i] is the stack address holding pcs[i] (a frame walk with
 * libunwind's full unwinder: slower, for filling caches). Returns the
 * number of frames, 0 if the walk failed. */
int tt_unwind_capture_slots(uintptr_t *pcs, uintptr_t *slots, int max, uintptr_t skip_lo,
                            uintptr_t skip_hi) TT_HIDDEN;

/* The stack where a signal interrupted the thread, from its handler's
 * ucontext: pcs[0] is the interrupted instruction itself (not a return
 * address), the rest the callers' return addresses. Returns the number of
 * frames stored. */
int tt_unwind_capture_context(uintptr_t *pcs, int max, void *ucontext) TT_HIDDEN;

#endif
