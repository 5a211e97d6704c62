/* SPDX-License-Identifier: MIT */
/* tt_debugcache: uncompressed copies of ELF files whose sections are
 * compressed. The fixtures are one small program built twice, with its debug
 * sections compressed and without (tests/unit/CMakeLists.txt). */
#define _GNU_SOURCE
#include <dirent.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "tt_debugcache.h"
#include "units.h"

static char dir[256];

static void remove_dir(const char *d) {
  DIR *h = opendir(d);
  if (!h)
    return;
  struct dirent *e;
  char path[512];
  while ((e = readdir(h)) != NULL) {
    if (e->d_name[0] == '.')
      continue;
    snprintf(path, sizeof path, "%s/%s", d, e->d_name);
    unlink(path);
  }
  closedir(h);
  rmdir(d);
}

/* A fresh cache directory that does not exist yet (the cache makes it). */
static void fresh_dir(void) {
  if (dir[0])
    remove_dir(dir);
  char tmpl[] = "/tmp/tt_debugcache_XXXXXX";
  CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(tmpl));
  rmdir(tmpl);
  snprintf(dir, sizeof dir, "%s/sub/dir", tmpl);
}

static int files_in(const char *d) {
  DIR *h = opendir(d);
  if (!h)
    return 0;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(h)) != NULL)
    n += e->d_name[0] != '.';
  closedir(h);
  return n;
}

static int compressed_sections(int fd) {
  elf_version(EV_CURRENT);
  Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
  if (!elf)
    return -1;
  int n = 0;
  for (Elf_Scn *s = elf_nextscn(elf, NULL); s; s = elf_nextscn(elf, s)) {
    GElf_Shdr sh;
    n += gelf_getshdr(s, &sh) && (sh.sh_flags & SHF_COMPRESSED) != 0;
  }
  elf_end(elf);
  return n;
}

