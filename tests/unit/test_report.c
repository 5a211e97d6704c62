/* SPDX-License-Identifier: MIT */
/* tt_report: the text report rendered into memory and compared line for line
 * with Valgrind's layout, the "==PID== " prefix stripped. */
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "tether.h"
#include "tt_report.h"
#include "tt_scan.h"
#include "tt_stacks.h"
#include "units.h"

static char mem[16384], text[16384];
static struct tt_out out;
static struct tt_options opts;
static size_t unprefixed; /* lines without the prefix */

static void begin(void) {
  tt_out_init_mem(&out, mem, sizeof mem);
  text[0] = '\0';
  unprefixed = 0;
}

/* Flushes, strips "==PID== " from every line into text. */
static const char *end(void) {
  char prefix[64];
  tt_out_flush(&out);
  tt_log_prefix(prefix, sizeof prefix);
  size_t plen = strlen(prefix), n = 0;
  for (const char *l = mem; *l;) {
    const char *nl = strchr(l, '\n');
    size_t len = nl ? (size_t)(nl - l) + 1 : strlen(l);
    if (len >= plen && strncmp(l, prefix, plen) == 0) {
      l += plen;
      len -= plen;
    } else {
      unprefixed++;
    }
    memcpy(text + n, l, len);
    n += len;
    l += len;
  }
  text[n] = '\0';
  return text;
}

static void expect(const char *want) {
  CU_ASSERT_STRING_EQUAL(end(), want);
  CU_ASSERT_EQUAL(unprefixed, 0);
  if (strcmp(text, want) != 0)
    fprintf(stderr, "\n--- got ---\n%s--- want ---\n%s---\n", text, want);
}

static struct tt_loss_record rec(unsigned state, uint64_t bytes, uint64_t blocks, uint64_t ind) {
  struct tt_loss_record r;
  memset(&r, 0, sizeof r);
  r.stack = 0;
  r.state = (uint8_t)state;
  r.kind = TT_ALLOC_MALLOC;
  r.bytes = bytes;
  r.blocks = blocks;
  r.indirect_bytes = ind;
  return r;
}

static void test_loss_record_definite(void) {
  struct tt_loss_record r = rec(TT_STATE_DEFINITE, 48, 1, 0);
  begin();
  tt_report_loss_record(&out, &r, 1, 1, &opts);
  expect("48 bytes in 1 blocks are definitely lost in loss record 1 of 1\n"
         "   at 0x4C2A1B0: malloc (in /usr/lib/libtether.so)\n"
         "\n");
}

static void test_loss_record_with_indirect(void) {
  struct tt_loss_record r = rec(TT_STATE_DEFINITE, 16, 1, 116);
  begin();
  tt_report_loss_record(&out, &r, 3, 7, &opts);
  expect("132 (16 direct, 116 indirect) bytes in 1 blocks are definitely lost in loss record 3 "
         "of 7\n"
         "   at 0x4C2A1B0: malloc (in /usr/lib/libtether.so)\n"
         "\n");
}

static void test_loss_record_other_states_and_grouping(void) {
  struct tt_loss_record r = rec(TT_STATE_POSSIBLE, 1234567, 1000, 0);
  r.kind = TT_ALLOC_NEW_ARRAY;
  begin();
  tt_report_loss_record(&out, &r, 1234, 5000, &opts);
  r = rec(TT_STATE_INDIRECT, 24, 3, 0);
  tt_report_loss_record(&out, &r, 2, 2, &opts);
  r = rec(TT_STATE_REACHABLE, 8, 1, 0);
  r.kind = TT_ALLOC_CALLOC;
  tt_report_loss_record(&out, &r, 1, 2, &opts);
  expect("1,234,567 bytes in 1,000 blocks are possibly lost in loss record 1,234 of 5,000\n"
         "   at 0x4C2B5F0: operator new[](unsigned long) (in /usr/lib/libtether.so)\n"
         "\n"
         "24 bytes in 3 blocks are indirectly lost in loss record 2 of 2\n"
         "   at 0x4C2A1B0: malloc (in /usr/lib/libtether.so)\n"
         "\n"
         "8 bytes in 1 blocks are still reachable in loss record 1 of 2\n"
         "   at 0x0: calloc (in /usr/lib/libtether.so)\n"
         "\n");
}

