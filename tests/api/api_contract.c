/*
 * api_contract: the contract of include/tether.h, checked from a program.
 *
 * Every call of the header is exercised. Without tether (or with the header
 * compiled out by -DTETHER_DISABLE) every call must do nothing, return 0 or
 * NULL and never crash, misuse included. Under tether (LD_PRELOAD of
 * libtether.so) the calls must keep the contract the header documents.
 *
 * The program checks itself: each failed check prints "FAIL: file:line expr"
 * to stdout; the last line is "api_contract: ok (under tether)" or
 * "api_contract: ok (without tether)" on success, and the exit status is 0
 * exactly when no check failed. tether's own report goes to stderr.
 *
 * Misuse is made exactly once per kind (tether_set_owner, tether_transfer,
 * tether_ignore, tether_scope_pop, tether_unregister_root), so that the test
 * driver (run_api.sh) can count one "==PID== Warning: tether_xxx: " line each
 * under tether, and none without.
 *
 * Built as C99 (strict, -pedantic) and gnu11, PIE and non-PIE: no _GNU_SOURCE
 * here on purpose, the header must not need it.
 */
#define _DEFAULT_SOURCE 1 /* MAP_ANONYMOUS under -std=c99; not _GNU_SOURCE */

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "tether.h"

#define NOINLINE __attribute__((noinline))

static int failures;
static int checks;

