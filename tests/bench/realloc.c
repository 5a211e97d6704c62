/* realloc.c - tether benchmark: realloc-heavy string building.
 *
 * usage: realloc [ROUNDS=120] [STRINGS=256] [MAXLEN=4096]
 *
 * Each round builds STRINGS strings side by side, the way a naive string
 * builder does: every append of a 1..16-byte piece reallocs the string to
 * exactly its new length plus the terminating zero.  The strings grow in
 * turn (string 0 gets a piece, then string 1, ... then string 0 again), so
 * their blocks sit next to each other and most reallocs must move the block.
 * Each string stops at its own target length, drawn from 32..MAXLEN.  At the
 * end of a round every string is hashed into the checksum and freed.
 *
 * Everything is deterministic (a fixed-seed generator), so the checksum and
 * the planted leak are the same on every run of the same arguments.
 *
 * Planted leak: in each of the first 10 rounds (or of every round when
 * ROUNDS < 10) the round's string 0 is dropped instead of freed, so a leak
 * checker must report exactly those blocks as definitely lost, each of the
 * size of its last realloc (string length + 1), and nothing else.
 *
 * stdout: a statistics line with the checksum, then (last line, only when the
 * run completed)
 *     PLANTED definitely=BLOCKS/BYTES indirectly=0/0
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NOINLINE __attribute__((noinline))
#define PLANT_ROUNDS 10

struct builder {
    char *buf;
    size_t len;
    size_t target;
};

/* splitmix64, as in churn.c */
static uint64_t next_rand(uint64_t *state) {
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static const char alphabet[] =
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
    "incididunt ut labore et dolore magna aliqua 0123456789";

/* The naive append: one realloc per piece, to the exact new size. */
static NOINLINE void append(struct builder *b, const char *piece, size_t n) {
    char *p = realloc(b->buf, b->len + n + 1);
    if (!p) {
        fputs("realloc: out of memory\n", stderr);
        abort();
    }
    memcpy(p + b->len, piece, n);
    b->len += n;
    p[b->len] = '\0';
    b->buf = p;
}

/* FNV-1a over the string */
static uint64_t hash(const char *s, size_t n, uint64_t h) {
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001B3ull;
    }
    return h;
}

/* Overwrite the stack below main so no stale copy of a dropped pointer is
 * left for a conservative scanner to find. */
static NOINLINE void scrub_stack(void) {
    volatile unsigned char buf[32768];
    memset((unsigned char *)buf, 0, sizeof buf);
    __asm__ volatile("" : : "r"(buf) : "memory");
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One round; returns the number of reallocs.  Adds the dropped block, if any,
 * to *lost_blocks / *lost_bytes. */
static NOINLINE uint64_t round_of(struct builder *b, long nstr, long maxlen, int plant,
                                  uint64_t *rng, uint64_t *check, long *lost_blocks,
                                  long *lost_bytes) {
    const size_t alen = sizeof alphabet - 1;
    uint64_t calls = 0;
    for (long i = 0; i < nstr; i++) {
        b[i].buf = NULL;
        b[i].len = 0;
        b[i].target = 32 + (size_t)(next_rand(rng) % (uint64_t)(maxlen - 31));
    }
    for (long busy = nstr; busy > 0;) {
        busy = 0;
        for (long i = 0; i < nstr; i++) {
            if (b[i].len >= b[i].target)
                continue;
            uint64_t r = next_rand(rng);
            size_t n = 1 + (size_t)(r & 15);
            size_t at = (size_t)((r >> 8) % (alen - 16));
            append(&b[i], alphabet + at, n);
            calls++;
            busy++;
        }
    }
    for (long i = 0; i < nstr; i++) {
        *check = hash(b[i].buf, b[i].len, *check);
        if (plant && i == 0) {
            *lost_blocks += 1;
            *lost_bytes += (long)b[i].len + 1;
        } else {
            free(b[i].buf);
        }
        b[i].buf = NULL;
    }
    return calls;
}

int main(int argc, char **argv) {
    long rounds = argc > 1 ? strtol(argv[1], NULL, 10) : 120;
    long nstr = argc > 2 ? strtol(argv[2], NULL, 10) : 256;
    long maxlen = argc > 3 ? strtol(argv[3], NULL, 10) : 4096;
    if (rounds < 1 || nstr < 1 || maxlen < 32) {
        fprintf(stderr, "usage: %s [ROUNDS>=1] [STRINGS>=1] [MAXLEN>=32]\n", argv[0]);
        return 2;
    }
    struct builder *b = calloc((size_t)nstr, sizeof *b);
    if (!b)
        abort();
    uint64_t rng = 0x5EED5EEDull, check = 0xCBF29CE484222325ull, calls = 0;
    long lost_blocks = 0, lost_bytes = 0;

    double t0 = now();
    for (long r = 0; r < rounds; r++)
        calls += round_of(b, nstr, maxlen, r < PLANT_ROUNDS, &rng, &check, &lost_blocks,
                          &lost_bytes);
    double t1 = now();
    free(b);
    scrub_stack();

    printf("realloc: rounds=%ld strings=%ld maxlen=%ld reallocs=%llu loop=%.3fs ns/realloc=%.1f "
           "checksum=%016llx\n",
           rounds, nstr, maxlen, (unsigned long long)calls, t1 - t0,
           (t1 - t0) * 1e9 / (double)(calls ? calls : 1), (unsigned long long)check);
    printf("PLANTED definitely=%ld/%ld indirectly=0/0\n", lost_blocks, lost_bytes);
    return 0;
}
