/* churn.c - tether benchmark: malloc/free churn at a chosen call depth.
 *
 * usage: churn [MOPS=2] [DEPTH=10] [LIVE=100000] [THREADS=1]
 *
 *   MOPS     millions of operations in total (may be fractional: 0.4)
 *   DEPTH    distinct non-inlined functions between the worker loop and the
 *            function that calls malloc/free (1..64)
 *   LIVE     slots in the shared working set; it is filled before the timed
 *            loop and stays full, so about LIVE blocks are live all the time
 *   THREADS  worker threads sharing the work and the working set (1..64)
 *
 * One operation = draw a slot, malloc a block of 16..527 bytes, swap it into
 * the slot atomically and free the block that was there.  With THREADS > 1 a
 * block is often freed by a thread other than the one that allocated it.
 *
 * Planted leak: before the loop, exactly 100 blocks of 48 bytes are allocated
 * and their pointers dropped, so a leak checker must report
 *     definitely lost: 4,800 bytes in 100 blocks    (and nothing else).
 * Everything else is freed before exit.
 *
 * Environment: CHURN_OWNER=NAME runs each worker inside a tether owner
 * scope of that name (tether_scope_push), so every block it allocates gets
 * an owner: the cost of owner tagging. Unset, churn makes no tether call.
 *
 * stdout: a statistics line, then (last line, only when the run completed)
 *     PLANTED definitely=100/4800 indirectly=0/0      (blocks/bytes)
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tether.h>

#define NOINLINE __attribute__((noinline))
#define MAX_DEPTH 64
#define MAX_THREADS 64
#define PLANTED_BLOCKS 100
#define PLANTED_SIZE 48

struct worker {
    uint64_t ops;
    uint64_t rng;
    uint64_t check;
    int depth;
    pthread_t tid;
};

static _Atomic(unsigned char *) *slots;
static size_t nslots;

/* splitmix64: small, fast, deterministic per worker */
static inline uint64_t next_rand(uint64_t *state) {
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static inline unsigned char *new_block(uint64_t r) {
    size_t size = 16 + (size_t)(r & 511);
    unsigned char *p = malloc(size);
    if (!p) {
        fputs("churn: out of memory\n", stderr);
        abort();
    }
    p[0] = (unsigned char)(r >> 9);
    p[size - 1] = (unsigned char)size;
    return p;
}

/* The innermost frame: the one that calls malloc and free. */
static NOINLINE uint64_t leaf_op(struct worker *w) {
    uint64_t r = next_rand(&w->rng);
    unsigned char *p = new_block(r);
    size_t i = (size_t)((r >> 16) % nslots);
    unsigned char *old = atomic_exchange_explicit(&slots[i], p, memory_order_acq_rel);
    uint64_t c = 0;
    if (old) {
        c = old[0];
        free(old);
    }
    return c;
}

/* level_N calls level_{N+1} until the requested depth is reached.  The empty
 * asm on the result keeps the call from becoming a tail call, so every level
 * is a real frame on the stack. */
typedef uint64_t (*level_fn)(struct worker *, int);
static level_fn levels[MAX_DEPTH + 1];

#define LEVEL(n)                                                                  \
    static NOINLINE uint64_t level_##n(struct worker *w, int left) {              \
        uint64_t v = left > 1 ? levels[(n) + 1](w, left - 1) : leaf_op(w);       \
        __asm__ volatile("" : "+r"(v));                                           \
        return v + (uint64_t)(n);                                                 \
    }
LEVEL(0) LEVEL(1) LEVEL(2) LEVEL(3) LEVEL(4) LEVEL(5) LEVEL(6) LEVEL(7)
LEVEL(8) LEVEL(9) LEVEL(10) LEVEL(11) LEVEL(12) LEVEL(13) LEVEL(14) LEVEL(15)
LEVEL(16) LEVEL(17) LEVEL(18) LEVEL(19) LEVEL(20) LEVEL(21) LEVEL(22) LEVEL(23)
LEVEL(24) LEVEL(25) LEVEL(26) LEVEL(27) LEVEL(28) LEVEL(29) LEVEL(30) LEVEL(31)
LEVEL(32) LEVEL(33) LEVEL(34) LEVEL(35) LEVEL(36) LEVEL(37) LEVEL(38) LEVEL(39)
LEVEL(40) LEVEL(41) LEVEL(42) LEVEL(43) LEVEL(44) LEVEL(45) LEVEL(46) LEVEL(47)
LEVEL(48) LEVEL(49) LEVEL(50) LEVEL(51) LEVEL(52) LEVEL(53) LEVEL(54) LEVEL(55)
LEVEL(56) LEVEL(57) LEVEL(58) LEVEL(59) LEVEL(60) LEVEL(61) LEVEL(62) LEVEL(63)

