/* SPDX-License-Identifier: MIT */
/* Suppressions: Valgrind's format ({ name / Memcheck:Leak / match-leak-kinds:
 * ... / fun: obj: src: ... frames }) and LeakSanitizer's (leak:PATTERN lines),
 * read from files; matched against symbolized stacks; counted; and printed
 * for --gen-suppressions. Plain C: the caller reads the files. */
#ifndef TT_SUPPRESS_H
#define TT_SUPPRESS_H

#include "tt_common.h"

struct tt_out;

/* What a suppression applies to. Valgrind's Memcheck kinds tether has no
 * counterpart for (Addr4, Cond, Param, ...) are read and never match. */
enum tt_supp_kind {
  TT_SUPP_LEAK,        /* Memcheck:Leak; LeakSanitizer's leak: */
  TT_SUPP_FREE,        /* Memcheck:Free: invalid, double and mismatched frees */
  TT_SUPP_WRITE_AFTER_FREE, /* tether:WriteAfterFree */
  TT_SUPP_DANGLING,    /* tether:Dangling */
  TT_SUPP_REFCOUNT,    /* tether:Refcount */
  TT_SUPP_NEVER,       /* another tool's or kind: never matches */
  TT_SUPP_KIND_COUNT
};

/* One frame of a stack, as suppressions see it. */
struct tt_supp_frame {
  uintptr_t pc;
  const char *fun;     /* demangled function, or NULL */
  const char *mangled; /* the symbol as the object has it, or NULL */
  const char *obj;     /* the module's path, or NULL */
  const char *file;    /* source file (base name), or NULL */
  const char *path;    /* source file as the debug information names it, or NULL */
  int line;
  const char *symbol;  /* a frame shown as "(below main)" (fun and mangled): the C
                          runtime's name, which patterns match too; else NULL */
};

/* Reads suppressions from text (the whole file), named file for messages.
 * Returns the number read, or -1 with one line in err, naming the file and
 * line and what was expected ("x.supp:3: expected '{' to start a
 * suppression, found 'foo'"); nothing of a bad file is kept. -2 where
 * tether ran out of memory reading it (the file may be good). */
int tt_suppress_parse(const char *text, size_t len, const char *file, char *err, size_t errsize)
    TT_HIDDEN;
/* Forgets every suppression (tests). */
void tt_suppress_reset(void) TT_HIDDEN;
size_t tt_suppress_count(void) TT_HIDDEN;
/* The leak kinds (TT_KIND_* bits) some leak suppression matches: a loss
 * record of another kind needs no symbolized stack to be matched. */
unsigned tt_suppress_leak_kinds(void) TT_HIDDEN;

/* The first suppression of kind that matches the stack frames[0..n) (frame
 * 0 innermost); for TT_SUPP_LEAK also the leak kind (a TT_KIND_* bit).
 * Counts the use (bytes and blocks for leaks). Returns its name, or NULL. */
const char *tt_suppress_match(enum tt_supp_kind kind, unsigned leak_kind,
                              const struct tt_supp_frame *frames, int n, uint64_t bytes,
                              uint64_t blocks) TT_HIDDEN;

/* Another occurrence of an error the suppression called name suppressed
 * (name: what tt_suppress_match returned). */
void tt_suppress_used_again(const char *name) TT_HIDDEN;
/* "used_suppression: N name file:line" lines (Valgrind's -v), "--PID-- " prefixed. */
void tt_suppress_print_used(struct tt_out *o) TT_HIDDEN;
/* Calls fn for every suppression used, with how often and its name. */
void tt_suppress_for_each_used(void (*fn_cb)(uint64_t count, const char *name, void *arg),
                               void *arg) TT_HIDDEN;
/* How many errors were suppressed, and by how many suppressions. */
void tt_suppress_totals(uint64_t *errors, uint64_t *used) TT_HIDDEN;

/* "Memcheck:Leak", "tether:WriteAfterFree"...: the kind line of a block. */
const char *tt_suppress_kind_line(enum tt_supp_kind kind) TT_HIDDEN;
/* What a generated block names a frame by: its (mangled) function, with
 * *is_fun, else its object (or "*"). */
const char *tt_suppress_frame_name(const struct tt_supp_frame *f, bool *is_fun) TT_HIDDEN;
/* A ready suppression block for this stack (--gen-suppressions), without
 * the "==PID==" prefix so it can be pasted into a file. */
void tt_suppress_print_block(struct tt_out *o, enum tt_supp_kind kind, unsigned leak_kind,
                             const struct tt_supp_frame *frames, int n) TT_HIDDEN;

/* fork: the suppressions' lock (a leaf). */
void tt_suppress_lock(void) TT_HIDDEN;
void tt_suppress_unlock(void) TT_HIDDEN;

#endif
