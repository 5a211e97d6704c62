/* SPDX-License-Identifier: MIT */
/* What the public API's implementation (tt_api.c) needs from the
 * interposer, which owns the preload's state: start-up, the re-entrancy
 * guard, the options, stack capture, and the report destination. */
#ifndef TT_PRELOAD_H
#define TT_PRELOAD_H

#include "tt_options.h"

/* Starts tether if it has not started (a call from a constructor that ran
 * first) and raises this thread's guard. False when tether is not
 * recording (disabled, or after the exit-time check): then the guard is
 * not raised and the call must do nothing. */
bool tt_preload_enter(void) TT_HIDDEN;
/* tt_preload_enter for the public API's entry point call: also false when
 * the calling thread is inside tether already (its guard is up), which
 * only a signal handler that interrupted tether can be; the locks tether
 * may hold there would deadlock the call, or its changes half made would be
 * overwritten. The first such call of each entry point is warned about,
 * where a line can be written. */
bool tt_preload_enter_api(const char *call) TT_HIDDEN;
/* For a wrapper of a call tether's own code and libraries make too
 * (munmap, mprotect): raises the guard and returns true if the program
 * made the call once tether started (*disabled: tether has disabled itself
 * since, and reports nothing more); false, raising nothing, for tether's
 * own calls (the guard is up) or before tether started. */
bool tt_preload_enter_from_program(bool *disabled) TT_HIDDEN;
/* Lowers the guard tt_preload_enter raised. */
void tt_preload_leave(void) TT_HIDDEN;
/* The stack of the program's call into an exported tether function: ra_slot
 * is where that function's return address sits. The guard is up. */
uint32_t tt_preload_capture(uintptr_t ra_slot) TT_HIDDEN;
const struct tt_options *tt_preload_options(void) TT_HIDDEN;
/* The real malloc (for the check: it finds the allocator's state). */
void *tt_preload_real_malloc(void) TT_HIDDEN;
/* Opens this process's report anew if it is a forked child whose log file
 * name carries its pid and has not done so (a check runs in the child). */
void tt_preload_reopen_log_if_forked(void) TT_HIDDEN;

/* The next definition of name after tether's (RTLD_NEXT), looked up with
 * the guard up: dlsym may allocate. */
void *tt_preload_next(const char *name) TT_HIDDEN;
/* In a wrapper returning -1 and errno: real_NAME, libc's NAME, asked for
 * once (the pointer is written by whichever thread gets there first, all
 * with the same value); ENOSYS if there is none. */
#define TT_PRELOAD_REAL(name)                                              \
  static __typeof__(&name) real_##name;                                    \
  if (TT_UNLIKELY(!real_##name)) {                                         \
    real_##name = (__typeof__(&name))tt_preload_next(#name);               \
    if (!real_##name) {                                                    \
      errno = ENOSYS;                                                      \
      return -1;                                                           \
    }                                                                      \
  }

/* The API's part of start-up and fork (tt_api.c): the --check-signal thread. */
void tt_api_init(const struct tt_options *opts) TT_HIDDEN;
void tt_api_fork_child(void) TT_HIDDEN;

#endif
