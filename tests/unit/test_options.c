/* SPDX-License-Identifier: MIT */
/* tt_options: defaults, the TETHER_OPTIONS parser and its error messages. */
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "tt_options.h"
#include "units.h"

static struct tt_options o;
static char err[512];

static int parse(const char *s) {
  tt_options_defaults(&o);
  err[0] = '\0';
  return tt_options_parse(&o, s, err, sizeof err);
}

static void test_defaults(void) {
  memset(&o, 0x5a, sizeof o);
  tt_options_defaults(&o);
  CU_ASSERT_EQUAL(o.leak_check, TT_LEAK_CHECK_FULL);
  CU_ASSERT_EQUAL(o.show_leak_kinds, TT_KIND_DEFINITE | TT_KIND_POSSIBLE);
  CU_ASSERT_EQUAL(o.errors_for_leak_kinds, TT_KIND_DEFINITE | TT_KIND_POSSIBLE);
  CU_ASSERT_EQUAL(o.num_callers, 12);
  CU_ASSERT_STRING_EQUAL(o.log_file, "");
  CU_ASSERT_EQUAL(o.error_exitcode, 0);
  CU_ASSERT_EQUAL(o.verbose, 0);
  CU_ASSERT_FALSE(o.quiet);
  CU_ASSERT_FALSE(o.show_below_main);
  CU_ASSERT_TRUE(o.run_libc_freeres);
  CU_ASSERT_TRUE(o.run_cxx_freeres);
  CU_ASSERT_TRUE(o.use_globals);
  CU_ASSERT_TRUE(o.use_stacks);
  CU_ASSERT_TRUE(o.use_registers);
  CU_ASSERT_TRUE(o.use_other_mappings);
}

/* Valgrind's flag spelling in TETHER_OPTIONS: a user who copies options
 * from VALGRIND_OPTS or the tether command line must not get "unknown". */
static void test_parse_flag_spelling(void) {
  CU_ASSERT_EQUAL(parse("--freelist-vol=0 --num-callers=20 leak-check=summary"), 0);
  CU_ASSERT_EQUAL(o.freelist_vol, 0);
  CU_ASSERT_EQUAL(o.num_callers, 20);
  CU_ASSERT_EQUAL(o.leak_check, TT_LEAK_CHECK_SUMMARY);
  CU_ASSERT_EQUAL(parse("-v -v --show-leak-kinds=all"), 0);
  CU_ASSERT_EQUAL(o.verbose, 2);
  CU_ASSERT_EQUAL(o.show_leak_kinds, TT_KIND_ALL);
  CU_ASSERT_EQUAL(parse("-v:-v:-v:-v -q"), 0);
  CU_ASSERT_EQUAL(o.verbose, 3); /* capped, as --verbose's range */
  CU_ASSERT_TRUE(o.quiet);
  /* still errors: an unknown flag, a flag without a value, a lone dash */
  CU_ASSERT_EQUAL(parse("--no-such=1"), -1);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "no-such"));
  CU_ASSERT_EQUAL(parse("--leak-check"), -1);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "is not key=value"));
  CU_ASSERT_EQUAL(parse("-x"), -1);
  CU_ASSERT_EQUAL(parse("-v=2"), -1);
}

static void test_table(void) {
  CU_ASSERT(tt_option_count >= 15);
  for (int i = 0; i < tt_option_count; i++) {
    const struct tt_option_info *t = &tt_option_table[i];
    CU_ASSERT(t->flag && t->def && t->values && t->help && *t->flag && *t->help);
    /* every default parses as a value of its own option */
    struct tt_options x;
    tt_options_defaults(&x);
    CU_ASSERT_EQUAL(tt_options_set(&x, t->flag, strlen(t->flag), t->def, strlen(t->def), err,
                                   sizeof err),
                    0);
  }
  CU_ASSERT_STRING_EQUAL(tt_option_table[0].flag, "leak-check");
}

static void test_parse_spaces(void) {
  CU_ASSERT_EQUAL(parse("leak-check=summary num-callers=30"), 0);
  CU_ASSERT_EQUAL(o.leak_check, TT_LEAK_CHECK_SUMMARY);
  CU_ASSERT_EQUAL(o.num_callers, 30);
  CU_ASSERT_EQUAL(parse("  leak-check=no\tquiet=yes\n verbose=3  "), 0);
  CU_ASSERT_EQUAL(o.leak_check, TT_LEAK_CHECK_NO);
  CU_ASSERT_TRUE(o.quiet);
  CU_ASSERT_EQUAL(o.verbose, 3);
  CU_ASSERT_EQUAL(parse(""), 0);
  CU_ASSERT_EQUAL(o.num_callers, 12);
  CU_ASSERT_EQUAL(parse("   "), 0);
}

static void test_parse_colons(void) {
  CU_ASSERT_EQUAL(parse("leak-check=summary:num-callers=30:error-exitcode=255"), 0);
  CU_ASSERT_EQUAL(o.leak_check, TT_LEAK_CHECK_SUMMARY);
  CU_ASSERT_EQUAL(o.num_callers, 30);
  CU_ASSERT_EQUAL(o.error_exitcode, 255);
  CU_ASSERT_EQUAL(parse(":: quiet=1 ::"), 0);
  CU_ASSERT_TRUE(o.quiet);
}

