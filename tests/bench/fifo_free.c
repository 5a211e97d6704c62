/* SPDX-License-Identifier: MIT */
/* fifo_free.c - a preload that only delays free(): each freed block waits in
 * a first-in first-out queue until FIFO_FREE_BYTES (default 20,000,000, the
 * size of tether's quarantine) of younger frees have come after it, then
 * goes to the real free. Nothing else: no index, no stacks, no fill.
 *
 * It measures what any quarantine of that volume costs a program by itself
 * (memory handed back long after it was freed, cold in the caches and the
 * TLB), to set against what tether's quarantine costs over tether without
 * one (docs/benchmarks.md):
 *
 *   LD_PRELOAD=build/tests/bench/libfifo_free.so build/tests/bench/churn-nofp 2 10
 *
 * Single-threaded programs only (the queue has no lock); realloc, calloc
 * and the C++ operators are left alone (churn uses malloc and free). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <unistd.h>

#include <malloc.h>

#define FIFO_SLOTS (1u << 22) /* more blocks than 20 MB of the smallest can hold */

static void (*real_free)(void *);
static void *queue[FIFO_SLOTS];
static size_t sizes[FIFO_SLOTS];
static size_t head, len, held, limit;

static void init(void) {
  real_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
  const char *v = getenv("FIFO_FREE_BYTES");
  limit = v ? strtoull(v, NULL, 10) : 20000000;
  if (!real_free) {
    static const char msg[] = "fifo_free: no real free\n";
    (void)!write(2, msg, sizeof msg - 1);
    _exit(127);
  }
}

void free(void *p) {
  if (!real_free)
    init();
  if (!p)
    return;
  size_t size = malloc_usable_size(p);
  if (len == FIFO_SLOTS || size > limit) {
    real_free(p);
    return;
  }
  size_t tail = (head + len) % FIFO_SLOTS;
  queue[tail] = p;
  sizes[tail] = size;
  len++;
  held += size;
  while (held > limit && len) {
    real_free(queue[head]);
    held -= sizes[head];
    head = (head + 1) % FIFO_SLOTS;
    len--;
  }
}
