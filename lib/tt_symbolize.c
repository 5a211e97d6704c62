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

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <libiberty/demangle.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "tt_arena.h"
#include "tt_debugcache.h"
#include "tt_fmt.h"
#include "tt_os.h"
#include "tt_sort.h"
#include "tt_uthash.h"

struct module_rec {
  struct module_rec *next;
  uintptr_t base, lo, hi;
  char *path;
  char *given; /* the name the loader has (relative: resolved into path) */
  bool loaded_now;
};

struct cache_rec {
  UT_hash_handle hh;
  uintptr_t key; /* pc, with bit 0 of the lookup mode folded in via pc*2+caller */
  int n;         /* frames: inlined ones first, the real function last */
  struct tt_frame_info info[TT_MAX_INLINED];
};

static tt_spinlock_t sym_lock = TT_SPINLOCK_INIT;
static struct module_rec *modules;
static struct cache_rec *cache;
static Dwfl *dwfl;
static bool dwfl_stale = true;
static char exe_path[4096];
static char cache_dir[4096]; /* the debug information cache; empty: none */

void tt_symbolize_set_cache_dir(const char *dir) {
  size_t n = dir ? strlen(dir) : 0;
  if (n >= sizeof cache_dir)
    n = 0;
  memcpy(cache_dir, dir ? dir : "", n);
  cache_dir[n] = '\0';
}

/* ---- the module list ------------------------------------------------------ */

/* Reads of the memory map for a module's file (tt_symbolize_map_reads). */
static size_t map_reads;

/* A counter of the symbolizer's, read under its lock. */
static size_t read_counter(const size_t *counter) {
  tt_spin_lock(&sym_lock);
  size_t n = *counter;
  tt_spin_unlock(&sym_lock);
  return n;
}

size_t tt_symbolize_map_reads(void) { return read_counter(&map_reads); }

static int retain_cb(const struct tt_module *m, void *arg) {
  (void)arg;
  const char *path = m->path;
  if (!path[0]) {
    if (!exe_path[0] && tt_os_exe_path(exe_path, sizeof exe_path) != 0)
      return 0;
    path = exe_path;
  }
  char resolved[4096];
  const char *given = NULL;
  if (path[0] != '/') {
    given = path;
    /* loaded by a relative name: ask the memory map for the file, once
     * (reading the map on every dlclose made a loop of dlopen and dlclose
     * 150 times slower) */
    for (struct module_rec *r = modules; r; r = r->next)
      if (r->base == m->base && r->lo == m->lo && r->given && strcmp(r->given, path) == 0)
        return 0;
    /* the vdso and other modules with no file are remembered with none */
    map_reads++;
    path = tt_os_mapped_file(m->lo, resolved, sizeof resolved) ? resolved : NULL;
  } else {
    for (struct module_rec *r = modules; r; r = r->next)
      if (r->base == m->base && r->lo == m->lo && r->path && strcmp(r->path, path) == 0)
        return 0;
  }
  struct module_rec *r = tt_arena_alloc(sizeof *r);
  if (!r)
    return 1;
  r->path = path ? tt_arena_strdup(path) : NULL;
  r->given = given ? tt_arena_strdup(given) : NULL;
  if ((path && !r->path) || (given && !r->given)) {
    tt_arena_free(r, sizeof *r);
    return 1;
  }
  r->base = m->base;
  r->lo = m->lo;
  r->hi = m->hi;
  r->next = modules;
  modules = r;
  if (r->path)
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

/* The uncompressed copy of mod's separate debug file, found by build id
 * where libdw's lookup would find it (which must not run first: it keeps
 * the original file it opened, whose sections libdw would then inflate);
 * -1 if there is none. */
#define TT_BUILD_ID_DIR "/usr/lib/debug/.build-id/"
static int cached_debuginfo(Dwfl_Module *mod, char **name) {
  const unsigned char *id;
  GElf_Addr vaddr;
  const char *found = NULL;
  if (!cache_dir[0] ||
      !dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, NULL, &found) || found)
    return -1; /* found already: libdw asks for a dwz file the debug file links to */
  int len = dwfl_module_build_id(mod, &id, &vaddr);
  char path[sizeof TT_BUILD_ID_DIR + 3 + 2 * 64 + sizeof ".debug"];
  if (len < 2 || len > 64)
    return -1;
  static const char hex[] = "0123456789abcdef";
  char *p = path + tt_fmt(path, sizeof path, "%s", TT_BUILD_ID_DIR);
  for (int i = 0; i < len; i++) {
    *p++ = hex[id[i] >> 4];
    *p++ = hex[id[i] & 15];
    if (i == 0)
      *p++ = '/';
  }
  memcpy(p, ".debug", sizeof ".debug");
  int fd = tt_os_open_read(path);
  if (fd < 0)
    return -1;
  int copy = tt_debugcache_open(cache_dir, fd);
  tt_os_close(fd);
  if (copy >= 0 && name) {
    *name = strdup(path); /* libdw frees it */
    if (!*name) {
      tt_os_close(copy);
      return -1;
    }
  }
  return copy;
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
  int fd = cached_debuginfo(mod, debuginfo_file_name);
  if (fd >= 0)
    return fd;
  return dwfl_build_id_find_debuginfo(mod, userdata, modname, base, file_name, debuglink_file,
                                      debuglink_crc, debuginfo_file_name);
}