static void test_parse_quoted(void) {
  CU_ASSERT_EQUAL(parse("log-file='/tmp/my logs/t:%p.log' num-callers=20"), 0);
  CU_ASSERT_STRING_EQUAL(o.log_file, "/tmp/my logs/t:%p.log");
  CU_ASSERT_EQUAL(o.num_callers, 20);
  CU_ASSERT_EQUAL(parse("log-file=\"a 'b' c\":quiet=on"), 0);
  CU_ASSERT_STRING_EQUAL(o.log_file, "a 'b' c");
  CU_ASSERT_TRUE(o.quiet);
  CU_ASSERT_EQUAL(parse("log-file=''"), 0);
  CU_ASSERT_STRING_EQUAL(o.log_file, "");
  CU_ASSERT_EQUAL(parse("log-file=/tmp/x.log"), 0);
  CU_ASSERT_STRING_EQUAL(o.log_file, "/tmp/x.log");
}

static void test_parse_underscores(void) {
  CU_ASSERT_EQUAL(parse("leak_check=summary num_callers=7 show_leak_kinds=all"), 0);
  CU_ASSERT_EQUAL(o.leak_check, TT_LEAK_CHECK_SUMMARY);
  CU_ASSERT_EQUAL(o.num_callers, 7);
  CU_ASSERT_EQUAL(o.show_leak_kinds, TT_KIND_ALL);
  CU_ASSERT_EQUAL(parse("errors-for_leak-kinds=indirect"), 0);
  CU_ASSERT_EQUAL(o.errors_for_leak_kinds, TT_KIND_INDIRECT);
}

static void test_values(void) {
  CU_ASSERT_EQUAL(parse("leak-check=yes"), 0);
  CU_ASSERT_EQUAL(o.leak_check, TT_LEAK_CHECK_FULL);
  CU_ASSERT_EQUAL(
      parse("use-other-mappings=no use-stacks=false use-globals=0 use-registers=off"), 0);
  CU_ASSERT_FALSE(o.use_other_mappings);
  CU_ASSERT_FALSE(o.use_stacks);
  CU_ASSERT_FALSE(o.use_globals);
  CU_ASSERT_FALSE(o.use_registers);
  CU_ASSERT_EQUAL(parse("show-below-main=true num-callers=1"), 0);
  CU_ASSERT_TRUE(o.show_below_main);
  CU_ASSERT_EQUAL(o.num_callers, 1);
  CU_ASSERT_EQUAL(parse("num-callers=256 error-exitcode=0"), 0);
  CU_ASSERT_EQUAL(o.num_callers, 256);
  /* the last one wins */
  CU_ASSERT_EQUAL(parse("num-callers=5 num-callers=6"), 0);
  CU_ASSERT_EQUAL(o.num_callers, 6);
}

static void test_error_unknown_key(void) {
  CU_ASSERT_EQUAL(parse("leak-check=full bogus=1"), -1);
  CU_ASSERT_STRING_EQUAL(err, "unknown option 'bogus'");
  CU_ASSERT_EQUAL(parse("leak-checks=full"), -1);
  CU_ASSERT_STRING_EQUAL(err, "unknown option 'leak-checks'");
  CU_ASSERT_EQUAL(parse("leak=full"), -1);
  CU_ASSERT_STRING_EQUAL(err, "unknown option 'leak'");
}

static void test_error_bad_enum(void) {
  CU_ASSERT_EQUAL(parse("leak-check=maybe"), -1);
  CU_ASSERT_STRING_EQUAL(err, "bad value 'maybe' for leak-check (expected no, summary or full)");
  CU_ASSERT_EQUAL(parse("quiet=perhaps"), -1);
  CU_ASSERT_STRING_EQUAL(err, "bad value 'perhaps' for quiet (expected yes or no)");
  CU_ASSERT_EQUAL(parse("leak-check="), -1);
  CU_ASSERT_STRING_EQUAL(err, "bad value '' for leak-check (expected no, summary or full)");
}

static void test_error_number_range(void) {
  static const char *bad[] = {"num-callers=0", "num-callers=257", "num-callers=-1",
                              "num-callers=12x", "num-callers=99999999999",
                              "num-callers=4294967308"};
  static const char *vals[] = {"0", "257", "-1", "12x", "99999999999", "4294967308"};
  for (unsigned i = 0; i < TT_ARRAY_LEN(bad); i++) {
    CU_ASSERT_EQUAL(parse(bad[i]), -1);
    char want[200];
    strcpy(want, "bad value '");
    strcat(want, vals[i]);
    strcat(want, "' for num-callers (expected a whole number in 1..256)");
    CU_ASSERT_STRING_EQUAL(err, want);
    CU_ASSERT_EQUAL(o.num_callers, 12);
  }
  CU_ASSERT_EQUAL(parse("error-exitcode=256"), -1);
  CU_ASSERT_STRING_EQUAL(err,
                         "bad value '256' for error-exitcode (expected a whole number in 0..255)");
  CU_ASSERT_EQUAL(parse("verbose=4"), -1);
  CU_ASSERT_STRING_EQUAL(err, "bad value '4' for verbose (expected a whole number in 0..3)");
}

static void test_error_not_key_value(void) {
  CU_ASSERT_EQUAL(parse("quiet"), -1);
  CU_ASSERT_STRING_EQUAL(err, "'quiet' is not key=value");
  CU_ASSERT_EQUAL(parse("num-callers=3 leak-check full"), -1);
  CU_ASSERT_STRING_EQUAL(err, "'leak-check' is not key=value; 'full' is not key=value");
  CU_ASSERT_EQUAL(o.num_callers, 3);
}

