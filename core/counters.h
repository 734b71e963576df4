/*
 * Named event counters (rows of counters.def) plus two small histograms:
 * packets per link type and non-IP frames per ethertype. One instance per
 * engine; merged for the summary and stats.json.
 */
#ifndef FC_COUNTERS_H
#define FC_COUNTERS_H

#include <stdint.h>

enum fc_counter_id {
#define FC_COUNTER(id, name, help) FC_CNT_##id,
#include "core/counters.def"
#undef FC_COUNTER
    FC_CNT__COUNT
};

/* A bounded value -> count map; values past its capacity fold into `other`. */
#define FC_HISTOGRAM_SLOTS 32
struct fc_histogram {
    uint32_t used;
    uint32_t key[FC_HISTOGRAM_SLOTS];
    uint64_t count[FC_HISTOGRAM_SLOTS];
    uint64_t other;
};

struct fc_counters {
    uint64_t v[FC_CNT__COUNT];
    struct fc_histogram linktypes;  /* every packet read, by link type */
    struct fc_histogram ethertypes; /* frames whose ethertype is not decoded */
};

static inline void fc_count(struct fc_counters *c, enum fc_counter_id id)
{
    c->v[id]++;
}

void fc_histogram_add(struct fc_histogram *h, uint32_t key, uint64_t n);
/* Sorts the used slots by key so output does not depend on arrival order. */
void fc_histogram_sort(struct fc_histogram *h);

const char *fc_counter_name(enum fc_counter_id id);
const char *fc_counter_help(enum fc_counter_id id);

#endif
