/* SPDX-License-Identifier: MIT */
/* The text report, in Valgrind's layout (see tt_report.h). Numbers carry
 * thousands separators as Valgrind prints them. */
#include "tt_report.h"

#include <stdarg.h>
#include <string.h>

#include "tether.h"

#include "tt_owners.h"
#include "tt_scan.h"
#include "tt_stacks.h"
#include "tt_symbolize.h"

static uintptr_t entry_pcs[TT_ALLOC_KIND_COUNT], release_pcs[TT_RELEASE_KIND_COUNT];
static const char *self_path = "libtether.so";
static uintptr_t transfer_pc;

void tt_report_set_transfer_entry(uintptr_t pc) { transfer_pc = pc; }

void tt_report_set_entry_points(const uintptr_t *alloc_pcs, const uintptr_t *rel_pcs,
                                const char *path) {
  if (alloc_pcs)
    memcpy(entry_pcs, alloc_pcs, sizeof entry_pcs);
  if (rel_pcs)
    memcpy(release_pcs, rel_pcs, sizeof release_pcs);
  if (path)
    self_path = path;
}

void tt_report_line(struct tt_out *o, const char *fmt, ...) {
  char line[2048];
  tt_log_prefix(line, sizeof line);
  size_t n = strlen(line);
  va_list ap;
  va_start(ap, fmt);
  n += tt_vfmt(line + n, sizeof line - n, fmt, ap);
  va_end(ap);
  if (n > sizeof line - 2)
    n = sizeof line - 2;
  line[n++] = '\n';
  tt_out_write(o, line, n);
}

void tt_report_banner(struct tt_out *o, const char *cmdline, size_t cmdlen) {
  char cmd[1536];
  size_t n = 0;
  for (size_t i = 0; i < cmdlen && n + 1 < sizeof cmd; i++) {
    char c = cmdline[i];
    if (c == '\0') {
      if (i + 1 == cmdlen)
        break;
      c = ' ';
    } else if ((unsigned char)c < 0x20 || c == 0x7f) {
      c = '_'; /* a line break in an argument must not end the report line (Valgrind's '_') */
    }
    cmd[n++] = c;
  }
  cmd[n] = '\0';
  tt_report_line(o, "tether, a leak and lifetime checker for C and C++");
  tt_report_line(o, "Using tether-%s; rerun with --help for options", TETHER_VERSION_STRING);
  tt_report_line(o, "Command: %s", cmd);
  tt_report_line(o, "%s", "");
}

void tt_report_heap_summary(struct tt_out *o, const struct tt_leak_totals *t) {
  tt_report_line(o, "%s", "");
  tt_report_line(o, "HEAP SUMMARY:");
  tt_report_line(o, "    in use at exit: %'llu bytes in %'llu blocks",
                 (unsigned long long)t->in_use_bytes, (unsigned long long)t->in_use_blocks);
  tt_report_line(o, "  total heap usage: %'llu allocs, %'llu frees, %'llu bytes allocated",
                 (unsigned long long)t->allocs, (unsigned long long)t->frees,
                 (unsigned long long)t->bytes_allocated);
  tt_report_line(o, "%s", "");
}

/* The C runtime's functions that call main, which Valgrind names "(below
 * main)" in stacks and suppressions, and where a stack ends, unless
 * --show-below-main=yes (where no frame is main: a program without
 * symbols). Versioned names too (__libc_start_main@@GLIBC_2.34). */
static bool is_below_main(const char *fn) {
  static const char *const names[] = {"__libc_start_call_main", "__libc_start_main",
                                      "generic_start_main", "_start"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    size_t len = strlen(names[i]);
    if (strncmp(fn, names[i], len) == 0 && (fn[len] == '\0' || fn[len] == '@'))
      return true;
  }
  return false;
}

#define TT_BELOW_MAIN "(below main)"

static void stack_frames(struct tt_out *o, uint32_t stack, const struct tt_options *opts,
                         const char *skip, int indent, bool at_first);

/* Frame 0 is the tether entry point the program called; the rest are its.
 * An API call comes through tether.h's inline wrapper of the same name,
 * which a build without optimisation keeps as a frame: it is left out. */
