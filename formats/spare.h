/*
 * Spare buffers of one size, kept when freed and handed out again: a case
 * of a thousand rotated files opens one file after another, and fresh
 * buffers would cost page faults on every block of every file.
 */
#ifndef FC_SPARE_H
#define FC_SPARE_H

#include <pthread.h>
#include <stddef.h>

#define FC_SPARE_KEEP 4

struct fc_spare {
    pthread_mutex_t lock;
    size_t size;
    void *bufs[FC_SPARE_KEEP];
    unsigned n;
};

#define FC_SPARE_INIT(bytes) { PTHREAD_MUTEX_INITIALIZER, (bytes), { 0 }, 0 }

/* A buffer of pool->size bytes (not zeroed), or NULL. */
void *fc_spare_get(struct fc_spare *pool);
/* Keeps buf for later, or frees it when enough are kept (NULL is ignored). */
void fc_spare_put(struct fc_spare *pool, void *buf);

#endif
