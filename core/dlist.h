/*
 * An intrusive doubly linked queue: the owner embeds a struct fc_dlink and
 * gets back to itself with fc_container_of. Used for the flow table's
 * recency and closing queues and the fragment tracker's expiry queue.
 */
#ifndef FC_DLIST_H
#define FC_DLIST_H

#include <stddef.h>

struct fc_dlink {
    struct fc_dlink *prev;
    struct fc_dlink *next;
};

struct fc_dqueue {
    struct fc_dlink *head; /* oldest */
    struct fc_dlink *tail; /* newest */
};

#define fc_container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

static inline void fc_dqueue_append(struct fc_dqueue *q, struct fc_dlink *l)
{
    l->next = NULL;
    l->prev = q->tail;
    if (q->tail)
        q->tail->next = l;
    else
        q->head = l;
    q->tail = l;
}

static inline void fc_dqueue_remove(struct fc_dqueue *q, struct fc_dlink *l)
{
    if (l->prev)
        l->prev->next = l->next;
    else
        q->head = l->next;
    if (l->next)
        l->next->prev = l->prev;
    else
        q->tail = l->prev;
    l->prev = l->next = NULL;
}

#endif