static void test_error_keeps_good_entries(void) {
  /* every good entry is applied, before and after a bad one; err names
   * every bad one */
  CU_ASSERT_EQUAL(parse("num-callers=9 quiet bogus=1 leak-check=summary verbose=9 quiet=yes"),
                  -1);
  CU_ASSERT_STRING_EQUAL(err, "'quiet' is not key=value; unknown option 'bogus'; bad value '9' "
                              "for verbose (expected a whole number in 0..3)");
  CU_ASSERT_EQUAL(o.num_callers, 9);
  CU_ASSERT_EQUAL(o.leak_check, TT_LEAK_CHECK_SUMMARY);
  CU_ASSERT_EQUAL(o.verbose, 0);
  CU_ASSERT_TRUE(o.quiet);
  CU_ASSERT_EQUAL(parse("leak-check=sometimes num-callers=20"), -1);
  CU_ASSERT_STRING_EQUAL(err,
                         "bad value 'sometimes' for leak-check (expected no, summary or full)");
  CU_ASSERT_EQUAL(o.leak_check, TT_LEAK_CHECK_FULL);
  CU_ASSERT_EQUAL(o.num_callers, 20);
}

static void test_error_unterminated_quote(void) {
  CU_ASSERT_EQUAL(parse("log-file='/tmp/a b.log"), -1);
  CU_ASSERT_STRING_EQUAL(err, "unterminated quote in value of 'log-file'");
  CU_ASSERT_EQUAL(parse("num-callers=\"5"), -1);
  CU_ASSERT_STRING_EQUAL(err, "unterminated quote in value of 'num-callers'");
}

static void test_error_kinds(void) {
  CU_ASSERT_EQUAL(parse("show-leak-kinds=definite,"), -1);
  CU_ASSERT_STRING_EQUAL(err, "bad value 'definite,' for show-leak-kinds (expected a "
                              "comma-separated list of definite, indirect, possible, "
                              "reachable; or all, none)");
  CU_ASSERT_EQUAL(o.show_leak_kinds, TT_KIND_DEFINITE | TT_KIND_POSSIBLE);
}

/* A path of exactly TT_OPT_PATH_MAX bytes does not fit (the NUL needs one
 * more). The message quotes the whole value, so it needs a big buffer to
 * keep the part that names the option. */
static void test_error_path_too_long_set(void) {
  static char v[TT_OPT_PATH_MAX + 1], big[TT_OPT_PATH_MAX + 256];
  memset(v, 'a', TT_OPT_PATH_MAX);
  tt_options_defaults(&o);
  CU_ASSERT_EQUAL(tt_options_set(&o, "log-file", 8, v, TT_OPT_PATH_MAX, big, sizeof big), -1);
  CU_ASSERT_PTR_NOT_NULL(strstr(big, "' for log-file (expected a path shorter than 4096 bytes)"));
  CU_ASSERT_EQUAL(strncmp(big, "bad value 'aaaa", 15), 0);
  CU_ASSERT_STRING_EQUAL(o.log_file, "");
  CU_ASSERT_EQUAL(tt_options_set(&o, "log-file", 8, v, TT_OPT_PATH_MAX - 1, err, sizeof err), 0);
  CU_ASSERT_EQUAL(strlen(o.log_file), TT_OPT_PATH_MAX - 1);
}

/* Through the parser a value longer than the buffer is refused whole, not
 * cut: log-file stays unset, and the entries after it still count. */
static void test_error_path_too_long_parse(void) {
  static char s[TT_OPT_PATH_MAX + 64];
  strcpy(s, "log-file=");
  memset(s + 9, 'a', TT_OPT_PATH_MAX);
  strcpy(s + 9 + TT_OPT_PATH_MAX, " num-callers=21");
  CU_ASSERT_EQUAL(parse(s), -1);
  CU_ASSERT_STRING_EQUAL(err, "value of 'log-file' is too long");
  CU_ASSERT_STRING_EQUAL(o.log_file, "");
  CU_ASSERT_EQUAL(o.num_callers, 21);
  /* quoted */
  strcpy(s, "log-file='");
  memset(s + 10, 'a', TT_OPT_PATH_MAX);
  strcpy(s + 10 + TT_OPT_PATH_MAX, "'");
  CU_ASSERT_EQUAL(parse(s), -1);
  CU_ASSERT_STRING_EQUAL(err, "value of 'log-file' is too long");
  CU_ASSERT_STRING_EQUAL(o.log_file, "");
  /* 4095 bytes fit */
  s[10 + TT_OPT_PATH_MAX - 1] = '\'';
  s[10 + TT_OPT_PATH_MAX] = '\0';
  CU_ASSERT_EQUAL(parse(s), 0);
  CU_ASSERT_EQUAL(strlen(o.log_file), TT_OPT_PATH_MAX - 1);
}

static void test_error_message_truncated(void) {
  char small[16];
  tt_options_defaults(&o);
  CU_ASSERT_EQUAL(tt_options_parse(&o, "leak-check=maybe", small, sizeof small), -1);
  CU_ASSERT_EQUAL(strlen(small), sizeof small - 1);
  CU_ASSERT_STRING_EQUAL(small, "bad value 'mayb");
}

static void test_set_directly(void) {
  tt_options_defaults(&o);
  CU_ASSERT_EQUAL(tt_options_set(&o, "num_callers", 11, "40", 2, err, sizeof err), 0);
  CU_ASSERT_EQUAL(o.num_callers, 40);
  /* key and value are taken by length, not to a NUL */
  CU_ASSERT_EQUAL(tt_options_set(&o, "quiet=yes", 5, "yes please", 3, err, sizeof err), 0);
  CU_ASSERT_TRUE(o.quiet);
  CU_ASSERT_EQUAL(tt_options_set(&o, "quietly", 7, "yes", 3, err, sizeof err), -1);
  CU_ASSERT_STRING_EQUAL(err, "unknown option 'quietly'");
}

