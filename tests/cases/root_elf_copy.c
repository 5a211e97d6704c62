// root_elf_copy: a private writable mapping of an ELF file that no module was
// loaded from is a reader's copy of the file (libelf maps the files tether's
// symbolizer reads that way): it is not a root, so a value in it that happens
// to equal a block's address keeps nothing alive. Here the program writes the
// address there itself, the strongest form of the coincidence; the block is
// definitely lost. (Valgrind scans the copy: still reachable there.) A plain
// private writable mapping of a file that is not ELF stays a root.
// TOOLS: tether
// EXPECT definitely: 48 bytes in 1 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 24 bytes in 1 blocks
// EXPECT stdout: copies: 2
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "case.h"

#define LEN 8192

/* A private writable copy of path's first LEN bytes (the file must be at
 * least that long), or NULL. */
static void *copy_of(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    void *m = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    close(fd);
    return m == MAP_FAILED ? NULL : m;
}

static NOINLINE void stash(uintptr_t *slot, size_t size)
{
    *slot = (uintptr_t)malloc(size);
}

int main(void)
{
    /* the program's own file: an ELF image */
    uintptr_t *elf = copy_of("/proc/self/exe");
    /* a file that is not ELF: write one, LEN bytes of text */
    char path[] = "/tmp/tether-case-notelf-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 1;
    char line[64];
    memset(line, 'x', sizeof line);
    for (int i = 0; i < LEN / 64; i++)
        if (write(fd, line, sizeof line) != (ssize_t)sizeof line)
            return 1;
    close(fd);
    uintptr_t *text = copy_of(path);
    unlink(path);
    printf("copies: %d\n", (elf != NULL) + (text != NULL));
    if (!elf || !text || memcmp(elf, "\177ELF", 4) != 0)
        return 1;
    stash(&elf[LEN / 16], 48);  /* lost: only the ELF copy holds it */
    stash(&text[LEN / 16], 24); /* reachable: any other mapping is a root */
    scrub_stack();
    return 0;
}
