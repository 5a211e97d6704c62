/* SPDX-License-Identifier: MIT */
/* tt_log: the buffered writers (into memory here) and the message prefix. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "tt_log.h"
#include "units.h"

static void test_out_mem(void) {
  char mem[128];
  struct tt_out o;
  memset(mem, 'x', sizeof mem);
  tt_out_init_mem(&o, mem, sizeof mem);
  CU_ASSERT_STRING_EQUAL(mem, "");
  tt_out_write(&o, "abc", 3);
  tt_out_printf(&o, "-%d-%s-%'llu", 42, "z", 1234ull);
  CU_ASSERT_STRING_EQUAL(mem, ""); /* buffered until flushed */
  tt_out_flush(&o);
  CU_ASSERT_STRING_EQUAL(mem, "abc-42-z-1,234");
  tt_out_write(&o, "!", 1);
  tt_out_flush(&o);
  tt_out_flush(&o); /* nothing buffered: no change */
  CU_ASSERT_STRING_EQUAL(mem, "abc-42-z-1,234!");
}

static void test_out_mem_truncates(void) {
  char mem[10];
  struct tt_out o;
  tt_out_init_mem(&o, mem, sizeof mem);
  tt_out_write(&o, "0123456789abcdef", 16);
  tt_out_flush(&o);
  CU_ASSERT_STRING_EQUAL(mem, "012345678");
  tt_out_write(&o, "more", 4);
  tt_out_flush(&o);
  CU_ASSERT_STRING_EQUAL(mem, "012345678");
}

static void test_out_mem_large(void) {
  /* more than the 4096-byte buffer: flushes on the way */
  enum { N = 3 * 4096 + 123 };
  char *src = malloc(N), *mem = malloc(N + 1);
  CU_ASSERT_FATAL(src && mem);
  for (int i = 0; i < N; i++)
    src[i] = (char)('a' + i % 26);
  struct tt_out o;
  tt_out_init_mem(&o, mem, N + 1);
  tt_out_write(&o, src, 5000);
  tt_out_write(&o, src + 5000, N - 5000);
  tt_out_flush(&o);
  CU_ASSERT_EQUAL(strlen(mem), N);
  CU_ASSERT_EQUAL(memcmp(mem, src, N), 0);
  free(src);
  free(mem);
}

static void test_prefix(void) {
  char buf[64], want[64];
  tt_log_prefix(buf, sizeof buf);
  snprintf(want, sizeof want, "==%d== ", (int)getpid());
  CU_ASSERT_STRING_EQUAL(buf, want);
}

int log_init(void) { return 0; }
int log_cleanup(void) { return 0; }

CU_TestInfo log_tests[] = {
    {"tt_out into memory", test_out_mem},
    {"tt_out into memory truncates", test_out_mem_truncates},
    {"tt_out large writes", test_out_mem_large},
    {"prefix", test_prefix},
    CU_TEST_INFO_NULL,
};
