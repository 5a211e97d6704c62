/* SPDX-License-Identifier: MIT */
/* See test_capture.h. Keep this file last among the test sources. */
#include "test_capture.h"

#include "tt_stacks.h"
#include "tt_unwind.h"

TT_NOINLINE void tt_unit_capture_helper(struct tt_unit_capture *c) {
  uintptr_t ra_slot = (uintptr_t)__builtin_frame_address(0) + sizeof(void *);
  c->ra_slot = ra_slot;
  c->ra = (uintptr_t)__builtin_return_address(0);
  c->id = tt_stacks_capture(ra_slot, c->max, c->skip_lo, c->skip_hi);
  c->fresh_n = tt_unwind_capture(c->fresh, c->max, c->skip_lo, c->skip_hi);
  c->fresh_id = tt_stacks_intern(c->fresh, c->fresh_n);
  __asm__ volatile("" ::: "memory"); /* no tail call: this frame stays */
}
