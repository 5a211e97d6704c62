/* SPDX-License-Identifier: MIT */
/* The program's mprotect, munmap, mremap and madvise, seen by the
 * quarantine. A program may make memory it freed unreadable (a guard page
 * over a freed buffer), unmap it or throw its contents away. Natively the
 * allocator had that memory back at the free and never looks at it again
 * unless it hands it out; tether still holds the block in its quarantine,
 * and evicting it reads its fill and gives it back, which faulted: the
 * program died of SIGSEGV where it ran to the end natively. Such a range
 * is handed to tt_quarantine_forsake before the call: the blocks in it are
 * checked while they can be, then leave the quarantine untouched and stay
 * out of the allocator's hands.
 * Only the preload has these wrappers; glibc's allocator calls the system
 * calls directly. A program that makes the system call itself is not seen. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tt_common.h"
#include "tt_heap.h"
#include "tt_log.h"
#include "tt_preload.h"
#include "tt_quarantine.h"
#include "tt_roots.h"

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102 /* Linux 6.13: pages that fault on any access */
#endif

/* The program is about to take [addr, addr + len) away (the kernel's whole
 * pages: a length is rounded up): freed blocks the quarantine keeps there
 * are checked now and forgotten. Only memory where a recorded block has
 * been (the index's bitmaps of megabytes, tt_heap_range_marked) is looked
 * at: a JIT's code pages, a stack or a file mapping cost a look at the
 * bitmaps. errno is the program's, as the real call leaves it. */
static void take_away(const char *call, void *addr, size_t len) {
  uintptr_t lo = (uintptr_t)addr & ~(uintptr_t)4095, hi = (uintptr_t)addr + len;
  if (hi < lo || hi > UINTPTR_MAX - 4095)
    hi = UINTPTR_MAX & ~(uintptr_t)4095;
  else
    hi = TT_ALIGN_UP(hi, 4096);
  if (!tt_quarantine_volume() || !tt_heap_range_marked(lo, hi))
    return;
  bool disabled = false;
  if (!tt_preload_enter_from_program(&disabled))
    return; /* tether's own call, or before tether started */
  int saved = errno;
  size_t n = tt_quarantine_forsake(lo, hi, !disabled);
  static bool told;
  if (n && !disabled && !__atomic_exchange_n(&told, true, __ATOMIC_RELAXED))
    tt_warn("the program's %s(%p, %zu) takes away memory where %zu freed block%s waited in the "
            "quarantine: checked now, then left out of it and never reused",
            call, addr, len, n, n == 1 ? "" : "s");
  errno = saved;
  tt_preload_leave();
}

TT_EXPORT int mprotect(void *addr, size_t len, int prot) {
  TT_PRELOAD_REAL(mprotect)
  if ((prot & (PROT_READ | PROT_WRITE)) != (PROT_READ | PROT_WRITE))
    take_away("mprotect", addr, len);
  return real_mprotect(addr, len, prot);
}

TT_EXPORT int pkey_mprotect(void *addr, size_t len, int prot, int pkey) {
  TT_PRELOAD_REAL(pkey_mprotect)
  /* a protection key may forbid access whatever prot says */
  take_away("pkey_mprotect", addr, len);
  return real_pkey_mprotect(addr, len, prot, pkey);
}

TT_EXPORT int munmap(void *addr, size_t len) {
  TT_PRELOAD_REAL(munmap)
  take_away("munmap", addr, len);
  return real_munmap(addr, len);
}

TT_EXPORT int madvise(void *addr, size_t len, int advice) {
  TT_PRELOAD_REAL(madvise)
  /* the contents go (zeros on the next read: the fill would read as
   * written after the free), or any access faults */
  if (advice == MADV_DONTNEED || advice == MADV_FREE || advice == MADV_REMOVE ||
      advice == MADV_GUARD_INSTALL)
    take_away("madvise", addr, len);
  return real_madvise(addr, len, advice);
}

TT_EXPORT void *mremap(void *old, size_t old_len, size_t new_len, int flags, ...) {
  static __typeof__(&mremap) real_mremap;
  if (TT_UNLIKELY(!real_mremap)) {
    real_mremap = (__typeof__(&mremap))tt_preload_next("mremap");
    if (!real_mremap) {
      errno = ENOSYS;
      return MAP_FAILED;
    }
  }
  void *new_addr = NULL;
  if (flags & MREMAP_FIXED) {
    va_list ap;
    va_start(ap, flags);
    new_addr = va_arg(ap, void *);
    va_end(ap);
  }
  /* what may go: the old range if the mapping may move (its contents stay
   * behind, emptied, with MREMAP_DONTUNMAP), its tail if it shrinks, and
   * with MREMAP_FIXED whatever was at the new address; a mapping that grows
   * in place loses nothing */
  if (flags & (MREMAP_MAYMOVE | MREMAP_FIXED))
    take_away("mremap", old, old_len);
  else if (new_len < old_len)
    take_away("mremap", (char *)old + new_len, old_len - new_len);
  if (flags & MREMAP_FIXED)
    take_away("mremap", new_addr, new_len);
  return flags & MREMAP_FIXED ? real_mremap(old, old_len, new_len, flags, new_addr)
                              : real_mremap(old, old_len, new_len, flags);
}

/* ======================================================================== */
/* the break, moved by the program itself                                   */
/* ======================================================================== */

/* glibc's malloc moves the break through its internal __sbrk, never these:
 * what comes through here is the program's own memory (a pool it keeps
 * inside [heap]), a root for the check (tt_roots_note_break). */
TT_EXPORT void *sbrk(intptr_t increment) {
  static void *(*real_sbrk)(intptr_t);
  if (TT_UNLIKELY(!real_sbrk)) {
    real_sbrk = (void *(*)(intptr_t))tt_preload_next("sbrk");
    if (!real_sbrk) {
      errno = ENOSYS;
      return (void *)-1;
    }
  }
  void *old = real_sbrk(increment);
  if (old != (void *)-1 && increment != 0) {
    int e = errno;
    tt_roots_note_break((uintptr_t)old, (uintptr_t)old + (uintptr_t)increment);
    errno = e;
  }
  return old;
}

TT_EXPORT int brk(void *addr) {
  static int (*real_brk)(void *);
  static void *(*real_sbrk0)(intptr_t);
  if (TT_UNLIKELY(!real_brk || !real_sbrk0)) {
    real_brk = (int (*)(void *))tt_preload_next("brk");
    real_sbrk0 = (void *(*)(intptr_t))tt_preload_next("sbrk");
    if (!real_brk || !real_sbrk0) {
      errno = ENOSYS;
      return -1;
    }
  }
  void *old = real_sbrk0(0);
  int rc = real_brk(addr);
  if (rc == 0 && old != (void *)-1) {
    int e = errno;
    tt_roots_note_break((uintptr_t)old, (uintptr_t)addr);
    errno = e;
  }
  return rc;
}
