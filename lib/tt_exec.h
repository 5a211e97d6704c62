/* SPDX-License-Identifier: MIT */
/* exec's wrappers (tt_exec.c, the preload only): an environment the program
 * built itself gets back what tether needs to follow the exec. */
#ifndef TT_EXEC_H
#define TT_EXEC_H

#include <stdbool.h>

#include "tt_common.h"

/* At start-up: looks up the real functions, and with trace_children
 * remembers lib_path (libtether.so) and this process's TETHER_OPTIONS and
 * TETHER_RUN_DIR, which an exec's environment then gets back. */
void tt_exec_init(const char *lib_path, bool trace_children) TT_HIDDEN;

#endif
