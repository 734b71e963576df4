/*
 * Per-connection TCP observations that need state across packets:
 * handshake options and timing, retransmissions, out-of-order segments,
 * zero windows, and when the connection closes. Sequence-only analysis:
 * no payload is buffered (stream reassembly is a separate stage).
 */
#ifndef FC_TCP_TRACK_H
#define FC_TCP_TRACK_H

#include "core/flow.h"

struct fc_tcp_dir_track {
    bool seq_known;
    bool has_isn;
    bool fin;
    uint32_t isn;       /* sequence number of this side's SYN */
    uint32_t next_seq;  /* highest sequence number + length seen */
    fc_time next_seq_ts; /* when next_seq last advanced */
};

struct fc_tcp_track {
    struct fc_tcp_dir_track dir[2]; /* indexed like the record: 0 = initiator */
    fc_time syn_ts;    /* last SYN before the SYN-ACK */
    fc_time synack_ts; /* first SYN-ACK */
    fc_time ack_ts;    /* initiator's ACK of the SYN-ACK */
    uint32_t synack_seq;
};

enum fc_tcp_event {
    FC_TCP_EVENT_NONE,
    FC_TCP_EVENT_FIN, /* this packet completed the FIN exchange */
    FC_TCP_EVENT_RST,
};

void fc_tcp_track_init(struct fc_tcp_track *t);

/* Applies one TCP packet travelling in direction `dir` (0 = initiator). */
enum fc_tcp_event fc_tcp_track_packet(struct fc_tcp_track *t, struct fc_flow_record *r,
                                      unsigned dir, const struct fc_packet *p);

/* True when p opens a new connection on a key whose connection closed:
 * a SYN without ACK whose sequence number is not the old SYN's. */
bool fc_tcp_track_is_new_syn(const struct fc_tcp_track *t, unsigned dir,
                             const struct fc_packet *p);

/* Copies the handshake times into the record. */
void fc_tcp_track_rtt(const struct fc_tcp_track *t, struct fc_flow_record *r);

/* Starts a continuation record: the handshake belongs to the first one,
 * the sequence state carries on. */
void fc_tcp_track_continue(struct fc_tcp_track *t);

#endif
