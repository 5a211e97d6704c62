/* SPDX-License-Identifier: MIT */
/* tt_report: the text report rendered into memory and compared line for line
 * with Valgrind's layout, the "==PID== " prefix stripped. */
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "tether.h"
#include "tt_owners.h"
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
  tt_report_error_summary(&out, 1234, 5, 0, 0);
  tt_report_error_summary(&out, 0, 0, 0, 0);
  tt_report_error_summary(&out, 2, 2, 1500, 3);
  expect("ERROR SUMMARY: 1,234 errors from 5 contexts (suppressed: 0 from 0)\n"
         "ERROR SUMMARY: 0 errors from 0 contexts (suppressed: 0 from 0)\n"
         "ERROR SUMMARY: 2 errors from 2 contexts (suppressed: 1,500 from 3)\n");
}

static void test_banner(void) {
  static const char cmd[] = "./prog\0--flag\0two words\0";
  begin();
  tt_report_banner(&out, cmd, sizeof cmd - 1);
  expect("tether, a leak and lifetime checker for C and C++\n"
         "Using tether-" TETHER_VERSION_STRING "; rerun with --help for options\n"
         "Command: ./prog --flag two words\n"
         "\n");
  /* a line break (or any control character) in an argument stays on the line */
  static const char cmd2[] = "/bin/echo\0a b\nc\0tab\there\0";
  begin();
  tt_report_banner(&out, cmd2, sizeof cmd2 - 1);
  expect("tether, a leak and lifetime checker for C and C++\n"
         "Using tether-" TETHER_VERSION_STRING "; rerun with --help for options\n"
         "Command: /bin/echo a b_c tab_here\n"
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

/* ======================================================================== */
/* leak summary with changes since an earlier check                          */
/* ======================================================================== */

static void test_leak_summary_delta(void) {
  struct tt_leak_totals t = totals(), prev = totals();
  t.blocks[TT_STATE_DEFINITE] = 3;
  prev.bytes[TT_STATE_DEFINITE] = 32; /* 48: +16 */
  prev.blocks[TT_STATE_DEFINITE] = 2; /* 3: +1 */
  prev.bytes[TT_STATE_POSSIBLE] = 16; /* 0: -16 */
  prev.blocks[TT_STATE_POSSIBLE] = 1;
  prev.bytes[TT_STATE_REACHABLE] = 1000; /* 1,234,567: +1,233,567 */
  prev.blocks[TT_STATE_REACHABLE] = 2500; /* 1,000: -1,500 */
  t.suppressed_bytes = 5000;
  t.suppressed_blocks = 2;
  prev.suppressed_bytes = 6000;
  prev.suppressed_blocks = 2;
  begin();
  tt_report_leak_summary_delta(&out, &t, &prev, &opts);
  expect("LEAK SUMMARY:\n"
         "   definitely lost: 48 (+16) bytes in 3 (+1) blocks\n"
         "   indirectly lost: 1,234 (+0) bytes in 12 (+0) blocks\n"
         "     possibly lost: 0 (-16) bytes in 0 (-1) blocks\n"
         "   still reachable: 1,234,567 (+1,233,567) bytes in 1,000 (-1,500) blocks\n"
         "        suppressed: 5,000 (-1,000) bytes in 2 (+0) blocks\n"
         "Reachable blocks (those to which a pointer was found) are not shown.\n"
         "To see them, rerun with: --leak-check=full --show-leak-kinds=all\n"
         "\n");
}

static void test_leak_summary_delta_without_prev(void) {
  /* no earlier check: exactly the plain summary */
  struct tt_leak_totals t = totals();
  struct tt_options o = opts;
  o.leak_check = TT_LEAK_CHECK_SUMMARY;
  begin();
  tt_report_leak_summary_delta(&out, &t, NULL, &o);
  expect("LEAK SUMMARY:\n"
         "   definitely lost: 48 bytes in 1 blocks\n"
         "   indirectly lost: 1,234 bytes in 12 blocks\n"
         "     possibly lost: 0 bytes in 0 blocks\n"
         "   still reachable: 1,234,567 bytes in 1,000 blocks\n"
         "        suppressed: 0 bytes in 0 blocks\n"
         "Rerun with --leak-check=full to see details of leaked memory\n"
         "\n");
  /* the largest change either way */
  struct tt_leak_totals z, big;
  memset(&z, 0, sizeof z);
  memset(&big, 0, sizeof big);
  z.in_use_blocks = 1;
  z.blocks[TT_STATE_DEFINITE] = 1;
  big.bytes[TT_STATE_DEFINITE] = UINT64_MAX;
  big.blocks[TT_STATE_DEFINITE] = 1;
  z.bytes[TT_STATE_INDIRECT] = UINT64_MAX;
  begin();
  tt_report_leak_summary_delta(&out, &z, &big, &o);
  expect("LEAK SUMMARY:\n"
         "   definitely lost: 0 (-18,446,744,073,709,551,615) bytes in 1 (+0) blocks\n"
         "   indirectly lost: 18,446,744,073,709,551,615 (+18,446,744,073,709,551,615) bytes "
         "in 0 (+0) blocks\n"
         "     possibly lost: 0 (+0) bytes in 0 (+0) blocks\n"
         "   still reachable: 0 (+0) bytes in 0 (+0) blocks\n"
         "        suppressed: 0 (+0) bytes in 0 (+0) blocks\n"
         "Rerun with --leak-check=full to see details of leaked memory\n"
         "\n");
}

static void test_leak_summary_delta_nothing_in_use(void) {
  struct tt_leak_totals t, prev = totals();
  memset(&t, 0, sizeof t);
  begin();
  tt_report_leak_summary_delta(&out, &t, &prev, &opts);
  expect("All heap blocks were freed -- no leaks are possible\n"
         "\n");
}

/* ======================================================================== */
/* owners: keep these last, the owner names they make never go away         */
/* ======================================================================== */

/* No owner named yet: loss records say nothing about owners, whatever the
 * record's owner field holds. */
static void test_loss_record_no_owner_names(void) {
  CU_ASSERT_EQUAL_FATAL(tt_owners_count(), 0);
  struct tt_loss_record r = rec(TT_STATE_DEFINITE, 48, 1, 0);
  r.owner = 3;
  begin();
  tt_report_loss_record(&out, &r, 1, 1, &opts);
  expect("48 bytes in 1 blocks are definitely lost in loss record 1 of 1\n"
         "   at 0x4C2A1B0: malloc (in /usr/lib/libtether.so)\n"
         "\n");
}

static void test_loss_record_owner(void) {
  uint32_t cache = tt_owners_intern("cache");
  CU_ASSERT_NOT_EQUAL_FATAL(cache, 0);
  CU_ASSERT_FATAL(tt_owners_count() > 0);
  struct tt_loss_record r = rec(TT_STATE_DEFINITE, 48, 1, 0);
  r.owner = cache;
  begin();
  tt_report_loss_record(&out, &r, 1, 3, &opts);
  r = rec(TT_STATE_INDIRECT, 1024, 2, 0);
  r.owner = 0;
  tt_report_loss_record(&out, &r, 2, 3, &opts);
  r.owner = tt_owners_count() + 7; /* never handed out */
  tt_report_loss_record(&out, &r, 3, 3, &opts);
  expect("48 bytes in 1 blocks are definitely lost in loss record 1 of 3\n"
         "   at 0x4C2A1B0: malloc (in /usr/lib/libtether.so)\n"
         " Owner: \"cache\"\n"
         "\n"
         "1,024 bytes in 2 blocks are indirectly lost in loss record 2 of 3\n"
         "   at 0x4C2A1B0: malloc (in /usr/lib/libtether.so)\n"
         " Owner: none\n"
         "\n"
         "1,024 bytes in 2 blocks are indirectly lost in loss record 3 of 3\n"
         "   at 0x4C2A1B0: malloc (in /usr/lib/libtether.so)\n"
         " Owner: none\n"
         "\n");
}

static void test_loss_record_owner_after_transfer(void) {
  uintptr_t alloc_pcs[1] = {0x31}, xfer_pcs[2] = {0x41, 0x51};
  struct tt_loss_record r = rec(TT_STATE_DEFINITE, 16, 1, 32);
  r.owner = tt_owners_intern("net: a \"quoted\" name");
  r.stack = tt_stacks_intern(alloc_pcs, 1);
  r.xfer = tt_stacks_intern(xfer_pcs, 2);
  CU_ASSERT_FATAL(r.owner != 0 && r.stack != 0 && r.xfer != 0);
  tt_report_set_transfer_entry(0x4C2F000);
  begin();
  tt_report_loss_record(&out, &r, 4, 9, &opts);
  expect("48 (16 direct, 32 indirect) bytes in 1 blocks are definitely lost in loss record 4 of "
         "9\n"
         "   at 0x4C2A1B0: malloc (in /usr/lib/libtether.so)\n"
         "   by 0x31: ???\n"
         " Owner: \"net: a \"quoted\" name\", since a transfer at\n"
         "   at 0x4C2F000: tether_transfer (in /usr/lib/libtether.so)\n"
         "   by 0x41: ???\n"
         "   by 0x51: ???\n"
         "\n");
  /* a transfer stack shows only with an owner */
  r.owner = 0;
  begin();
  tt_report_owner(&out, r.owner, r.xfer, &opts);
  expect(" Owner: none\n");
}

static struct tt_owner_row owner_row(uint32_t owner) {
  struct tt_owner_row r;
  memset(&r, 0, sizeof r);
  r.owner = owner;
  return r;
}

static void test_owner_table(void) {
  struct tt_owner_row rows[2];
  rows[0] = owner_row(tt_owners_intern("cache"));
  rows[0].bytes[TT_STATE_DEFINITE] = 1234567;
  rows[0].blocks[TT_STATE_DEFINITE] = 1000;
  rows[0].bytes[TT_STATE_INDIRECT] = 48;
  rows[0].blocks[TT_STATE_INDIRECT] = 3;
  rows[0].bytes[TT_STATE_REACHABLE] = 16;
  rows[0].blocks[TT_STATE_REACHABLE] = 1;
  rows[0].bytes[TT_STATE_SUPPRESSED] = 2048;
  rows[0].blocks[TT_STATE_SUPPRESSED] = 2;
  rows[1] = owner_row(0);
  rows[1].bytes[TT_STATE_DEFINITE] = 32;
  rows[1].blocks[TT_STATE_DEFINITE] = 1;
  rows[1].bytes[TT_STATE_REACHABLE] = 1000000;
  rows[1].blocks[TT_STATE_REACHABLE] = 12345;
  begin();
  tt_report_owner_table(&out, rows, 2);
  expect("LEAKS BY OWNER (bytes in blocks, largest first):\n"
         "   owner         definitely lost  indirectly lost  possibly lost      still reachable  "
         "suppressed\n"
         "   \"cache\"    1,234,567 in 1,000          48 in 3         0 in 0              16 in 1  "
         "2,048 in 2\n"
         "   (unowned)             32 in 1           0 in 0         0 in 0  1,000,000 in 12,345  "
         "    0 in 0\n"
         "\n");
}

static void test_owner_table_widths(void) {
  /* a long name widens the first column; small cells keep the headings' widths */
  struct tt_owner_row rows[2];
  rows[0] = owner_row(tt_owners_intern("a rather long owner"));
  rows[0].bytes[TT_STATE_POSSIBLE] = 7;
  rows[0].blocks[TT_STATE_POSSIBLE] = 1;
  rows[1] = owner_row(tt_owners_intern("io"));
  begin();
  tt_report_owner_table(&out, rows, 2);
  expect("LEAKS BY OWNER (bytes in blocks, largest first):\n"
         "   owner                  definitely lost  indirectly lost  possibly lost  "
         "still reachable  suppressed\n"
         "   \"a rather long owner\"           0 in 0           0 in 0         7 in 1  "
         "         0 in 0      0 in 0\n"
         "   \"io\"                            0 in 0           0 in 0         0 in 0  "
         "         0 in 0      0 in 0\n"
         "\n");
  /* no rows: the headings alone */
  begin();
  tt_report_owner_table(&out, rows, 0);
  expect("LEAKS BY OWNER (bytes in blocks, largest first):\n"
         "   owner  definitely lost  indirectly lost  possibly lost  still reachable  suppressed\n"
         "\n");
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
    {"leak summary with changes", test_leak_summary_delta},
    {"leak summary with changes, none before", test_leak_summary_delta_without_prev},
    {"leak summary with changes, nothing in use", test_leak_summary_delta_nothing_in_use},
    /* last: these name owners, and a named owner stays for the run */
    {"loss record, no owner named: no Owner line", test_loss_record_no_owner_names},
    {"loss record, Owner line", test_loss_record_owner},
    {"loss record, owner set by a transfer", test_loss_record_owner_after_transfer},
    {"owner table", test_owner_table},
    {"owner table, column widths, no rows", test_owner_table_widths},
    CU_TEST_INFO_NULL,
};