static void test_kinds_parse(void) {
  unsigned k = 12345;
#define KINDS(s) tt_options_parse_kinds((s), strlen(s), &k)
  CU_ASSERT_EQUAL(KINDS("all"), 0);
  CU_ASSERT_EQUAL(k, TT_KIND_ALL);
  CU_ASSERT_EQUAL(KINDS("none"), 0);
  CU_ASSERT_EQUAL(k, 0);
  CU_ASSERT_EQUAL(KINDS("definite,indirect"), 0);
  CU_ASSERT_EQUAL(k, TT_KIND_DEFINITE | TT_KIND_INDIRECT);
  CU_ASSERT_EQUAL(KINDS("reachable"), 0);
  CU_ASSERT_EQUAL(k, TT_KIND_REACHABLE);
  CU_ASSERT_EQUAL(KINDS("possible,definite,possible"), 0);
  CU_ASSERT_EQUAL(k, TT_KIND_POSSIBLE | TT_KIND_DEFINITE);
  CU_ASSERT_EQUAL(KINDS("definite,indirect,possible,reachable"), 0);
  CU_ASSERT_EQUAL(k, TT_KIND_ALL);
  k = 77;
  CU_ASSERT_EQUAL(KINDS("definite,"), -1);
  CU_ASSERT_EQUAL(KINDS(",definite"), -1);
  CU_ASSERT_EQUAL(KINDS("definite,,possible"), -1);
  CU_ASSERT_EQUAL(KINDS("definitely"), -1);
  CU_ASSERT_EQUAL(KINDS("definite,leaked"), -1);
  CU_ASSERT_EQUAL(KINDS("all,definite"), -1);
  CU_ASSERT_EQUAL(KINDS("Definite"), -1);
  CU_ASSERT_EQUAL(KINDS(""), -1);
  CU_ASSERT_EQUAL(k, 77); /* untouched on error */
  /* by length: "definite" out of "definite,xyz" */
  CU_ASSERT_EQUAL(tt_options_parse_kinds("definite,xyz", 8, &k), 0);
  CU_ASSERT_EQUAL(k, TT_KIND_DEFINITE);
#undef KINDS
}

static void test_kinds_str(void) {
  char buf[64];
  tt_options_kinds_str(0, buf, sizeof buf);
  CU_ASSERT_STRING_EQUAL(buf, "none");
  tt_options_kinds_str(TT_KIND_DEFINITE | TT_KIND_POSSIBLE, buf, sizeof buf);
  CU_ASSERT_STRING_EQUAL(buf, "definite,possible");
  tt_options_kinds_str(TT_KIND_ALL, buf, sizeof buf);
  CU_ASSERT_STRING_EQUAL(buf, "definite,indirect,possible,reachable");
  tt_options_kinds_str(TT_KIND_REACHABLE, buf, sizeof buf);
  CU_ASSERT_STRING_EQUAL(buf, "reachable");
  /* round trip */
  for (unsigned k = 0; k <= TT_KIND_ALL; k++) {
    unsigned back = 99;
    tt_options_kinds_str(k, buf, sizeof buf);
    CU_ASSERT_EQUAL(tt_options_parse_kinds(buf, strlen(buf), &back), 0);
    CU_ASSERT_EQUAL(back, k);
  }
  /* a short buffer is cut and terminated */
  char small[12];
  memset(small, 'x', sizeof small);
  tt_options_kinds_str(TT_KIND_ALL, small, sizeof small);
  CU_ASSERT_STRING_EQUAL(small, "definite,in");
}

/* ======================================================================== */
/* freelist-vol and check-dangling                                           */
/* ======================================================================== */

static void test_lifetime_defaults(void) {
  memset(&o, 0x5a, sizeof o);
  tt_options_defaults(&o);
  CU_ASSERT_EQUAL(o.freelist_vol, 20000000);
  CU_ASSERT_EQUAL(o.check_dangling, TT_DANGLING_NO);
}

static void test_freelist_vol_values(void) {
  static const struct {
    const char *text;
    size_t want;
  } good[] = {
      {"freelist-vol=0", 0},
      {"freelist-vol=1", 1},
      {"freelist-vol=20000000", 20000000},
      {"freelist-vol=1K", 1024},
      {"freelist-vol=1k", 1024},
      {"freelist-vol=10K", 10240},
      {"freelist-vol=2M", 2u << 20},
      {"freelist-vol=3m", 3u << 20},
      {"freelist-vol=1G", (size_t)1 << 30},
      {"freelist-vol=5g", (size_t)5 << 30},
      {"freelist-vol=0K", 0},
      {"freelist_vol=4096", 4096},
      {"freelist-vol=17179869183G", (((size_t)1 << 34) - 1) << 30}, /* the largest G */
      {"freelist-vol=1844674407370955161", 1844674407370955161ull},
  };
  for (unsigned i = 0; i < TT_ARRAY_LEN(good); i++) {
    CU_ASSERT_EQUAL(parse(good[i].text), 0);
    CU_ASSERT_EQUAL(o.freelist_vol, good[i].want);
    CU_ASSERT_STRING_EQUAL(err, "");
  }
}

