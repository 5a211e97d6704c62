/* A helper for the case programs that run code on a thread with a small stack. */
#ifndef TETHER_CASE_THREAD_H
#define TETHER_CASE_THREAD_H

#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* Runs fn on a new thread with a stack of size bytes and waits for it; 0, or
 * 1 after printing why the thread could not start. */
static __attribute__((unused)) int run_on_small_stack(void *(*fn)(void *), size_t size)
{
    pthread_attr_t attr;
    pthread_t t;
    pthread_attr_init(&attr);
    int rc = pthread_attr_setstacksize(&attr, size);
    if (rc == 0)
        rc = pthread_create(&t, &attr, fn, NULL);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        fprintf(stderr, "pthread_create with a %zu-byte stack: %s\n", size, strerror(rc));
        return 1;
    }
    pthread_join(t, NULL);
    return 0;
}

#endif