/* A descriptor of the uncompressed copy of the module file at path, for
 * dwfl_report_elf, which takes it over; -1: let libdw open the file. */
static int module_fd(const char *path) {
  if (!cache_dir[0])
    return -1;
  int fd = tt_os_open_read(path);
  if (fd < 0)
    return -1;
  int copy = tt_debugcache_open(cache_dir, fd);
  tt_os_close(fd);
  return copy;
}

static char *debuginfo_path;
static const Dwfl_Callbacks callbacks = {
    .find_elf = dwfl_linux_proc_find_elf,
    .find_debuginfo = find_debuginfo_cb,
    .section_address = dwfl_offline_section_address,
    .debuginfo_path = &debuginfo_path,
};

static void drop_indexes_locked(void);

static void rebuild_locked(void) {
  drop_indexes_locked();
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
    bool shadowed = !r->path; /* a module with no file: nothing to read */
    for (struct module_rec *q = modules; q != r && !shadowed; q = q->next)
      shadowed = q->path && q->lo < r->hi && r->lo < q->hi;
    if (!shadowed) {
      int fd = module_fd(r->path);
      if (!dwfl_report_elf(dwfl, r->path, r->path, fd, r->base, false) && fd >= 0)
        tt_os_close(fd);
    }
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

/* ---- a module's symbols, sorted -------------------------------------------- */

/* dwfl_module_addrinfo reads every symbol of the module at each call: a
 * C++ library of 50,000 symbols (libjvm) took milliseconds a lookup, and a
 * java process's report 6 s. Each module's symbols are read once instead,
 * into an array sorted by address, and a lookup picks what libdw would (its
 * rules, from dwfl_module_addrsym.c: only symbols whose range holds the
 * address; globals first, locals only if no global holds it; the closest
 * start, then the stronger binding, then the smaller size). What the array
 * does not model (symbols without a size, hand-written assembly) is left to
 * libdw. */
struct sym_ent {
  GElf_Addr value; /* load bias included */
  GElf_Xword size;
  const char *name; /* libdw's, valid until the session ends */
  uint32_t ndx;     /* in the symbol table: libdw's order */
  uint8_t bind, type;
};

struct sym_index {
  UT_hash_handle hh;
  Dwfl_Module *mod; /* the key */
  struct sym_ent *e; /* sorted by value, then ndx */
  GElf_Addr *max_end; /* max_end[j]: the highest end of e[0..j] */
  uint32_t *last_sizeless; /* [j]: 1 + the last of e[0..j] without a size; 0: none */
  size_t n, bytes;
  int first_global; /* dwfl_module_getsymtab_first_global */
  bool usable;
  /* libdw's answers for addresses no symbol with a size holds (a stripped
   * program's own functions, between its exported ones): the same for every
   * address after the start of gap j (between e[j - 1] and e[j]) in one
   * section. n + 1 of them, mapped at the first. */
  struct gap_memo *gaps;
  size_t gaps_bytes;
};

struct gap_memo {
  const char *name; /* NULL: no symbol */
  GElf_Addr value;  /* the symbol's start */
  GElf_Addr sec_lo, sec_hi; /* the section the answer holds for; empty: none yet */
};
static struct sym_index *sym_indexes;

static void drop_indexes_locked(void) {
  struct sym_index *x, *tmp;
  HASH_ITER(hh, sym_indexes, x, tmp) {
    HASH_DEL(sym_indexes, x);
    if (x->e)
      tt_os_unmap(x->e, x->bytes);
    if (x->gaps)
      tt_os_unmap(x->gaps, x->gaps_bytes);
    tt_arena_free(x, sizeof *x);
  }
}

static struct sym_index *index_of(Dwfl_Module *mod) {
  struct sym_index *x = NULL;
  HASH_FIND_PTR(sym_indexes, &mod, x);
  if (x)
    return x;
  x = tt_arena_alloc(sizeof *x);
  if (!x)
    return NULL;
  memset(x, 0, sizeof *x);
  x->mod = mod;
  HASH_ADD_PTR(sym_indexes, mod, x);
  int n = dwfl_module_getsymtab(mod);
  x->first_global = dwfl_module_getsymtab_first_global(mod);
  if (n <= 1 || x->first_global < 0)
    return x;
  x->bytes = TT_ALIGN_UP(
      (size_t)n * (sizeof(struct sym_ent) + sizeof(GElf_Addr) + sizeof(uint32_t)), 4096);
  x->e = tt_os_map(x->bytes);
  size_t tmp_bytes = (size_t)n * sizeof(struct sym_ent);
  struct sym_ent *tmp = x->e ? tt_os_map(tmp_bytes) : NULL;
  if (!tmp) {
    if (x->e)
      tt_os_unmap(x->e, x->bytes);
    x->e = NULL;
    return x;
  }
  x->max_end = (GElf_Addr *)(x->e + n);
  x->last_sizeless = (uint32_t *)(x->max_end + n);
  size_t k = 0;
  for (int i = 1; i < n; i++) {
    GElf_Sym sym;
    GElf_Addr value = 0;
    const char *name = dwfl_module_getsym_info(mod, i, &sym, &value, NULL, NULL, NULL);
    int type = GELF_ST_TYPE(sym.st_info);
    if (!name || !name[0] || sym.st_shndx == SHN_UNDEF || type == STT_SECTION ||
        type == STT_FILE || type == STT_TLS)
      continue;
    x->e[k++] = (struct sym_ent){value, sym.st_size, name, (uint32_t)i,
                                 (uint8_t)GELF_ST_BIND(sym.st_info), (uint8_t)type};
  }
  /* by value, then table order: the entries went in in table order, and
   * the radix sort keeps the order of equal keys */
  static size_t count[TT_SORT_BUCKETS];
  tt_radix_sort(x->e, k, sizeof *x->e, offsetof(struct sym_ent, value), tmp, count);
  tt_os_unmap(tmp, tmp_bytes);
  GElf_Addr end = 0;
  uint32_t sizeless = 0;
  for (size_t j = 0; j < k; j++) {
    if (x->e[j].value + x->e[j].size > end)
      end = x->e[j].value + x->e[j].size;
    x->max_end[j] = end;
    if (!x->e[j].size)
      sizeless = (uint32_t)j + 1;
    x->last_sizeless[j] = sizeless;
  }
  x->n = k;
  x->usable = true;
  return x;
}

static int binding_rank(int bind) {
  return bind == STB_GLOBAL ? 3 : bind == STB_WEAK ? 2 : bind == STB_LOCAL ? 1 : 0;
}

/* libdw's choice among the symbols holding addr, in table order: a closer
 * start, or a stronger binding, replaces; at the same start, a smaller size
 * with no weaker binding, or the same size with a stronger one. */
static const struct sym_ent *choose(const struct sym_ent *const *c, int nc) {
  const struct sym_ent *best = NULL;
  for (int i = 0; i < nc; i++) {
    const struct sym_ent *s = c[i];
    if (!best || best->value < s->value || binding_rank(best->bind) < binding_rank(s->bind))
      best = s;
    else if (best->value == s->value &&
             ((best->size > s->size && binding_rank(best->bind) <= binding_rank(s->bind)) ||
              (best->size >= s->size && binding_rank(best->bind) < binding_rank(s->bind))))
      best = s;
  }
  return best;
}

#define TT_SYM_CANDIDATES 32

/* The symbol dwfl_module_addrinfo gives for addr, from the index; NULL when
 * the index cannot tell (no symbol with a size holds addr, or too many do):
 * the caller asks libdw. */
static const struct sym_ent *index_lookup(const struct sym_index *x, GElf_Addr addr,
                                          size_t *gap) {
  *gap = SIZE_MAX; /* set where no symbol with a size holds addr */
  if (!x || !x->usable || !x->n)
    return NULL;
  size_t lo = 0, hi = x->n; /* the first entry whose value is above addr */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (x->e[mid].value <= addr)
      lo = mid + 1;
    else
      hi = mid;
  }
  size_t first_global = x->first_global > 1 ? (size_t)x->first_global : 1;
  const struct sym_ent *glob[TT_SYM_CANDIDATES], *loc[TT_SYM_CANDIDATES];
  int ng = 0, nl = 0;
  bool sizeless_global_at = false;
  for (size_t j = lo; j-- > 0 && x->max_end[j] > addr;) {
    const struct sym_ent *s = &x->e[j];
    bool global = s->ndx >= first_global;
    if (!s->size) {
      sizeless_global_at |= global && s->value == addr;
      continue;
    }
    if (addr - s->value >= s->size)
      continue;
    if (global ? ng == TT_SYM_CANDIDATES : nl == TT_SYM_CANDIDATES)
      return NULL;
    if (global)
      glob[ng++] = s;
    else
      loc[nl++] = s;
  }
  /* libdw reads the table in order: the candidates were found backwards by
   * address; put them in table order */
  const struct sym_ent **sets[2] = {glob, loc};
  int counts[2] = {ng, nl};
  for (int t = 0; t < 2; t++)
    for (int i = 1; i < counts[t]; i++)
      for (int k = i; k > 0 && sets[t][k - 1]->ndx > sets[t][k]->ndx; k--) {
        const struct sym_ent *tmp = sets[t][k];
        sets[t][k] = sets[t][k - 1];
        sets[t][k - 1] = tmp;
      }
  if (ng)
    return choose(glob, ng);
  if (sizeless_global_at)
    return NULL; /* libdw would not look at the locals */
  if (x->first_global > 1 && nl)
    return choose(loc, nl);
  *gap = lo;
  return NULL;
}

