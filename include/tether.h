/* SPDX-License-Identifier: MIT */
/*
 * tether.h - the public interface of tether, a leak and lifetime checker for
 * C and C++ programs on Linux.
 *
 * tether runs a program with libtether.so preloaded (`tether ./prog`, or
 * `LD_PRELOAD=/path/libtether.so ./prog`). It records every heap block with
 * its allocation stack and an owner, and when the program exits it scans
 * memory the way a conservative garbage collector does and reports the
 * blocks nothing can reach any more, in Valgrind memcheck's words and layout.
 *
 * This header lets a program tell tether who owns what and ask it questions
 * while it runs: name owners, scope them per thread, hand blocks over, mark
 * intentional leaks, add scan roots, and check for leaks on demand.
 *
 * Without tether. A program that uses this header links with no tether
 * library and runs unchanged when tether is not there: every call then does
 * nothing and returns 0 or NULL. Each call is a small inline function that
 * looks tether up once (dlsym of the global scope, so it works from PIE and
 * non-PIE executables and from shared libraries alike, which weak symbols do
 * not) and calls it if it is loaded. With glibc older than 2.34, link with
 * -ldl. Define TETHER_DISABLE before including this header to compile every
 * call out entirely.
 *
 * Owners. An owner is a name ("request", "cache"); every heap block has one
 * or none ("unowned"). Names are copied: the caller's string may go away.
 * A NULL or empty name means unowned. Leak reports give each loss record's
 * owner and end with a LEAKS BY OWNER table.
 *
 * Misuse (a pointer that is not a live block, a pop without a push,
 * unregistering an unknown root) prints one warning line naming the call
 * ("==PID== Warning: tether_set_owner: ...") and is otherwise ignored: it
 * never crashes the program.
 *
 * Threads. Every call is thread-safe. Scopes are per thread.
 *
 * Before and after. Calls made before tether has started (from a
 * constructor that runs first) start it; calls made after the exit-time
 * check are ignored and return 0 or NULL.
 */
#ifndef TETHER_H
#define TETHER_H

#include <stddef.h>

#define TETHER_VERSION_MAJOR 0
#define TETHER_VERSION_MINOR 1
#define TETHER_VERSION_PATCH 0
/* One integer that grows with every release: major * 10000 + minor * 100 + patch. */
#define TETHER_VERSION (TETHER_VERSION_MAJOR * 10000 + TETHER_VERSION_MINOR * 100 + TETHER_VERSION_PATCH)
#define TETHER_VERSION_STRING "0.1.0"

#if !defined(TETHER_DISABLE) && !defined(TETHER_IMPLEMENTATION)
#include <dlfcn.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The table of calls libtether.so exports as the data symbol "tether_api_v1".
 * Internal to this header: programs call the tether_* functions below. New
 * calls are only ever added at the end; size says how many there are.
 */
typedef struct tether_api_v1 {
  size_t size; /* sizeof the table the library was built with */
  int (*running)(void);
  void (*set_owner)(const void *block, const char *owner);
  void (*transfer)(const void *block, const char *new_owner);
  const char *(*owner_of)(const void *block);
  void (*scope_push)(const char *owner);
  void (*scope_pop)(void);
  size_t (*check_owner)(const char *owner);
  void (*ignore)(const void *block);
  void (*register_root)(const void *begin, size_t size);
  void (*unregister_root)(const void *begin);
  size_t (*check_leaks)(void);
  size_t (*check_new_leaks)(void);
  void (*refcounted)(const void *object, const void *count_field, size_t count_size);
} tether_api_v1_t;

/* Whether the loaded library's table has the member m. */
#define TETHER__HAS(api, m) \
  ((api) && (api)->size >= offsetof(tether_api_v1_t, m) + sizeof((api)->m) && (api)->m)

/* Casts and null without C++ compilers' old-style-cast warnings. */
#ifdef __cplusplus
#define TETHER__CAST(type, x) static_cast<type>(x)
#define TETHER__NULL nullptr
#else
#define TETHER__CAST(type, x) ((type)(x))
#define TETHER__NULL ((void *)0)
#endif

#if defined(TETHER_DISABLE)
#define TETHER__API() (TETHER__CAST(const tether_api_v1_t *, TETHER__NULL))
#elif !defined(TETHER_IMPLEMENTATION)
/* Looks the library up once per translation unit. dlsym with a null handle
 * is RTLD_DEFAULT (the global scope) on glibc and musl; the macro itself
 * needs _GNU_SOURCE, which a header cannot impose. */
static inline const tether_api_v1_t *tether__api(void) {
  static const tether_api_v1_t *api;
  static int looked;
  if (!__atomic_load_n(&looked, __ATOMIC_ACQUIRE)) {
    const tether_api_v1_t *found =
        TETHER__CAST(const tether_api_v1_t *, dlsym(TETHER__NULL, "tether_api_v1"));
    __atomic_store_n(&api, found, __ATOMIC_RELAXED);
    __atomic_store_n(&looked, 1, __ATOMIC_RELEASE);
  }
  return __atomic_load_n(&api, __ATOMIC_RELAXED);
}
#define TETHER__API() tether__api()
#endif