/* Every section of the copy holds what the original holds, inflated. */
static void assert_same_contents(int orig_fd, int copy_fd) {
  Elf *a = elf_begin(orig_fd, ELF_C_READ_MMAP, NULL);
  Elf *b = elf_begin(copy_fd, ELF_C_READ_MMAP, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(a);
  CU_ASSERT_PTR_NOT_NULL_FATAL(b);
  size_t na, nb;
  CU_ASSERT_EQUAL(elf_getshdrnum(a, &na), 0);
  CU_ASSERT_EQUAL(elf_getshdrnum(b, &nb), 0);
  CU_ASSERT_EQUAL_FATAL(na, nb);
  for (size_t i = 1; i < na; i++) {
    Elf_Scn *sa = elf_getscn(a, i), *sb = elf_getscn(b, i);
    GElf_Shdr ha, hb;
    CU_ASSERT_FATAL(gelf_getshdr(sa, &ha) != NULL && gelf_getshdr(sb, &hb) != NULL);
    if (ha.sh_flags & SHF_COMPRESSED)
      CU_ASSERT_EQUAL_FATAL(elf_compress(sa, 0, 0), 1);
    CU_ASSERT_FATAL(gelf_getshdr(sa, &ha) != NULL);
    CU_ASSERT_EQUAL(ha.sh_name, hb.sh_name);
    CU_ASSERT_EQUAL(ha.sh_type, hb.sh_type);
    CU_ASSERT_EQUAL(ha.sh_flags, hb.sh_flags);
    CU_ASSERT_EQUAL(ha.sh_addr, hb.sh_addr);
    CU_ASSERT_EQUAL(ha.sh_size, hb.sh_size);
    if (ha.sh_type == SHT_NOBITS)
      continue;
    Elf_Data *da = elf_getdata(sa, NULL), *db = elf_rawdata(sb, NULL);
    CU_ASSERT_FATAL(da != NULL && db != NULL);
    CU_ASSERT_EQUAL_FATAL(da->d_size, db->d_size);
    if (ha.sh_type != SHT_PROGBITS || !da->d_size)
      continue; /* converted types compare by their headers above */
    CU_ASSERT_EQUAL(memcmp(da->d_buf, db->d_buf, da->d_size), 0);
  }
  elf_end(a);
  elf_end(b);
}

static int open_or_fail(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  CU_ASSERT_FATAL(fd >= 0);
  return fd;
}

/* The file and line of main in the fixture, through libdw on fd. */
static int line_of_main(int fd) {
  Dwarf *dw = dwarf_begin(fd, DWARF_C_READ);
  if (!dw)
    return -1;
  int line = -1;
  Dwarf_Off off = 0, next;
  size_t hsize;
  while (line < 0 && dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
    Dwarf_Die cu, child;
    if (dwarf_offdie(dw, off + hsize, &cu) && dwarf_child(&cu, &child) == 0) {
      do {
        const char *name = dwarf_diename(&child);
        if (dwarf_tag(&child) == DW_TAG_subprogram && name && strcmp(name, "main") == 0)
          dwarf_decl_line(&child, &line);
      } while (line < 0 && dwarf_siblingof(&child, &child) == 0);
    }
    off = next;
  }
  dwarf_end(dw);
  return line;
}

static void test_copy_inflates(void) {
  fresh_dir();
  int orig = open_or_fail(TT_TEST_GZ_ELF);
  CU_ASSERT_FATAL(compressed_sections(orig) > 0);
  int copy = tt_debugcache_open(dir, orig);
  CU_ASSERT_FATAL(copy >= 0);
  CU_ASSERT_EQUAL(compressed_sections(copy), 0);
  CU_ASSERT_EQUAL(files_in(dir), 1); /* no temporary file left */
  assert_same_contents(orig, copy);
  /* the build id names the file, and libdw reads the copy as the original */
  const void *id;
  elf_version(EV_CURRENT);
  Elf *elf = elf_begin(orig, ELF_C_READ_MMAP, NULL);
  ssize_t len = dwelf_elf_gnu_build_id(elf, &id);
  CU_ASSERT_FATAL(len > 0);
  char path[512];
  CU_ASSERT_FATAL(tt_debugcache_path(dir, id, (size_t)len, path, sizeof path));
  elf_end(elf);
  struct stat st;
  CU_ASSERT_EQUAL(stat(path, &st), 0);
  int plain = open_or_fail(TT_TEST_PLAIN_ELF);
  CU_ASSERT_EQUAL(line_of_main(copy), 8);
  CU_ASSERT_EQUAL(line_of_main(plain), 8);
  close(plain);
  close(copy);
  close(orig);
}

static void test_second_open_reads_the_copy(void) {
  fresh_dir();
  int orig = open_or_fail(TT_TEST_GZ_ELF);
  int first = tt_debugcache_open(dir, orig);
  CU_ASSERT_FATAL(first >= 0);
  struct stat a, b;
  CU_ASSERT_EQUAL(fstat(first, &a), 0);
  int second = tt_debugcache_open(dir, orig);
  CU_ASSERT_FATAL(second >= 0);
  CU_ASSERT_EQUAL(fstat(second, &b), 0);
  CU_ASSERT_EQUAL(a.st_ino, b.st_ino); /* the same file, not made again */
  CU_ASSERT_EQUAL(files_in(dir), 1);
  close(first);
  close(second);
  close(orig);
}

static void test_nothing_compressed(void) {
  fresh_dir();
  int plain = open_or_fail(TT_TEST_PLAIN_ELF);
  CU_ASSERT_EQUAL(compressed_sections(plain), 0);
  CU_ASSERT_EQUAL(tt_debugcache_open(dir, plain), -1);
  CU_ASSERT_EQUAL(files_in(dir), 0);
  int out = open("/dev/null", O_WRONLY);
  CU_ASSERT_EQUAL(tt_debugcache_write(out, plain), -1);
  close(out);
  close(plain);
}

static void test_bad_inputs(void) {
  fresh_dir();
  /* not an ELF file */
  char tmpl[] = "/tmp/tt_debugcache_notelf_XXXXXX";
  int junk = mkstemp(tmpl);
  CU_ASSERT_FATAL(junk >= 0);
  CU_ASSERT_EQUAL(write(junk, "not an ELF file at all", 22), 22);
  CU_ASSERT_EQUAL(tt_debugcache_open(dir, junk), -1);
  close(junk);
  unlink(tmpl);
  /* no cache directory, or one that cannot be made */
  int orig = open_or_fail(TT_TEST_GZ_ELF);
  CU_ASSERT_EQUAL(tt_debugcache_open("", orig), -1);
  CU_ASSERT_EQUAL(tt_debugcache_open(NULL, orig), -1);
  CU_ASSERT_EQUAL(tt_debugcache_open("/proc/self/tt_no_such_dir", orig), -1);
  /* a damaged copy in the cache is not used: a good one replaces it */
  int copy = tt_debugcache_open(dir, orig);
  CU_ASSERT_FATAL(copy >= 0);
  close(copy);
  DIR *h = opendir(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  struct dirent *e;
  char path[512] = "";
  while ((e = readdir(h)) != NULL)
    if (e->d_name[0] != '.')
      snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
  closedir(h);
  CU_ASSERT_EQUAL(truncate(path, 100), 0);
  copy = tt_debugcache_open(dir, orig);
  CU_ASSERT_FATAL(copy >= 0);
  CU_ASSERT_EQUAL(compressed_sections(copy), 0);
  assert_same_contents(orig, copy);
  close(copy);
  close(orig);
}

/* A temporary file left under this process's name (by a process that died
 * with the same pid) does not stop the copy. */
static void test_stale_temporary(void) {
  fresh_dir();
  int orig = open_or_fail(TT_TEST_GZ_ELF);
  elf_version(EV_CURRENT);
  Elf *elf = elf_begin(orig, ELF_C_READ_MMAP, NULL);
  const void *id;
  ssize_t len = dwelf_elf_gnu_build_id(elf, &id);
  CU_ASSERT_FATAL(len > 0);
  char path[512], tmp[600];
  CU_ASSERT_FATAL(tt_debugcache_path(dir, id, (size_t)len, path, sizeof path));
  elf_end(elf);
  char parent[256]; /* mkdir -p dir */
  snprintf(parent, sizeof parent, "%s", dir);
  for (char *sl = strchr(parent + 1, '/'); sl; sl = strchr(sl + 1, '/')) {
    *sl = '\0';
    mkdir(parent, 0755);
    *sl = '/';
  }
  CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0755), 0);
  snprintf(tmp, sizeof tmp, "%s.%d.tmp", path, (int)getpid());
  int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0644);
  CU_ASSERT_FATAL(fd >= 0);
  CU_ASSERT_EQUAL(write(fd, "half", 4), 4);
  close(fd);
  int copy = tt_debugcache_open(dir, orig);
  CU_ASSERT_FATAL(copy >= 0);
  CU_ASSERT_EQUAL(compressed_sections(copy), 0);
  CU_ASSERT_EQUAL(files_in(dir), 1); /* the copy; the stale file is gone */
  close(copy);
  close(orig);
}

