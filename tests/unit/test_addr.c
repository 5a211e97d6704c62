/* SPDX-License-Identifier: MIT */
/* Address classification for error reports: whose stack an address is on
 * (tt_roots_thread_of) and which global variable holds it
 * (tt_symbolize_data). */
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include <sys/mman.h>

#include "tt_os.h"
#include "tt_roots.h"
#include "tt_scan.h"
#include "tt_symbolize.h"
#include "units.h"

/* Data symbols of the test binary with known names and sizes. Not static,
 * not const, written at run time: the compiler keeps them as they are. */
unsigned char tt_unit_data_probe[100];
long tt_unit_data_probe_long[4] = {1, 2, 3, 4};
static int tt_unit_static_probe[8];

/* ======================================================================== */
/* tt_roots_thread_of                                                        */
/* ======================================================================== */

static void test_thread_of_main_stack(void) {
  volatile int local = 0;
  volatile char deep[256];
  deep[0] = 1;
  CU_ASSERT_EQUAL(tt_roots_thread_of((uintptr_t)&local), 1);
  CU_ASSERT_EQUAL(tt_roots_thread_of((uintptr_t)&deep[200]), 1);
  (void)local;
}

static void test_thread_of_heap_and_global(void) {
  void *p = malloc(64);
  CU_ASSERT_FATAL(p != NULL);
  CU_ASSERT_EQUAL(tt_roots_thread_of((uintptr_t)p), 0);
  CU_ASSERT_EQUAL(tt_roots_thread_of((uintptr_t)p + 63), 0);
  free(p);
  CU_ASSERT_EQUAL(tt_roots_thread_of((uintptr_t)tt_unit_data_probe), 0);
  CU_ASSERT_EQUAL(tt_roots_thread_of((uintptr_t)&tt_unit_static_probe[3]), 0);
  CU_ASSERT_EQUAL(tt_roots_thread_of((uintptr_t)test_thread_of_heap_and_global), 0);
  CU_ASSERT_EQUAL(tt_roots_thread_of(0), 0);
  CU_ASSERT_EQUAL(tt_roots_thread_of(UINTPTR_MAX), 0);
}

/* A thread that registers (or not), reports what it sees of its own stack,
 * then waits until the main thread has looked at it too. */
struct probe_thread {
  bool register_it;
  uintptr_t local_addr;
  int seen_by_self, seen_again, seen_first;
  pthread_barrier_t *bar;
};

static void *probe_cb(void *arg) {
  struct probe_thread *t = arg;
  volatile int local = 5;
  if (t->register_it) {
    tt_roots_thread_start();
    t->seen_first = tt_roots_thread_of((uintptr_t)&local);
    tt_roots_thread_start(); /* twice: the same record, the same number */
  }
  t->local_addr = (uintptr_t)&local;
  t->seen_by_self = tt_roots_thread_of(t->local_addr);
  pthread_barrier_wait(t->bar); /* main looks now */
  pthread_barrier_wait(t->bar);
  t->seen_again = tt_roots_thread_of(t->local_addr);
  (void)local;
  return NULL;
}