static void test_freelist_vol_bad(void) {
  static const char *bad[] = {
      "1X", "-1", "+1", "1KB", "K", "", "1.5M", "0x100", "12 ",
      "99999999999999999999",  /* 20 digits, > 2^64 */
      "18446744073709551616",  /* 2^64 */
      "17179869184G",          /* 2^64 through the suffix */
      "16777216T",
      "123456789012345678901", /* 21 digits */
  };
  for (unsigned i = 0; i < TT_ARRAY_LEN(bad); i++) {
    struct tt_options x;
    tt_options_defaults(&x);
    x.freelist_vol = 777;
    err[0] = '\0';
    CU_ASSERT_EQUAL(tt_options_set(&x, "freelist-vol", 12, bad[i], strlen(bad[i]), err, sizeof err),
                    -1);
    CU_ASSERT_EQUAL(x.freelist_vol, 777); /* unchanged */
    char want[256];
    strcpy(want, "bad value '");
    strcat(want, bad[i]);
    strcat(want, "' for freelist-vol (expected a byte count, optionally with K, M or G)");
    CU_ASSERT_STRING_EQUAL(err, want);
  }
  CU_ASSERT_EQUAL(parse("freelist-vol=1X quiet=yes"), -1);
  CU_ASSERT_STRING_EQUAL(
      err, "bad value '1X' for freelist-vol (expected a byte count, optionally with K, M or G)");
  CU_ASSERT_EQUAL(o.freelist_vol, 20000000);
  CU_ASSERT_TRUE(o.quiet);
}

/* Every value a size_t holds is a good byte count.
 * Regression: the overflow guard once rejected 18446744073709551610 to
 * 18446744073709551615, which fit. */
static void test_bug_freelist_vol_largest_values(void) {
  CU_ASSERT_EQUAL(parse("freelist-vol=18446744073709551615"), 0);
  CU_ASSERT_EQUAL(o.freelist_vol, (size_t)UINT64_MAX);
  CU_ASSERT_EQUAL(parse("freelist-vol=18446744073709551610"), 0);
  CU_ASSERT_EQUAL(o.freelist_vol, (size_t)UINT64_MAX - 5);
}

static void test_check_dangling_values(void) {
  CU_ASSERT_EQUAL(parse("check-dangling=no"), 0);
  CU_ASSERT_EQUAL(o.check_dangling, TT_DANGLING_NO);
  CU_ASSERT_EQUAL(parse("check-dangling=all"), 0);
  CU_ASSERT_EQUAL(o.check_dangling, TT_DANGLING_ALL);
  CU_ASSERT_EQUAL(parse("check-dangling=no check_dangling=yes"), 0);
  CU_ASSERT_EQUAL(o.check_dangling, TT_DANGLING_YES);
  CU_ASSERT_EQUAL(parse("check_dangling=all:freelist-vol=0"), 0);
  CU_ASSERT_EQUAL(o.check_dangling, TT_DANGLING_ALL);
  CU_ASSERT_EQUAL(o.freelist_vol, 0);
}

static void test_check_dangling_bad(void) {
  static const char *bad[] = {"maybe", "YES", "All", "", "1", "true", "yess", "al"};
  for (unsigned i = 0; i < TT_ARRAY_LEN(bad); i++) {
    char text[64];
    strcpy(text, "check-dangling=");
    strcat(text, bad[i]);
    CU_ASSERT_EQUAL(parse(text), -1);
    CU_ASSERT_EQUAL(o.check_dangling, TT_DANGLING_NO); /* the default stays */
    char want[200];
    strcpy(want, "bad value '");
    strcat(want, bad[i]);
    strcat(want, "' for check-dangling (expected no, yes or all)");
    CU_ASSERT_STRING_EQUAL(err, want);
  }
}

/* ======================================================================== */
/* show-owner and check-signal                                               */
/* ======================================================================== */

#define SIGNAL_EXPECTED                                                                     \
  "(expected no, a signal name such as SIGUSR1 or USR1, or a number from 1 to 64 other " \
  "than 9, 19, 23, 32 and 33 (SIGKILL, SIGSTOP, SIGURG which tether uses, and glibc's own two))"
#define OWNER_EXPECTED "(expected an owner name (all names together shorter than 4096 bytes))"

static void test_owner_signal_defaults(void) {
  memset(&o, 0x5a, sizeof o);
  tt_options_defaults(&o);
  CU_ASSERT_STRING_EQUAL(o.show_owner, "");
  CU_ASSERT_EQUAL(o.check_signal, 0);
  /* the empty list lets everything through, the unowned blocks too */
  CU_ASSERT_TRUE(tt_options_show_owner(&o, "cache"));
  CU_ASSERT_TRUE(tt_options_show_owner(&o, ""));
  CU_ASSERT_TRUE(tt_options_show_owner(&o, NULL));
}

