/*
 * The L7 layer of a flow table: follows TCP connections' byte streams
 * (core/reasm-tcp.h) and UDP flows' datagrams, picks a dissector by the
 * content of their first bytes (core/dissect.h) and lets it fill the flow
 * record's L7 part.
 *
 * Per connection, state is taken only once there is something to follow
 * (a SYN or payload) from a pool, and dropped as soon as no dissector
 * recognises the bytes: unrecognised traffic costs one probe per
 * direction, then nothing.
 */
#ifndef FC_CORE_L7_H
#define FC_CORE_L7_H

#include "core/dissect.h"
#include "core/pool.h"
#include "core/reasm-tcp.h"

struct fc_l7_config {
    bool enabled;
    struct fc_reasm_config reasm;
    struct fc_ua_db *ua; /* not owned; NULL: no user-agent analysis */
};

struct fc_l7_layer {
    bool enabled;
    struct fc_ua_db *ua;
    struct fc_reasm reasm;
    struct fc_counters *cnt;
    struct fc_pool pool; /* struct fc_l7_flow */
};

struct fc_l7_flow;

void fc_l7_init(struct fc_l7_layer *l, const struct fc_l7_config *cfg, struct fc_counters *cnt);
void fc_l7_destroy(struct fc_l7_layer *l);

/* One TCP packet (with its header) or UDP datagram (with its ports) of a
 * flow, in direction `dir` (0 = initiator); `*slot` is the flow's L7
 * state, taken here when needed. */
void fc_l7_packet(struct fc_l7_layer *l, struct fc_l7_flow **slot, unsigned dir,
                  const struct fc_packet *p);

/* Fills the record's L7 part before it is written; `last` when the flow
 * ends (held bytes are handed over first, pending work closed). */
void fc_l7_emit(struct fc_l7_layer *l, struct fc_l7_flow *f, struct fc_flow_record *r, bool last);

/* After the record was written: forgets what it reported, and with `last`
 * releases the flow's L7 state. */
void fc_l7_exported(struct fc_l7_layer *l, struct fc_l7_flow **slot, bool last);

#endif