static void test_thread_of_other_threads(void) {
  pthread_barrier_t bar;
  CU_ASSERT_FATAL(pthread_barrier_init(&bar, NULL, 4) == 0);
  struct probe_thread t[3] = {{.register_it = true, .bar = &bar},
                              {.register_it = true, .bar = &bar},
                              {.register_it = false, .bar = &bar}};
  pthread_t th[3];
  for (int i = 0; i < 3; i++)
    CU_ASSERT_FATAL(pthread_create(&th[i], NULL, probe_cb, &t[i]) == 0);
  pthread_barrier_wait(&bar);
  int from_main[3];
  for (int i = 0; i < 3; i++)
    from_main[i] = tt_roots_thread_of(t[i].local_addr);
  pthread_barrier_wait(&bar);
  for (int i = 0; i < 3; i++)
    pthread_join(th[i], NULL);
  pthread_barrier_destroy(&bar);
  /* registered threads: a number >= 2, the same from anywhere, distinct */
  CU_ASSERT(t[0].seen_by_self >= 2);
  CU_ASSERT(t[1].seen_by_self >= 2);
  CU_ASSERT_NOT_EQUAL(t[0].seen_by_self, t[1].seen_by_self);
  CU_ASSERT_EQUAL(from_main[0], t[0].seen_by_self);
  CU_ASSERT_EQUAL(from_main[1], t[1].seen_by_self);
  CU_ASSERT_EQUAL(t[0].seen_again, t[0].seen_by_self);
  CU_ASSERT_EQUAL(t[0].seen_first, t[0].seen_by_self);
  CU_ASSERT_EQUAL(t[1].seen_first, t[1].seen_by_self);
  /* a thread that never registered: not a known stack */
  CU_ASSERT_EQUAL(t[2].seen_by_self, 0);
  CU_ASSERT_EQUAL(from_main[2], 0);
}

static void *exit_cb(void *arg) {
  volatile int local = 1;
  tt_roots_thread_start();
  uintptr_t *out = arg;
  out[0] = (uintptr_t)&local;
  out[1] = (uintptr_t)tt_roots_thread_of((uintptr_t)&local);
  (void)local;
  return NULL;
}

/* Once a registered thread has exited, its stack is nobody's (glibc keeps
 * the stack block cached, so the address is still mapped). A new thread
 * taking over that stack gets a new number. */
static void test_thread_of_after_exit(void) {
  uintptr_t r1[2], r2[2];
  pthread_t th;
  CU_ASSERT_FATAL(pthread_create(&th, NULL, exit_cb, r1) == 0);
  pthread_join(th, NULL);
  CU_ASSERT(r1[1] >= 2);
  CU_ASSERT_EQUAL(tt_roots_thread_of(r1[0]), 0);
  CU_ASSERT_FATAL(pthread_create(&th, NULL, exit_cb, r2) == 0);
  pthread_join(th, NULL);
  CU_ASSERT(r2[1] >= 2);
  CU_ASSERT_NOT_EQUAL(r2[1], r1[1]);
  CU_ASSERT_EQUAL(tt_roots_thread_of(r2[0]), 0);
}

/* ======================================================================== */
/* tt_symbolize_data                                                         */
/* ======================================================================== */

static void test_symbolize_data_global(void) {
  tt_unit_data_probe[0] = 1; /* used */
  const char *name = NULL;
  size_t off = 999;
  CU_ASSERT_TRUE_FATAL(tt_symbolize_data((uintptr_t)tt_unit_data_probe, &name, &off));
  CU_ASSERT_STRING_EQUAL(name, "tt_unit_data_probe");
  CU_ASSERT_EQUAL(off, 0);
  name = NULL;
  CU_ASSERT_TRUE_FATAL(tt_symbolize_data((uintptr_t)&tt_unit_data_probe[37], &name, &off));
  CU_ASSERT_STRING_EQUAL(name, "tt_unit_data_probe");
  CU_ASSERT_EQUAL(off, 37);
  CU_ASSERT_TRUE_FATAL(tt_symbolize_data((uintptr_t)&tt_unit_data_probe[99], &name, &off));
  CU_ASSERT_STRING_EQUAL(name, "tt_unit_data_probe");
  CU_ASSERT_EQUAL(off, 99);
  /* one past the end is not inside it (some other symbol, or none) */
  name = NULL;
  if (tt_symbolize_data((uintptr_t)tt_unit_data_probe + 100, &name, &off))
    CU_ASSERT(name && strcmp(name, "tt_unit_data_probe") != 0);
  /* an initialized one (.data), in the middle of an element */
  tt_unit_data_probe_long[1]++;
  CU_ASSERT_TRUE_FATAL(
      tt_symbolize_data((uintptr_t)&tt_unit_data_probe_long[2] + 3, &name, &off));
  CU_ASSERT_STRING_EQUAL(name, "tt_unit_data_probe_long");
  CU_ASSERT_EQUAL(off, 2 * sizeof(long) + 3);
}

