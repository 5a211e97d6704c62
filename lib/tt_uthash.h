/* SPDX-License-Identifier: MIT */
/* The only file that includes uthash. Its memory comes from tether's arena,
 * and running out of it is not fatal: the insert is dropped and tether
 * disables itself (the program keeps running). */
#ifndef TT_UTHASH_H
#define TT_UTHASH_H

#include "tt_arena.h"
#include "tt_log.h"

#define uthash_malloc(sz) tt_arena_alloc(sz)
#define uthash_free(ptr, sz) tt_arena_free((ptr), (sz))
#define HASH_NONFATAL_OOM 1
#define uthash_nonfatal_oom(obj) tt_self_disable("out of memory for tether's tables")
#define uthash_fatal(msg) tt_self_disable(msg)

#include <uthash.h>

#endif
