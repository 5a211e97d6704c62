/* SPDX-License-Identifier: MIT */
/* tt_fmt: the printf subset, with Valgrind's thousands separators. */
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "tt_fmt.h"
#include "units.h"

static char buf[256];

/* Formats into buf and checks the text and the returned length. */
#define FMT_IS(want, ...)                                   \
  do {                                                      \
    size_t n_ = tt_fmt(buf, sizeof buf, __VA_ARGS__);       \
    CU_ASSERT_STRING_EQUAL(buf, want);                      \
    CU_ASSERT_EQUAL(n_, strlen(want));                      \
  } while (0)

static void test_grouping(void) {
  FMT_IS("0", "%'llu", 0ull);
  FMT_IS("999", "%'llu", 999ull);
  FMT_IS("1,000", "%'llu", 1000ull);
  FMT_IS("1,234,567", "%'llu", 1234567ull);
  FMT_IS("999,999", "%'llu", 999999ull);
  FMT_IS("18,446,744,073,709,551,615", "%'llu", ULLONG_MAX);
  FMT_IS("12,345", "%'u", 12345u);
  FMT_IS("4,096", "%'zu", (size_t)4096);
  FMT_IS("1,000,000", "%'lu", 1000000ul);
  FMT_IS("-1,234,567", "%'d", -1234567);
  FMT_IS("1234567", "%llu", 1234567ull); /* no flag, no separators */
  FMT_IS("   1,000", "%'8llu", 1000ull);
}

static void test_hex(void) {
  FMT_IS("DEADBEEF", "%lX", 0xDEADBEEFul);
  FMT_IS("deadbeef", "%lx", 0xDEADBEEFul);
  FMT_IS("FFFFFFFFFFFFFFFF", "%lX", ULONG_MAX);
  FMT_IS("0", "%lX", 0ul);
  FMT_IS("0x4C2A1B0", "0x%lX", 0x4C2A1B0ul);
  FMT_IS("00ff", "%04x", 0xffu);
  FMT_IS("ff  |", "%-4x|", 0xffu);
  FMT_IS("0x1f", "%p", (void *)0x1f);
}

static void test_strings(void) {
  FMT_IS("[hello]", "[%s]", "hello");
  FMT_IS("[   ab]", "[%5s]", "ab");
  FMT_IS("[ab   ]", "[%-5s]", "ab");
  FMT_IS("[abcdef]", "[%3s]", "abcdef"); /* width never cuts */
  FMT_IS("[ab]", "[%.2s]", "abcdef");
  FMT_IS("[abc]", "[%.*s]", 3, "abcdef");
  FMT_IS("[abcdef]", "[%.*s]", -1, "abcdef"); /* negative precision: none */
  FMT_IS("[]", "[%.0s]", "abcdef");
  FMT_IS("[abc   ]", "[%-6.3s]", "abcdef");
  FMT_IS("[   abc]", "[%6.3s]", "abcdef");
  FMT_IS("[ab]", "[%.5s]", "ab");
  FMT_IS("[(null)]", "[%s]", (const char *)NULL);
  FMT_IS("x%y", "x%c%c", '%', 'y');
  FMT_IS("100%", "100%%");
}

static void test_signed(void) {
  FMT_IS("-42", "%d", -42);
  FMT_IS("0", "%d", 0);
  FMT_IS("-2147483648", "%d", INT_MIN);
  FMT_IS("2147483647", "%i", INT_MAX);
  FMT_IS("-9223372036854775808", "%lld", LLONG_MIN);
  FMT_IS("-9223372036854775807", "%ld", -LONG_MAX);
  FMT_IS("  -42", "%5d", -42);
  FMT_IS("-42  |", "%-5d|", -42);
  FMT_IS("00042", "%05d", 42);
  FMT_IS("4294967295", "%u", UINT_MAX);
}

/* Regression: with the 0 flag the padding once went before the sign
 * ("00-42"); printf gives "-0042". */
static void test_signed_zero_pad(void) {
  FMT_IS("-0042", "%05d", -42);
  FMT_IS("-1", "%02d", -1);
}

