/* SPDX-License-Identifier: MIT */
/* Rendering: the text report in Valgrind's layout, line for line. Knows
 * nothing of how the numbers were found. */
#ifndef TT_REPORT_H
#define TT_REPORT_H

#include "tt_heap.h"
#include "tt_log.h"
#include "tt_options.h"
#include "tt_suppress.h"

/* One loss record: blocks of one allocation stack, owner and state. */
struct tt_loss_record {
  uint32_t stack;
  uint32_t owner;
  uint32_t xfer;  /* the stack of the tether_transfer that set the owner, or 0 */
  uint8_t state;  /* enum tt_leak_state */
  uint8_t kind;   /* enum tt_alloc_kind of the first block (names frame 0) */
  uint8_t suppressed; /* a suppression matched it */
  uint64_t blocks;
  uint64_t bytes;          /* direct */
  uint64_t indirect_bytes; /* what the record's blocks lead, for definite records */
};

struct tt_leak_totals {
  uint64_t bytes[4], blocks[4]; /* by enum tt_leak_state */
  uint64_t suppressed_bytes, suppressed_blocks;
  uint64_t heur_bytes[5], heur_blocks[5]; /* still reachable through each heuristic */
  uint64_t in_use_bytes, in_use_blocks;
  uint64_t allocs, frees, bytes_allocated;
  uint64_t error_records;   /* loss records that count as errors */
  uint64_t suppressed_records; /* loss records a suppression matched */
  uint64_t suppressed_error_records; /* ... of a kind that counts as an error */
  uint64_t records;
};

/* Where the entry points live, to print frame 0 ("at 0x...: malloc (in
 * /path/libtether.so)"): the allocation functions by enum tt_alloc_kind and
 * the release functions by enum tt_release_kind. */
void tt_report_set_entry_points(const uintptr_t *alloc_pcs, const uintptr_t *release_pcs,
                                const char *self_path) TT_HIDDEN;

/* Where tether_transfer lives, for frame 0 of transfer stacks. */
void tt_report_set_transfer_entry(uintptr_t pc) TT_HIDDEN;

/* "==PID== " prefixed output. */
void tt_report_line(struct tt_out *o, const char *fmt, ...) TT_HIDDEN
    __attribute__((format(gnu_printf, 2, 3)));
void tt_report_banner(struct tt_out *o, const char *cmdline, size_t cmdlen) TT_HIDDEN;
void tt_report_heap_summary(struct tt_out *o, const struct tt_leak_totals *t) TT_HIDDEN;
/* A stack: frame 0 is the allocation function (kind), then the captured
 * frames, cut after main unless show_below_main. */
void tt_report_stack(struct tt_out *o, uint32_t stack, unsigned kind,
                     const struct tt_options *opts) TT_HIDDEN;
/* The same, every line indent spaces further right (inside a finding). */
void tt_report_stack_indented(struct tt_out *o, uint32_t stack, unsigned kind,
                              const struct tt_options *opts, int indent) TT_HIDDEN;
/* The same with a release function (enum tt_release_kind) as frame 0. */
void tt_report_release_stack(struct tt_out *o, uint32_t stack, unsigned how,
                             const struct tt_options *opts) TT_HIDDEN;
/* The stack where a fatal signal hit (tt_unwind_capture_context's): frame
 * 0, "at", is the instruction it interrupted. */
void tt_report_signal_stack(struct tt_out *o, uint32_t stack, const struct tt_options *opts)
    TT_HIDDEN;
/* A stack whose frame 0 is the tether entry point name at pc. */
void tt_report_stack_at(struct tt_out *o, uintptr_t pc, const char *name, uint32_t stack,
                        const struct tt_options *opts) TT_HIDDEN;
/* " Owner: "NAME"" (or "none"), and where a transfer set it. */
void tt_report_owner(struct tt_out *o, uint32_t owner, uint32_t xfer,
                     const struct tt_options *opts) TT_HIDDEN;
/* A loss record; with owners (the program named some) it says its owner. */
void tt_report_loss_record(struct tt_out *o, const struct tt_loss_record *r, size_t index,
                           size_t total, const struct tt_options *opts) TT_HIDDEN;
void tt_report_leak_summary(struct tt_out *o, const struct tt_leak_totals *t,
                            const struct tt_options *opts) TT_HIDDEN;
/* The same with each number's change since prev, as Valgrind's
 * --leak-check=full at an added-leak check prints them: "48 (+16) bytes". */
void tt_report_leak_summary_delta(struct tt_out *o, const struct tt_leak_totals *t,
                                  const struct tt_leak_totals *prev,
                                  const struct tt_options *opts) TT_HIDDEN;

/* One row of the LEAKS BY OWNER table: by enum tt_leak_state, with the
 * suppressed bytes and blocks at TT_STATE_SUPPRESSED. */
struct tt_owner_row {
  uint32_t owner; /* 0: the unowned blocks */
  uint64_t bytes[6], blocks[6];
};
/* The table, rows sorted largest total first (the caller sorts). */
void tt_report_owner_table(struct tt_out *o, const struct tt_owner_row *rows, size_t n) TT_HIDDEN;
void tt_report_error_summary(struct tt_out *o, uint64_t errors, uint64_t contexts,
                             uint64_t suppressed, uint64_t suppressions) TT_HIDDEN;
/* A stack as suppressions see it: frame 0 the tether entry point the
 * program called (an allocation function by enum tt_alloc_kind, or a
 * release function by enum tt_release_kind), then the captured frames with
 * the functions inlined at each. Returns how many (at most max); *shown:
 * how many of them a report prints (up to main). */
#define TT_REPORT_MAX_FRAMES 512
/* With --show-below-main=yes, *shown counts every frame. */
void tt_report_set_show_below_main(bool yes) TT_HIDDEN;
int tt_report_alloc_frames(uint32_t stack, unsigned kind, struct tt_supp_frame *out, int max,
                           int *shown) TT_HIDDEN;
int tt_report_release_frames(uint32_t stack, unsigned how, struct tt_supp_frame *out, int max,
                             int *shown) TT_HIDDEN;
/* tt_report_alloc_frames by name and object only (no file:line, no
 * inlined frames; the symbol tables, not the debug information): for the
 * records a report does not show, which the JSON still lists. */
int tt_report_alloc_frames_brief(uint32_t stack, unsigned kind, struct tt_supp_frame *out,
                                 int max, int *shown) TT_HIDDEN;
/* ... of a tether_transfer call. */
/* The frames of a signal's stack (tt_report_signal_stack's), frame 0 the
 * interrupted instruction. */
int tt_report_signal_frames(uint32_t stack, struct tt_supp_frame *out, int max, int *shown)
    TT_HIDDEN;
int tt_report_transfer_frames(uint32_t stack, struct tt_supp_frame *out, int max, int *shown)
    TT_HIDDEN;
/* The Valgrind word for a state: "definitely lost", ... */
const char *tt_report_state_name(unsigned state) TT_HIDDEN;

#endif
