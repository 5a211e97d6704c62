/* SPDX-License-Identifier: MIT */
/* dlopen and dlsym, where a library could reach the C library's own malloc
 * and free behind tether's back (the preload only):
 *
 * - dlopen with RTLD_DEEPBIND binds the library to its own dependencies
 *   first, libc.so.6 among them, ahead of the preload: its calls to malloc
 *   and free went to glibc's, and a block crossing between it and the
 *   program (PHP's extensions, Debian's PHP loads them so) crashed glibc
 *   (free of a pointer 32 bytes into a chunk, tether's prefix) or read as
 *   an invalid free. tether takes RTLD_DEEPBIND out (-v says so).
 * - dlsym on a handle of libc.so.6 (Python's ctypes.CDLL("libc.so.6").free)
 *   returns glibc's free itself. When dlsym's answer is the very function
 *   tether stands in front of, the answer is tether's.
 *
 * Both calls take their caller's address: dlopen picks the search path,
 * RUNPATH and $ORIGIN by it, and dlsym resolves RTLD_NEXT and RTLD_DEFAULT
 * from it. So the exported entry points are jumps written in assembly,
 * never calls: the real function finds the program's return address where
 * it expects it. Only dlsym on a real handle (where the caller does not
 * matter) goes through C, to look at the answer. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <malloc.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "tt_common.h"
#include "tt_log.h"
#include "tt_preload.h"

#if !defined(__x86_64__)
#error "tt_dl.c: the entry points are written for x86-64"
#endif
_Static_assert(RTLD_DEEPBIND == 8, "the dlopen entry point tests bit 3 of the mode");

/* Called from the entry points at the end of this file, in assembly. */
void *tt_dl_resolve_dlsym(void) TT_HIDDEN;
void *tt_dl_resolve_dlopen(void) TT_HIDDEN;
void tt_dl_note_deepbind(const char *file) TT_HIDDEN;
void *tt_dl_dlsym_handle(void *handle, const char *name) TT_HIDDEN;

/* glibc's, found through dlvsym, which tether does not wrap: dlsym itself
 * would be tether's own here. glibc 2.34 moved them into libc.so.6 under a
 * new version; older ones have only the first. */
static void *next_versioned(const char *name) {
  static const char *const versions[] = {"GLIBC_2.34", "GLIBC_2.2.5"};
  for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++) {
    void *fn = dlvsym(RTLD_NEXT, name, versions[i]);
    if (fn)
      return fn;
  }
  return NULL;
}

TT_HIDDEN void *tt_dl_real_dlsym;
TT_HIDDEN void *tt_dl_real_dlopen;

void *tt_dl_resolve_dlsym(void) {
  void *fn = next_versioned("dlsym");
  __atomic_store_n(&tt_dl_real_dlsym, fn, __ATOMIC_RELEASE);
  return fn;
}

void *tt_dl_resolve_dlopen(void) {
  void *fn = next_versioned("dlopen");
  __atomic_store_n(&tt_dl_real_dlopen, fn, __ATOMIC_RELEASE);
  return fn;
}

/* -v: a library loaded without the RTLD_DEEPBIND it asked for. */
void tt_dl_note_deepbind(const char *file) {
  tt_verbose("dlopen(\"%s\") asked for RTLD_DEEPBIND: loaded without it, so that its calls to "
             "malloc and free are tether's",
             file ? file : "(main program)");
}

/* The allocation functions tether exports, each with the definition it
 * stands in front of (RTLD_NEXT's: glibc's), found on first use. */
#define TT_DL_OWN(name) {#name, (void *)name, NULL}
static struct own_fn {
  const char *name;
  void *own;
  void *next;
} own_fns[] = {
    TT_DL_OWN(malloc),        TT_DL_OWN(free),          TT_DL_OWN(calloc),
    TT_DL_OWN(realloc),       TT_DL_OWN(reallocarray),  TT_DL_OWN(memalign),
    TT_DL_OWN(posix_memalign), TT_DL_OWN(aligned_alloc), TT_DL_OWN(valloc),
    TT_DL_OWN(pvalloc),       TT_DL_OWN(malloc_usable_size),
};

