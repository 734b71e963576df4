/* The per-packet pipeline: see engine.h. */
#include "core/engine.h"

#include <string.h>

#include "core/decode.h"

static void to_flow_table(struct fc_engine *e, struct fc_packet *p)
{
    struct fc_flow_key key;
    uint8_t sender_end;
    fc_flow_key_make(p, e->vlan_in_key, &key, &sender_end);
    fc_flow_table_packet(e->flows, p, &key, sender_end);
}

/* --tunnel-flows: the packet just decapsulated counts in its outer flow
 * too, as the outer headers showed it. */
static void to_outer_flow(struct fc_engine *e, const struct fc_packet *p,
                          const struct fc_outer_view *v)
{
    struct fc_packet o = *p;
    o.l2 = v->l2;
    o.ip = v->ip;
    o.l4 = v->l4;
    o.tun.count--;
    o.tun.key = v->tun_key;
    o.outer_of = p->tun.layer[o.tun.count].type;
    to_flow_table(e, &o);
}

/* Decodes a packet the reassembler built or gave up: raw IP from offset 0.
 * False when its headers are invalid (counted by the decoders). */
static bool decode_from_ip(struct fc_engine *e, struct fc_packet *p)
{
    memset(&p->ip, 0, sizeof p->ip);
    memset(&p->l4, 0, sizeof p->l4);
    if (fc_decode_raw(&e->counters, p, 0, 0) != FC_VERDICT_IP)
        return false;
    fc_decode_transport(&e->counters, p);
    return true;
}

/* A datagram given up incomplete (timed out, or evicted to make room):
 * its fragments count, as one packet, in the flow their lowest-offset
 * fragment names. */
static void given_up(void *arg, struct fc_packet *p)
{
    struct fc_engine *e = arg;
    if (decode_from_ip(e, p))
        to_flow_table(e, p);
    else
        fc_count(&e->counters, FC_CNT_IPFRAG_REBUILT_MALFORMED);
}

/* A packet decoded down to its transport header: its tunnels are
 * decapsulated and its fragments reassembled, as deep as they nest (each
 * reassembled datagram goes through here again), then it counts in the
 * flow of its innermost packet. */
static void process(struct fc_engine *e, struct fc_packet *p)
{
    struct fc_outer_view outer;
    while (e->decap && fc_decap(e->decap, &e->counters, p, &outer) == FC_DECAP_INNER) {
        if (e->tunnel_flows)
            to_outer_flow(e, p, &outer);
    }
    if (!p->ip.fragment) {
        to_flow_table(e, p);
        return;
    }
    struct fc_packet *whole;
    switch (fc_ip_reasm_packet(e->reasm, p, &whole, given_up, e)) {
    case FC_REASM_HELD:
        return;
    case FC_REASM_PASS:
        to_flow_table(e, p);
        return;
    case FC_REASM_COMPLETE:
        if (decode_from_ip(e, whole))
            process(e, whole);
        else
            fc_count(&e->counters, FC_CNT_IPFRAG_REBUILT_MALFORMED);
        fc_ip_reasm_release(e->reasm, whole);
        return;
    }
}

int fc_engine_init(struct fc_engine *e, const struct fc_engine_config *cfg, fc_record_sink sink,
                   void *sink_arg)
{
    memset(e, 0, sizeof *e);
    e->vlan_in_key = cfg->vlan_in_key;
    e->filter = cfg->filter;
    e->decap = cfg->decap;
    e->tunnel_flows = cfg->tunnel_flows;
    e->flows = fc_flow_table_create(&cfg->flows, &e->counters, sink, sink_arg);
    e->reasm = fc_ip_reasm_create(&cfg->frag, &e->counters);
    e->dedup = cfg->dedup_window ? fc_dedup_create(cfg->dedup_window) : NULL;
    if (!e->flows || !e->reasm || (cfg->dedup_window && !e->dedup)) {
        fc_engine_destroy(e);
        return -1;
    }
    return 0;
}

void fc_engine_destroy(struct fc_engine *e)
{
    fc_ip_reasm_destroy(e->reasm);
    fc_flow_table_destroy(e->flows);
    fc_dedup_destroy(e->dedup);
    e->reasm = NULL;
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
    fc_ip_reasm_expire(e->reasm, p->ts, given_up, e);
    process(e, p);
}

void fc_engine_finish(struct fc_engine *e)
{
    fc_ip_reasm_flush(e->reasm, given_up, e);
    fc_flow_table_flush(e->flows);
}