#if defined(TETHER_IMPLEMENTATION) && !defined(TETHER_DISABLE)
/* libtether.so itself: the functions it exports under these names. */
int tether_running(void);
void tether_set_owner(const void *block, const char *owner);
void tether_transfer(const void *block, const char *new_owner);
const char *tether_owner_of(const void *block);
void tether_scope_push(const char *owner);
void tether_scope_pop(void);
size_t tether_check_owner(const char *owner);
void tether_ignore(const void *block);
void tether_register_root(const void *begin, size_t size);
void tether_unregister_root(const void *begin);
size_t tether_check_leaks(void);
size_t tether_check_new_leaks(void);
void tether_refcounted(const void *object, const void *count_field, size_t count_size);
#endif

#if defined(TETHER_DISABLE) || !defined(TETHER_IMPLEMENTATION)

/**
 * tether_running() - whether the program runs under tether.
 *
 * Return: 1 under tether, 0 otherwise. Costs one load after the first call.
 */
static inline int tether_running(void) {
  const tether_api_v1_t *a = TETHER__API();
  return TETHER__HAS(a, running) ? a->running() : 0;
}

/**
 * tether_set_owner() - tag a live block with an owner.
 * @block: the start of a live heap block (what malloc or new returned).
 * @owner: the owner's name (copied); NULL or "" makes the block unowned.
 *
 * Replaces the block's owner, whatever it was. A pointer that is not the
 * start of a live block gets a warning. Cost: one hash lookup of the name
 * and one of the block.
 */
static inline void tether_set_owner(const void *block, const char *owner) {
  const tether_api_v1_t *a = TETHER__API();
  if (TETHER__HAS(a, set_owner))
    a->set_owner(block, owner);
}

/**
 * tether_transfer() - hand a live block to another owner.
 * @block: the start of a live heap block.
 * @new_owner: the new owner's name (copied); NULL or "" makes it unowned.
 *
 * Like tether_set_owner(), and the stack of this call is kept with the block:
 * a report that shows the block shows where it changed hands.
 */
static inline void tether_transfer(const void *block, const char *new_owner) {
  const tether_api_v1_t *a = TETHER__API();
  if (TETHER__HAS(a, transfer))
    a->transfer(block, new_owner);
}

/**
 * tether_owner_of() - the owner of a live block.
 * @block: the start of a live heap block.
 *
 * Return: the owner's name (tether's copy, valid for the rest of the run), or
 * NULL for an unowned block or a pointer that is not a live block (no warning:
 * this is a question, not a claim).
 */
static inline const char *tether_owner_of(const void *block) {
  const tether_api_v1_t *a = TETHER__API();
  return TETHER__HAS(a, owner_of) ? a->owner_of(block) : TETHER__CAST(const char *, TETHER__NULL);
}

/**
 * tether_scope_push() - blocks this thread allocates from now on get @owner.
 * @owner: the owner's name (copied); NULL or "" means unowned inside the scope.
 *
 * Scopes nest per thread, and the innermost wins; end each with
 * tether_scope_pop(). A block that realloc moves keeps its owner. Cost: one
 * hash lookup of the name; an allocation inside a scope costs nothing more
 * than one outside.
 */
static inline void tether_scope_push(const char *owner) {
  const tether_api_v1_t *a = TETHER__API();
  if (TETHER__HAS(a, scope_push))
    a->scope_push(owner);
}

/**
 * tether_scope_pop() - end this thread's innermost scope.
 *
 * A pop without a push gets a warning and does nothing.
 */
static inline void tether_scope_pop(void) {
  const tether_api_v1_t *a = TETHER__API();
  if (TETHER__HAS(a, scope_pop))
    a->scope_pop();
}

/**
 * tether_check_owner() - report every live block of an owner, now.
 * @owner: the owner's name, or NULL for the unowned blocks.
 *
 * Call it where the program knows everything the owner held must be gone
 * (the end of a request, of a test case, of a cache flush). Each group of
 * blocks with one allocation stack is reported as
 * `N bytes in M blocks of owner "NAME" are still alive`, with the stack and
 * with why the first of them is alive: the chain of pointers that holds it
 * (a global by name, a thread's stack, the blocks on the way), or that
 * nothing does (it is lost). Stops the other threads for a scan of memory,
 * as the exit-time check does.
 *
 * Return: how many blocks of that owner are alive (0: all gone).
 */
static inline size_t tether_check_owner(const char *owner) {
  const tether_api_v1_t *a = TETHER__API();
  return TETHER__HAS(a, check_owner) ? a->check_owner(owner) : 0;
}

/**
 * tether_ignore() - an intentional leak: never report this block.
 * @block: the start of a live heap block.
 *
 * Neither the block nor what only it reaches is reported; both count as
 * "suppressed" in the LEAK SUMMARY. (It is still scanned: what it points to
 * is not lost.)
 */
