/* The per-packet pipeline: see engine.h. */
#include "core/engine.h"

#include <string.h>

#include "core/decode.h"

static void to_flow_table(void *arg, struct fc_packet *p)
{
    struct fc_engine *e = arg;
    struct fc_flow_key key;
    uint8_t sender_end;
    fc_flow_key_make(p, e->vlan_in_key, &key, &sender_end);
    fc_flow_table_packet(e->flows, p, &key, sender_end);
}

int fc_engine_init(struct fc_engine *e, const struct fc_engine_config *cfg, fc_record_sink sink,
                   void *sink_arg)
{
    memset(e, 0, sizeof *e);
    e->vlan_in_key = cfg->vlan_in_key;
    e->filter = cfg->filter;
    e->decap = cfg->decap;
    e->flows = fc_flow_table_create(&cfg->flows, &e->counters, sink, sink_arg);
    e->frags = fc_frag_tracker_create(&e->counters, to_flow_table, e);
    e->dedup = cfg->dedup_window ? fc_dedup_create(cfg->dedup_window) : NULL;
    if (!e->flows || !e->frags || (cfg->dedup_window && !e->dedup)) {
        fc_engine_destroy(e);
        return -1;
    }
    return 0;
}

void fc_engine_destroy(struct fc_engine *e)
{
    fc_frag_tracker_destroy(e->frags);
    fc_flow_table_destroy(e->flows);
    fc_dedup_destroy(e->dedup);
    e->frags = NULL;
    e->flows = NULL;
    e->dedup = NULL;
}

void fc_engine_packet(struct fc_engine *e, struct fc_packet *p)
{
    fc_count(&e->counters, FC_CNT_PKT_READ);
    fc_histogram_add(&e->counters.linktypes, p->linktype, 1);
    if (e->filter) {
        enum fc_filter_result r = fc_filter_match(e->filter, p);
        if (r != FC_FILTER_PASS) {
            fc_count(&e->counters, r == FC_FILTER_DROP ? FC_CNT_PKT_FILTERED_OUT
                                                       : FC_CNT_PKT_FILTER_NO_PROG);
            return;
        }
    }
    enum fc_verdict v = fc_decode_packet(&e->counters, p);
    if (v == FC_VERDICT_IP && e->dedup && fc_dedup_seen(e->dedup, p)) {
        fc_count(&e->counters, FC_CNT_PKT_DUPLICATE);
        return;
    }
    fc_count_verdict(&e->counters, v);
    if (v != FC_VERDICT_IP)
        return;
    fc_frag_tracker_advance(e->frags, p->ts);
    while (e->decap && fc_decap(e->decap, &e->counters, p) == FC_DECAP_INNER)
        ;
    if (p->ip.fragment)
        fc_frag_tracker_packet(e->frags, p);
    else
        to_flow_table(e, p);
}

void fc_engine_finish(struct fc_engine *e)
{
    fc_frag_tracker_flush(e->frags);
    fc_flow_table_flush(e->flows);
}

