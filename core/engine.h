/*
 * One processing lane: filter -> decoder -> duplicate check ->
 * decapsulation and fragments -> flow table.
 * It owns its counters and state and shares nothing, so several lanes can
 * later run side by side on flow-hash partitions of the input.
 */
#ifndef FC_ENGINE_H
#define FC_ENGINE_H

#include "core/counters.h"
#include "core/decap.h"
#include "core/dedup.h"
#include "core/filter.h"
#include "core/flow-table.h"
#include "core/ip-reasm.h"

struct fc_engine_config {
    struct fc_flow_table_config flows;
    bool vlan_in_key;
    struct fc_filter *filter; /* NULL: every packet; not owned */
    fc_time dedup_window;     /* 0: keep duplicates */
    const struct fc_decap_config *decap; /* NULL: no decapsulation; not owned */
    struct fc_reasm_limits frag;         /* zeroes: the defaults */
    bool tunnel_flows;                   /* count tunnelled packets in their outer flows too */
};

struct fc_engine {
    struct fc_counters counters;
    bool vlan_in_key;
    struct fc_filter *filter;
    struct fc_dedup *dedup; /* NULL unless --dedup */
    const struct fc_decap_config *decap;
    bool tunnel_flows;
    struct fc_ip_reasm *reasm;
    struct fc_flow_table *flows;
};

/* Returns 0, or -1 when out of memory. */
int fc_engine_init(struct fc_engine *e, const struct fc_engine_config *cfg, fc_record_sink sink,
                   void *sink_arg);
void fc_engine_destroy(struct fc_engine *e);

/* Takes one packet as read from a capture. */
void fc_engine_packet(struct fc_engine *e, struct fc_packet *p);

/* End of input: every held fragment and open flow is exported. */
void fc_engine_finish(struct fc_engine *e);

#endif
