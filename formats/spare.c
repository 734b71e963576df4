/* Spare buffers: see spare.h. */
#include "formats/spare.h"

#include <stdlib.h>

void *fc_spare_get(struct fc_spare *pool)
{
    void *buf = NULL;
    pthread_mutex_lock(&pool->lock);
    if (pool->n > 0)
        buf = pool->bufs[--pool->n];
    pthread_mutex_unlock(&pool->lock);
    return buf ? buf : malloc(pool->size);
}

void fc_spare_put(struct fc_spare *pool, void *buf)
{
    pthread_mutex_lock(&pool->lock);
    if (buf && pool->n < FC_SPARE_KEEP) {
        pool->bufs[pool->n++] = buf;
        buf = NULL;
    }
    pthread_mutex_unlock(&pool->lock);
    free(buf);
}