static void stack_with_entry_at(struct tt_out *o, uintptr_t pc, const char *name,
                                uint32_t stack, const struct tt_options *opts, int indent) {
  tt_report_line(o, "%*s   at 0x%lX: %s (in %s)", indent, "", (unsigned long)pc, name, self_path);
  stack_frames(o, stack, opts, strncmp(name, "tether_", 7) == 0 ? name : NULL, indent, false);
}

static void stack_with_entry(struct tt_out *o, uintptr_t pc, const char *name, uint32_t stack,
                             const struct tt_options *opts) {
  stack_with_entry_at(o, pc, name, stack, opts, 0);
}

void tt_report_stack_indented(struct tt_out *o, uint32_t stack, unsigned kind,
                              const struct tt_options *opts, int indent) {
  stack_with_entry_at(o, kind < TT_ALLOC_KIND_COUNT ? entry_pcs[kind] : 0,
                      tt_alloc_kind_name((enum tt_alloc_kind)kind), stack, opts, indent);
}

void tt_report_stack_at(struct tt_out *o, uintptr_t pc, const char *name, uint32_t stack,
                        const struct tt_options *opts) {
  stack_with_entry(o, pc, name, stack, opts);
}

void tt_report_stack(struct tt_out *o, uint32_t stack, unsigned kind,
                     const struct tt_options *opts) {
  stack_with_entry(o, kind < TT_ALLOC_KIND_COUNT ? entry_pcs[kind] : 0,
                   tt_alloc_kind_name((enum tt_alloc_kind)kind), stack, opts);
}

void tt_report_release_stack(struct tt_out *o, uint32_t stack, unsigned how,
                             const struct tt_options *opts) {
  stack_with_entry(o, how < TT_RELEASE_KIND_COUNT ? release_pcs[how] : 0,
                   tt_release_kind_name((enum tt_release_kind)how), stack, opts);
}

void tt_report_signal_stack(struct tt_out *o, uint32_t stack, const struct tt_options *opts) {
  stack_frames(o, stack, opts, NULL, 0, true);
}

/* The captured frames of a stack, "by" lines; with at_first, the first
 * frame is where the thread was (a signal's pc, looked up as it is, not as
 * a return address) and its line says "at". */
static void stack_frames(struct tt_out *o, uint32_t stack, const struct tt_options *opts,
                         const char *skip, int indent, bool at_first) {
  const uintptr_t *pcs;
  int n = tt_stacks_get(stack, &pcs);
  for (int i = 0; i < n; i++) {
    /* A pc may stand for several frames: the functions inlined there. */
    struct tt_frame_info chain[TT_MAX_INLINED];
    int k = tt_symbolize_inlined(pcs[i], !(at_first && i == 0), chain, TT_MAX_INLINED);
    for (int j = 0; j < k; j++) {
      const struct tt_frame_info *fi = &chain[j];
      const char *word = at_first && i == 0 && j == 0 ? "at" : "by";
      if (skip && fi->function && strcmp(fi->function, skip) == 0)
        continue;
      /* Valgrind's "(below main)": the frame shown by that name, the last */
      bool below = fi->function && !opts->show_below_main && is_below_main(fi->function);
      const char *fun = below ? TT_BELOW_MAIN : fi->function;
      if (fun && fi->file)
        tt_report_line(o, "%*s   %s 0x%lX: %s (%s:%d)", indent, "", word, (unsigned long)pcs[i],
                       fun, fi->file, fi->line);
      else if (fi->object)
        tt_report_line(o, "%*s   %s 0x%lX: %s (in %s)", indent, "", word, (unsigned long)pcs[i],
                       fun ? fun : "???", fi->object);
      else
        tt_report_line(o, "%*s   %s 0x%lX: %s", indent, "", word, (unsigned long)pcs[i],
                       fun ? fun : "???");
      if (below || (fi->function && !opts->show_below_main && strcmp(fi->function, "main") == 0))
        return;
    }
  }
}

const char *tt_report_state_name(unsigned state) {
  switch (state) {
  case TT_STATE_REACHABLE:
    return "still reachable";
  case TT_STATE_POSSIBLE:
    return "possibly lost";
  case TT_STATE_INDIRECT:
    return "indirectly lost";
  default:
    return "definitely lost";
  }
}