static void test_symbolize_data_static(void) {
  tt_unit_static_probe[5] = 3;
  const char *name = NULL;
  size_t off = 999;
  CU_ASSERT_TRUE_FATAL(tt_symbolize_data((uintptr_t)&tt_unit_static_probe[5], &name, &off));
  CU_ASSERT_STRING_EQUAL(name, "tt_unit_static_probe");
  CU_ASSERT_EQUAL(off, 5 * sizeof(int));
}

static void test_symbolize_data_not_data(void) {
  const char *name = "untouched";
  size_t off = 7;
  void *p = malloc(32);
  CU_ASSERT_FATAL(p != NULL);
  CU_ASSERT_FALSE(tt_symbolize_data((uintptr_t)p, &name, &off));
  free(p);
  volatile int local = 0;
  CU_ASSERT_FALSE(tt_symbolize_data((uintptr_t)&local, &name, &off));
  /* code is no data symbol */
  CU_ASSERT_FALSE(tt_symbolize_data((uintptr_t)test_symbolize_data_not_data, &name, &off));
  CU_ASSERT_FALSE(tt_symbolize_data(0, &name, &off));
  CU_ASSERT_STRING_EQUAL(name, "untouched");
  CU_ASSERT_EQUAL(off, 7);
  (void)local;
}

/* ======================================================================== */

int addr_init(void) {
  tt_roots_init(); /* the thread-exit hook */
  return 0;
}
int addr_cleanup(void) { return 0; }

/* ======================================================================== */
/* glibc's lone chunks, and the blocks of a mapping                          */
/* ======================================================================== */

/* A fake chunk in the pages of a mapping of ours: a header at a page start,
 * the block 16 bytes in. */
static void fake_chunk(char *page, uintptr_t size_word) {
  ((uintptr_t *)page)[0] = 0;
  ((uintptr_t *)page)[1] = size_word;
}

static void test_glibc_mmapped_chunk_shape(void) {
  enum { PAGES = 8 };
  char *m = mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CU_ASSERT_FATAL(m != MAP_FAILED);
  uintptr_t lo = (uintptr_t)m, hi = lo + PAGES * 4096;
  char *page = m + 4096;
  uintptr_t block = (uintptr_t)page + 16;
  fake_chunk(page, 4 * 4096 | 2); /* 4 pages, IS_MMAPPED */
  CU_ASSERT_TRUE(tt_os_is_glibc_mmapped_chunk(block, 3 * 4096, lo, hi));
  CU_ASSERT_TRUE(tt_os_is_glibc_mmapped_chunk(block, 4 * 4096 - 16, lo, hi)); /* exactly fits */
  CU_ASSERT_FALSE(tt_os_is_glibc_mmapped_chunk(block, 4 * 4096, lo, hi));     /* bigger than it */
  CU_ASSERT_FALSE(tt_os_is_glibc_mmapped_chunk(block + 16, 100, lo, hi));     /* not 16 into a page */
  CU_ASSERT_FALSE(tt_os_is_glibc_mmapped_chunk(block, 100, lo, lo + 2 * 4096)); /* runs past the mapping */
  CU_ASSERT_FALSE(tt_os_is_glibc_mmapped_chunk(block, 100, (uintptr_t)page + 8, hi)); /* header outside */
  fake_chunk(page, 4 * 4096 | 1); /* an arena chunk: PREV_INUSE only */
  CU_ASSERT_FALSE(tt_os_is_glibc_mmapped_chunk(block, 100, lo, hi));
  fake_chunk(page, (4 * 4096 + 48) | 2); /* not whole pages */
  CU_ASSERT_FALSE(tt_os_is_glibc_mmapped_chunk(block, 100, lo, hi));
  munmap(m, PAGES * 4096);
}

