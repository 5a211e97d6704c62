/* SPDX-License-Identifier: MIT */
/*
 * tether.h - the public interface of tether, a leak and lifetime checker for
 * C and C++ programs on Linux.
 *
 * tether runs a program with libtether.so preloaded (`tether ./prog`, or
 * `LD_PRELOAD=/path/libtether.so ./prog`). It records every heap block with
 * its allocation stack and, when the program exits, scans memory the way a
 * conservative garbage collector does and reports the blocks nothing can
 * reach any more, in Valgrind memcheck's words and layout.
 *
 * This header is the only one a program includes. It needs no library at
 * link time: without tether the program runs unchanged. For now it carries
 * the version; the owner and check API is declared here as it lands.
 */
#ifndef TETHER_H
#define TETHER_H

#include <stddef.h>

#define TETHER_VERSION_MAJOR 0
#define TETHER_VERSION_MINOR 1
#define TETHER_VERSION_PATCH 0
/* One integer that grows with every release: major * 10000 + minor * 100 + patch. */
#define TETHER_VERSION (TETHER_VERSION_MAJOR * 10000 + TETHER_VERSION_MINOR * 100 + TETHER_VERSION_PATCH)
#define TETHER_VERSION_STRING "0.1.0"

#endif /* TETHER_H */
