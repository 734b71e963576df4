/*
 * A bidirectional flow and the record it exports. The key is canonical
 * (lower endpoint first) so both directions find the same flow; the record
 * is oriented: dir[0] is the initiator (src), dir[1] the responder (dst).
 */
#ifndef FC_FLOW_H
#define FC_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "core/l7-items.h"
#include "core/packet.h"

struct fc_packet_list;

struct fc_flow_key {
    uint8_t addr[2][16];              /* [0] is the lower (address, port) endpoint */
    uint16_t port[2];                 /* ICMP: the Community ID type/code mapping */
    uint16_t vlan[FC_VLAN_KEY_DEPTH]; /* 0 when untagged (VLAN 0 is priority-only) */
    uint8_t vlan_count;               /* tags that took part, at most FC_VLAN_KEY_DEPTH */
    uint8_t ip_version;
    uint8_t proto;
    uint8_t has_ports; /* 0: the transport header was missing, ports unknown */
    uint32_t tunnel[2]; /* the tunnel stack's identity (struct fc_pkt_tunnels.key), 0 outside */
};

enum fc_initiator {
    FC_INITIATOR_SYN,          /* sender of a SYN without ACK */
    FC_INITIATOR_SYNACK,       /* receiver of a SYN-ACK whose SYN was not captured */
    FC_INITIATOR_FIRST_PACKET, /* sender of the first packet */
};

enum fc_end_reason {
    FC_END_IDLE,
    FC_END_ACTIVE,
    FC_END_FIN,
    FC_END_RST,
    FC_END_EOF,
    FC_END_EVICTED,
};

/* One direction of a flow, as it appears in the record. */
struct fc_flow_dir {
    uint64_t packets;
    uint64_t bytes;         /* IP total length */
    uint64_t l2_bytes;      /* frame length on the wire */
    uint64_t payload_bytes; /* transport payload */
    uint8_t tcp_flags;      /* union over the direction's packets */
    uint8_t first_tcp_flags;
    uint8_t ttl_min;
    uint8_t ttl_max;
    bool has_sender_mac;
    bool has_receiver_mac;
    uint8_t sender_mac[6];   /* source MAC of this direction's first packet */
    uint8_t receiver_mac[6]; /* its destination MAC */
    /* TCP: from this side's SYN (initiator) or SYN-ACK (responder). */
    bool has_syn;
    bool has_mss;
    bool has_wscale;
    bool sack_ok;
    uint16_t mss;
    uint8_t wscale;
    uint32_t syn_size; /* IP total length of the SYN / SYN-ACK */
    uint32_t init_window;
    uint32_t retransmits;
    uint32_t out_of_order;
    uint32_t zero_windows;
};

#define FC_FLOW_ID_HEX 24      /* 96 bits of SHA-256: see flow-id.c */
#define FC_COMMUNITY_ID_LEN 30 /* "1:" + base64 of a SHA-1 */
#define FC_TIME_UNKNOWN INT64_MIN

struct fc_flow_record {
    struct fc_flow_key key;
    uint8_t src_end; /* which key endpoint is the initiator */
    enum fc_initiator initiator;
    enum fc_end_reason end_reason;
    uint32_t seq; /* 0 for a flow's first record; +1 for each active-timeout split */
    fc_time first_ts;
    fc_time last_ts;
    struct fc_provenance first;
    struct fc_provenance last;
    struct fc_flow_dir dir[2];
    fc_time rtt_server; /* SYN -> SYN-ACK, or FC_TIME_UNKNOWN */
    fc_time rtt_client; /* SYN-ACK -> ACK, or FC_TIME_UNKNOWN */
    /* L7, filled at export by the dissector that recognised the flow. */
    const char *app; /* its name, NULL when none */
    struct fc_l7_items l7[FC_SECTION_COUNT];
    /* Filled at export. */
    char flow_id[FC_FLOW_ID_HEX + 1];
    char community_id[FC_COMMUNITY_ID_LEN + 1]; /* empty when ports are unknown */
    /* The record's packets, when the table keeps packet lists; else NULL. */
    struct fc_packet_list *packets;
};

/* The record's endpoints, oriented. */
static inline const uint8_t *fc_record_src_addr(const struct fc_flow_record *r)
{
    return r->key.addr[r->src_end];
}
static inline const uint8_t *fc_record_dst_addr(const struct fc_flow_record *r)
{
    return r->key.addr[!r->src_end];
}
static inline uint16_t fc_record_src_port(const struct fc_flow_record *r)
{
    return r->key.port[r->src_end];
}
static inline uint16_t fc_record_dst_port(const struct fc_flow_record *r)
{
    return r->key.port[!r->src_end];
}

/* Builds the canonical key of p and tells which endpoint p's sender is. */
void fc_flow_key_make(const struct fc_packet *p, bool vlan_in_key, struct fc_flow_key *k,
                      uint8_t *sender_end);
uint64_t fc_flow_key_hash(const struct fc_flow_key *k);

/* Computes flow_id (see record.c; occurrence is 0 but for repeated
 * copies of a flow) and community_id into the record. */
void fc_record_finish(struct fc_flow_record *r, uint32_t occurrence);

#endif
