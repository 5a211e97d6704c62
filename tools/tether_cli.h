/* SPDX-License-Identifier: MIT */
/* What the parts of the tether command share: reading a per-process JSON
 * report (docs/json-format.md), the combined summary of many processes, and
 * the entry points of the supervisor and of `tether report`. The command
 * only; the preload never includes this (it writes JSON, never reads it). */
#ifndef TETHER_CLI_H
#define TETHER_CLI_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

/* ======================================================================== */
/* per-process reports (reports.c)                                          */
/* ======================================================================== */

/* Loads and checks one report. Returns the document (caller json_decref's
 * it), or NULL with a one-line reason in err ("not JSON: ... (line 3)",
 * "not a tether report (tool is 'valgrind')", ...). The checks cover the keys
 * this command reads, with their types; unknown keys are allowed, since the
 * format only ever adds keys. */
json_t *tt_cli_load_report(const char *path, char *err, size_t errsize);

/* The command column of the summary table is cut to this many bytes. */
#define TT_SUMMARY_COMMAND_MAX 72
/* Shell-like text of a "command" array ("./prog --flag 'two words'"), cut to
 * at most max bytes with "..." (max 0: no limit). Returns malloc'd text. */
char *tt_cli_command_text(const json_t *command, size_t max);

/* A number with Valgrind's thousands separators, into buf (at least 32). */
const char *tt_cli_num(char *buf, size_t size, long long v);

/* One row of the combined summary. */
struct tt_cli_row {
  long pid;
  bool has_report; /* false: the process wrote none, or it was unreadable */
  bool gate_failed;
  char status[32];  /* "0", "9", "SIGSEGV", "?" */
  long long lost;   /* definitely + indirectly lost bytes */
  long long errors; /* error_summary.errors */
  char *command;    /* malloc'd; for a row without report, the reason */
};

/* Fills a row from a loaded report (status from the report's exit_status). */
void tt_cli_row_from_report(struct tt_cli_row *row, const json_t *report);
/* Text of a wait(2) status: "7", "SIGTERM". */
void tt_cli_wait_status_text(int status, char *buf, size_t size);

/* Prints the combined summary (heading, table, gate line) with the
 * Valgrind-style prefix "==pid== " of the given pid. Rows are sorted by pid.
 * Returns how many rows failed the gate. */
int tt_cli_print_summary(FILE *out, long prefix_pid, struct tt_cli_row *rows, size_t n);

/* ======================================================================== */
/* entry points                                                             */
/* ======================================================================== */

/* What the supervisor needs to know of the options it passes on. */
struct tt_cli_run {
  char **argv;          /* the program and its arguments */
  const char *log_file; /* the effective --log-file ("" for stderr) */
  int error_exitcode;   /* the effective --error-exitcode */
  bool quiet;           /* -q: the combined summary only when a process failed the gate */
  bool trace_children;  /* --trace-children: a program exec'd runs checked */
  int verbose;
};

/* Runs the program as tether's child with the environment already set
 * (LD_PRELOAD, TETHER_OPTIONS), waits for the whole process tree, prints the
 * combined summary and returns tether's exit status (or re-raises the signal
 * the program died of). */
int tt_cli_supervise(const struct tt_cli_run *run);

/* `tether report ARGS...` (argv[0] is "report"); returns the exit status. */
int tt_cli_report_main(int argc, char **argv);

#endif
