/*
 * What the engine needs beyond the options' values: the compiled BPF
 * filter, the user-agent patterns, the tunnel table; built the same way
 * for convert and for extract's full scan (which must find the same flows).
 */
#ifndef FC_PIPELINE_H
#define FC_PIPELINE_H

#include "core/engine.h"
#include "core/useragent.h"
#include "formats/options.h"

struct fc_pipeline {
    struct fc_filter *filter; /* NULL: no --filter */
    struct fc_ua_db *ua;      /* NULL: no user-agent analysis */
    const char *ua_path;      /* the patterns it was built from */
    struct fc_decap_config decap;
};

/* Returns 0, or -1 after printing the problem, prefixed by `who`
 * ("flowcase convert"). */
int fc_pipeline_setup(struct fc_pipeline *pl, const struct fc_options *o, const char *who);
void fc_pipeline_engine_config(const struct fc_pipeline *pl, const struct fc_options *o,
                               struct fc_engine_config *ec);
void fc_pipeline_free(struct fc_pipeline *pl);

#endif
