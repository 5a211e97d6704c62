/* SPDX-License-Identifier: MIT */
/* The stack-capture test's helper (test_capture_helper.c): it plays the
 * allocation function, whose return-address slot tt_stacks_capture is given.
 * It lives in an object of its own, linked after every other test object
 * and just before tether_core, so [helper, end of text) covers it and
 * tether's code but none of the test frames above it. */
#ifndef TT_TEST_CAPTURE_H
#define TT_TEST_CAPTURE_H

#include <stdint.h>

#define TT_UNIT_CAPTURE_FRAMES 64

struct tt_unit_capture {
  int max;                /* in: frames to capture */
  uintptr_t skip_lo, skip_hi; /* in: tether's frames (and the helper's) */
  uint32_t id;            /* tt_stacks_capture's answer */
  uint32_t fresh_id;      /* tt_stacks_intern of a fresh tt_unwind_capture */
  int fresh_n;
  uintptr_t fresh[TT_UNIT_CAPTURE_FRAMES];
  uintptr_t ra_slot;      /* the helper's return-address slot */
  uintptr_t ra;           /* the helper's return address (into its caller) */
};

void tt_unit_capture_helper(struct tt_unit_capture *c);

#endif