static void test_show_owner_list(void) {
  CU_ASSERT_EQUAL(parse("show-owner=cache show_owner=parser"), 0);
  CU_ASSERT_STRING_EQUAL(o.show_owner, "cache\nparser\n");
  CU_ASSERT_TRUE(tt_options_show_owner(&o, "cache"));
  CU_ASSERT_TRUE(tt_options_show_owner(&o, "parser"));
  CU_ASSERT_FALSE(tt_options_show_owner(&o, NULL)); /* unowned: not listed */
  CU_ASSERT_FALSE(tt_options_show_owner(&o, "cach"));
  CU_ASSERT_FALSE(tt_options_show_owner(&o, "caches"));
  CU_ASSERT_FALSE(tt_options_show_owner(&o, "arser"));
  CU_ASSERT_FALSE(tt_options_show_owner(&o, "Cache"));
  CU_ASSERT_FALSE(tt_options_show_owner(&o, ""));
  CU_ASSERT_FALSE(tt_options_show_owner(&o, "cache\nparser"));
  /* one more through set, appended */
  CU_ASSERT_EQUAL(tt_options_set(&o, "show-owner", 10, "net", 3, err, sizeof err), 0);
  CU_ASSERT_STRING_EQUAL(o.show_owner, "cache\nparser\nnet\n");
  CU_ASSERT_TRUE(tt_options_show_owner(&o, "net"));
  CU_ASSERT_TRUE(tt_options_show_owner(&o, "cache"));
  /* quoted names keep their spaces and colons */
  CU_ASSERT_EQUAL(parse("show-owner='my cache' show-owner=\"a:b\""), 0);
  CU_ASSERT_STRING_EQUAL(o.show_owner, "my cache\na:b\n");
  CU_ASSERT_TRUE(tt_options_show_owner(&o, "my cache"));
  CU_ASSERT_TRUE(tt_options_show_owner(&o, "a:b"));
  CU_ASSERT_FALSE(tt_options_show_owner(&o, "my"));
  CU_ASSERT_FALSE(tt_options_show_owner(&o, "a"));
}

static void test_show_owner_empty_clears(void) {
  CU_ASSERT_EQUAL(parse("show-owner=a show-owner=b show-owner="), 0);
  CU_ASSERT_STRING_EQUAL(o.show_owner, "");
  CU_ASSERT_TRUE(tt_options_show_owner(&o, "a"));
  CU_ASSERT_TRUE(tt_options_show_owner(&o, "zzz"));
  CU_ASSERT_TRUE(tt_options_show_owner(&o, NULL));
  CU_ASSERT_EQUAL(parse("show-owner=a show-owner='' show-owner=b"), 0);
  CU_ASSERT_STRING_EQUAL(o.show_owner, "b\n");
  CU_ASSERT_FALSE(tt_options_show_owner(&o, "a"));
  CU_ASSERT_TRUE(tt_options_show_owner(&o, "b"));
  CU_ASSERT_FALSE(tt_options_show_owner(&o, NULL));
}

static void test_show_owner_bad(void) {
  tt_options_defaults(&o);
  CU_ASSERT_EQUAL(tt_options_set(&o, "show-owner", 10, "ok", 2, err, sizeof err), 0);
  err[0] = '\0';
  CU_ASSERT_EQUAL(tt_options_set(&o, "show-owner", 10, "a\nb", 3, err, sizeof err), -1);
  CU_ASSERT_STRING_EQUAL(err, "bad value 'a...' for show-owner " OWNER_EXPECTED);
  CU_ASSERT_EQUAL(tt_options_set(&o, "show-owner", 10, "tail\n", 5, err, sizeof err), -1);
  CU_ASSERT_STRING_EQUAL(o.show_owner, "ok\n"); /* unchanged */
  CU_ASSERT_FALSE(tt_options_show_owner(&o, "a"));
  CU_ASSERT_FALSE(tt_options_show_owner(&o, "b"));
}

/* All names with their newlines and the NUL fit in TT_OPT_PATH_MAX bytes. */
static void test_show_owner_full(void) {
  static char name[TT_OPT_PATH_MAX];
  tt_options_defaults(&o);
  memset(name, 'n', sizeof name);
  /* one name of TT_OPT_PATH_MAX - 2 bytes fills the list exactly */
  CU_ASSERT_EQUAL(
      tt_options_set(&o, "show-owner", 10, name, TT_OPT_PATH_MAX - 1, err, sizeof err), -1);
  CU_ASSERT_EQUAL(strncmp(err, "bad value 'nnnn", 15), 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "...' for show-owner " OWNER_EXPECTED));
  CU_ASSERT_STRING_EQUAL(o.show_owner, "");
  CU_ASSERT_EQUAL(
      tt_options_set(&o, "show-owner", 10, name, TT_OPT_PATH_MAX - 2, err, sizeof err), 0);
  CU_ASSERT_EQUAL(strlen(o.show_owner), TT_OPT_PATH_MAX - 1);
  CU_ASSERT_EQUAL(o.show_owner[TT_OPT_PATH_MAX - 2], '\n');
  CU_ASSERT_EQUAL(tt_options_set(&o, "show-owner", 10, "x", 1, err, sizeof err), -1);
  CU_ASSERT_EQUAL(strlen(o.show_owner), TT_OPT_PATH_MAX - 1);
  /* a list of 1,000-byte names: four fit (4,004 bytes), a fifth does not */
  CU_ASSERT_EQUAL(tt_options_set(&o, "show-owner", 10, "", 0, err, sizeof err), 0);
  for (int i = 0; i < 4; i++) {
    name[0] = (char)('a' + i);
    CU_ASSERT_EQUAL(tt_options_set(&o, "show-owner", 10, name, 1000, err, sizeof err), 0);
  }
  name[0] = 'e';
  CU_ASSERT_EQUAL(tt_options_set(&o, "show-owner", 10, name, 1000, err, sizeof err), -1);
  CU_ASSERT_EQUAL(strlen(o.show_owner), 4004);
  /* and a short one still does */
  CU_ASSERT_EQUAL(tt_options_set(&o, "show-owner", 10, "last", 4, err, sizeof err), 0);
  CU_ASSERT_TRUE(tt_options_show_owner(&o, "last"));
  name[0] = 'c';
  name[1000] = '\0';
  CU_ASSERT_TRUE(tt_options_show_owner(&o, name));
  name[0] = 'e';
  CU_ASSERT_FALSE(tt_options_show_owner(&o, name));
}

