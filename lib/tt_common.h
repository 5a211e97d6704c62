/* SPDX-License-Identifier: MIT */
/* Small shared definitions for lib/: visibility, branch hints, the spinlock
 * every table uses, and the three assert levels. No platform headers here. */
#ifndef TT_COMMON_H
#define TT_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TT_HIDDEN __attribute__((visibility("hidden")))
#define TT_EXPORT __attribute__((visibility("default")))
#define TT_LIKELY(x) __builtin_expect(!!(x), 1)
#define TT_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define TT_NOINLINE __attribute__((noinline))
/* Reads memory it does not own on purpose (other frames of the stack):
 * AddressSanitizer's redzones there are not errors. */
#define TT_NO_ASAN __attribute__((no_sanitize("address")))
#define TT_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define TT_ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((uintptr_t)(a) - 1))

/* Assert levels (mimalloc's idea): TT_DEBUG 0 = none, 1 = cheap, 2 = internal,
 * 3 = expensive. A failed assert is a tether bug: it logs and aborts. */
#ifndef TT_DEBUG
#define TT_DEBUG 0
#endif
void tt_assert_fail(const char *expr, const char *file, int line) TT_HIDDEN
    __attribute__((noreturn));
#define TT_ASSERT_AT(level, e) \
  ((TT_DEBUG >= (level) && !(e)) ? tt_assert_fail(#e, __FILE__, __LINE__) : (void)0)
#define TT_ASSERT(e) TT_ASSERT_AT(1, e)
#define TT_ASSERT_INTERNAL(e) TT_ASSERT_AT(2, e)
#define TT_ASSERT_EXPENSIVE(e) TT_ASSERT_AT(3, e)

/* A test-and-test-and-set spinlock that yields the CPU when contended: the
 * critical sections it guards are a few dozen instructions, and unlike a
 * pthread mutex it is safe to take in fork handlers and to reset in a child. */
typedef struct {
  volatile int locked;
} tt_spinlock_t;
#define TT_SPINLOCK_INIT {0}

void tt_spin_wait(tt_spinlock_t *l) TT_HIDDEN;

static inline void tt_spin_lock(tt_spinlock_t *l) {
  if (TT_LIKELY(!__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)))
    return;
  tt_spin_wait(l);
}
static inline bool tt_spin_trylock(tt_spinlock_t *l) {
  return !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE);
}
static inline void tt_spin_unlock(tt_spinlock_t *l) {
  __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

#endif
