/* SPDX-License-Identifier: MIT */
/* A small printf into a buffer, with Valgrind's thousands separators. */
#ifndef TT_FMT_H
#define TT_FMT_H

#include <stdarg.h>

#include "tt_common.h"

/* printf subset: %s %c %d %i %u %x %X %p %% with flags ' (thousands
 * separator), - and 0, a width (N or *), a precision (.N or .*) for %s, and the length modifiers l, ll, z.
 * Always NUL-terminates; returns the length it would have written. */
size_t tt_vfmt(char *buf, size_t size, const char *fmt, va_list ap) TT_HIDDEN;
size_t tt_fmt(char *buf, size_t size, const char *fmt, ...) TT_HIDDEN
    __attribute__((format(gnu_printf, 3, 4)));

#endif
