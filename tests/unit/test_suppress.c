/* SPDX-License-Identifier: MIT */
/* tt_suppress: Valgrind's and LeakSanitizer's formats read, a bad file
 * refused whole with one line naming where, matching by frame and leak kind,
 * and the leak kinds the check must symbolize records of. */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "tt_options.h"
#include "tt_suppress.h"
#include "units.h"

static int parse(const char *text, char *err, size_t errsize) {
  return tt_suppress_parse(text, strlen(text), "t.supp", err, errsize);
}

static const struct tt_supp_frame frames[] = {
    {0x1000, "malloc", "malloc", "/lib/libc.so.6", NULL, NULL, 0, NULL},
    {0x2000, "make_node", "make_node", "/usr/bin/prog", "prog.c", "src/prog.c", 12, NULL},
    {0x3000, "main", "main", "/usr/bin/prog", "prog.c", "src/prog.c", 40, NULL},
};

static void test_leak_kinds(void) {
  char err[256] = "";
  tt_suppress_reset();
  CU_ASSERT_EQUAL(tt_suppress_leak_kinds(), 0);
  CU_ASSERT_EQUAL(parse("{\n possible-only\n Memcheck:Leak\n match-leak-kinds: possible\n"
                        " fun:malloc\n}\n",
                        err, sizeof err),
                  1);
  CU_ASSERT_EQUAL(tt_suppress_leak_kinds(), TT_KIND_POSSIBLE);
  /* a Free suppression is no leak suppression */
  CU_ASSERT_EQUAL(parse("{\n frees\n Memcheck:Free\n fun:free\n}\n", err, sizeof err), 1);
  CU_ASSERT_EQUAL(tt_suppress_leak_kinds(), TT_KIND_POSSIBLE);
  CU_ASSERT_EQUAL(parse("{\n two\n Memcheck:Leak\n match-leak-kinds: definite,indirect\n"
                        " fun:make_node\n}\n",
                        err, sizeof err),
                  1);
  CU_ASSERT_EQUAL(tt_suppress_leak_kinds(), TT_KIND_POSSIBLE | TT_KIND_DEFINITE | TT_KIND_INDIRECT);
  /* no match-leak-kinds: every kind; LeakSanitizer's lines too */
  tt_suppress_reset();
  CU_ASSERT_EQUAL(parse("leak:make_node\n", err, sizeof err), 1);
  CU_ASSERT_EQUAL(tt_suppress_leak_kinds(), TT_KIND_ALL);
  tt_suppress_reset();
}

static void test_match_by_kind_and_frames(void) {
  char err[256] = "";
  tt_suppress_reset();
  CU_ASSERT_EQUAL(parse("{\n node\n Memcheck:Leak\n match-leak-kinds: definite\n fun:malloc\n"
                        " fun:make_node\n}\n",
                        err, sizeof err),
                  1);
  CU_ASSERT_STRING_EQUAL(tt_suppress_match(TT_SUPP_LEAK, TT_KIND_DEFINITE, frames, 3, 10, 1),
                         "node");
  CU_ASSERT_PTR_NULL(tt_suppress_match(TT_SUPP_LEAK, TT_KIND_POSSIBLE, frames, 3, 10, 1));
  CU_ASSERT_PTR_NULL(tt_suppress_match(TT_SUPP_FREE, 0, frames, 3, 0, 0));
  CU_ASSERT_PTR_NULL(tt_suppress_match(TT_SUPP_LEAK, TT_KIND_DEFINITE, frames + 1, 2, 10, 1));
  uint64_t errors = 0, used = 0;
  tt_suppress_totals(&errors, &used);
  CU_ASSERT_EQUAL(used, 1);
  tt_suppress_reset();
}

static void test_bad_file_refused_whole(void) {
  char err[256] = "";
  tt_suppress_reset();
  CU_ASSERT_EQUAL(parse("{\n good\n Memcheck:Leak\n fun:malloc\n}\n{\n bad\n Memcheck:Leak\n"
                        " match-leak-kinds: sometimes\n fun:malloc\n}\n",
                        err, sizeof err),
                  -1);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "t.supp:9: bad match-leak-kinds 'sometimes'"));
  CU_ASSERT_EQUAL(tt_suppress_count(), 0); /* nothing of a bad file is kept */
  CU_ASSERT_EQUAL(tt_suppress_leak_kinds(), 0);
  CU_ASSERT_EQUAL(parse("{\n only dots\n Memcheck:Leak\n ...\n}\n", err, sizeof err), -1);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "t.supp:5: a suppression needs at least one frame line"));
  tt_suppress_reset();
}

int suppress_init(void) { return 0; }
int suppress_cleanup(void) {
  tt_suppress_reset();
  return 0;
}

/* A frame line of thousands of characters (a mangled C++ name) is read
 * whole; one past the limit refuses the file, naming the line. */
