/* The engine's setup from the options: see pipeline.h. */
#include "cmd/pipeline.h"

#include <stdio.h>

#include "formats/uap-yaml.h"

/* The user-agent patterns: a file named with --ua-regexes must be usable;
 * without uap-core's default file the analysis is off, with a warning. */
static int open_ua(struct fc_pipeline *pl, const struct fc_options *o, const char *who)
{
    char err[512];
    struct fc_ua_rules rules;
    pl->ua_path = o->ua_regexes ? o->ua_regexes : FC_UAP_DEFAULT_REGEXES;
    if (fc_uap_load(pl->ua_path, &rules, err, sizeof err) == 0)
        pl->ua = fc_ua_db_open(&rules, err, sizeof err);
    if (pl->ua)
        return 0;
    if (o->ua_regexes) {
        fprintf(stderr, "%s: --ua-regexes: %s\n", who, err);
        return -1;
    }
    fprintf(stderr, "flowcase: warning: user-agent analysis off: %s (Debian package uap-core)\n",
            err);
    pl->ua_path = NULL;
    return 0;
}

/* The tunnel options into the decapsulation table. */
static int setup_decap(struct fc_pipeline *pl, const struct fc_options *o, const char *who)
{
    char err[160];
    fc_decap_config_default(&pl->decap);
    if (o->tunnel_depth > FC_MAX_TUNNEL_DEPTH) {
        fprintf(stderr, "%s: --tunnel-depth: at most %d\n", who, FC_MAX_TUNNEL_DEPTH);
        return -1;
    }
    pl->decap.max_depth = o->decap ? (unsigned)o->tunnel_depth : 0;
    if (o->decap_off &&
        fc_decap_config_switch_off(&pl->decap, o->decap_off, err, sizeof err) != 0) {
        fprintf(stderr, "%s: --decap-off: %s\n", who, err);
        return -1;
    }
    if (o->tunnel_ports &&
        fc_decap_config_add_ports(&pl->decap, o->tunnel_ports, err, sizeof err) != 0) {
        fprintf(stderr, "%s: --tunnel-ports: %s\n", who, err);
        return -1;
    }
    return 0;
}

int fc_pipeline_setup(struct fc_pipeline *pl, const struct fc_options *o, const char *who)
{
    char err[256];
    if (setup_decap(pl, o, who) != 0)
        return -1;
    if (o->filter) {
        pl->filter = fc_filter_create(o->filter, err, sizeof err);
        if (!pl->filter) {
            fprintf(stderr, "%s: --filter: %s\n", who, err);
            return -1;
        }
    }
    return o->l7 ? open_ua(pl, o, who) : 0;
}

void fc_pipeline_engine_config(const struct fc_pipeline *pl, const struct fc_options *o,
                               struct fc_engine_config *ec)
{
    *ec = (struct fc_engine_config){
        .flows = {
            .max_flows = o->max_flows,
            .idle_timeout = o->idle_timeout,
            .active_timeout = o->active_timeout,
            .tcp_close_grace = o->tcp_close_grace,
            .l7 = {
                .enabled = o->l7,
                .reasm = { .flow_cap = o->reasm_flow_cap > UINT32_MAX
                                           ? UINT32_MAX
                                           : (uint32_t)o->reasm_flow_cap,
                           .memcap = o->reasm_memcap },
                .ua = pl->ua,
            },
        },
        .vlan_in_key = o->vlan_key,
        .filter = pl->filter,
        .dedup_window = o->dedup ? o->dedup_window : 0,
        .decap = &pl->decap,
        .tunnel_flows = o->tunnel_flows,
        .frag = { .max_bytes = o->frag_memcap, .timeout = o->frag_timeout },
    };
}

void fc_pipeline_free(struct fc_pipeline *pl)
{
    fc_ua_db_close(pl->ua);
    fc_filter_destroy(pl->filter);
    pl->ua = NULL;
    pl->filter = NULL;
}
