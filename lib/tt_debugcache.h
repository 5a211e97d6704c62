/* SPDX-License-Identifier: MIT */
/* The debug information cache: uncompressed copies of ELF files whose
 * sections are compressed (SHF_COMPRESSED), kept by build id.
 *
 * libdw inflates every compressed debug section of a file when it opens it:
 * 53 ms for glibc's debug file from libc6-dbg, in every process that prints
 * a report naming a libc frame. The copy is made once, by the first process
 * that needs it; the rest open it with nothing to inflate (0.2 ms).
 *
 * A copy is the original file, byte for byte, with each compressed section's
 * contents appended uncompressed and its section header pointed there: the
 * program headers and every other offset stay valid. It is written to a
 * temporary name and renamed, so a reader never sees half a file and two
 * processes making one at once are harmless. */
#ifndef TT_DEBUGCACHE_H
#define TT_DEBUGCACHE_H

#include "tt_common.h"

/* The file for build id id (len bytes) in dir: dir/<hex id>.debug; false if
 * it does not fit in size bytes. */
bool tt_debugcache_path(const char *dir, const unsigned char *id, size_t len, char *buf,
                        size_t size) TT_HIDDEN;

/* Writes to out (an empty file) the uncompressed copy of the ELF file open
 * at in; 0, or -1 if in is not a 64-bit ELF file of this machine's byte
 * order, has no compressed section, or a write failed. */
int tt_debugcache_write(int out, int in) TT_HIDDEN;

/* A read-only descriptor of the uncompressed copy of the ELF file open at
 * fd, from dir (made there first if it is missing); -1 when the file needs
 * none (nothing compressed), has no build id, or the cache cannot serve
 * (then the caller reads the original). fd is left open either way. */
int tt_debugcache_open(const char *dir, int fd) TT_HIDDEN;

#endif