/* Addresses resolve answered "no symbol" without asking libdw (for tests). */
static size_t gaps_of_none;

/* The symbol holding at, as dwfl_module_addrinfo finds it: its name (NULL:
 * none) and start. */
static const char *resolve(Dwfl_Module *mod, struct sym_index *x, GElf_Addr at,
                           GElf_Addr *value) {
  size_t gap;
  const struct sym_ent *hit = index_lookup(x, at, &gap);
  if (hit) {
    *value = hit->value;
    return hit->name;
  }
  /* In a gap libdw falls back on a symbol without a size at or below at,
   * and takes none that a sized symbol below at ends above (its "label"
   * rule). So where no such symbol is left, its answer is none: a stripped
   * program (cc1, ld) exports thousands of symbols, libdw reads them all
   * for each address, and this is most of their addresses. */
  if (gap != SIZE_MAX) {
    uint32_t k = gap ? x->last_sizeless[gap - 1] : 0;
    if (!k || x->e[k - 1].value < x->max_end[gap - 1]) {
      gaps_of_none++;
      *value = at;
      return NULL;
    }
  }
  struct gap_memo *g = NULL;
  /* every address after a gap's start gets the same answer (libdw looks at
   * the same symbols, none holding it), within one section */
  if (gap != SIZE_MAX && (gap == 0 || at > x->e[gap - 1].value)) {
    if (!x->gaps) {
      x->gaps_bytes = TT_ALIGN_UP((x->n + 1) * sizeof *x->gaps, 4096);
      x->gaps = tt_os_map(x->gaps_bytes); /* zero: nothing known */
    }
    g = x->gaps ? &x->gaps[gap] : NULL;
    if (g && at >= g->sec_lo && at < g->sec_hi) {
      *value = g->value;
      return g->name;
    }
  }
  GElf_Sym sym;
  GElf_Off off = 0;
  const char *name = dwfl_module_addrinfo(mod, at, &off, &sym, NULL, NULL, NULL);
  *value = at - off; /* the symbol's start, load bias included */
  Dwarf_Addr rel = at, bias = 0;
  Elf_Scn *scn = g ? dwfl_module_address_section(mod, &rel, &bias) : NULL;
  GElf_Shdr shdr;
  if (scn && gelf_getshdr(scn, &shdr)) {
    g->name = name;
    g->value = *value;
    g->sec_lo = at - rel;
    g->sec_hi = g->sec_lo + shdr.sh_size;
  }
  return name;
}

