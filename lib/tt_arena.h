/* SPDX-License-Identifier: MIT */
/* Internal allocator: memory for tether's own tables. Never goes through the
 * interposed entry points, never recorded, never scanned as a root (its pages
 * come from tt_os_map). Thread-safe. */
#ifndef TT_ARENA_H
#define TT_ARENA_H

#include "tt_common.h"

/* Zeroed memory of at least size bytes, or NULL when the system is out of
 * memory. Free it with the same size. */
void *tt_arena_alloc(size_t size) TT_HIDDEN;
void tt_arena_free(void *p, size_t size) TT_HIDDEN;
/* A copy of s (NUL-terminated) in the arena; never freed. */
char *tt_arena_strdup(const char *s) TT_HIDDEN;
/* Bytes the arena has taken from the system (for stats). */
size_t tt_arena_mapped(void) TT_HIDDEN;
/* fork and the stopped world: take and release the arena lock. */
void tt_arena_lock(void) TT_HIDDEN;
void tt_arena_unlock(void) TT_HIDDEN;

#endif
