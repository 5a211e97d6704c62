/* SPDX-License-Identifier: MIT */
/* PC -> function, file:line and object, at report time only, for reported
 * stacks only, cached. Uses elfutils libdw for DWARF and ELF symbols and
 * libiberty's demangler for C++ and Rust names. Modules the program has
 * dlclosed by report time stay known (tt_symbolize_retain_modules). */
#ifndef TT_SYMBOLIZE_H
#define TT_SYMBOLIZE_H

#include "tt_common.h"

struct tt_frame_info {
  uintptr_t pc;
  const char *function; /* demangled; NULL when unknown */
  const char *mangled;  /* the symbol as the object has it (== function when not
                           mangled, or for an inlined function); NULL when unknown */
  const char *file;     /* base name of the source file; NULL without debug info */
  const char *path;     /* the source file as the debug information names it */
  int line;
  const char *object;   /* path of the module; NULL when no module contains pc */
};

/* Remembers every module loaded now, so frames in it can be symbolized after
 * it is unloaded. Call before dlclose and before the C runtime unloads its
 * own modules. */
void tt_symbolize_retain_modules(void) TT_HIDDEN;
/* How many times tt_symbolize_retain_modules read the memory map for the
 * file of a module loaded by a relative name (the vdso too): once each. */
size_t tt_symbolize_map_reads(void) TT_HIDDEN;
/* How many addresses were symbolized (each once: the rest from the cache). */
size_t tt_symbolize_lookups(void) TT_HIDDEN;
/* Where the debug information cache keeps its files (tt_debugcache.h); NULL
 * or "" for none. */
void tt_symbolize_set_cache_dir(const char *dir) TT_HIDDEN;
/* fork: the symbolizer's lock. */
void tt_symbolize_lock(void) TT_HIDDEN;
void tt_symbolize_unlock(void) TT_HIDDEN;
/* Symbolizes pc. caller_pc: pc is a return address (look up pc - 1).
 * The strings live until the process ends. */
void tt_symbolize(uintptr_t pc, bool caller_pc, struct tt_frame_info *out) TT_HIDDEN;
/* The same, with the functions inlined at pc, as Valgrind shows them: out[0]
 * is the innermost inlined function at pc's line, each next one the function
 * that inlined it at the line of that call, the last the real function.
 * Returns how many (1 when nothing is inlined; at most max). */
#define TT_MAX_INLINED 8
int tt_symbolize_inlined(uintptr_t pc, bool caller_pc, struct tt_frame_info *out, int max)
    TT_HIDDEN;

/* The function and object only (file NULL, no inlined frames): the frames
 * a report does not show, which suppressions still match by name. */
void tt_symbolize_name(uintptr_t pc, bool caller_pc, struct tt_frame_info *out) TT_HIDDEN;

/* For the unit tests: looks up about max_probes addresses in and around the
 * functions and variables of the module containing in_module both with libdw's
 * dwfl_module_addrinfo and with tether's sorted copy of the module's
 * symbols (twice: the second time from what the first remembered); counts
 * the probes and those the copy answered by itself (it leaves addresses no
 * symbol with a size holds to libdw, but for those where libdw's answer
 * is bound to be none: *none), and returns how many answers differed. */
size_t tt_symbolize_check_index(uintptr_t in_module, size_t max_probes, size_t *probes,
                                size_t *answered, size_t *none) TT_HIDDEN;

/* The data symbol (a global or static variable) containing addr: its name
 * and addr's offset in it; false if none is known. */
bool tt_symbolize_data(uintptr_t addr, const char **name, size_t *offset) TT_HIDDEN;

#endif