/* tt_os_for_each_resident_run: the runs of pages the process touched. */
struct runs {
  uintptr_t lo[8], hi[8];
  int n;
};

static void run_cb(uintptr_t lo, uintptr_t hi, void *arg) {
  struct runs *r = arg;
  if (r->n < 8) {
    r->lo[r->n] = lo;
    r->hi[r->n] = hi;
  }
  r->n++;
}

static void test_resident_runs(void) {
  enum { PAGES = 64 };
  char *m = mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CU_ASSERT_FATAL(m != MAP_FAILED);
  m[3 * 4096 + 5] = 1;
  for (int p = 10; p <= 12; p++)
    m[p * 4096] = 1;
  m[PAGES * 4096 - 1] = 1;
  uintptr_t lo = (uintptr_t)m, hi = lo + PAGES * 4096;
  int fd = tt_os_open_read("/proc/self/pagemap");
  CU_ASSERT_FATAL(fd >= 0);
  struct runs r = {0};
  tt_os_for_each_resident_run(fd, lo + 100, hi - 8, run_cb, &r);
  CU_ASSERT_EQUAL_FATAL(r.n, 3);
  CU_ASSERT_EQUAL(r.lo[0], lo + 3 * 4096);
  CU_ASSERT_EQUAL(r.hi[0], lo + 4 * 4096);
  CU_ASSERT_EQUAL(r.lo[1], lo + 10 * 4096);
  CU_ASSERT_EQUAL(r.hi[1], lo + 13 * 4096);
  CU_ASSERT_EQUAL(r.lo[2], hi - 4096);
  CU_ASSERT_EQUAL(r.hi[2], hi - 8); /* clipped to the range asked */
  /* a range starting inside a touched page starts where asked */
  memset(&r, 0, sizeof r);
  tt_os_for_each_resident_run(fd, lo + 3 * 4096 + 40, lo + 5 * 4096, run_cb, &r);
  CU_ASSERT_EQUAL_FATAL(r.n, 1);
  CU_ASSERT_EQUAL(r.lo[0], lo + 3 * 4096 + 40);
  CU_ASSERT_EQUAL(r.hi[0], lo + 4 * 4096);
  /* without pagemap: the whole range */
  memset(&r, 0, sizeof r);
  tt_os_for_each_resident_run(-1, lo, hi, run_cb, &r);
  CU_ASSERT_EQUAL_FATAL(r.n, 1);
  CU_ASSERT_EQUAL(r.lo[0], lo);
  CU_ASSERT_EQUAL(r.hi[0], hi);
  /* a descriptor that cannot answer (not pagemap): the whole range */
  memset(&r, 0, sizeof r);
  int devnull = tt_os_open_read("/dev/null");
  CU_ASSERT_FATAL(devnull >= 0);
  tt_os_for_each_resident_run(devnull, lo, hi, run_cb, &r);
  CU_ASSERT_EQUAL_FATAL(r.n, 1);
  CU_ASSERT_EQUAL(r.lo[0], lo);
  CU_ASSERT_EQUAL(r.hi[0], hi);
  tt_os_close(devnull);
  tt_os_close(fd);
  munmap(m, PAGES * 4096);
}

struct seen {
  uintptr_t addr[8];
  int n, stop_after;
};

static bool seen_cb(const struct tt_block *b, void *arg) {
  struct seen *s = arg;
  s->addr[s->n++] = b->addr;
  return s->n != s->stop_after;
}