static level_fn levels[MAX_DEPTH + 1] = {
    level_0,  level_1,  level_2,  level_3,  level_4,  level_5,  level_6,  level_7,
    level_8,  level_9,  level_10, level_11, level_12, level_13, level_14, level_15,
    level_16, level_17, level_18, level_19, level_20, level_21, level_22, level_23,
    level_24, level_25, level_26, level_27, level_28, level_29, level_30, level_31,
    level_32, level_33, level_34, level_35, level_36, level_37, level_38, level_39,
    level_40, level_41, level_42, level_43, level_44, level_45, level_46, level_47,
    level_48, level_49, level_50, level_51, level_52, level_53, level_54, level_55,
    level_56, level_57, level_58, level_59, level_60, level_61, level_62, level_63,
    NULL,
};

static const char *scope_owner;

static void *worker_main(void *arg) {
    struct worker *w = arg;
    uint64_t check = 0;
    if (scope_owner)
        tether_scope_push(scope_owner);
    for (uint64_t i = 0; i < w->ops; i++)
        check += levels[0](w, w->depth);
    if (scope_owner)
        tether_scope_pop();
    w->check = check;
    return NULL;
}

/* The planted leak: the pointers only ever live in a register and die here. */
static NOINLINE void plant_leak(void) {
    for (int i = 0; i < PLANTED_BLOCKS; i++) {
        unsigned char *p = malloc(PLANTED_SIZE);
        if (!p) abort();
        memset(p, 0x5a ^ i, PLANTED_SIZE);
        __asm__ volatile("" : : "r"(p) : "memory");
    }
}

/* Overwrite the stack area plant_leak used so no stale copy of a planted
 * pointer survives for a conservative scanner to find. */
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

int main(int argc, char **argv) {
    double mops = argc > 1 ? atof(argv[1]) : 2.0;
    scope_owner = getenv("CHURN_OWNER");
    long depth = argc > 2 ? strtol(argv[2], NULL, 10) : 10;
    long live = argc > 3 ? strtol(argv[3], NULL, 10) : 100000;
    long nthreads = argc > 4 ? strtol(argv[4], NULL, 10) : 1;
    if (mops <= 0 || depth < 1 || depth > MAX_DEPTH || live < 1 || nthreads < 1 ||
        nthreads > MAX_THREADS) {
        fprintf(stderr, "usage: %s [MOPS>0] [DEPTH 1..%d] [LIVE>=1] [THREADS 1..%d]\n", argv[0],
                MAX_DEPTH, MAX_THREADS);
        return 2;
    }
    uint64_t total = (uint64_t)(mops * 1e6);

    plant_leak();
    scrub_stack();

    nslots = (size_t)live;
    slots = calloc(nslots, sizeof *slots);
    if (!slots) abort();
    uint64_t fill = 0x1234567ull;
    for (size_t i = 0; i < nslots; i++)
        atomic_store_explicit(&slots[i], new_block(next_rand(&fill)), memory_order_relaxed);

    static struct worker workers[MAX_THREADS];
    for (long t = 0; t < nthreads; t++) {
        workers[t].ops = total / (uint64_t)nthreads + ((uint64_t)t < total % (uint64_t)nthreads);
        workers[t].rng = 0xC0FFEEull * (uint64_t)(t + 1);
        workers[t].depth = (int)depth;
    }

    double t0 = now();
    if (nthreads == 1) {
        worker_main(&workers[0]);
    } else {
        for (long t = 0; t < nthreads; t++)
            if (pthread_create(&workers[t].tid, NULL, worker_main, &workers[t]) != 0) {
                fputs("churn: pthread_create failed\n", stderr);
                return 1;
            }
        for (long t = 0; t < nthreads; t++) pthread_join(workers[t].tid, NULL);
    }
    double t1 = now();

    uint64_t check = 0;
    for (long t = 0; t < nthreads; t++) check += workers[t].check;
    for (size_t i = 0; i < nslots; i++) free(atomic_load_explicit(&slots[i], memory_order_relaxed));
    free(slots);

    printf("churn: ops=%llu depth=%ld live=%ld threads=%ld loop=%.3fs ns/op=%.1f check=%llu\n",
           (unsigned long long)total, depth, live, nthreads, t1 - t0,
           (t1 - t0) * 1e9 / (double)(total ? total : 1), (unsigned long long)(check & 0xffff));
    printf("PLANTED definitely=%d/%d indirectly=0/0\n", PLANTED_BLOCKS,
           PLANTED_BLOCKS * PLANTED_SIZE);
    return 0;
}