#define CHECK(expr)                                              \
  do {                                                           \
    checks++;                                                    \
    if (!(expr)) {                                               \
      failures++;                                                \
      printf("FAIL: %s:%d %s\n", __FILE__, __LINE__, #expr);     \
      fflush(stdout);                                            \
    }                                                            \
  } while (0)

/* Compare two sizes and print both on failure. */
#define CHECK_EQ_SIZE(got, want)                                                      \
  do {                                                                                \
    size_t got_ = (got), want_ = (want);                                              \
    checks++;                                                                         \
    if (got_ != want_) {                                                              \
      failures++;                                                                     \
      printf("FAIL: %s:%d %s == %s (got %zu, want %zu)\n", __FILE__, __LINE__, #got, \
             #want, got_, want_);                                                     \
      fflush(stdout);                                                                 \
    }                                                                                 \
  } while (0)

/* An owner name is what we expect: NULL, or equal by strcmp. */
static int owner_is(const void *block, const char *want) {
  const char *got = tether_owner_of(block);
  if (want == NULL)
    return got == NULL;
  return got != NULL && strcmp(got, want) == 0;
}

#define CHECK_OWNER(block, want)                                                        \
  do {                                                                                  \
    const char *w_ = (want);                                                            \
    checks++;                                                                           \
    if (!owner_is((block), w_)) {                                                       \
      const char *g_ = tether_owner_of(block);                                          \
      failures++;                                                                       \
      printf("FAIL: %s:%d owner_of(%s) == %s (got %s%s%s)\n", __FILE__, __LINE__,       \
             #block, w_ ? w_ : "NULL", g_ ? "\"" : "", g_ ? g_ : "NULL", g_ ? "\"" : ""); \
      fflush(stdout);                                                                   \
    }                                                                                   \
  } while (0)

/* Zero the dead stack below the caller, so no stale copy of a pointer a
 * helper dropped survives for the conservative scan to find, and overwrite
 * the caller-saved registers, which a scan of the calling thread's registers
 * would otherwise find still holding such a pointer: the argument registers
 * (zeroed on the way in) and the scratch registers memset() used on a dropped
 * block (memset() again, on a stack array). */
static NOINLINE long scrub(long a, long b, long c, long d, long e, long f) {
  volatile char buf[32768];
  char plain[4096];
  for (size_t i = 0; i < sizeof buf; i++)
    buf[i] = 0;
  memset(plain, 0, sizeof plain);
  __asm__ __volatile__("" : : "r"(plain) : "memory");
  return a | b | c | d | e | f | buf[0] | plain[0];
}
#define scrub_stack() ((void)scrub(0, 0, 0, 0, 0, 0))

/* Deliberately lost blocks are kept only as pointer ^ MASK, which no scan
 * takes for a pointer, so the program can free them at the end and leave a
 * clean exit report. */
#define MASK ((uintptr_t)0xa5a5a5a5a5a5a5a5ull)
static uintptr_t hidden[16];
static int nhidden;

static void hide(void *p) { hidden[nhidden++] = (uintptr_t)p ^ MASK; }

static void free_hidden(void) {
  for (int i = 0; i < nhidden; i++)
    free((void *)(hidden[i] ^ MASK));
  nhidden = 0;
}

/* A 4000-byte block that holds the only pointer to a 100-byte block, both
 * lost when this returns: 4000 definitely + 100 indirectly lost. */
#define LEAK_A_BYTES (4000 + 100)
static NOINLINE void leak_a(void) {
  void **outer = malloc(4000);
  memset(outer, 0, 4000);
  outer[0] = malloc(100);
  memset(outer[0], 0, 100);
  hide(outer[0]);
  hide(outer);
  outer = NULL;
}

/* A single 3000-byte block, lost. */
#define LEAK_B_BYTES 3000
static NOINLINE void leak_b(void) {
  char *p = malloc(3000);
  memset(p, 0, 3000);
  hide(p);
  p = NULL;
}

/* A single 2000-byte block, lost. */
#define LEAK_C_BYTES 2000
static NOINLINE void leak_c(void) {
  char *p = malloc(2000);
  memset(p, 0, 2000);
  hide(p);
  p = NULL;
}

/* A 5000-byte block pointing to a 50-byte one, marked an intentional leak:
 * neither is reported. */
static NOINLINE void leak_ignored(void) {
  void **p = malloc(5000);
  memset(p, 0, 5000);
  p[0] = malloc(50);
  memset(p[0], 0, 50);
  tether_ignore(p);
  hide(p[0]);
  hide(p);
  p = NULL;
}

/* A 1234-byte block whose only pointer is kept in slot 100 of a mapping the
 * caller then makes read-only. tether scans every writable mapping as a root
 * anyway (docs/design.md, "Roots"), so registering one would prove nothing;
 * a read-only mapping is scanned only when registered. */
#define ROOTED_BYTES 1234
#define ROOT_SLOT 100
static NOINLINE void stash_in(void **region) {
  region[ROOT_SLOT] = malloc(ROOTED_BYTES);
  memset(region[ROOT_SLOT], 0, ROOTED_BYTES);
}

static int global_object;
static char global_array[64];

/* ------------------------------------------------------------------------- */
/* Threads: scopes are per thread.                                            */

struct thread_arg {
  pthread_barrier_t *barrier;
  void *before;       /* allocated by the thread while main is in a scope */
  void *in_own_scope; /* allocated by the thread inside its own scope */
};

static void *worker(void *argp) {
  struct thread_arg *arg = argp;
  arg->before = malloc(24);                 /* main is in scope "main-scope" */
  tether_scope_push("worker-scope");
  arg->in_own_scope = malloc(24);
  pthread_barrier_wait(arg->barrier);       /* 1: main allocates now */
  pthread_barrier_wait(arg->barrier);       /* 2: main is done */
  tether_scope_pop();
  return NULL;
}

static void test_threads(int running) {
  pthread_barrier_t barrier;
  pthread_t t;
  struct thread_arg arg;
  void *main_block;

  memset(&arg, 0, sizeof arg);
  arg.barrier = &barrier;
  CHECK(pthread_barrier_init(&barrier, NULL, 2) == 0);

  tether_scope_push("main-scope");
  CHECK(pthread_create(&t, NULL, worker, &arg) == 0);
  pthread_barrier_wait(&barrier);           /* 1: worker is in its scope */
  main_block = malloc(24);                  /* main's scope, not the worker's */
  pthread_barrier_wait(&barrier);           /* 2 */
  CHECK(pthread_join(t, NULL) == 0);
  tether_scope_pop();

  CHECK(arg.before != NULL && arg.in_own_scope != NULL && main_block != NULL);
  CHECK_OWNER(arg.before, NULL);
  CHECK_OWNER(arg.in_own_scope, running ? "worker-scope" : NULL);
  CHECK_OWNER(main_block, running ? "main-scope" : NULL);

  free(arg.before);
  free(arg.in_own_scope);
  free(main_block);
  pthread_barrier_destroy(&barrier);

  /* Nothing of the joined thread's is lost. pthread_create calloc'd the
   * thread's DTV, and glibc keeps the exited thread's descriptor, which points
   * to it, in its stack cache for reuse (the pointer is &dtv[1], interior:
   * Valgrind says "possibly lost", never "definitely"). The worker allocated,
   * so tether knows its stack block as an exited thread's: the descriptor at
   * its top must stay a root even though the dead stack below it does not. */
  scrub_stack();
  CHECK_EQ_SIZE(tether_check_leaks(), 0);
}

/* ------------------------------------------------------------------------- */
/* Without tether: everything is a no-op returning 0 or NULL.                  */

static void without_tether(void) {
  char name[32];
  void *p = malloc(40);
  void *q;
  int body_runs = 0;
  int local = 0;
  void **region;

  CHECK(p != NULL);
  CHECK(tether_running() == 0);
  CHECK(tether_running() == 0); /* the cached path */

  strcpy(name, "alpha");
  tether_set_owner(p, name);
  CHECK(tether_owner_of(p) == NULL);
  tether_transfer(p, "beta");
  CHECK(tether_owner_of(p) == NULL);
  tether_set_owner(p, NULL);
  tether_set_owner(p, "");
  tether_transfer(p, NULL);
  tether_transfer(p, "");
  CHECK(tether_owner_of(p) == NULL);
  CHECK(tether_owner_of(NULL) == NULL);
  CHECK(tether_owner_of(&local) == NULL);

  tether_scope_push("outer");
  tether_scope_push(NULL);
  tether_scope_push("");
  q = malloc(8);
  CHECK(tether_owner_of(q) == NULL);
  free(q);
  tether_scope_pop();
  tether_scope_pop();
  tether_scope_pop();

  TETHER_SCOPE("macro") {
    body_runs++;
    q = malloc(8);
    CHECK(tether_owner_of(q) == NULL);
    free(q);
  }
  CHECK(body_runs == 1);

  CHECK_EQ_SIZE(tether_check_owner("outer"), 0);
  CHECK_EQ_SIZE(tether_check_owner(NULL), 0);
  CHECK_EQ_SIZE(tether_check_owner(""), 0);

  tether_ignore(p);

  region = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(region != MAP_FAILED);
  tether_register_root(region, 4096);
  tether_register_root(region, 16);
  tether_unregister_root(region);
  munmap(region, 4096);

  leak_b();
  scrub_stack();
  CHECK_EQ_SIZE(tether_check_leaks(), 0);
  CHECK_EQ_SIZE(tether_check_new_leaks(), 0);
  CHECK_EQ_SIZE(tether_check_new_leaks(), 0);
  free_hidden();

  /* Misuse: must not crash, must print nothing. */
  tether_set_owner(&local, "x");
  tether_transfer(global_array + 1, "x");
  tether_ignore(&global_object);
  tether_scope_pop();
  tether_unregister_root(&global_object);
  tether_set_owner(NULL, "x");
  tether_ignore(NULL);

  test_threads(0);

  free(p);
}

/* ------------------------------------------------------------------------- */
/* Under tether: the contract.                                                 */

static void test_owners(void) {
  char name[32];
  char *p = malloc(40);
  const char *kept;
  int local = 0;

  CHECK(p != NULL);
  CHECK_OWNER(p, NULL); /* allocated outside any scope */

  /* set_owner copies the name. */
  strcpy(name, "alpha");
  tether_set_owner(p, name);
  memset(name, 'X', sizeof name - 1);
  name[sizeof name - 1] = '\0';
  CHECK_OWNER(p, "alpha");
  strcpy(name, "overwritten");
  CHECK_OWNER(p, "alpha");

  /* The returned name is tether's copy, valid for the rest of the run. */
  kept = tether_owner_of(p);
  CHECK(kept != NULL && kept != name);

  /* set_owner replaces; transfer changes the owner. */
  tether_set_owner(p, "gamma");
  CHECK_OWNER(p, "gamma");
  strcpy(name, "beta");
  tether_transfer(p, name);
  strcpy(name, "not-beta");
  CHECK_OWNER(p, "beta");
  tether_transfer(p, "delta");
  CHECK_OWNER(p, "delta");

  /* NULL and "" make the block unowned, through either call. */
  tether_set_owner(p, NULL);
  CHECK_OWNER(p, NULL);
  tether_set_owner(p, "epsilon");
  tether_set_owner(p, "");
  CHECK_OWNER(p, NULL);
  tether_set_owner(p, "zeta");
  tether_transfer(p, NULL);
  CHECK_OWNER(p, NULL);
  tether_transfer(p, "eta");
  tether_transfer(p, "");
  CHECK_OWNER(p, NULL);

  /* Pointers that are not live blocks: NULL, no warning. */
  CHECK(tether_owner_of(NULL) == NULL);
  CHECK(tether_owner_of(&local) == NULL);
  CHECK(tether_owner_of(&global_object) == NULL);
  CHECK(tether_owner_of(global_array + 3) == NULL);
  tether_set_owner(p, "theta");
  CHECK_OWNER(p, "theta");
  CHECK(tether_owner_of(p + 1) == NULL);  /* interior pointer */
  CHECK(tether_owner_of(p + 40) == NULL); /* one past the end */

  {
    uintptr_t freed = (uintptr_t)p;
    free(p);
    CHECK(tether_owner_of((void *)freed) == NULL); /* freed: not a live block */
  }

  /* The name returned earlier still reads "alpha" after all that. */
  CHECK(kept != NULL && strcmp(kept, "alpha") == 0);

  /* Blocks from every allocator get tagged. */
  {
    char *s = strdup("hello");
    void *c = calloc(3, 7);
    tether_set_owner(s, "strdup-owner");
    tether_set_owner(c, "calloc-owner");
    CHECK_OWNER(s, "strdup-owner");
    CHECK_OWNER(c, "calloc-owner");
    free(s);
    free(c);
  }
}

static void test_scopes(void) {
  char name[32];
  void *a, *b, *c, *d, *e, *f, *g, *h;
  int body_runs = 0;

  tether_scope_push("outer");
  a = malloc(16);
  strcpy(name, "inner");
  tether_scope_push(name);
  strcpy(name, "clobbered"); /* the scope's name was copied */
  b = calloc(1, 16);
  tether_scope_push(NULL);
  c = malloc(16);
  tether_scope_pop();
  tether_scope_push("");
  d = malloc(16);
  tether_scope_pop();
  e = malloc(16);
  tether_scope_pop();
  f = malloc(16);
  tether_scope_pop();
  g = malloc(16);

  CHECK_OWNER(a, "outer");
  CHECK_OWNER(b, "inner");
  CHECK_OWNER(c, NULL); /* NULL scope: unowned inside */
  CHECK_OWNER(d, NULL); /* "" scope: unowned inside */
  CHECK_OWNER(e, "inner");
  CHECK_OWNER(f, "outer");
  CHECK_OWNER(g, NULL); /* after the last pop */

  /* set_owner inside a scope wins over the scope for that block. */
  tether_scope_push("outer");
  h = malloc(16);
  tether_set_owner(h, "explicit");
  tether_scope_pop();
  CHECK_OWNER(h, "explicit");

  free(a);
  free(b);
  free(c);
  free(d);
  free(e);
  free(f);
  free(g);
  free(h);

  /* TETHER_SCOPE: body runs once, inside the scope; nests; pops after. */
  TETHER_SCOPE("macro-outer") {
    body_runs++;
    a = malloc(16);
    TETHER_SCOPE("macro-inner") {
      body_runs++;
      b = malloc(16);
    }
    c = malloc(16);
  }
  d = malloc(16);
  CHECK(body_runs == 2);
  CHECK_OWNER(a, "macro-outer");
  CHECK_OWNER(b, "macro-inner");
  CHECK_OWNER(c, "macro-outer");
  CHECK_OWNER(d, NULL);
  free(a);
  free(b);
  free(c);
  free(d);
}

static void test_realloc(void) {
  char *p, *q;
  uintptr_t old;

  /* A block realloc moves keeps its owner. */
  p = malloc(32);
  strcpy(p, "payload");
  tether_set_owner(p, "realloc-owner");
  old = (uintptr_t)p;
  q = realloc(p, 1u << 20); /* 1 MiB: cannot grow in place */
  CHECK(q != NULL);
  CHECK((uintptr_t)q != old);
  CHECK(strcmp(q, "payload") == 0);
  CHECK_OWNER(q, "realloc-owner");
  CHECK(tether_owner_of((void *)old) == NULL);

  /* Also when realloc runs inside another owner's scope. */
  tether_scope_push("other-scope");
  old = (uintptr_t)q;
  p = realloc(q, 2u << 20);
  tether_scope_pop();
  CHECK(p != NULL);
  CHECK((uintptr_t)p != old);
  CHECK_OWNER(p, "realloc-owner");
  free(p);

  /* A block allocated in a scope and moved outside it keeps the scope's owner. */
  tether_scope_push("scoped-realloc");
  p = malloc(24);
  tether_scope_pop();
  old = (uintptr_t)p;
  q = realloc(p, 1u << 20);
  CHECK(q != NULL);
  CHECK((uintptr_t)q != old);
  CHECK_OWNER(q, "scoped-realloc");
  free(q);
}

static void test_check_owner(void) {
  void *x[3];
  void *unowned[4];

  CHECK_EQ_SIZE(tether_check_owner("api-x"), 0);
  CHECK_EQ_SIZE(tether_check_owner("never-used-owner"), 0);

  for (int i = 0; i < 3; i++) {
    x[i] = malloc(48 + i);
    tether_set_owner(x[i], "api-x");
  }
  CHECK_EQ_SIZE(tether_check_owner("api-x"), 3);
  free(x[1]);
  CHECK_EQ_SIZE(tether_check_owner("api-x"), 2);
  tether_transfer(x[2], "api-y");
  CHECK_EQ_SIZE(tether_check_owner("api-x"), 1);
  CHECK_EQ_SIZE(tether_check_owner("api-y"), 1);
  free(x[0]);
  free(x[2]);
  CHECK_EQ_SIZE(tether_check_owner("api-x"), 0);
  CHECK_EQ_SIZE(tether_check_owner("api-y"), 0);

  /* Scoped allocations count for the scope's owner. */
  TETHER_SCOPE("api-scoped") {
    x[0] = malloc(8);
    x[1] = malloc(8);
  }
  CHECK_EQ_SIZE(tether_check_owner("api-scoped"), 2);
  free(x[0]);
  free(x[1]);
  CHECK_EQ_SIZE(tether_check_owner("api-scoped"), 0);

  /* NULL: the unowned blocks, at least the ones held here. */
  for (int i = 0; i < 4; i++)
    unowned[i] = malloc(56);
  CHECK(tether_check_owner(NULL) >= 4);
  for (int i = 0; i < 4; i++)
    free(unowned[i]);
}

static void test_leaks_and_roots(void) {
  size_t total;
  void **region;

  /* Nothing lost yet. */
  scrub_stack();
  CHECK_EQ_SIZE(tether_check_leaks(), 0);

  /* A new leak: check_new_leaks gives its bytes, then 0. */
  leak_a();
  scrub_stack();
  CHECK_EQ_SIZE(tether_check_new_leaks(), LEAK_A_BYTES);
  CHECK_EQ_SIZE(tether_check_new_leaks(), 0);
  total = LEAK_A_BYTES;
  CHECK_EQ_SIZE(tether_check_leaks(), total); /* all of what is lost now */

  leak_b();
  scrub_stack();
  total += LEAK_B_BYTES;
  CHECK_EQ_SIZE(tether_check_new_leaks(), LEAK_B_BYTES);
  CHECK_EQ_SIZE(tether_check_leaks(), total);
  CHECK_EQ_SIZE(tether_check_new_leaks(), 0);

  /* A block check_leaks reported is not new to check_new_leaks either. */
  leak_c();
  scrub_stack();
  total += LEAK_C_BYTES;
  CHECK_EQ_SIZE(tether_check_leaks(), total);
  CHECK_EQ_SIZE(tether_check_new_leaks(), 0);

  /* An ignored block, and what only it reaches, is never counted. */
  leak_ignored();
  scrub_stack();
  CHECK_EQ_SIZE(tether_check_leaks(), total);
  CHECK_EQ_SIZE(tether_check_new_leaks(), 0);

  /* Roots: a block held only from a registered mapping is not lost. */
  region = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(region != MAP_FAILED);
  if (region == MAP_FAILED)
    return;
  stash_in(region);
  CHECK(mprotect(region, 4096, PROT_READ) == 0);
  scrub_stack();
  /* The premise: a read-only mapping is not a root by itself. */
  CHECK_EQ_SIZE(tether_check_leaks(), total + ROOTED_BYTES);
  tether_register_root(region, 4096);
  CHECK_EQ_SIZE(tether_check_leaks(), total);

  /* Registering the same begin again replaces the size: now the slot is
   * outside the root, and the block is lost. */
  tether_register_root(region, 16);
  CHECK_EQ_SIZE(tether_check_leaks(), total + ROOTED_BYTES);
  tether_register_root(region, 4096);
  CHECK_EQ_SIZE(tether_check_leaks(), total);

  /* Unregistered: lost. */
  tether_unregister_root(region);
  CHECK_EQ_SIZE(tether_check_leaks(), total + ROOTED_BYTES);

  free(region[ROOT_SLOT]);
  munmap(region, 4096);
  CHECK_EQ_SIZE(tether_check_leaks(), total);

  /* Give every deliberately lost block back: a clean exit report. */
  free_hidden();
  scrub_stack();
  CHECK_EQ_SIZE(tether_check_leaks(), 0);
  CHECK_EQ_SIZE(tether_check_new_leaks(), 0);
}

/* Each kind of misuse once: a warning line each (checked by run_api.sh), no
 * crash, no effect. */
static void test_misuse(void) {
  int local = 0;
  char *p = malloc(32);

  tether_set_owner(p, "before-misuse");
  tether_set_owner(&local, "x");            /* not a heap block */
  tether_transfer(p + 1, "x");              /* interior pointer */
  tether_ignore(&global_object);            /* a global */
  tether_scope_pop();                       /* no push */
  tether_unregister_root(&global_object);   /* never registered */
  CHECK_OWNER(p, "before-misuse");
  CHECK(tether_owner_of(&local) == NULL);

  /* The pop without a push did not break later scopes. */
  TETHER_SCOPE("after-misuse") {
    void *q = malloc(8);
    CHECK_OWNER(q, "after-misuse");
    free(q);
  }
  free(p);
}

static void under_tether(void) {
  CHECK(tether_running() == 1);
  CHECK(tether_running() == 1); /* the cached path */
  test_owners();
  test_scopes();
  test_realloc();
  test_check_owner();
  test_leaks_and_roots(); /* exact byte counts: before any thread exists */
  test_threads(1);
  test_misuse();
}

int main(void) {
  int running = tether_running();

#ifdef TETHER_DISABLE
  CHECK(running == 0);
#endif
  if (running)
    under_tether();
  else
    without_tether();

  if (failures) {
    printf("api_contract: %d of %d checks failed (%s tether)\n", failures, checks,
           running ? "under" : "without");
    return 1;
  }
  printf("api_contract: ok (%s tether)\n", running ? "under" : "without");
  return 0;
}
