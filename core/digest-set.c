/* Bounded FIFO digest set: see digest-set.h. */
#include "core/digest-set.h"

#include <stdlib.h>

struct entry {
    struct fc_digest d;
    fc_time ts;
};

struct fc_digest_set {
    size_t capacity; /* a power of two */
    struct entry *fifo; /* ring, oldest at head */
    size_t head;
    size_t count;
    struct fc_digest *slots; /* 2 * capacity; a zero digest marks a free slot */
};

struct fc_digest_set *fc_digest_set_create(size_t capacity)
{
    struct fc_digest_set *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->capacity = 16;
    while (s->capacity < capacity)
        s->capacity *= 2;
    s->fifo = calloc(s->capacity, sizeof *s->fifo);
    s->slots = calloc(2 * s->capacity, sizeof *s->slots);
    if (!s->fifo || !s->slots) {
        fc_digest_set_destroy(s);
        return NULL;
    }
    return s;
}

void fc_digest_set_destroy(struct fc_digest_set *s)
{
    if (!s)
        return;
    free(s->fifo);
    free(s->slots);
    free(s);
}

static bool is_free(struct fc_digest d)
{
    return !d.a && !d.b;
}

/* Never zero, so that zero can mark free slots. */
static struct fc_digest nonzero(struct fc_digest d)
{
    if (is_free(d))
        d.a = 1;
    return d;
}

/* The slot holding d, or the free slot where it belongs. */
static size_t slot_of(const struct fc_digest_set *s, struct fc_digest d, bool *found)
{
    size_t mask = 2 * s->capacity - 1;
    size_t i = (size_t)(d.a ^ (d.b >> 7)) & mask;
    while (!is_free(s->slots[i])) {
        if (s->slots[i].a == d.a && s->slots[i].b == d.b) {
            *found = true;
            return i;
        }
        i = (i + 1) & mask;
    }
    *found = false;
    return i;
}

bool fc_digest_set_contains(const struct fc_digest_set *s, struct fc_digest d)
{
    bool found;
    slot_of(s, nonzero(d), &found);
    return found;
}

/* Removes slot i and re-places the rest of its probe cluster. */
static void remove_slot(struct fc_digest_set *s, size_t i)
{
    size_t mask = 2 * s->capacity - 1;
    s->slots[i] = (struct fc_digest){ 0, 0 };
    for (size_t j = (i + 1) & mask; !is_free(s->slots[j]); j = (j + 1) & mask) {
        struct fc_digest d = s->slots[j];
        s->slots[j] = (struct fc_digest){ 0, 0 };
        bool found;
        s->slots[slot_of(s, d, &found)] = d;
    }
}

static void forget_oldest(struct fc_digest_set *s)
{
    bool found;
    size_t i = slot_of(s, s->fifo[s->head].d, &found);
    if (found)
        remove_slot(s, i);
    s->head = (s->head + 1) & (s->capacity - 1);
    s->count--;
}

void fc_digest_set_insert(struct fc_digest_set *s, struct fc_digest d, fc_time ts)
{
    d = nonzero(d);
    bool found;
    slot_of(s, d, &found);
    if (found)
        return;
    if (s->count == s->capacity)
        forget_oldest(s);
    s->slots[slot_of(s, d, &found)] = d;
    s->fifo[(s->head + s->count) & (s->capacity - 1)] = (struct entry){ d, ts };
    s->count++;
}

void fc_digest_set_expire(struct fc_digest_set *s, fc_time cutoff)
{
    while (s->count && s->fifo[s->head].ts < cutoff)
        forget_oldest(s);
}
