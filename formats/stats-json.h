/* stats.json: the run's counters and what was learnt about each input. */
#ifndef FC_STATS_JSON_H
#define FC_STATS_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "core/counters.h"
#include "formats/diag.h"

/* Builds the stats object (deterministic: no wall-clock values). */
json_t *fc_stats_json(const struct fc_counters *c, const struct fc_input_info *inputs,
                      size_t ninputs);

/* Writes it to path; returns 0 or -1 (errno set). */
int fc_stats_write(const char *path, const struct fc_counters *c,
                   const struct fc_input_info *inputs, size_t ninputs);

#endif