static void test_scan_all_blocks_in(void) {
  struct tt_block live[3], freed[1], own[1];
  memset(live, 0, sizeof live);
  memset(freed, 0, sizeof freed);
  memset(own, 0, sizeof own);
  live[0].addr = 0x1000;
  live[1].addr = 0x2000;
  live[2].addr = 0x5000;
  freed[0].addr = 0x3000;
  own[0].addr = 0x4000;
  for (int i = 0; i < 3; i++)
    live[i].size_kind = 16;
  freed[0].size_kind = own[0].size_kind = 16;
  void *scratch = calloc(1, tt_scan_scratch_bytes(3));
  CU_ASSERT_FATAL(scratch != NULL);
  struct tt_scan sc;
  tt_scan_init(&sc, live, 3, scratch);
  tt_scan_set_skip(&sc, freed, 1);
  tt_scan_set_own(&sc, own, 1);
  struct seen s = {{0}, 0, 0};
  CU_ASSERT_TRUE(tt_scan_all_blocks_in(&sc, 0x1800, 0x5000, seen_cb, &s));
  CU_ASSERT_EQUAL(s.n, 3); /* live 0x2000, freed 0x3000, own 0x4000; not 0x5000 */
  CU_ASSERT_EQUAL(s.addr[0], 0x2000);
  CU_ASSERT_EQUAL(s.addr[1], 0x3000);
  CU_ASSERT_EQUAL(s.addr[2], 0x4000);
  struct seen t = {{0}, 0, 2};
  CU_ASSERT_FALSE(tt_scan_all_blocks_in(&sc, 0, 0x10000, seen_cb, &t)); /* stopped */
  CU_ASSERT_EQUAL(t.n, 2);
  struct seen u = {{0}, 0, 0};
  CU_ASSERT_TRUE(tt_scan_all_blocks_in(&sc, 0x6000, 0x7000, seen_cb, &u));
  CU_ASSERT_EQUAL(u.n, 0);
  free(scratch);
}

/* tt_os_save_own_registers must not hand the scan what its stack held
 * before: getcontext fills in only part of a ucontext_t (on x86-64 not
 * rax, r10, r11 nor the vector registers), and a stale heap address left in
 * the rest read as a register root (six perl arenas read as still
 * reachable). A frame at the same depth first fills the stack with a
 * marker. */
#define STALE_MARK ((uintptr_t)0x5eedfacecafe0000ull)

static __attribute__((noinline)) void stain_stack(void) {
  volatile uintptr_t junk[2048];
  for (size_t i = 0; i < 2048; i++)
    junk[i] = STALE_MARK + i;
  __asm__ volatile("" : : "r"(junk) : "memory");
}

static __attribute__((noinline)) void save_here(struct tt_thread_state *st) {
  tt_os_save_own_registers(st);
  __asm__ volatile("" : : "r"(st) : "memory");
}

static void test_saved_registers_not_stale(void) {
  struct tt_thread_state st;
  memset(&st, 0, sizeof st);
  stain_stack();
  save_here(&st);
  int stale = 0;
  for (size_t i = 0; i < TT_REGS_WORDS; i++)
    stale += (st.regs[i] & ~(uintptr_t)0xffff) == STALE_MARK;
  CU_ASSERT_EQUAL(stale, 0);
  CU_ASSERT_TRUE(st.stopped);
  CU_ASSERT_NOT_EQUAL(st.sp, 0);
}

/* tt_symbolize_name: the function and object from the symbol table only;
 * tt_symbolize adds file:line from the debug information. */