/* dlsym on a real handle: glibc's answer, or tether's function where that
 * answer is the one tether wraps. */
void *tt_dl_dlsym_handle(void *handle, const char *name) {
  void *(*real)(void *, const char *) = __atomic_load_n(&tt_dl_real_dlsym, __ATOMIC_ACQUIRE);
  void *fn = real(handle, name);
  if (!fn || !name)
    return fn;
  for (size_t i = 0; i < sizeof own_fns / sizeof own_fns[0]; i++) {
    struct own_fn *o = &own_fns[i];
    if (strcmp(name, o->name) != 0)
      continue;
    void *next = __atomic_load_n(&o->next, __ATOMIC_ACQUIRE);
    if (!next) {
      next = tt_preload_next(o->name);
      __atomic_store_n(&o->next, next, __ATOMIC_RELEASE);
    }
    return fn == next ? o->own : fn;
  }
  return fn;
}

/* TT_DL_REAL var, resolver: %rax = var, looked up by resolver the first
 * time (the arguments kept); a real function that cannot be found makes
 * the call fail as glibc's would (NULL), dlerror aside. */
__asm__(".macro TT_DL_REAL var, resolver\n"
        "  movq \\var(%rip), %rax\n"
        "  testq %rax, %rax\n"
        "  jnz 9f\n"
        "  pushq %rdi\n"
        "  .cfi_adjust_cfa_offset 8\n"
        "  pushq %rsi\n"
        "  .cfi_adjust_cfa_offset 8\n"
        "  subq $8, %rsp\n"
        "  .cfi_adjust_cfa_offset 8\n"
        "  call \\resolver\n"
        "  addq $8, %rsp\n"
        "  .cfi_adjust_cfa_offset -8\n"
        "  popq %rsi\n"
        "  .cfi_adjust_cfa_offset -8\n"
        "  popq %rdi\n"
        "  .cfi_adjust_cfa_offset -8\n"
        "  testq %rax, %rax\n"
        "  jnz 9f\n"
        "  ret\n"
        "9:\n"
        ".endm\n");

/* The entry points. On entry %rsp is 8 modulo 16; three pushes (or two and
 * 8 bytes) make a call's alignment. */
__asm__(".text\n"
        ".globl dlsym\n"
        ".type dlsym, @function\n"
        "dlsym:\n"
        "  .cfi_startproc\n"
        "  TT_DL_REAL tt_dl_real_dlsym, tt_dl_resolve_dlsym\n"
        "  cmpq $-1, %rdi\n" /* RTLD_NEXT */
        "  je 2f\n"
        "  testq %rdi, %rdi\n" /* RTLD_DEFAULT */
        "  je 2f\n"
        "  jmp tt_dl_dlsym_handle\n"
        "2:\n"
        "  jmp *%rax\n"
        "  .cfi_endproc\n"
        ".size dlsym, .-dlsym\n"

        ".globl dlopen\n"
        ".type dlopen, @function\n"
        "dlopen:\n"
        "  .cfi_startproc\n"
        "  TT_DL_REAL tt_dl_real_dlopen, tt_dl_resolve_dlopen\n"
        "  testl $8, %esi\n" /* RTLD_DEEPBIND */
        "  jz 2f\n"
        "  andl $-9, %esi\n"
        "  pushq %rdi\n"
        "  .cfi_adjust_cfa_offset 8\n"
        "  pushq %rsi\n"
        "  .cfi_adjust_cfa_offset 8\n"
        "  pushq %rax\n"
        "  .cfi_adjust_cfa_offset 8\n"
        "  call tt_dl_note_deepbind\n"
        "  popq %rax\n"
        "  .cfi_adjust_cfa_offset -8\n"
        "  popq %rsi\n"
        "  .cfi_adjust_cfa_offset -8\n"
        "  popq %rdi\n"
        "  .cfi_adjust_cfa_offset -8\n"
        "2:\n"
        "  jmp *%rax\n"
        "  .cfi_endproc\n"
        ".size dlopen, .-dlopen\n");
