/* SPDX-License-Identifier: MIT */
/* The debug information cache (see tt_debugcache.h), with libelf: it
 * finds the compressed sections and inflates them (elf_compress); libdwelf
 * reads the build id. */
#include "tt_debugcache.h"

#include <elfutils/libdwelf.h>
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <string.h>

#include "tt_fmt.h"
#include "tt_os.h"

bool tt_debugcache_path(const char *dir, const unsigned char *id, size_t len, char *buf,
                        size_t size) {
  static const char hex[] = "0123456789abcdef";
  size_t d = strlen(dir);
  if (!d || !len || d + 1 + 2 * len + sizeof ".debug" > size)
    return false;
  memcpy(buf, dir, d);
  buf[d++] = '/';
  for (size_t i = 0; i < len; i++) {
    buf[d++] = hex[id[i] >> 4];
    buf[d++] = hex[id[i] & 15];
  }
  memcpy(buf + d, ".debug", sizeof ".debug");
  return true;
}

static bool native_elf64(Elf *elf) {
  const Elf64_Ehdr *eh = elf64_getehdr(elf);
  if (!eh)
    return false;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return eh->e_ident[EI_DATA] == ELFDATA2LSB;
#else
  return eh->e_ident[EI_DATA] == ELFDATA2MSB;
#endif
}

static bool any_compressed(Elf *elf) {
  for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
    const Elf64_Shdr *sh = elf64_getshdr(scn);
    if (sh && sh->sh_type != SHT_NOBITS && (sh->sh_flags & SHF_COMPRESSED))
      return true;
  }
  return false;
}

static Elf *open_elf(int fd) {
  elf_version(EV_CURRENT);
  Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
  if (elf && (elf_kind(elf) != ELF_K_ELF || !native_elf64(elf))) {
    elf_end(elf);
    return NULL;
  }
  return elf;
}

/* Appends the uncompressed contents of every compressed section of elf
 * (a copy of which out already holds, size bytes) and rewrites those
 * sections' headers in out's section header table. */
static int append_inflated(int out, Elf *elf, uint64_t size) {
  const Elf64_Ehdr *eh = elf64_getehdr(elf);
  size_t shnum;
  if (!eh || elf_getshdrnum(elf, &shnum) != 0 || eh->e_shentsize != sizeof(Elf64_Shdr))
    return -1;
  uint64_t end = size;
  int changed = 0;
  for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
    const Elf64_Shdr *sh = elf64_getshdr(scn);
    if (!sh || sh->sh_type == SHT_NOBITS || !(sh->sh_flags & SHF_COMPRESSED))
      continue;
    if (elf_compress(scn, 0, 0) < 0) /* inflates in memory; updates the header */
      return -1;
    Elf_Data *data = elf_getdata(scn, NULL);
    const Elf64_Shdr *now = elf64_getshdr(scn);
    if (!data || !now || (now->sh_flags & SHF_COMPRESSED) || data->d_size != now->sh_size)
      return -1;
    uint64_t align = now->sh_addralign > 1 ? now->sh_addralign : 1;
    end = (end + align - 1) & ~(align - 1);
    if (data->d_size && tt_os_pwrite(out, data->d_buf, data->d_size, end) != 0)
      return -1;
    Elf64_Shdr copy = *now;
    copy.sh_offset = end;
    end += data->d_size;
    size_t index = elf_ndxscn(scn);
    if (index >= shnum ||
        tt_os_pwrite(out, &copy, sizeof copy, eh->e_shoff + index * sizeof copy) != 0)
      return -1;
    changed++;
  }
  return changed ? 0 : -1;
}

int tt_debugcache_write(int out, int in) {
  Elf *elf = open_elf(in);
  if (!elf)
    return -1;
  long size = tt_os_file_size(in);
  int rc = -1;
  if (size > 0 && any_compressed(elf) && tt_os_copy_file(out, in, (size_t)size) == 0)
    rc = append_inflated(out, elf, (uint64_t)size);
  elf_end(elf);
  return rc;
}

/* The cached file at path, if it is an uncompressed file with build id id. */
static int open_cached(const char *path, const void *id, ssize_t len) {
  int fd = tt_os_open_read(path);
  if (fd < 0)
    return -1;
  Elf *elf = open_elf(fd);
  const void *got = NULL;
  bool ok = elf && !any_compressed(elf) && dwelf_elf_gnu_build_id(elf, &got) == len && got &&
            memcmp(got, id, (size_t)len) == 0;
  if (elf)
    elf_end(elf);
  if (!ok) {
    tt_os_close(fd);
    return -1;
  }
  return fd;
}

int tt_debugcache_open(const char *dir, int fd) {
  if (!dir || !dir[0])
    return -1;
  int saved = errno;
  int result = -1;
  Elf *elf = open_elf(fd);
  const void *id = NULL;
  ssize_t len = elf && any_compressed(elf) ? dwelf_elf_gnu_build_id(elf, &id) : -1;
  char path[4096], tmp[4160];
  if (len > 0 && id && tt_debugcache_path(dir, id, (size_t)len, path, sizeof path)) {
    result = open_cached(path, id, len);
    if (result < 0 && tt_os_mkdirs(dir) == 0 &&
        tt_fmt(tmp, sizeof tmp, "%s.%d.tmp", path, tt_os_getpid()) < sizeof tmp) {
      tt_os_unlink(tmp); /* left by a process that died with this pid */
      int out = tt_os_create_new(tmp);
      if (out >= 0) {
        int rc = tt_debugcache_write(out, fd);
        tt_os_close(out);
        if (rc == 0 && tt_os_rename(tmp, path) == 0)
          result = open_cached(path, id, len);
        else
          tt_os_unlink(tmp);
      }
    }
  }
  if (elf)
    elf_end(elf);
  errno = saved;
  return result;
}