static void test_symbolize_name_only(void) {
  uintptr_t pc = (uintptr_t)&stain_stack + 4;
  struct tt_frame_info name, full;
  tt_symbolize_name(pc, false, &name);
  tt_symbolize(pc, false, &full);
  CU_ASSERT_PTR_NOT_NULL_FATAL(name.function);
  CU_ASSERT_STRING_EQUAL(name.function, "stain_stack");
  CU_ASSERT_PTR_NOT_NULL(name.object);
  CU_ASSERT_PTR_NULL(name.file);
  CU_ASSERT_EQUAL(name.line, 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(full.file);
  CU_ASSERT_STRING_EQUAL(full.file, "test_addr.c");
  CU_ASSERT_TRUE(full.line > 0);
  /* each mode keeps its own cache entry: asked again, each answers the same */
  tt_symbolize_name(pc, false, &name);
  CU_ASSERT_PTR_NULL(name.file);
  tt_symbolize(pc, false, &full);
  CU_ASSERT_PTR_NOT_NULL(full.file);
}

/* tether's sorted copy of a module's symbols answers as libdw's
 * dwfl_module_addrinfo does, in and around functions (between them, where
 * libdw's answer is remembered): in this test program (local symbols,
 * static functions), libc, libdw and libelf; and answers most probes by
 * itself. */
static void test_symbolize_index_agrees(void) {
  const uintptr_t in[] = {
      (uintptr_t)&stain_stack,
      (uintptr_t)dlsym(RTLD_DEFAULT, "qsort"),
      (uintptr_t)dlsym(RTLD_DEFAULT, "dwfl_begin"),
      (uintptr_t)dlsym(RTLD_DEFAULT, "elf_begin"),
  };
  for (size_t m = 0; m < sizeof in / sizeof in[0]; m++) {
    CU_ASSERT_FATAL(in[m] != 0);
    size_t probes = 0, answered = 0, none = 0;
    size_t bad = tt_symbolize_check_index(in[m], 3000, &probes, &answered, &none);
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT(probes >= 100);
    CU_ASSERT(answered * 2 >= probes); /* the ones around a function may be in none */
  }
  /* A stripped library of thousands of exported symbols (g++ is a build
   * dependency): between them, where libdw's answer is none, the index
   * answers none without asking it (cc1 and ld spent most of their exit
   * there). */
  void *h = dlopen("libstdc++.so.6", RTLD_NOW | RTLD_LOCAL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  uintptr_t fn = (uintptr_t)dlsym(h, "_ZNSt9exceptionD1Ev");
  CU_ASSERT_FATAL(fn != 0);
  size_t probes = 0, answered = 0, none = 0;
  CU_ASSERT_EQUAL(tt_symbolize_check_index(fn, 6000, &probes, &answered, &none), 0);
  CU_ASSERT(probes >= 1000);
  CU_ASSERT(answered * 2 >= probes);
  CU_ASSERT(none * 10 >= probes); /* the gaps' probes: 2 of 5 lie around a function */
}

/* Every dlclose retains the modules loaded then. One loaded by a relative
 * name, such as the vdso, needs the memory map for its file: read once per
 * module, not at every call (a loop of dlopen and dlclose ran 150 times
 * slower, reading /proc/self/maps at each dlclose). */
static void test_retain_reads_map_once(void) {
  tt_symbolize_retain_modules();
  size_t first = tt_symbolize_map_reads();
  CU_ASSERT_TRUE(first >= 1); /* the vdso, at least */
  for (int i = 0; i < 5; i++)
    tt_symbolize_retain_modules();
  CU_ASSERT_EQUAL(tt_symbolize_map_reads(), first);
}

CU_TestInfo addr_tests[] = {
    {"retained modules: the memory map read once per module", test_retain_reads_map_once},
    {"thread_of: the main thread's stack", test_thread_of_main_stack},
    {"thread_of: heap, globals, code", test_thread_of_heap_and_global},
    {"thread_of: other threads", test_thread_of_other_threads},
    {"thread_of: after the thread exits", test_thread_of_after_exit},
    {"symbolize_data: a global", test_symbolize_data_global},
    {"symbolize_data: a static", test_symbolize_data_static},
    {"symbolize_data: heap, stack, code", test_symbolize_data_not_data},
    {"glibc's lone mmapped chunks: their shape", test_glibc_mmapped_chunk_shape},
    {"resident runs: only the pages the process touched", test_resident_runs},
    {"the blocks starting in a range, every list", test_scan_all_blocks_in},
    {"own registers: nothing stale from the stack", test_saved_registers_not_stale},
    {"symbolize_name: no file:line", test_symbolize_name_only},
    {"symbolize: the sorted symbols answer as libdw does", test_symbolize_index_agrees},
    CU_TEST_INFO_NULL,
};