static void test_truncation(void) {
  char small[8];
  memset(small, 'x', sizeof small);
  CU_ASSERT_EQUAL(tt_fmt(small, 5, "hello world"), 11);
  CU_ASSERT_STRING_EQUAL(small, "hell");
  CU_ASSERT_EQUAL(small[5], 'x'); /* nothing written past size */
  CU_ASSERT_EQUAL(tt_fmt(small, 1, "abc"), 3);
  CU_ASSERT_EQUAL(small[0], '\0');
  small[0] = 'q';
  CU_ASSERT_EQUAL(tt_fmt(small, 0, "abc%d", 12345), 8); /* size 0: nothing written */
  CU_ASSERT_EQUAL(small[0], 'q');
  memset(small, 'x', sizeof small);
  CU_ASSERT_EQUAL(tt_fmt(small, sizeof small, "%'llu", 1234567ull), 9);
  CU_ASSERT_STRING_EQUAL(small, "1,234,5");
  CU_ASSERT_EQUAL(tt_fmt(small, sizeof small, "%-10s|", "ab"), 11);
  CU_ASSERT_STRING_EQUAL(small, "ab     ");
  CU_ASSERT_EQUAL(tt_fmt(small, 8, "1234567"), 7); /* exactly fits */
  CU_ASSERT_STRING_EQUAL(small, "1234567");
}

static size_t via_v(char *b, size_t n, const char *f, ...) {
  va_list ap;
  va_start(ap, f);
  size_t r = tt_vfmt(b, n, f, ap);
  va_end(ap);
  return r;
}

static void test_vfmt_and_mixed(void) {
  CU_ASSERT_EQUAL(via_v(buf, sizeof buf, "%s=%d (%'zu bytes at 0x%lX)", "x", -3, (size_t)65536,
                        0xABCul),
                  strlen("x=-3 (65,536 bytes at 0xABC)"));
  CU_ASSERT_STRING_EQUAL(buf, "x=-3 (65,536 bytes at 0xABC)");
  /* unknown conversions are copied; a trailing % is dropped (through
   * tt_vfmt, which -Wformat does not check) */
  CU_ASSERT_EQUAL(via_v(buf, sizeof buf, "%q"), 2);
  CU_ASSERT_STRING_EQUAL(buf, "%q");
  CU_ASSERT_EQUAL(via_v(buf, sizeof buf, "ab%"), 2);
  CU_ASSERT_STRING_EQUAL(buf, "ab");
}

/* "*": the width comes from an int argument before the value; a negative
 * one left-aligns, as printf does. */
static void test_star_width(void) {
  FMT_IS("[   ab]", "[%*s]", 5, "ab");
  FMT_IS("[ab   ]", "[%*s]", -5, "ab");
  FMT_IS("[ab   ]", "[%-*s]", 5, "ab");
  FMT_IS("[ab   ]", "[%-*s]", -5, "ab");
  FMT_IS("[ab]", "[%*s]", 0, "ab");
  FMT_IS("[ab]", "[%*s]", 2, "ab");
  FMT_IS("[abcdef]", "[%*s]", 3, "abcdef"); /* never cuts */
  FMT_IS("[abcdef]", "[%*s]", -3, "abcdef");
  FMT_IS("[    ]", "[%*s]", 4, "");
  FMT_IS("[   abc]", "[%*.*s]", 6, 3, "abcdef");
  FMT_IS("[abc   ]", "[%*.*s]", -6, 3, "abcdef");
  /* the arguments are taken in order */
  FMT_IS("   x|7|y  ", "%*s|%d|%*s", 4, "x", 7, -3, "y");
  /* numbers too */
  FMT_IS("   -42", "%*d", 6, -42);
  FMT_IS("-42   |", "%*d|", -6, -42);
  FMT_IS("00042", "%0*d", 5, 42);
  FMT_IS("42   |", "%0*d|", -5, 42); /* left alignment beats zero padding */
  FMT_IS(" 1,234,567", "%'*llu", 10, 1234567ull);
  FMT_IS("ff  |", "%*x|", -4, 0xffu);
  /* extreme widths: no overflow negating INT_MIN (UBSan), padding capped */
  char wide[64];
  size_t n = tt_fmt(wide, sizeof wide, "[%*s]", INT_MIN, "ab");
  CU_ASSERT_EQUAL(n, 65536 + 2);
  CU_ASSERT_EQUAL(strncmp(wide, "[ab  ", 5), 0);
  CU_ASSERT_EQUAL(strlen(wide), sizeof wide - 1);
  n = tt_fmt(wide, sizeof wide, "[%*s]", INT_MAX, "ab");
  CU_ASSERT_EQUAL(n, 65536 + 2);
  CU_ASSERT_EQUAL(strncmp(wide, "[   ", 4), 0);
}

int fmt_init(void) { return 0; }
int fmt_cleanup(void) { return 0; }

CU_TestInfo fmt_tests[] = {
    {"%' grouping", test_grouping},
    {"%x %lX %p", test_hex},
    {"%s width, precision, -", test_strings},
    {"%*s, %*d: width from an argument", test_star_width},
    {"%d negatives", test_signed},
    {"%05d of a negative", test_signed_zero_pad},
    {"truncation", test_truncation},
    {"tt_vfmt, mixed", test_vfmt_and_mixed},
    CU_TEST_INFO_NULL,
};