/* The name Valgrind would show for the function containing at: where
 * several symbols share its address (glibc's strdup and __strdup), the one
 * with the fewest leading underscores, then a global over a weak one. */
static const char *best_name(Dwfl_Module *mod, uintptr_t at) {
  struct sym_index *x = index_of(mod);
  GElf_Addr value = 0;
  const char *name = resolve(mod, x, at, &value);
  if (!name)
    return NULL;
  const char *best = name;
  int best_us = 0;
  while (best[best_us] == '_')
    best_us++;
  if (!best_us)
    return best;
  if (x && x->usable) { /* the functions at the same start, in table order */
    size_t lo = 0, hi = x->n;
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (x->e[mid].value < value)
        lo = mid + 1;
      else
        hi = mid;
    }
    for (size_t j = lo; j < x->n && x->e[j].value == value && best_us > 0; j++) {
      const struct sym_ent *s = &x->e[j];
      if (s->type != STT_FUNC)
        continue;
      int us = 0;
      while (s->name[us] == '_')
        us++;
      if (us < best_us) {
        best = s->name;
        best_us = us;
      }
    }
    return best;
  }
  int n = dwfl_module_getsymtab(mod);
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

/* The module holding addr, one loaded since the session was built too. */
static Dwfl_Module *module_at_locked(uintptr_t addr) {
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
  return mod;
}