static void test_long_lines(void) {
  char err[256] = "";
  static char text[70000 + 128];
  tt_suppress_reset();
  size_t n = (size_t)snprintf(text, sizeof text, "{\n long\n Memcheck:Leak\n fun:");
  memset(text + n, '*', 3000);
  n += 3000;
  n += (size_t)snprintf(text + n, sizeof text - n, "x\n}\n");
  CU_ASSERT_EQUAL(parse(text, err, sizeof err), 1);
  struct tt_supp_frame fr[1] = {{0x1000, "make_node", NULL, "/bin/prog", NULL, NULL, 0, NULL}};
  /* cut at 1023 characters it was all stars and matched any frame */
  CU_ASSERT_PTR_NULL(tt_suppress_match(TT_SUPP_LEAK, TT_KIND_DEFINITE, fr, 1, 10, 1));
  fr[0].fun = "make_nodex";
  CU_ASSERT_PTR_NOT_NULL(tt_suppress_match(TT_SUPP_LEAK, TT_KIND_DEFINITE, fr, 1, 10, 1));
  tt_suppress_reset();
  n = (size_t)snprintf(text, sizeof text, "{\n huge\n Memcheck:Leak\n fun:");
  memset(text + n, 'a', 66000);
  n += 66000;
  n += (size_t)snprintf(text + n, sizeof text - n, "\n}\n");
  CU_ASSERT_EQUAL(parse(text, err, sizeof err), -1);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, ":4: line longer than 65535 characters"));
  CU_ASSERT_EQUAL(tt_suppress_count(), 0);
}

/* A frame shown as "(below main)" matches Valgrind's name for it and the C
 * runtime's own. */
static void test_below_main(void) {
  char err[256] = "";
  struct tt_supp_frame fr[2] = {
      {0x1000, NULL, NULL, "/bin/stripped", NULL, NULL, 0, NULL},
      {0x2000, "(below main)", "(below main)", "/lib/libc.so.6", "libc_start_call_main.h",
       NULL, 58, "__libc_start_call_main"},
  };
  tt_suppress_reset();
  CU_ASSERT_EQUAL(parse("{\n vg\n Memcheck:Leak\n obj:/bin/stripped\n fun:(below main)\n}\n", err,
                        sizeof err),
                  1);
  CU_ASSERT_PTR_NOT_NULL(tt_suppress_match(TT_SUPP_LEAK, TT_KIND_DEFINITE, fr, 2, 10, 1));
  tt_suppress_reset();
  CU_ASSERT_EQUAL(parse("{\n own\n Memcheck:Leak\n obj:*\n fun:__libc_start_call_main\n}\n", err,
                        sizeof err),
                  1);
  CU_ASSERT_PTR_NOT_NULL(tt_suppress_match(TT_SUPP_LEAK, TT_KIND_DEFINITE, fr, 2, 10, 1));
  tt_suppress_reset();
  CU_ASSERT_EQUAL(parse("{\n other\n Memcheck:Leak\n obj:*\n fun:main\n}\n", err, sizeof err), 1);
  CU_ASSERT_PTR_NULL(tt_suppress_match(TT_SUPP_LEAK, TT_KIND_DEFINITE, fr, 2, 10, 1));
  tt_suppress_reset();
}

/* Out of memory (a ulimit -v) is not the file's fault: -2, where it was
 * "bad suppression file: ...: out of memory" and "fix or drop the file".
 * In a child whose address space may not grow. */
static void test_out_of_memory(void) {
  pid_t pid = fork();
  CU_ASSERT_TRUE_FATAL(pid >= 0);
  if (pid == 0) {
    unsigned long pages = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f || fscanf(f, "%lu", &pages) != 1)
      _exit(3);
    fclose(f);
    struct rlimit lim;
    lim.rlim_cur = lim.rlim_max = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE);
    if (setrlimit(RLIMIT_AS, &lim) != 0)
      _exit(4);
    char err[256] = "";
    int rc = parse("{\n a\n Memcheck:Leak\n fun:malloc\n}\n", err, sizeof err);
    _exit(rc == -2 && strstr(err, "out of memory") ? 0 : 10 - rc);
  }
  int st = 0;
  CU_ASSERT_EQUAL(waitpid(pid, &st, 0), pid);
  CU_ASSERT_TRUE(WIFEXITED(st));
  CU_ASSERT_EQUAL(WEXITSTATUS(st), 0);
  tt_suppress_reset();
}

CU_TestInfo suppress_tests[] = {
    {"out of memory: told from a bad file", test_out_of_memory},
    {"below main: Valgrind's name and the runtime's both match", test_below_main},
    {"leak kinds: what some leak suppression matches", test_leak_kinds},
    {"match: by leak kind and frames, counted", test_match_by_kind_and_frames},
    {"a bad file: refused whole, one line naming where", test_bad_file_refused_whole},
    {"long lines: read whole, or refused past the limit", test_long_lines},
    CU_TEST_INFO_NULL,
};