static void test_loss_record_fake_stack(void) {
  /* PCs in no module: no symbol, no object */
  uintptr_t pcs[2] = {0x11, 0x21};
  struct tt_loss_record r = rec(TT_STATE_DEFINITE, 10, 2, 0);
  r.stack = tt_stacks_intern(pcs, 2);
  CU_ASSERT_NOT_EQUAL_FATAL(r.stack, 0);
  begin();
  tt_report_loss_record(&out, &r, 1, 1, &opts);
  expect("10 bytes in 2 blocks are definitely lost in loss record 1 of 1\n"
         "   at 0x4C2A1B0: malloc (in /usr/lib/libtether.so)\n"
         "   by 0x11: ???\n"
         "   by 0x21: ???\n"
         "\n");
}

static struct tt_leak_totals totals(void) {
  struct tt_leak_totals t;
  memset(&t, 0, sizeof t);
  t.bytes[TT_STATE_DEFINITE] = 48;
  t.blocks[TT_STATE_DEFINITE] = 1;
  t.bytes[TT_STATE_INDIRECT] = 1234;
  t.blocks[TT_STATE_INDIRECT] = 12;
  t.bytes[TT_STATE_POSSIBLE] = 0;
  t.blocks[TT_STATE_POSSIBLE] = 0;
  t.bytes[TT_STATE_REACHABLE] = 1234567;
  t.blocks[TT_STATE_REACHABLE] = 1000;
  t.in_use_bytes = 48 + 1234 + 1234567;
  t.in_use_blocks = 1013;
  return t;
}

static void test_leak_summary_full(void) {
  struct tt_leak_totals t = totals();
  begin();
  tt_report_leak_summary(&out, &t, &opts);
  expect("LEAK SUMMARY:\n"
         "   definitely lost: 48 bytes in 1 blocks\n"
         "   indirectly lost: 1,234 bytes in 12 blocks\n"
         "     possibly lost: 0 bytes in 0 blocks\n"
         "   still reachable: 1,234,567 bytes in 1,000 blocks\n"
         "        suppressed: 0 bytes in 0 blocks\n"
         "Reachable blocks (those to which a pointer was found) are not shown.\n"
         "To see them, rerun with: --leak-check=full --show-leak-kinds=all\n"
         "\n");
}

static void test_leak_summary_reachable_shown(void) {
  struct tt_leak_totals t = totals();
  struct tt_options o = opts;
  o.show_leak_kinds = TT_KIND_ALL;
  t.suppressed_bytes = 5000;
  t.suppressed_blocks = 2;
  begin();
  tt_report_leak_summary(&out, &t, &o);
  expect("LEAK SUMMARY:\n"
         "   definitely lost: 48 bytes in 1 blocks\n"
         "   indirectly lost: 1,234 bytes in 12 blocks\n"
         "     possibly lost: 0 bytes in 0 blocks\n"
         "   still reachable: 1,234,567 bytes in 1,000 blocks\n"
         "        suppressed: 5,000 bytes in 2 blocks\n"
         "\n");
}

static void test_leak_summary_summary_mode(void) {
  struct tt_leak_totals t = totals();
  struct tt_options o = opts;
  o.leak_check = TT_LEAK_CHECK_SUMMARY;
  begin();
  tt_report_leak_summary(&out, &t, &o);
  expect("LEAK SUMMARY:\n"
         "   definitely lost: 48 bytes in 1 blocks\n"
         "   indirectly lost: 1,234 bytes in 12 blocks\n"
         "     possibly lost: 0 bytes in 0 blocks\n"
         "   still reachable: 1,234,567 bytes in 1,000 blocks\n"
         "        suppressed: 0 bytes in 0 blocks\n"
         "Rerun with --leak-check=full to see details of leaked memory\n"
         "\n");
}

static void test_leak_summary_no_reachable(void) {
  /* nothing reachable: no "Reachable blocks" lines even if not shown */
  struct tt_leak_totals t = totals();
  t.bytes[TT_STATE_REACHABLE] = t.blocks[TT_STATE_REACHABLE] = 0;
  t.in_use_blocks = 13;
  begin();
  tt_report_leak_summary(&out, &t, &opts);
  expect("LEAK SUMMARY:\n"
         "   definitely lost: 48 bytes in 1 blocks\n"
         "   indirectly lost: 1,234 bytes in 12 blocks\n"
         "     possibly lost: 0 bytes in 0 blocks\n"
         "   still reachable: 0 bytes in 0 blocks\n"
         "        suppressed: 0 bytes in 0 blocks\n"
         "\n");
}

