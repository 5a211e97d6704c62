/* SPDX-License-Identifier: MIT */
/* One whole leak check, at exit or on demand: stop the world, roots, scan,
 * classify, aggregate loss records, symbolize, render, resume. */
#ifndef TT_CHECK_H
#define TT_CHECK_H

#include "tt_options.h"
#include "tt_report.h"

struct tt_check_request {
  const struct tt_options *opts;
  struct tt_out *out;       /* where the report goes */
  uintptr_t entry_sp;       /* the checking thread's stack pointer at entry */
  bool at_exit;             /* print the exit-time summaries */
  bool quiet;
  void *malloc_fn;          /* the real malloc (to find the allocator's state) */
};

/* Runs a check and writes the report. Returns 0, or -errno when the check
 * could not run (then *totals is zeroed). */
int tt_check_run(const struct tt_check_request *req, struct tt_leak_totals *totals) TT_HIDDEN;

/* The locks a check needs, in the documented order. */
void tt_check_lock_all(void) TT_HIDDEN;
void tt_check_unlock_all(void) TT_HIDDEN;
/* fork: every tether lock, so that the child inherits none held by a thread
 * that does not exist there; the child also forgets a check in progress. */
void tt_check_fork_prepare(void) TT_HIDDEN;
void tt_check_fork_parent(void) TT_HIDDEN;
void tt_check_fork_child(void) TT_HIDDEN;

#endif