static inline void tether_ignore(const void *block) {
  const tether_api_v1_t *a = TETHER__API();
  if (TETHER__HAS(a, ignore))
    a->ignore(block);
}

/**
 * tether_register_root() - scan [begin, begin + size) as a root.
 * @begin: start of the memory, e.g. an mmap'd arena of the program's own.
 * @size: its length in bytes.
 *
 * Pointers to heap blocks kept there count as references from then on.
 * Registering the same begin again replaces the size.
 */
static inline void tether_register_root(const void *begin, size_t size) {
  const tether_api_v1_t *a = TETHER__API();
  if (TETHER__HAS(a, register_root))
    a->register_root(begin, size);
}

/**
 * tether_unregister_root() - stop scanning a root tether_register_root() added.
 * @begin: the begin it was registered with; an unknown one gets a warning.
 */
static inline void tether_unregister_root(const void *begin) {
  const tether_api_v1_t *a = TETHER__API();
  if (TETHER__HAS(a, unregister_root))
    a->unregister_root(begin);
}

/**
 * tether_check_leaks() - run a full leak check now and report it.
 *
 * Writes the loss records and a LEAK SUMMARY to tether's report, as the
 * exit-time check does; the program goes on.
 *
 * Return: bytes definitely and indirectly lost (suppressed ones left out).
 */
static inline size_t tether_check_leaks(void) {
  const tether_api_v1_t *a = TETHER__API();
  return TETHER__HAS(a, check_leaks) ? a->check_leaks() : 0;
}

/**
 * tether_check_new_leaks() - a leak check that reports only what is new.
 *
 * Like tether_check_leaks(), but the loss records hold only blocks that no
 * earlier check reported, and the LEAK SUMMARY gives each total's change
 * since the previous check, as "(+N)".
 *
 * Return: bytes definitely and indirectly lost in blocks not reported before.
 */
static inline size_t tether_check_new_leaks(void) {
  const tether_api_v1_t *a = TETHER__API();
  return TETHER__HAS(a, check_new_leaks) ? a->check_new_leaks() : 0;
}

/**
 * tether_refcounted() - register a reference-counted object for the audit.
 * @object: the start of a live heap block: the object.
 * @count_field: where its reference count is (usually inside the object).
 * @count_size: the count's size in bytes: 1, 2, 4 or 8 (an unsigned integer).
 *
 * At each leak check tether reads the count and counts the references to
 * the object it can see (aligned words holding its start address, in roots
 * and in other live blocks; interior pointers do not count). A count higher
 * than the references found is reported as "Refcount too high" (a missing
 * release: the object will leak), a lower one as "Refcount too low" (a
 * missing retain: a pointer will dangle after the next release). A lost
 * object whose count is all references from other lost blocks is part of a
 * reference cycle: the cycle report says so and names the pointers that, made
 * weak, would break it. The registration ends when the block is freed.
 * Misuse (not a live block, a size other than 1, 2, 4 or 8, a null count
 * field) gets a warning. Cost: one lookup now, one pass over memory at each
 * check while any object is registered.
 */
static inline void tether_refcounted(const void *object, const void *count_field,
                                     size_t count_size) {
  const tether_api_v1_t *a = TETHER__API();
  if (TETHER__HAS(a, refcounted))
    a->refcounted(object, count_field, count_size);
}

/*
 * TETHER_SCOPE("owner") { ... } - the statement or block runs inside an
 * owner scope: tether_scope_push() before, tether_scope_pop() after. It is a
 * one-pass loop: leave it only by falling off its end. break, goto and
 * return skip the pop; break and continue also act on this hidden loop, not
 * on one around it. (In C++, tether::scope has none of these limits.)
 */
#define TETHER__CAT2(a, b) a##b
#define TETHER__CAT(a, b) TETHER__CAT2(a, b)
#ifdef __COUNTER__
#define TETHER__UNIQUE(name) TETHER__CAT(name, __COUNTER__)
#else
#define TETHER__UNIQUE(name) TETHER__CAT(name, __LINE__)
#endif
#define TETHER__SCOPE(owner, once) \
  for (int once = (tether_scope_push(owner), 1); once; once = 0, tether_scope_pop())
#define TETHER_SCOPE(owner) TETHER__SCOPE(owner, TETHER__UNIQUE(tether_scope_once_))
#endif /* !TETHER_IMPLEMENTATION */

#ifdef __cplusplus
} /* extern "C" */

#if !defined(TETHER_IMPLEMENTATION)
namespace tether {
/* tether::scope s("request"); - an owner scope for the rest of the C++
 * block, popped however the block is left (return and exceptions too). */
class scope {
 public:
  explicit scope(const char *owner) { tether_scope_push(owner); }
  ~scope() { tether_scope_pop(); }
  scope(const scope &) = delete;
  scope &operator=(const scope &) = delete;
};
} /* namespace tether */
#endif
#endif /* __cplusplus */

#endif /* TETHER_H */
