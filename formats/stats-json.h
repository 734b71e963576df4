/* stats.json: the run's counters, identical between runs of the same input. */
#ifndef FC_STATS_JSON_H
#define FC_STATS_JSON_H

#include <jansson.h>

#include "core/counters.h"

/* Builds the stats object (deterministic: no wall-clock values). */
json_t *fc_stats_json(const struct fc_counters *c);

/* Writes it to path; returns 0 or -1 (errno set). */
int fc_stats_write(const char *path, const struct fc_counters *c);

#endif