/* names_only: the function and the object, from the symbol table, without
 * the debug information's file:line (which, for a module whose DWARF has
 * not been read yet, would read and perhaps inflate all of it). */
static void lookup_locked(uintptr_t pc, bool caller_pc, bool names_only,
                          struct tt_frame_info *out) {
  uintptr_t at = caller_pc && pc ? pc - 1 : pc;
  memset(out, 0, sizeof *out);
  out->pc = pc;
  Dwfl_Module *mod = module_at_locked(at);
  if (!mod)
    return;
  const char *mainfile = NULL;
  dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, &mainfile, NULL);
  if (mainfile)
    out->object = tt_arena_strdup(mainfile);
  const char *raw = best_name(mod, at);
  out->function = demangle(raw);
  out->mangled = raw && raw[0] == '_' && (raw[1] == 'Z' || raw[1] == 'R') ? tt_arena_strdup(raw)
                                                                          : out->function;
  Dwfl_Line *line = names_only ? NULL : dwfl_module_getsrc(mod, at);
  if (line) {
    int lineno = 0;
    const char *src = dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL);
    if (src && lineno > 0) {
      out->path = tt_arena_strdup(src);
      out->file = out->path ? base_name(out->path) : NULL;
      out->line = lineno;
    }
  }
}

static const char *die_name(Dwarf_Die *die) {
  Dwarf_Attribute attr;
  const char *name = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &attr));
  return name ? tt_arena_strdup(name) : NULL;
}

