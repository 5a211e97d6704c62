/* manylive.c - tether benchmark: many live linked blocks, a known part lost,
 * then exit.  It measures the cost of the exit-time leak scan.
 *
 * usage: manylive [BLOCKS=2000000] [PER_STRUCT=1000] [LOSE_EVERY=10]
 *
 * BLOCKS heap blocks are grouped into structures of PER_STRUCT blocks (the
 * last one takes the remainder).  Each structure is one 64-byte header block
 * plus PER_STRUCT-1 node blocks; node j (j = 1, 2, ...) has 32 + 16*(j % 8)
 * bytes (32..144).  The shapes rotate:
 *     structure s % 3 == 0: singly linked list                  (no cycles)
 *     structure s % 3 == 1: circular doubly linked list         (cycles)
 *     structure s % 3 == 2: balanced binary tree, parent links  (cycles)
 * The header points at the first node; nothing points at the header except
 * the global roots[] array.  One structure in LOSE_EVERY (s % LOSE_EVERY ==
 * LOSE_EVERY / 2, i.e. the 6th, 16th, 26th, ... for 10) has its roots[] entry
 * dropped.  So, whatever the shape, in Valgrind terms each lost header is
 * "definitely lost" and every node under it is "indirectly lost"; all other
 * blocks stay reachable at exit (they are deliberately not freed).
 *
 * Exact figures with the defaults (PER_STRUCT=1000, LOSE_EVERY=10; one
 * structure = 64 + 87,968 bytes of nodes):
 *   BLOCKS=2000000: 2000 structures, 200 lost
 *       definitely lost:     12,800 bytes in     200 blocks
 *       indirectly lost: 17,593,600 bytes in 199,800 blocks
 *   BLOCKS=500000:  500 structures, 50 lost
 *       definitely lost:      3,200 bytes in      50 blocks
 *       indirectly lost:  4,398,400 bytes in  49,950 blocks
 * (possibly lost: 0; still reachable: the rest, plus the roots[] array.)
 *
 * stdout: a statistics line, then (last line) the planted figures:
 *     PLANTED definitely=200/12800 indirectly=199800/17593600   (blocks/bytes)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NOINLINE __attribute__((noinline))
#define HEADER_SIZE 64

struct node {
    struct node *next; /* list: next; ring: next; tree: left  */
    struct node *prev; /*             ring: prev; tree: right */
    struct node *up;   /*                         tree: parent */
    uint32_t index;
    uint32_t size;
};

struct header {
    struct node *first;
    uint64_t nodes;
    uint64_t bytes;
    uint32_t shape;
    uint32_t magic;
};

/* Global, so every structure still listed here is reachable. */
static struct header **roots;

static uint32_t node_size(uint32_t j) { return 32u + 16u * (j % 8u); }

static NOINLINE struct node *new_node(struct header *h) {
    uint32_t j = (uint32_t)++h->nodes;
    uint32_t size = node_size(j);
    struct node *n = malloc(size);
    if (!n) {
        fputs("manylive: out of memory\n", stderr);
        abort();
    }
    memset(n, 0, size);
    n->index = j;
    n->size = size;
    h->bytes += size;
    return n;
}

static NOINLINE struct node *build_list(struct header *h, long count) {
    struct node *head = NULL, *tail = NULL;
    for (long i = 0; i < count; i++) {
        struct node *n = new_node(h);
        if (tail) tail->next = n;
        else head = n;
        tail = n;
    }
    return head;
}

static NOINLINE struct node *build_ring(struct header *h, long count) {
    if (count <= 0) return NULL;
    struct node *first = new_node(h), *last = first;
    for (long i = 1; i < count; i++) {
        struct node *n = new_node(h);
        last->next = n;
        n->prev = last;
        last = n;
    }
    last->next = first;
    first->prev = last;
    return first;
}

static NOINLINE struct node *build_tree(struct header *h, long count, struct node *parent) {
    if (count <= 0) return NULL;
    struct node *n = new_node(h);
    n->up = parent;
    long rest = count - 1;
    n->next = build_tree(h, rest / 2, n);
    n->prev = build_tree(h, rest - rest / 2, n);
    return n;
}

static NOINLINE struct header *build_struct(long s, long blocks) {
    struct header *h = malloc(HEADER_SIZE);
    if (!h) abort();
    memset(h, 0, HEADER_SIZE);
    h->shape = (uint32_t)(s % 3);
    h->magic = 0x7e7e7e7e;
    long count = blocks - 1;
    switch (h->shape) {
    case 0: h->first = build_list(h, count); break;
    case 1: h->first = build_ring(h, count); break;
    default: h->first = build_tree(h, count, NULL); break;
    }
    return h;
}

static long count_tree(const struct node *n) {
    return n ? 1 + count_tree(n->next) + count_tree(n->prev) : 0;
}

/* Walk every reachable structure once, as a real program would read its data. */
static NOINLINE long walk_all(long nstruct) {
    long total = 0;
    for (long s = 0; s < nstruct; s++) {
        const struct header *h = roots[s];
        if (!h) continue;
        long n = 0;
        const struct node *p = h->first;
        if (h->shape == 0) {
            for (; p; p = p->next) n++;
        } else if (h->shape == 1) {
            if (p) do { n++; p = p->next; } while (p != h->first);
        } else {
            n = count_tree(p);
        }
        if ((uint64_t)n != h->nodes) {
            fprintf(stderr, "manylive: structure %ld corrupt\n", s);
            abort();
        }
        total += 1 + n;
    }
    return total;
}

static NOINLINE void scrub_stack(void) {
    volatile unsigned char buf[65536];
    memset((unsigned char *)buf, 0, sizeof buf);
    __asm__ volatile("" : : "r"(buf) : "memory");
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    long blocks = argc > 1 ? strtol(argv[1], NULL, 10) : 2000000;
    long per = argc > 2 ? strtol(argv[2], NULL, 10) : 1000;
    long every = argc > 3 ? strtol(argv[3], NULL, 10) : 10;
    if (blocks < 1 || per < 1 || every < 1) {
        fprintf(stderr, "usage: %s [BLOCKS>=1] [PER_STRUCT>=1] [LOSE_EVERY>=1]\n", argv[0]);
        return 2;
    }
    long nstruct = (blocks + per - 1) / per;
    roots = calloc((size_t)nstruct, sizeof *roots);
    if (!roots) abort();

    long def_blocks = 0, def_bytes = 0, ind_blocks = 0, ind_bytes = 0;
    double t0 = now();
    for (long s = 0, left = blocks; s < nstruct; s++) {
        long n = left < per ? left : per;
        left -= n;
        struct header *h = build_struct(s, n);
        if (s % every == every / 2) {
            def_blocks += 1;
            def_bytes += HEADER_SIZE;
            ind_blocks += (long)h->nodes;
            ind_bytes += (long)h->bytes;
        } else {
            roots[s] = h;
        }
    }
    double t1 = now();
    scrub_stack();
    long reachable = walk_all(nstruct);
    double t2 = now();

    printf("manylive: blocks=%ld structures=%ld reachable=%ld build=%.3fs walk=%.3fs\n", blocks,
           nstruct, reachable, t1 - t0, t2 - t1);
    printf("PLANTED definitely=%ld/%ld indirectly=%ld/%ld\n", def_blocks, def_bytes, ind_blocks,
           ind_bytes);
    return 0;
}