static void test_check_signal_values(void) {
  static const struct {
    const char *text;
    int want;
  } good[] = {
      {"no", 0},       {"0", 0},        {"off", 0},       {"SIGUSR1", 10}, {"USR1", 10},
      {"10", 10},      {"SIGUSR2", 12}, {"USR2", 12},     {"12", 12},      {"1", 1},
      {"SIGHUP", 1},   {"SIGTERM", 15}, {"CHLD", 17},     {"SIGSYS", 31},  {"31", 31},
      {"34", 34},      {"64", 64},      {"SIGWINCH", 28}, {"8", 8},        {"24", 24},
  };
  for (unsigned i = 0; i < TT_ARRAY_LEN(good); i++) {
    struct tt_options x;
    tt_options_defaults(&x);
    x.check_signal = 99;
    err[0] = '\0';
    CU_ASSERT_EQUAL(tt_options_set(&x, "check-signal", 12, good[i].text, strlen(good[i].text), err,
                                   sizeof err),
                    0);
    CU_ASSERT_EQUAL(x.check_signal, good[i].want);
    CU_ASSERT_STRING_EQUAL(err, "");
  }
  CU_ASSERT_EQUAL(parse("check_signal=SIGUSR2"), 0);
  CU_ASSERT_EQUAL(o.check_signal, 12);
  CU_ASSERT_EQUAL(parse("check-signal=USR1 check-signal=no"), 0);
  CU_ASSERT_EQUAL(o.check_signal, 0);
}

static void test_check_signal_bad(void) {
  static const char *bad[] = {
      "9",       "19",     "23",      "32",   "33",  "65",  "100", "0x0a", "0xA",  "-10",
      "KILL",    "SIGKILL", "STOP",   "SIGSTOP", "URG", "SIGURG", "", "SIG", "SIGUSR", "SIG10",
      "USR1 ",   "yes",    "SIGSIGUSR1", "USR3", "99999999999",
  };
  for (unsigned i = 0; i < TT_ARRAY_LEN(bad); i++) {
    struct tt_options x;
    tt_options_defaults(&x);
    x.check_signal = 10;
    err[0] = '\0';
    CU_ASSERT_EQUAL(
        tt_options_set(&x, "check-signal", 12, bad[i], strlen(bad[i]), err, sizeof err), -1);
    CU_ASSERT_EQUAL(x.check_signal, 10); /* unchanged */
    char want[400];
    strcpy(want, "bad value '");
    strcat(want, bad[i]);
    strcat(want, "' for check-signal " SIGNAL_EXPECTED);
    CU_ASSERT_STRING_EQUAL(err, want);
  }
  CU_ASSERT_EQUAL(parse("check-signal=KILL quiet=yes"), -1);
  CU_ASSERT_STRING_EQUAL(err, "bad value 'KILL' for check-signal " SIGNAL_EXPECTED);
  CU_ASSERT_EQUAL(o.check_signal, 0);
  CU_ASSERT_TRUE(o.quiet);
}

static void test_signal_name(void) {
  CU_ASSERT_STRING_EQUAL(tt_options_signal_name(10), "SIGUSR1");
  CU_ASSERT_STRING_EQUAL(tt_options_signal_name(12), "SIGUSR2");
  CU_ASSERT_STRING_EQUAL(tt_options_signal_name(1), "SIGHUP");
  CU_ASSERT_STRING_EQUAL(tt_options_signal_name(15), "SIGTERM");
  CU_ASSERT_STRING_EQUAL(tt_options_signal_name(31), "SIGSYS");
  static const int unknown[] = {0, -1, 9, 19, 23, 32, 33, 34, 64, 65, 1000};
  for (unsigned i = 0; i < TT_ARRAY_LEN(unknown); i++)
    CU_ASSERT_PTR_NULL(tt_options_signal_name(unknown[i]));
  /* every name it gives parses back to its number, with and without SIG */
  for (int sig = 1; sig <= 64; sig++) {
    const char *name = tt_options_signal_name(sig);
    if (!name)
      continue;
    char copy[32];
    strcpy(copy, name);
    CU_ASSERT_EQUAL(strncmp(copy, "SIG", 3), 0);
    struct tt_options x;
    tt_options_defaults(&x);
    CU_ASSERT_EQUAL(tt_options_set(&x, "check-signal", 12, copy, strlen(copy), err, sizeof err), 0);
    CU_ASSERT_EQUAL(x.check_signal, sig);
    x.check_signal = 0;
    CU_ASSERT_EQUAL(
        tt_options_set(&x, "check-signal", 12, copy + 3, strlen(copy + 3), err, sizeof err), 0);
    CU_ASSERT_EQUAL(x.check_signal, sig);
  }
}

static void test_heuristics(void) {
  CU_ASSERT_EQUAL(parse(""), 0);
  CU_ASSERT_EQUAL(o.leak_check_heuristics, 0x1eu); /* default: all four, Valgrind's */
  CU_ASSERT_EQUAL(parse("leak-check-heuristics=none"), 0);
  CU_ASSERT_EQUAL(o.leak_check_heuristics, 0u);
  CU_ASSERT_EQUAL(parse("leak-check-heuristics=newarray,stdstring"), 0);
  CU_ASSERT_EQUAL(o.leak_check_heuristics, (1u << 3) | (1u << 1));
  CU_ASSERT_EQUAL(parse("leak-check-heuristics=multipleinheritance,length64"), 0);
  CU_ASSERT_EQUAL(o.leak_check_heuristics, (1u << 4) | (1u << 2));
  static const char *bad[] = {"newarray,", ",newarray", "stdstrings", "", "all,none", "newarray,,length64"};
  for (unsigned i = 0; i < TT_ARRAY_LEN(bad); i++) {
    char line[128];
    snprintf(line, sizeof line, "leak-check-heuristics=%s", bad[i]);
    CU_ASSERT_EQUAL(parse(line), -1);
    CU_ASSERT_EQUAL(o.leak_check_heuristics, 0x1eu); /* kept its default */
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "stdstring, length64, newarray, multipleinheritance"));
  }
}