void tt_report_loss_record(struct tt_out *o, const struct tt_loss_record *r, size_t index,
                           size_t total, const struct tt_options *opts) {
  if (r->indirect_bytes)
    tt_report_line(o,
                   "%'llu (%'llu direct, %'llu indirect) bytes in %'llu blocks are %s in loss "
                   "record %'zu of %'zu",
                   (unsigned long long)(r->bytes + r->indirect_bytes),
                   (unsigned long long)r->bytes, (unsigned long long)r->indirect_bytes,
                   (unsigned long long)r->blocks, tt_report_state_name(r->state), index, total);
  else
    tt_report_line(o, "%'llu bytes in %'llu blocks are %s in loss record %'zu of %'zu",
                   (unsigned long long)r->bytes, (unsigned long long)r->blocks,
                   tt_report_state_name(r->state), index, total);
  tt_report_stack(o, r->stack, r->kind, opts);
  if (tt_owners_count())
    tt_report_owner(o, r->owner, r->xfer, opts);
  tt_report_line(o, "%s", "");
}

void tt_report_owner(struct tt_out *o, uint32_t owner, uint32_t xfer,
                     const struct tt_options *opts) {
  const char *name = tt_owners_name(owner);
  if (!name) {
    tt_report_line(o, " Owner: none");
    return;
  }
  tt_report_line(o, " Owner: \"%s\"%s", name, xfer ? ", since a transfer at" : "");
  if (xfer)
    stack_with_entry(o, transfer_pc, "tether_transfer", xfer, opts);
}

/* "(+16)" or "(-16)", Valgrind's MC_(snprintf_delta); "" without prev. */
static const char *delta(char *buf, size_t size, uint64_t now, const uint64_t *prev) {
  if (!prev)
    return "";
  if (now >= *prev)
    tt_fmt(buf, size, " (+%'llu)", (unsigned long long)(now - *prev));
  else
    tt_fmt(buf, size, " (-%'llu)", (unsigned long long)(*prev - now));
  return buf;
}

void tt_report_leak_summary(struct tt_out *o, const struct tt_leak_totals *t,
                            const struct tt_options *opts) {
  tt_report_leak_summary_delta(o, t, NULL, opts);
}

void tt_report_leak_summary_delta(struct tt_out *o, const struct tt_leak_totals *t,
                                  const struct tt_leak_totals *prev,
                                  const struct tt_options *opts) {
  char d1[40], d2[40];
  static const struct {
    const char *label;
    unsigned state;
  } rows[] = {{"   definitely lost", TT_STATE_DEFINITE},
              {"   indirectly lost", TT_STATE_INDIRECT},
              {"     possibly lost", TT_STATE_POSSIBLE},
              {"   still reachable", TT_STATE_REACHABLE}};
  if (t->in_use_blocks == 0 && t->suppressed_blocks == 0) {
    tt_report_line(o, "All heap blocks were freed -- no leaks are possible");
    tt_report_line(o, "%s", "");
    return;
  }
  tt_report_line(o, "LEAK SUMMARY:");
  for (unsigned i = 0; i < TT_ARRAY_LEN(rows); i++) {
    unsigned st = rows[i].state;
    tt_report_line(o, "%s: %'llu%s bytes in %'llu%s blocks", rows[i].label,
                   (unsigned long long)t->bytes[st],
                   delta(d1, sizeof d1, t->bytes[st], prev ? &prev->bytes[st] : NULL),
                   (unsigned long long)t->blocks[st],
                   delta(d2, sizeof d2, t->blocks[st], prev ? &prev->blocks[st] : NULL));
  }
  uint64_t heur_blocks = 0;
  for (unsigned h = 1; h < TT_HEUR_COUNT; h++)
    heur_blocks += t->heur_blocks[h];
  if (heur_blocks) {
    tt_report_line(o, "                      of which reachable via heuristic:");
    for (unsigned h = 1; h < TT_HEUR_COUNT; h++)
      if (t->heur_blocks[h])
        tt_report_line(o, "                        %-19s: %'llu%s bytes in %'llu%s blocks",
                       tt_heuristic_name(h), (unsigned long long)t->heur_bytes[h],
                       delta(d1, sizeof d1, t->heur_bytes[h], prev ? &prev->heur_bytes[h] : NULL),
                       (unsigned long long)t->heur_blocks[h],
                       delta(d2, sizeof d2, t->heur_blocks[h], prev ? &prev->heur_blocks[h] : NULL));
  }
  tt_report_line(o, "        suppressed: %'llu%s bytes in %'llu%s blocks",
                 (unsigned long long)t->suppressed_bytes,
                 delta(d1, sizeof d1, t->suppressed_bytes, prev ? &prev->suppressed_bytes : NULL),
                 (unsigned long long)t->suppressed_blocks,
                 delta(d2, sizeof d2, t->suppressed_blocks, prev ? &prev->suppressed_blocks : NULL));
  if (opts->leak_check == TT_LEAK_CHECK_SUMMARY) {
    tt_report_line(o, "Rerun with --leak-check=full to see details of leaked memory");
  } else if (t->blocks[TT_STATE_REACHABLE] && !(opts->show_leak_kinds & TT_KIND_REACHABLE)) {
    tt_report_line(o, "Reachable blocks (those to which a pointer was found) are not shown.");
    tt_report_line(o, "To see them, rerun with: --leak-check=full --show-leak-kinds=all");
  }
  tt_report_line(o, "%s", "");
}