/* Fills out[1..] with the inlined chain at pc: out[0] holds the real
 * function with pc's own line on entry; on return out[0..n-2] are the inlined
 * functions, innermost first, and out[n-1] the real function at its call
 * line. */
static int inline_chain_locked(uintptr_t pc, bool caller_pc, struct tt_frame_info *out, int max) {
  uintptr_t at = caller_pc && pc ? pc - 1 : pc;
  Dwfl_Module *mod = dwfl ? dwfl_addrmodule(dwfl, at) : NULL;
  Dwarf_Addr bias = 0;
  Dwarf_Die *cu = mod ? dwfl_module_addrdie(mod, at, &bias) : NULL;
  if (!cu || max < 2)
    return 1;
  /* The innermost function scope at pc, then its enclosing scopes in the
   * concrete tree (dwarf_getscopes alone walks the abstract origin's). */
  Dwarf_Die *found = NULL, *scopes = NULL;
  int nf = dwarf_getscopes(cu, at - bias, &found);
  int first = -1;
  for (int i = 0; i < nf && first < 0; i++) {
    int tag = dwarf_tag(&found[i]);
    if (tag == DW_TAG_inlined_subroutine || tag == DW_TAG_subprogram)
      first = i;
  }
  int ns = first >= 0 && dwarf_tag(&found[first]) == DW_TAG_inlined_subroutine
               ? dwarf_getscopes_die(&found[first], &scopes)
               : 0;
  free(found);
  Dwarf_Files *files = NULL;
  size_t nfiles = 0;
  dwarf_getsrcfiles(cu, &files, &nfiles);
  struct tt_frame_info real = out[0];
  const char *file = real.file, *path = real.path;
  int line = real.line, n = 0;
  for (int i = 0; i < ns && n < max - 1; i++) {
    int tag = dwarf_tag(&scopes[i]);
    if (tag == DW_TAG_subprogram)
      break;
    if (tag != DW_TAG_inlined_subroutine)
      continue;
    struct tt_frame_info *f = &out[n++];
    memset(f, 0, sizeof *f);
    f->pc = pc;
    f->object = real.object;
    f->function = die_name(&scopes[i]);
    f->mangled = f->function;
    f->file = file;
    f->path = path;
    f->line = line;
    /* where this inlined body was called: the next frame's line */
    Dwarf_Attribute attr;
    Dwarf_Word cf = 0, cl = 0;
    const char *src = NULL;
    if (dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_file, &attr), &cf) == 0 && files)
      src = dwarf_filesrc(files, (size_t)cf, NULL, NULL);
    dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_line, &attr), &cl);
    path = src ? tt_arena_strdup(src) : NULL;
    file = path ? base_name(path) : NULL;
    line = (int)cl;
  }
  free(scopes);
  if (file && line > 0) {
    real.file = file;
    real.path = path;
    real.line = line;
  }
  out[n++] = real;
  return n;
}

/* Addresses looked up (not found in the cache), for -v. */
static size_t lookups;

size_t tt_symbolize_lookups(void) { return read_counter(&lookups); }

/* The cache record of pc, looked up (and filled) with sym_lock held. */
static struct cache_rec *cached_locked(uintptr_t pc, bool caller_pc, bool names_only) {
  uintptr_t key = pc * 4 + (caller_pc ? 2 : 0) + (names_only ? 1 : 0);
  struct cache_rec *c = NULL;
  HASH_FIND(hh, cache, &key, sizeof key, c);
  if (c)
    return c;
  lookups++;
  c = tt_arena_alloc(sizeof *c);
  if (!c)
    return NULL;
  c->key = key;
  lookup_locked(pc, caller_pc, names_only, &c->info[0]);
  c->n = names_only ? 1 : inline_chain_locked(pc, caller_pc, c->info, TT_MAX_INLINED);
  HASH_ADD(hh, cache, key, sizeof key, c);
  return c;
}

