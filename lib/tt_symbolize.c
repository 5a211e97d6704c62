/* SPDX-License-Identifier: MIT */
/* Symbolization with libdw (see tt_symbolize.h).
 *
 * One Dwfl session is built lazily at the first lookup from the modules
 * loaded then plus the modules retained earlier (dlclosed since), and is
 * rebuilt when a lookup misses and modules were loaded since. Results are
 * cached per pc in a uthash table.
 *
 * Notes on locking: sym_lock serialises everything here (reports are written
 * by one thread at a time; the lock only guards against a check racing with
 * a dlclose). It nests outside the arena lock. */
#define _GNU_SOURCE
#include "tt_symbolize.h"

#include <elfutils/libdwfl.h>
#include <libiberty/demangle.h>
#include <stdlib.h>
#include <string.h>

#include "tt_arena.h"
#include "tt_os.h"
#include "tt_uthash.h"

struct module_rec {
  struct module_rec *next;
  uintptr_t base, lo, hi;
  char *path;
  bool loaded_now;
};

struct cache_rec {
  UT_hash_handle hh;
  uintptr_t key; /* pc, with bit 0 of the lookup mode folded in via pc*2+caller */
  struct tt_frame_info info;
};

static tt_spinlock_t sym_lock = TT_SPINLOCK_INIT;
static struct module_rec *modules;
static struct cache_rec *cache;
static Dwfl *dwfl;
static bool dwfl_stale = true;
static char exe_path[4096];

/* ---- the module list ------------------------------------------------------ */

static int retain_cb(const struct tt_module *m, void *arg) {
  (void)arg;
  const char *path = m->path;
  if (!path[0]) {
    if (!exe_path[0] && tt_os_exe_path(exe_path, sizeof exe_path) != 0)
      return 0;
    path = exe_path;
  }
  char resolved[4096];
  if (path[0] != '/') {
    /* loaded by a relative name: ask the memory map for the file */
    if (!tt_os_mapped_file(m->lo, resolved, sizeof resolved))
      return 0; /* the vdso and other modules with no file */
    path = resolved;
  }
  for (struct module_rec *r = modules; r; r = r->next)
    if (r->base == m->base && r->lo == m->lo && strcmp(r->path, path) == 0)
      return 0;
  struct module_rec *r = tt_arena_alloc(sizeof *r);
  if (!r)
    return 1;
  r->path = tt_arena_strdup(path);
  if (!r->path) {
    tt_arena_free(r, sizeof *r);
    return 1;
  }
  r->base = m->base;
  r->lo = m->lo;
  r->hi = m->hi;
  r->next = modules;
  modules = r;
  dwfl_stale = true;
  return 0;
}

void tt_symbolize_lock(void) { tt_spin_lock(&sym_lock); }
void tt_symbolize_unlock(void) { tt_spin_unlock(&sym_lock); }

void tt_symbolize_retain_modules(void) {
  tt_spin_lock(&sym_lock);
  tt_os_for_each_module(retain_cb, NULL);
  tt_spin_unlock(&sym_lock);
}

/* Separate debug files by build id, under the debuginfo path
 * (/usr/lib/debug/.build-id/...), as Debian's -dbgsym packages install them.
 * Never libdw's standard lookup: when that finds nothing locally it starts a
 * debuginfod client, whose libcurl brings up the TLS and SSH libraries inside
 * the program under test, at exit, after the program tore its own copies of
 * them down (openssl crashed so). */
static int find_debuginfo_cb(Dwfl_Module *mod, void **userdata, const char *modname,
                             Dwarf_Addr base, const char *file_name, const char *debuglink_file,
                             GElf_Word debuglink_crc, char **debuginfo_file_name) {
  return dwfl_build_id_find_debuginfo(mod, userdata, modname, base, file_name, debuglink_file,
                                      debuglink_crc, debuginfo_file_name);
}

static char *debuginfo_path;
static const Dwfl_Callbacks callbacks = {
    .find_elf = dwfl_linux_proc_find_elf,
    .find_debuginfo = find_debuginfo_cb,
    .section_address = dwfl_offline_section_address,
    .debuginfo_path = &debuginfo_path,
};

static void rebuild_locked(void) {
  if (dwfl)
    dwfl_end(dwfl);
  dwfl = dwfl_begin(&callbacks);
  dwfl_stale = false;
  if (!dwfl)
    return;
  dwfl_report_begin(dwfl);
  /* Newest first in the list: where two modules overlap (an address reused
   * after dlclose), the one loaded last wins and the older is skipped. */
  for (struct module_rec *r = modules; r; r = r->next) {
    bool shadowed = false;
    for (struct module_rec *q = modules; q != r && !shadowed; q = q->next)
      shadowed = q->lo < r->hi && r->lo < q->hi;
    if (!shadowed)
      dwfl_report_elf(dwfl, r->path, r->path, -1, r->base, false);
  }
  dwfl_report_end(dwfl, NULL, NULL);
}