/* LEAKS BY OWNER: one row per owner, a column per category, each cell
 * "BYTES in BLOCKS", right-aligned under its heading. */
void tt_report_owner_table(struct tt_out *o, const struct tt_owner_row *rows, size_t n) {
  static const struct {
    const char *title;
    unsigned state;
  } cols[] = {{"definitely lost", TT_STATE_DEFINITE}, {"indirectly lost", TT_STATE_INDIRECT},
              {"possibly lost", TT_STATE_POSSIBLE},   {"still reachable", TT_STATE_REACHABLE},
              {"suppressed", TT_STATE_SUPPRESSED}};
  enum { NCOLS = 5 };
  size_t width[NCOLS], name_width = strlen("owner");
  char cell[64], name[TT_OWNER_NAME_MAX + 3];
  for (unsigned c = 0; c < NCOLS; c++)
    width[c] = strlen(cols[c].title);
  for (size_t i = 0; i < n; i++) {
    const char *nm = tt_owners_name(rows[i].owner);
    size_t w = nm ? strlen(nm) + 2 : strlen("(unowned)");
    if (w > name_width)
      name_width = w;
    for (unsigned c = 0; c < NCOLS; c++) {
      size_t len = tt_fmt(cell, sizeof cell, "%'llu in %'llu",
                          (unsigned long long)rows[i].bytes[cols[c].state],
                          (unsigned long long)rows[i].blocks[cols[c].state]);
      if (len > width[c])
        width[c] = len;
    }
  }
  tt_report_line(o, "LEAKS BY OWNER (bytes in blocks, largest first):");
  char line[1536];
  size_t len = tt_fmt(line, sizeof line, "   %-*s", (int)name_width, "owner");
  for (unsigned c = 0; c < NCOLS && len < sizeof line; c++)
    len += tt_fmt(line + len, sizeof line - len, "  %*s", (int)width[c], cols[c].title);
  tt_report_line(o, "%s", line);
  for (size_t i = 0; i < n; i++) {
    const char *nm = tt_owners_name(rows[i].owner);
    if (nm)
      tt_fmt(name, sizeof name, "\"%s\"", nm);
    else
      tt_fmt(name, sizeof name, "(unowned)");
    len = tt_fmt(line, sizeof line, "   %-*s", (int)name_width, name);
    for (unsigned c = 0; c < NCOLS && len < sizeof line; c++) {
      tt_fmt(cell, sizeof cell, "%'llu in %'llu", (unsigned long long)rows[i].bytes[cols[c].state],
             (unsigned long long)rows[i].blocks[cols[c].state]);
      len += tt_fmt(line + len, sizeof line - len, "  %*s", (int)width[c], cell);
    }
    tt_report_line(o, "%s", line);
  }
  tt_report_line(o, "%s", "");
}

void tt_report_error_summary(struct tt_out *o, uint64_t errors, uint64_t contexts,
                             uint64_t suppressed, uint64_t suppressions) {
  tt_report_line(o, "ERROR SUMMARY: %'llu errors from %'llu contexts (suppressed: %'llu from %'llu)",
                 (unsigned long long)errors, (unsigned long long)contexts,
                 (unsigned long long)suppressed, (unsigned long long)suppressions);
}

static bool show_all_frames; /* --show-below-main=yes */

void tt_report_set_show_below_main(bool yes) { show_all_frames = yes; }