static void test_path(void) {
  unsigned char id[] = {0x93, 0xac, 0x01};
  char buf[64];
  CU_ASSERT_TRUE(tt_debugcache_path("/c", id, sizeof id, buf, sizeof buf));
  CU_ASSERT_STRING_EQUAL(buf, "/c/93ac01.debug");
  CU_ASSERT_FALSE(tt_debugcache_path("/c", id, sizeof id, buf, 15)); /* no room for the NUL */
  CU_ASSERT_TRUE(tt_debugcache_path("/c", id, sizeof id, buf, 16));
  CU_ASSERT_FALSE(tt_debugcache_path("", id, sizeof id, buf, sizeof buf));
  CU_ASSERT_FALSE(tt_debugcache_path("/c", id, 0, buf, sizeof buf));
}

int debugcache_init(void) { return 0; }
int debugcache_cleanup(void) {
  if (dir[0]) {
    remove_dir(dir);
    char *slash = strrchr(dir, '/');
    *slash = '\0';
    rmdir(dir);
    slash = strrchr(dir, '/');
    *slash = '\0';
    rmdir(dir);
  }
  return 0;
}

CU_TestInfo debugcache_tests[] = {
    {"a copy with its sections inflated", test_copy_inflates},
    {"the second open reads the copy", test_second_open_reads_the_copy},
    {"nothing compressed: no copy", test_nothing_compressed},
    {"bad inputs, a damaged copy", test_bad_inputs},
    {"a stale temporary file", test_stale_temporary},
    {"file names", test_path},
    CU_TEST_INFO_NULL,
};
