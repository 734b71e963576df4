/* Counter names and the small histograms behind stats.json. */
#include "core/counters.h"

#include <stdlib.h>

static const char *const counter_names[FC_CNT__COUNT] = {
#define FC_COUNTER(id, name, help) [FC_CNT_##id] = name,
#include "core/counters.def"
#undef FC_COUNTER
};

static const char *const counter_help[FC_CNT__COUNT] = {
#define FC_COUNTER(id, name, help) [FC_CNT_##id] = help,
#include "core/counters.def"
#undef FC_COUNTER
};

const char *fc_counter_name(enum fc_counter_id id)
{
    return counter_names[id];
}

const char *fc_counter_help(enum fc_counter_id id)
{
    return counter_help[id];
}

void fc_histogram_add(struct fc_histogram *h, uint32_t key, uint64_t n)
{
    for (uint32_t i = 0; i < h->used; i++) {
        if (h->key[i] == key) {
            h->count[i] += n;
            return;
        }
    }
    if (h->used < FC_HISTOGRAM_SLOTS) {
        h->key[h->used] = key;
        h->count[h->used] = n;
        h->used++;
        return;
    }
    h->other += n;
}

void fc_histogram_sort(struct fc_histogram *h)
{
    /* Insertion sort: at most FC_HISTOGRAM_SLOTS entries. */
    for (uint32_t i = 1; i < h->used; i++) {
        uint32_t k = h->key[i];
        uint64_t n = h->count[i];
        uint32_t j = i;
        while (j > 0 && h->key[j - 1] > k) {
            h->key[j] = h->key[j - 1];
            h->count[j] = h->count[j - 1];
            j--;
        }
        h->key[j] = k;
        h->count[j] = n;
    }
}
