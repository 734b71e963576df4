/*
 * A pool of fixed-size items carved from chunks, with a free list: the
 * per-packet path takes and returns items without calling the allocator
 * (Suricata's spare flow pool serves the same purpose). Memory grows with
 * the items alive at once and is returned only by fc_pool_destroy().
 */
#ifndef FC_POOL_H
#define FC_POOL_H

#include <stddef.h>
#include <stdint.h>

struct fc_pool {
    size_t item_size;
    size_t per_chunk;
    uint64_t limit;    /* items that may be alive at once (0: no limit) */
    uint64_t alive;
    void *free_items;  /* linked through each item's first pointer */
    void *chunks;      /* linked through each chunk's first pointer */
};

void fc_pool_init(struct fc_pool *p, size_t item_size, size_t per_chunk, uint64_t limit);
/* A zeroed item, or NULL when the limit is reached or memory is out. */
void *fc_pool_get(struct fc_pool *p);
/* The same without zeroing, for items that are written before read. */
void *fc_pool_take(struct fc_pool *p);
void fc_pool_put(struct fc_pool *p, void *item);
void fc_pool_destroy(struct fc_pool *p);

#endif
