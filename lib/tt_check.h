/* SPDX-License-Identifier: MIT */
/* One whole leak check, at exit or on demand: stop the world, roots, scan,
 * classify, aggregate loss records, symbolize, render, resume. */
#ifndef TT_CHECK_H
#define TT_CHECK_H

#include "tt_options.h"
#include "tt_report.h"

struct tt_fatal_info;

enum tt_check_mode {
  TT_CHECK_EXIT,  /* at exit: HEAP SUMMARY, loss records, LEAK SUMMARY, owners */
  TT_CHECK_FULL,  /* tether_check_leaks: loss records, LEAK SUMMARY, owners */
  TT_CHECK_NEW,   /* tether_check_new_leaks: only blocks no check reported yet;
                     the LEAK SUMMARY with each total's change since the last check */
  TT_CHECK_OWNER  /* tether_check_owner: the live blocks of one owner, each group
                     with why its first block is alive */
};

struct tt_check_request {
  const struct tt_options *opts;
  struct tt_out *out;       /* where the report goes */
  uintptr_t entry_sp;       /* the checking thread's stack pointer at entry */
  enum tt_check_mode mode;
  bool quiet;
  void *malloc_fn;          /* the real malloc (to find the allocator's state) */
  uint32_t owner;           /* TT_CHECK_OWNER: the owner's id (0: the unowned blocks) */
  const char *title;        /* on-demand checks: the heading line, or NULL */
  int program_status;       /* TT_CHECK_EXIT: the status the program exits with */
  const uintptr_t *entry_regs; /* the checking thread's registers at entry
                                  (TT_REGS_WORDS), or NULL: taken at the check */
  const struct tt_fatal_info *fatal; /* TT_CHECK_EXIT: the signal ending the process, or NULL */
};

/* What a check found besides the leak totals. */
struct tt_check_result {
  uint64_t lost_bytes;      /* definitely and indirectly lost (NEW: in blocks not reported before) */
  uint64_t owner_blocks;    /* TT_CHECK_OWNER: live blocks of the owner */
};

/* Runs a check and writes the report. Returns 0, or -errno when the check
 * could not run (then *totals is zeroed); -EBUSY when another thread's
 * check is running. res may be NULL. */
int tt_check_run(const struct tt_check_request *req, struct tt_leak_totals *totals,
                 struct tt_check_result *res) TT_HIDDEN;

/* At exit: looks for writes into the blocks still in the quarantine
 * (tt_quarantine_check_all), one check at a time (waits for another
 * thread's). */
void tt_check_verify_quarantine(void) TT_HIDDEN;

/* Whether a process with these totals and lifetime errors fails the gate
 * (what --error-exitcode acts on): lifetime errors, or leaks of a kind in
 * --errors-for-leak-kinds (not suppressed). */
bool tt_check_gate(const struct tt_options *opts, const struct tt_leak_totals *t,
                   uint64_t lifetime_errors) TT_HIDDEN;

/* The locks a check needs, in the documented order. */
void tt_check_lock_all(void) TT_HIDDEN;
void tt_check_unlock_all(void) TT_HIDDEN;
/* fork: every tether lock, so that the child inherits none held by a thread
 * that does not exist there; the child also forgets a check in progress. */
void tt_check_fork_prepare(void) TT_HIDDEN;
void tt_check_fork_parent(void) TT_HIDDEN;
void tt_check_fork_child(void) TT_HIDDEN;

#endif