static void test_choices(void) {
  CU_ASSERT_EQUAL(parse("gen-suppressions=all check-dangling=yes"), 0);
  CU_ASSERT_EQUAL(o.gen_suppressions, TT_GENSUPP_ALL);
  CU_ASSERT_EQUAL(o.check_dangling, TT_DANGLING_YES);
  CU_ASSERT_EQUAL(parse("gen-suppressions=yes check-dangling=all"), 0);
  CU_ASSERT_EQUAL(o.gen_suppressions, TT_GENSUPP_YES);
  CU_ASSERT_EQUAL(o.check_dangling, TT_DANGLING_ALL);
  CU_ASSERT_EQUAL(parse("gen-suppressions=maybe"), -1);
  CU_ASSERT_EQUAL(o.gen_suppressions, TT_GENSUPP_NO);
  CU_ASSERT_EQUAL(parse("show-reachable=yes"), 0);
  CU_ASSERT_EQUAL(o.show_leak_kinds, (unsigned)TT_KIND_ALL);
  CU_ASSERT_EQUAL(parse("tool=memcheck"), 0);
  CU_ASSERT_EQUAL(parse("tool=helgrind"), -1);
}

int options_init(void) { return 0; }
int options_cleanup(void) { return 0; }

/* A file name's %: p, q{VAR} with VAR set, or %; anything else refused. */
static void test_check_path(void) {
  char e[256];
  setenv("TT_UNIT_SET", "x", 1);
  unsetenv("TT_UNIT_UNSET");
  CU_ASSERT_EQUAL(tt_options_check_path("log-file", "", e, sizeof e), 0);
  CU_ASSERT_EQUAL(tt_options_check_path("log-file", "r.%p.%%.%q{TT_UNIT_SET}.txt", e, sizeof e), 0);
  CU_ASSERT_EQUAL(tt_options_check_path("log-file", "r.%q{TT_UNIT_UNSET}.txt", e, sizeof e), -1);
  CU_ASSERT_STRING_EQUAL(e, "--log-file: environment variable 'TT_UNIT_UNSET' is not set");
  CU_ASSERT_EQUAL(tt_options_check_path("json", "r.%z", e, sizeof e), -1);
  CU_ASSERT_STRING_EQUAL(e, "--json: expected 'p', 'q{VAR}' or '%' after '%' in 'r.%z'");
  CU_ASSERT_EQUAL(tt_options_check_path("json", "r.%q{NO_END", e, sizeof e), -1);
  CU_ASSERT_EQUAL(tt_options_check_path("json", "r.%", e, sizeof e), -1);
  unsetenv("TT_UNIT_SET");
}

CU_TestInfo options_tests[] = {
    {"defaults", test_defaults},
    {"table", test_table},
    {"parse, spaces", test_parse_spaces},
    {"parse, flag spelling (--name=value, -q, -v)", test_parse_flag_spelling},
    {"parse, colons", test_parse_colons},
    {"parse, quoted values", test_parse_quoted},
    {"parse, '_' for '-'", test_parse_underscores},
    {"values", test_values},
    {"error: unknown key", test_error_unknown_key},
    {"error: bad enum value", test_error_bad_enum},
    {"error: number out of range", test_error_number_range},
    {"error: not key=value", test_error_not_key_value},
    {"error: good entries still applied", test_error_keeps_good_entries},
    {"error: unterminated quote", test_error_unterminated_quote},
    {"error: bad kinds", test_error_kinds},
    {"error: path too long (set)", test_error_path_too_long_set},
    {"error: path too long (parse)", test_error_path_too_long_parse},
    {"error message truncated", test_error_message_truncated},
    {"set directly", test_set_directly},
    {"kinds parse", test_kinds_parse},
    {"kinds_str", test_kinds_str},
    {"freelist-vol and check-dangling defaults", test_lifetime_defaults},
    {"freelist-vol: values, K, M, G", test_freelist_vol_values},
    {"freelist-vol: bad values", test_freelist_vol_bad},
    {"freelist-vol: the largest values", test_bug_freelist_vol_largest_values},
    {"check-dangling: values", test_check_dangling_values},
    {"check-dangling: bad values", test_check_dangling_bad},
    {"show-owner and check-signal defaults", test_owner_signal_defaults},
    {"show-owner: a list of names", test_show_owner_list},
    {"show-owner: an empty value clears", test_show_owner_empty_clears},
    {"show-owner: a newline is refused", test_show_owner_bad},
    {"show-owner: the list is full", test_show_owner_full},
    {"check-signal: values", test_check_signal_values},
    {"check-signal: bad values", test_check_signal_bad},
    {"signal names", test_signal_name},
    {"leak-check-heuristics", test_heuristics},
    {"choices: gen-suppressions, check-dangling, show-reachable, tool", test_choices},
    {"file names: every % expands as meant", test_check_path},
    CU_TEST_INFO_NULL,
};
