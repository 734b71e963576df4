/* Fixed-size item pool: see pool.h. */
#include "core/pool.h"

#include <stdlib.h>
#include <string.h>

/* Items and chunks start with a link pointer while they sit in a list. */
struct link {
    struct link *next;
};

void fc_pool_init(struct fc_pool *p, size_t item_size, size_t per_chunk, uint64_t limit)
{
    memset(p, 0, sizeof *p);
    p->item_size = item_size < sizeof(struct link) ? sizeof(struct link) : item_size;
    /* Keep every item aligned for any type it may hold. */
    p->item_size = (p->item_size + _Alignof(max_align_t) - 1) & ~(_Alignof(max_align_t) - 1);
    p->per_chunk = per_chunk;
    p->limit = limit;
}

static int add_chunk(struct fc_pool *p)
{
    size_t header = _Alignof(max_align_t) > sizeof(struct link) ? _Alignof(max_align_t)
                                                                : sizeof(struct link);
    char *chunk = malloc(header + p->item_size * p->per_chunk);
    if (!chunk)
        return -1;
    ((struct link *)chunk)->next = p->chunks;
    p->chunks = chunk;
    for (size_t i = p->per_chunk; i-- > 0;) {
        struct link *item = (struct link *)(chunk + header + i * p->item_size);
        item->next = p->free_items;
        p->free_items = item;
    }
    return 0;
}

void *fc_pool_take(struct fc_pool *p)
{
    if (p->limit && p->alive >= p->limit)
        return NULL;
    if (!p->free_items && add_chunk(p) != 0)
        return NULL;
    struct link *item = p->free_items;
    p->free_items = item->next;
    p->alive++;
    return item;
}

void *fc_pool_get(struct fc_pool *p)
{
    void *item = fc_pool_take(p);
    if (item)
        memset(item, 0, p->item_size);
    return item;
}

void fc_pool_put(struct fc_pool *p, void *item)
{
    struct link *l = item;
    l->next = p->free_items;
    p->free_items = l;
    p->alive--;
}

void fc_pool_destroy(struct fc_pool *p)
{
    struct link *c = p->chunks;
    while (c) {
        struct link *next = c->next;
        free(c);
        c = next;
    }
    memset(p, 0, sizeof *p);
}