/* ---- lookups ---------------------------------------------------------------- */

static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

static const char *demangle(const char *name) {
  if (!name)
    return NULL;
  if (name[0] == '_' && (name[1] == 'Z' || name[1] == 'R')) {
    char *d = cplus_demangle(name, DMGL_PARAMS | DMGL_ANSI);
    if (d) {
      char *copy = tt_arena_strdup(d);
      free(d);
      if (copy)
        return copy;
    }
  }
  return tt_arena_strdup(name);
}

/* The name Valgrind would show for the function containing at: where
 * several symbols share its address (glibc's strdup and __strdup), the one
 * with the fewest leading underscores, then a global over a weak one. */
static const char *best_name(Dwfl_Module *mod, uintptr_t at) {
  GElf_Sym sym;
  GElf_Off off = 0;
  const char *name = dwfl_module_addrinfo(mod, at, &off, &sym, NULL, NULL, NULL);
  if (!name)
    return NULL;
  GElf_Addr value = at - off; /* the symbol's start, load bias included */
  int n = dwfl_module_getsymtab(mod);
  const char *best = name;
  int best_us = 0;
  while (best[best_us] == '_')
    best_us++;
  for (int i = 1; i < n && best_us > 0; i++) {
    GElf_Sym s2;
    GElf_Addr addr2 = 0;
    const char *n2 = dwfl_module_getsym_info(mod, i, &s2, &addr2, NULL, NULL, NULL);
    if (!n2 || addr2 != value || GELF_ST_TYPE(s2.st_info) != STT_FUNC || !n2[0])
      continue;
    int us = 0;
    while (n2[us] == '_')
      us++;
    if (us < best_us) {
      best = n2;
      best_us = us;
    }
  }
  return best;
}

static void lookup_locked(uintptr_t pc, bool caller_pc, struct tt_frame_info *out) {
  uintptr_t at = caller_pc && pc ? pc - 1 : pc;
  memset(out, 0, sizeof *out);
  out->pc = pc;
  if (dwfl_stale || !dwfl)
    rebuild_locked();
  Dwfl_Module *mod = dwfl ? dwfl_addrmodule(dwfl, at) : NULL;
  if (!mod) {
    /* Perhaps loaded since the session was built. */
    tt_os_for_each_module(retain_cb, NULL);
    if (dwfl_stale) {
      rebuild_locked();
      mod = dwfl ? dwfl_addrmodule(dwfl, at) : NULL;
    }
  }
  if (!mod)
    return;
  const char *mainfile = NULL;
  dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, &mainfile, NULL);
  if (mainfile)
    out->object = tt_arena_strdup(mainfile);
  out->function = demangle(best_name(mod, at));
  Dwfl_Line *line = dwfl_module_getsrc(mod, at);
  if (line) {
    int lineno = 0;
    const char *src = dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL);
    if (src && lineno > 0) {
      out->file = tt_arena_strdup(base_name(src));
      out->line = lineno;
    }
  }
}

void tt_symbolize(uintptr_t pc, bool caller_pc, struct tt_frame_info *out) {
  uintptr_t key = pc * 2 + (caller_pc ? 1 : 0);
  tt_spin_lock(&sym_lock);
  struct cache_rec *c = NULL;
  HASH_FIND(hh, cache, &key, sizeof key, c);
  if (c) {
    *out = c->info;
    tt_spin_unlock(&sym_lock);
    return;
  }
  lookup_locked(pc, caller_pc, out);
  c = tt_arena_alloc(sizeof *c);
  if (c) {
    c->key = key;
    c->info = *out;
    HASH_ADD(hh, cache, key, sizeof key, c);
  }
  tt_spin_unlock(&sym_lock);
}

bool tt_symbolize_data(uintptr_t addr, const char **name, size_t *offset) {
  bool ok = false;
  tt_spin_lock(&sym_lock);
  if (dwfl_stale || !dwfl)
    rebuild_locked();
  Dwfl_Module *mod = dwfl ? dwfl_addrmodule(dwfl, addr) : NULL;
  if (!mod) {
    tt_os_for_each_module(retain_cb, NULL);
    if (dwfl_stale) {
      rebuild_locked();
      mod = dwfl ? dwfl_addrmodule(dwfl, addr) : NULL;
    }
  }
  if (mod) {
    GElf_Sym sym;
    GElf_Off off = 0;
    const char *n = dwfl_module_addrinfo(mod, addr, &off, &sym, NULL, NULL, NULL);
    if (n && GELF_ST_TYPE(sym.st_info) == STT_OBJECT && off < (sym.st_size ? sym.st_size : 1)) {
      *name = tt_arena_strdup(n);
      *offset = off;
      ok = *name != NULL;
    }
  }
  tt_spin_unlock(&sym_lock);
  return ok;
}
