/* SPDX-License-Identifier: MIT */
/* Options: the struct expanded from tt_options.inc, and the parser shared by
 * the preload (TETHER_OPTIONS) and the tether command (its flags). Plain C:
 * no allocation, no platform calls. */
#ifndef TT_OPTIONS_H
#define TT_OPTIONS_H

#include "tt_common.h"

struct tt_out;

enum tt_leak_check { TT_LEAK_CHECK_NO, TT_LEAK_CHECK_SUMMARY, TT_LEAK_CHECK_FULL };
enum tt_check_dangling { TT_DANGLING_NO, TT_DANGLING_YES, TT_DANGLING_ALL };
enum tt_gen_suppressions { TT_GENSUPP_NO, TT_GENSUPP_YES, TT_GENSUPP_ALL };
/* Leak kinds as a bit set. */
enum {
  TT_KIND_DEFINITE = 1,
  TT_KIND_INDIRECT = 2,
  TT_KIND_POSSIBLE = 4,
  TT_KIND_REACHABLE = 8,
  TT_KIND_ALL = 15
};

#define TT_OPT_PATH_MAX 4096
#define TT_TYPE_BOOL bool
#define TT_TYPE_INT int
#define TT_TYPE_LEAKCHECK int
#define TT_TYPE_KINDS unsigned
#define TT_TYPE_STRING char
#define TT_TYPE_SIZE size_t
#define TT_TYPE_DANGLING int
#define TT_TYPE_OWNERS char
#define TT_TYPE_PATHLIST char
#define TT_TYPE_GENSUPP int
#define TT_TYPE_TOOL int
#define TT_TYPE_HEURISTICS unsigned
#define TT_TYPE_SIGNAL int
#define TT_DIM_BOOL
#define TT_DIM_INT
#define TT_DIM_LEAKCHECK
#define TT_DIM_KINDS
#define TT_DIM_STRING [TT_OPT_PATH_MAX]
#define TT_DIM_SIZE
#define TT_DIM_DANGLING
#define TT_DIM_OWNERS [TT_OPT_PATH_MAX] /* names, each ended by a newline */
#define TT_DIM_SIGNAL
#define TT_DIM_PATHLIST [TT_OPT_PATH_MAX] /* paths, each ended by a newline */
#define TT_DIM_GENSUPP
#define TT_DIM_TOOL
#define TT_DIM_HEURISTICS

struct tt_options {
#define TT_OPT(type, field, flag, def, values, help) TT_TYPE_##type field TT_DIM_##type;
#include "tt_options.inc"
#undef TT_OPT
};

/* One row of the table, for help and documentation. */
struct tt_option_info {
  const char *flag, *def, *values, *help;
};
extern const struct tt_option_info tt_option_table[] TT_HIDDEN;
extern const int tt_option_count TT_HIDDEN;

/* The defaults. */
void tt_options_defaults(struct tt_options *o) TT_HIDDEN;
/* Sets one option from key and value (key: flag name, '-' or '_'). Returns
 * 0, or -1 with a one-line message in err ("unknown option 'x'", "bad value
 * 'y' for leak-check (expected no, summary or full)"). */
int tt_options_set(struct tt_options *o, const char *key, size_t keylen, const char *value,
                   size_t valuelen, char *err, size_t errsize) TT_HIDDEN;
/* Parses "key=value key=value" (separated by spaces or colons; a value may
 * be quoted with ' or "). Every good entry is applied; returns -1 with the
 * first error in err if any entry was bad. */
int tt_options_parse(struct tt_options *o, const char *s, char *err, size_t errsize) TT_HIDDEN;
/* Parses a leak-kind list into a bit set; -1 when malformed. */
int tt_options_parse_kinds(const char *s, size_t n, unsigned *out) TT_HIDDEN;
/* Whether --show-owner lets owner name (NULL: unowned) through: always
 * when the list is empty; the unowned blocks never pass a non-empty one. */
bool tt_options_show_owner(const struct tt_options *o, const char *name) TT_HIDDEN;
/* The name of signal sig ("SIGUSR1"), or NULL if the parser does not know it. */
const char *tt_options_signal_name(int sig) TT_HIDDEN;
/* Text of a kind set, e.g. "definite,possible". */
void tt_options_kinds_str(unsigned kinds, char *buf, size_t size) TT_HIDDEN;

/* s points at "%q{NAME}" of a file name (its '}' there): NAME into name
 * (cut to size - 1); returns where the '}' is. */
const char *tt_options_env_name(const char *s, char *name, size_t size) TT_HIDDEN;
/* Whether tmpl (the value of --flag, a file name) expands as meant: every
 * % followed by p, q{VAR} with VAR set, or %; else -1 and one line in err,
 * as Valgrind refuses such a name ("environment variable 'X' is not set"). */
int tt_options_check_path(const char *flag, const char *tmpl, char *err, size_t errsize) TT_HIDDEN;

#endif
