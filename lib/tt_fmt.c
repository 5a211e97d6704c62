/* SPDX-License-Identifier: MIT */
/* The formatter (see tt_fmt.h): plain C, no allocation, no locale. Shared by
 * the preload and the tether command. */
#include "tt_fmt.h"

#include <string.h>

/* ======================================================================== */
/* the formatter                                                             */
/* ======================================================================== */

struct sink {
  char *buf;
  size_t size, len;
};

static void put(struct sink *s, char c) {
  if (s->len + 1 < s->size)
    s->buf[s->len] = c;
  s->len++;
}

static void put_str(struct sink *s, const char *str, int prec, int width, bool left) {
  size_t n = prec >= 0 ? strnlen(str, (size_t)prec) : strlen(str);
  int pad = width > (int)n ? width - (int)n : 0;
  if (!left)
    while (pad-- > 0)
      put(s, ' ');
  for (size_t i = 0; i < n; i++)
    put(s, str[i]);
  if (left)
    while (pad-- > 0)
      put(s, ' ');
}

static void put_num(struct sink *s, unsigned long long v, bool neg, unsigned base, bool upper,
                    bool group, int width, bool left, bool zero) {
  char tmp[64];
  int n = 0, digits = 0;
  const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  do {
    if (group && digits && digits % 3 == 0)
      tmp[n++] = ',';
    tmp[n++] = dig[v % base];
    v /= base;
    digits++;
  } while (v);
  int len = n + (neg ? 1 : 0);
  int pad = width > len ? width - len : 0;
  if (!left && !zero)
    while (pad-- > 0)
      put(s, ' ');
  if (neg)
    put(s, '-'); /* the sign goes before zero padding: -0042 */
  if (!left && zero)
    while (pad-- > 0)
      put(s, '0');
  while (n)
    put(s, tmp[--n]);
  if (left)
    while (pad-- > 0)
      put(s, ' ');
}

#define TT_FMT_MAX_WIDTH 65536

size_t tt_vfmt(char *buf, size_t size, const char *fmt, va_list ap) {
  struct sink s = {buf, size, 0};
  for (const char *f = fmt; *f; f++) {
    if (*f != '%') {
      put(&s, *f);
      continue;
    }
    f++;
    bool group = false, left = false, zero = false;
    for (;; f++) {
      if (*f == '\'')
        group = true;
      else if (*f == '-')
        left = true;
      else if (*f == '0')
        zero = true;
      else
        break;
    }
    int width = 0, prec = -1;
    if (*f == '*') {
      width = va_arg(ap, int);
      if (width < 0) {
        left = true;
        width = width < -TT_FMT_MAX_WIDTH ? TT_FMT_MAX_WIDTH : -width;
      }
      f++;
    }
    if (width > TT_FMT_MAX_WIDTH)
      width = TT_FMT_MAX_WIDTH; /* padding beyond any buffer tether formats into */
    while (*f >= '0' && *f <= '9')
      width = width * 10 + (*f++ - '0');
    if (*f == '.') {
      f++;
      prec = 0;
      if (*f == '*') {
        prec = va_arg(ap, int);
        f++;
      } else {
        while (*f >= '0' && *f <= '9')
          prec = prec * 10 + (*f++ - '0');
      }
    }
    int lng = 0;
    while (*f == 'l') {
      lng++;
      f++;
    }
    if (*f == 'z') {
      lng = 2;
      f++;
    }
    switch (*f) {
    case 'd':
    case 'i': {
      long long v = lng >= 2 ? va_arg(ap, long long) : lng == 1 ? va_arg(ap, long) : va_arg(ap, int);
      bool neg = v < 0;
      unsigned long long u = neg ? 0ull - (unsigned long long)v : (unsigned long long)v;
      put_num(&s, u, neg, 10, false, group, width, left, zero);
      break;
    }
    case 'u':
    case 'x':
    case 'X': {
      unsigned long long v = lng >= 2   ? va_arg(ap, unsigned long long)
                             : lng == 1 ? va_arg(ap, unsigned long)
                                        : va_arg(ap, unsigned);
      put_num(&s, v, false, *f == 'u' ? 10 : 16, *f == 'X', group, width, left, zero);
      break;
    }
    case 'p':
      put(&s, '0');
      put(&s, 'x');
      put_num(&s, (uintptr_t)va_arg(ap, void *), false, 16, false, false, width, left, zero);
      break;
    case 's': {
      const char *str = va_arg(ap, const char *);
      put_str(&s, str ? str : "(null)", prec, width, left);
      break;
    }
    case 'c':
      put(&s, (char)va_arg(ap, int));
      break;
    case '%':
      put(&s, '%');
      break;
    case '\0':
      f--;
      break;
    default:
      put(&s, '%');
      put(&s, *f);
    }
  }
  if (size)
    buf[s.len < size ? s.len : size - 1] = '\0';
  return s.len;
}

size_t tt_fmt(char *buf, size_t size, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  size_t n = tt_vfmt(buf, size, fmt, ap);
  va_end(ap);
  return n;
}

