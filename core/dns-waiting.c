/* DNS queries waiting for their response, by id: see dns-waiting.h. */
#include "core/dns-waiting.h"

#include <stdlib.h>
#include <string.h>

struct fc_dns_waiting_slot {
    uint64_t n[FC_DNS_WAITING_PER_ID]; /* oldest first */
    uint16_t id;
    uint8_t count;
    bool used;
};

static uint32_t hash_id(uint16_t id)
{
    return (uint32_t)id * 0x9e3779b1u >> 16; /* spreads sequential ids */
}

static struct fc_dns_waiting_slot *find(const struct fc_dns_waiting *w, uint16_t id)
{
    if (!w->slots)
        return NULL;
    for (uint32_t i = hash_id(id) & (w->cap - 1);; i = (i + 1) & (w->cap - 1)) {
        struct fc_dns_waiting_slot *s = &w->slots[i];
        if (!s->used || s->id == id)
            return s;
    }
}

/* Keeps the load at most one half, so every probe sequence ends. */
static bool make_room(struct fc_dns_waiting *w)
{
    if (w->slots && (w->used + 1) * 2 <= w->cap)
        return true;
    uint32_t cap = w->cap ? w->cap * 2 : 8;
    struct fc_dns_waiting_slot *old = w->slots;
    struct fc_dns_waiting_slot *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return false;
    uint32_t old_cap = w->cap;
    w->slots = slots;
    w->cap = cap;
    for (uint32_t i = 0; i < old_cap; i++) {
        if (old[i].used)
            *find(w, old[i].id) = old[i];
    }
    free(old);
    return true;
}

static void remove_at(struct fc_dns_waiting_slot *s, unsigned i)
{
    memmove(&s->n[i], &s->n[i + 1], (s->count - i - 1) * sizeof s->n[0]);
    s->count--;
}

enum fc_dns_waiting_add fc_dns_waiting_add(struct fc_dns_waiting *w, uint16_t id, uint64_t n)
{
    struct fc_dns_waiting_slot *s = find(w, id);
    if (!s || !s->used) {
        if (!make_room(w))
            return FC_DNS_WAITING_NO_MEMORY;
        s = find(w, id);
        s->used = true;
        s->id = id;
        s->count = 0;
        w->used++;
    }
    enum fc_dns_waiting_add r = FC_DNS_WAITING_ADDED;
    if (s->count == FC_DNS_WAITING_PER_ID) {
        remove_at(s, 0);
        r = FC_DNS_WAITING_FORGOT_OLDEST;
    }
    s->n[s->count++] = n;
    return r;
}

uint64_t fc_dns_waiting_take(struct fc_dns_waiting *w, uint16_t id, uint64_t first,
                             bool (*match)(void *arg, uint64_t n), void *arg)
{
    struct fc_dns_waiting_slot *s = find(w, id);
    if (!s || !s->used)
        return UINT64_MAX;
    for (unsigned i = 0; i < s->count;) {
        uint64_t n = s->n[i];
        if (n < first) {
            remove_at(s, i);
        } else if (match(arg, n)) {
            remove_at(s, i);
            return n;
        } else {
            i++;
        }
    }
    return UINT64_MAX;
}

void fc_dns_waiting_free(struct fc_dns_waiting *w)
{
    free(w->slots);
    memset(w, 0, sizeof *w);
}