/* entry_name NULL: a signal's stack, with no entry point of tether's first
 * and its frame 0 the interrupted instruction itself. */
static int frames_of(uint32_t stack, uintptr_t entry_pc, const char *entry_name,
                     struct tt_supp_frame *out, int max, int *shown, bool brief) {
  int n = 0;
  *shown = 0;
  if (max < 1)
    return 0;
  if (entry_name) {
    struct tt_frame_info fi;
    memset(&fi, 0, sizeof fi);
    if (entry_pc)
      tt_symbolize(entry_pc, false, &fi);
    /* The entry point's hidden alias (tt_self_malloc: see tt_interpose.c)
     * shares its address and may be the name the symbol table gives: a
     * suppression must name the exported symbol, as Valgrind's do. */
    const char *mangled = fi.mangled;
    if (mangled && strncmp(mangled, "tt_self_", 8) == 0)
      mangled += 8;
    out[n].pc = entry_pc;
    out[n].fun = entry_name;
    out[n].mangled = mangled ? mangled : entry_name;
    out[n].obj = self_path;
    out[n].file = NULL;
    out[n].path = NULL;
    out[n].line = 0;
    out[n].symbol = NULL;
    n++;
  }
  bool past_main = false;
  const uintptr_t *pcs;
  int npcs = tt_stacks_get(stack, &pcs);
  for (int i = 0; i < npcs && n < max; i++) {
    struct tt_frame_info chain[TT_MAX_INLINED];
    /* Frames past main are not shown: only suppressions read them, by name.
     * Their file:line would read the C runtime's whole debug information
     * (libc6-dbg's, inflated: 53 ms) for nothing. */
    int k = 1;
    bool caller = entry_name || i > 0;
    if (brief || (past_main && !show_all_frames))
      tt_symbolize_name(pcs[i], caller, chain);
    else
      k = tt_symbolize_inlined(pcs[i], caller, chain, TT_MAX_INLINED);
    for (int j = 0; j < k && n < max; j++) {
      out[n].pc = pcs[i];
      out[n].fun = chain[j].function;
      out[n].mangled = chain[j].mangled;
      out[n].symbol = NULL;
      bool below = !show_all_frames && chain[j].function && is_below_main(chain[j].function);
      if (below) { /* Valgrind's name, in reports and suppressions; both match */
        out[n].symbol = chain[j].mangled ? chain[j].mangled : chain[j].function;
        out[n].fun = out[n].mangled = TT_BELOW_MAIN;
      }
      out[n].obj = chain[j].object;
      out[n].file = chain[j].file;
      out[n].path = chain[j].path;
      out[n].line = chain[j].line;
      n++;
      if (!past_main)
        *shown = n;
      if (below || (chain[j].function && strcmp(chain[j].function, "main") == 0))
        past_main = true;
    }
  }
  if (show_all_frames || !past_main)
    *shown = n;
  return n;
}

int tt_report_alloc_frames(uint32_t stack, unsigned kind, struct tt_supp_frame *out, int max,
                           int *shown) {
  return frames_of(stack, kind < TT_ALLOC_KIND_COUNT ? entry_pcs[kind] : 0,
                   tt_alloc_kind_name((enum tt_alloc_kind)kind), out, max, shown, false);
}

int tt_report_alloc_frames_brief(uint32_t stack, unsigned kind, struct tt_supp_frame *out,
                                 int max, int *shown) {
  return frames_of(stack, kind < TT_ALLOC_KIND_COUNT ? entry_pcs[kind] : 0,
                   tt_alloc_kind_name((enum tt_alloc_kind)kind), out, max, shown, true);
}

int tt_report_signal_frames(uint32_t stack, struct tt_supp_frame *out, int max, int *shown) {
  return frames_of(stack, 0, NULL, out, max, shown, false);
}

int tt_report_transfer_frames(uint32_t stack, struct tt_supp_frame *out, int max, int *shown) {
  return frames_of(stack, transfer_pc, "tether_transfer", out, max, shown, false);
}

int tt_report_release_frames(uint32_t stack, unsigned how, struct tt_supp_frame *out, int max,
                             int *shown) {
  return frames_of(stack, how < TT_RELEASE_KIND_COUNT ? release_pcs[how] : 0,
                   tt_release_kind_name((enum tt_release_kind)how), out, max, shown, false);
}
