/*
 * The flow table: finds each packet's flow, keeps flows in recency order,
 * and ends them (idle and active timeouts on packet time, TCP close with a
 * grace period, eviction when full, end of input). Ended records go to a
 * sink in a deterministic order.
 */
#ifndef FC_FLOW_TABLE_H
#define FC_FLOW_TABLE_H

#include "core/counters.h"
#include "core/flow.h"
#include "core/l7.h"
#include "core/packet-list.h"

struct fc_flow_table_config {
    uint64_t max_flows;
    fc_time idle_timeout;
    fc_time active_timeout;
    fc_time tcp_close_grace;
    struct fc_l7_config l7;
    /* Keep each record's packet list (for the flow index). A list that
     * reaches FC_PACKET_LIST_PART bytes is handed to spill, with the sink's
     * argument, to be written out and emptied. */
    bool packet_lists;
    void (*spill)(void *arg, struct fc_packet_list *l);
};

/* Receives each ended record; the record is only valid during the call. */
typedef void (*fc_record_sink)(void *arg, const struct fc_flow_record *r);

struct fc_flow_table;

struct fc_flow_table *fc_flow_table_create(const struct fc_flow_table_config *cfg,
                                           struct fc_counters *cnt, fc_record_sink sink,
                                           void *sink_arg);
void fc_flow_table_destroy(struct fc_flow_table *t);

/* Accounts one IP packet, keyed by k and sent by key endpoint sender_end. */
void fc_flow_table_packet(struct fc_flow_table *t, const struct fc_packet *p,
                          const struct fc_flow_key *k, uint8_t sender_end);

/* Moves the table's clock to `now` (packet time) and ends the flows whose
 * timeouts have passed. Time never moves backwards. */
void fc_flow_table_advance(struct fc_flow_table *t, fc_time now);

/* Ends every remaining flow (end of input), oldest first. */
void fc_flow_table_flush(struct fc_flow_table *t);

#endif