static void test_leak_summary_nothing_in_use(void) {
  struct tt_leak_totals t;
  memset(&t, 0, sizeof t);
  t.allocs = t.frees = 10;
  begin();
  tt_report_leak_summary(&out, &t, &opts);
  expect("All heap blocks were freed -- no leaks are possible\n"
         "\n");
  /* only suppressed blocks left: still a summary */
  t.suppressed_bytes = 64;
  t.suppressed_blocks = 1;
  begin();
  tt_report_leak_summary(&out, &t, &opts);
  expect("LEAK SUMMARY:\n"
         "   definitely lost: 0 bytes in 0 blocks\n"
         "   indirectly lost: 0 bytes in 0 blocks\n"
         "     possibly lost: 0 bytes in 0 blocks\n"
         "   still reachable: 0 bytes in 0 blocks\n"
         "        suppressed: 64 bytes in 1 blocks\n"
         "\n");
}

static void test_heap_summary(void) {
  struct tt_leak_totals t;
  memset(&t, 0, sizeof t);
  t.in_use_bytes = 1234;
  t.in_use_blocks = 5;
  t.allocs = 10;
  t.frees = 5;
  t.bytes_allocated = 12345;
  begin();
  tt_report_heap_summary(&out, &t);
  expect("\n"
         "HEAP SUMMARY:\n"
         "    in use at exit: 1,234 bytes in 5 blocks\n"
         "  total heap usage: 10 allocs, 5 frees, 12,345 bytes allocated\n"
         "\n");
}

static void test_error_summary(void) {
  begin();
  tt_report_error_summary(&out, 1234, 5);
  tt_report_error_summary(&out, 0, 0);
  expect("ERROR SUMMARY: 1,234 errors from 5 contexts (suppressed: 0 from 0)\n"
         "ERROR SUMMARY: 0 errors from 0 contexts (suppressed: 0 from 0)\n");
}

static void test_banner(void) {
  static const char cmd[] = "./prog\0--flag\0two words\0";
  begin();
  tt_report_banner(&out, cmd, sizeof cmd - 1);
  expect("tether, a leak and lifetime checker for C and C++\n"
         "Using tether-" TETHER_VERSION_STRING "; rerun with --help for options\n"
         "Command: ./prog --flag two words\n"
         "\n");
}

static void test_state_names(void) {
  CU_ASSERT_STRING_EQUAL(tt_report_state_name(TT_STATE_REACHABLE), "still reachable");
  CU_ASSERT_STRING_EQUAL(tt_report_state_name(TT_STATE_POSSIBLE), "possibly lost");
  CU_ASSERT_STRING_EQUAL(tt_report_state_name(TT_STATE_INDIRECT), "indirectly lost");
  CU_ASSERT_STRING_EQUAL(tt_report_state_name(TT_STATE_DEFINITE), "definitely lost");
}

static void test_long_line_cut(void) {
  /* a line longer than the line buffer is cut, still one line */
  static char longs[3000];
  memset(longs, 'y', sizeof longs - 1);
  begin();
  tt_report_line(&out, "%s", longs);
  end();
  CU_ASSERT_EQUAL(unprefixed, 0);
  const char *nl = strchr(text, '\n');
  CU_ASSERT_PTR_NOT_NULL_FATAL(nl);
  CU_ASSERT_EQUAL(nl[1], '\0');
  CU_ASSERT(nl - text > 1000 && nl - text < 2048);
}

int report_init(void) {
  uintptr_t pcs[TT_ALLOC_KIND_COUNT] = {0};
  pcs[TT_ALLOC_MALLOC] = 0x4C2A1B0;
  pcs[TT_ALLOC_NEW_ARRAY] = 0x4C2B5F0;
  uintptr_t rel[TT_RELEASE_KIND_COUNT] = {0};
  rel[TT_RELEASE_FREE] = 0x4C2A9D0;
  tt_report_set_entry_points(pcs, rel, "/usr/lib/libtether.so");
  tt_options_defaults(&opts);
  return 0;
}
int report_cleanup(void) { return 0; }

CU_TestInfo report_tests[] = {
    {"loss record, definite", test_loss_record_definite},
    {"loss record, direct and indirect", test_loss_record_with_indirect},
    {"loss records, other states, separators", test_loss_record_other_states_and_grouping},
    {"loss record, made-up stack", test_loss_record_fake_stack},
    {"leak summary, reachable not shown", test_leak_summary_full},
    {"leak summary, reachable shown", test_leak_summary_reachable_shown},
    {"leak summary, --leak-check=summary", test_leak_summary_summary_mode},
    {"leak summary, nothing reachable", test_leak_summary_no_reachable},
    {"leak summary, nothing in use", test_leak_summary_nothing_in_use},
    {"heap summary", test_heap_summary},
    {"error summary", test_error_summary},
    {"banner", test_banner},
    {"state names", test_state_names},
    {"long line cut", test_long_line_cut},
    CU_TEST_INFO_NULL,
};