static int symbolize_mode(uintptr_t pc, bool caller_pc, bool names_only,
                          struct tt_frame_info *out, int max) {
  tt_spin_lock(&sym_lock);
  struct cache_rec *c = cached_locked(pc, caller_pc, names_only);
  int n = 0;
  if (c) {
    for (; n < c->n && n < max; n++)
      out[n] = c->info[n];
  } else if (max > 0) {
    lookup_locked(pc, caller_pc, names_only, &out[0]);
    n = 1;
  }
  tt_spin_unlock(&sym_lock);
  return n;
}

int tt_symbolize_inlined(uintptr_t pc, bool caller_pc, struct tt_frame_info *out, int max) {
  return symbolize_mode(pc, caller_pc, false, out, max);
}

void tt_symbolize_name(uintptr_t pc, bool caller_pc, struct tt_frame_info *out) {
  symbolize_mode(pc, caller_pc, true, out, 1);
}

void tt_symbolize(uintptr_t pc, bool caller_pc, struct tt_frame_info *out) {
  struct tt_frame_info chain[TT_MAX_INLINED];
  int n = tt_symbolize_inlined(pc, caller_pc, chain, TT_MAX_INLINED);
  *out = chain[n > 0 ? n - 1 : 0];
}

size_t tt_symbolize_check_index(uintptr_t in_module, size_t max_probes, size_t *probes,
                                size_t *answered, size_t *none) {
  size_t bad = 0;
  *probes = *answered = 0;
  size_t none_before = gaps_of_none;
  tt_spin_lock(&sym_lock);
  Dwfl_Module *mod = module_at_locked(in_module);
  struct sym_index *x = mod ? index_of(mod) : NULL;
  int n = mod ? dwfl_module_getsymtab(mod) : 0;
  size_t step = n > 0 && max_probes ? (size_t)n * 5 / max_probes + 1 : 1;
  for (int i = 1; x && i < n; i += (int)step) {
    GElf_Sym sym;
    GElf_Addr value = 0;
    const char *name = dwfl_module_getsym_info(mod, i, &sym, &value, NULL, NULL, NULL);
    int type = GELF_ST_TYPE(sym.st_info);
    if (!name || !sym.st_size || (type != STT_FUNC && type != STT_OBJECT))
      continue;
    /* inside, and just around it (often in no symbol: the gaps) */
    const GElf_Addr at[5] = {value, value + sym.st_size / 2, value + sym.st_size - 1,
                             value + sym.st_size, value - 1};
    for (int k = 0; k < 5; k++) {
      GElf_Sym want;
      GElf_Off off = 0;
      const char *w = dwfl_module_addrinfo(mod, at[k], &off, &want, NULL, NULL, NULL);
      size_t gap;
      ++*probes;
      *answered += index_lookup(x, at[k], &gap) != NULL;
      for (int pass = 0; pass < 2; pass++) { /* the second from the gaps' memo */
        GElf_Addr got_value = 0;
        const char *got = resolve(mod, x, at[k], &got_value);
        if ((w == NULL) != (got == NULL) || (w && (strcmp(w, got) != 0 || at[k] - off != got_value)))
          bad++;
      }
    }
  }
  *none = gaps_of_none - none_before;
  tt_spin_unlock(&sym_lock);
  return bad;
}

bool tt_symbolize_data(uintptr_t addr, const char **name, size_t *offset) {
  bool ok = false;
  tt_spin_lock(&sym_lock);
  Dwfl_Module *mod = module_at_locked(addr);
  size_t gap;
  const struct sym_ent *hit = mod ? index_lookup(index_of(mod), addr, &gap) : NULL;
  if (hit) { /* a symbol with a size holds addr */
    if (hit->type == STT_OBJECT) {
      *name = tt_arena_strdup(hit->name);
      *offset = addr - hit->value;
      ok = *name != NULL;
    }
  } else if (mod) {
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
