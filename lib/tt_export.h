/* SPDX-License-Identifier: MIT */
/* Machine-readable reports written at exit: JSON (docs/json-format.md, also
 * into $TETHER_RUN_DIR for the tether command's combined summary), SARIF
 * 2.1.0, and Valgrind's XML (protocol 4). Each process writes its own. */
#ifndef TT_EXPORT_H
#define TT_EXPORT_H

#include "tt_cycles.h"
#include "tt_report.h"

struct tt_fatal_info;

/* What the exit check found, as the writers need it. */
struct tt_export {
  const struct tt_options *opts;
  const struct tt_leak_totals *totals;
  const struct tt_loss_record *recs; /* in report order; suppressed ones flagged */
  size_t nrecs;
  const struct tt_owner_row *owners; /* largest first (empty: no owners named) */
  size_t nowners;
  const struct tt_cycles *cycles;    /* may be NULL */
  const struct tt_block *blocks;     /* the scan's blocks, for cycle members */
  int exit_status;                   /* what the process exits with */
  bool gate_failed;
  uint64_t errors, contexts, suppressed, suppressed_contexts;
  const struct tt_fatal_info *fatal; /* the fatal signal ending the process, or NULL */
};

/* At start-up: remembers $TETHER_RUN_DIR (the environment is gone by exit). */
void tt_export_init(void) TT_HIDDEN;
/* At start-up under the tether command: leaves PID.started (the command
 * line, NUL-separated words) in its run directory, so that its summary can
 * name a process that ends before its check writes a report (killed by
 * SIGKILL, or an exec into a program tether cannot follow). */
void tt_export_started(void) TT_HIDDEN;
/* In a forked child: its own PID.json in the run directory, opened now
 * (the parent's is closed), and its PID.started. */
void tt_export_fork_child(void) TT_HIDDEN;
/* The descriptor of this process's PID.json in the run directory, held
 * from its start to its report (-1: none), and moving it to another number
 * (the program is about to dup2 onto it). */
int tt_export_run_fd(void) TT_HIDDEN;
bool tt_export_move_run_fd(void) TT_HIDDEN;
/* Whether the options (or the run directory) ask for any of these reports. */
bool tt_export_wanted(const struct tt_options *opts) TT_HIDDEN;
/* Writes every report the options (and $TETHER_RUN_DIR) ask for. A file
 * that cannot be opened is a warning; the run goes on. */
void tt_export_write(const struct tt_export *x) TT_HIDDEN;

/* The reports, into o (tests and the writers). */
void tt_export_json(struct tt_out *o, const struct tt_export *x) TT_HIDDEN;
void tt_export_sarif(struct tt_out *o, const struct tt_export *x) TT_HIDDEN;
void tt_export_xml(struct tt_out *o, const struct tt_export *x) TT_HIDDEN;

#endif
