/*
 * One captured packet as it moves through the pipeline: the reader fills the
 * capture fields, the decoders fill the layer views (offsets and parsed
 * values, never copies of the bytes), the flow table reads them.
 */
#ifndef FC_PACKET_H
#define FC_PACKET_H

#include <stdbool.h>
#include <stdint.h>

#include "core/limits.h"

/* Nanoseconds since 1970-01-01T00:00:00Z. */
typedef int64_t fc_time;
#define FC_NS_PER_SEC INT64_C(1000000000)

/* Where a packet is in the evidence: enough for a record to cite it and for
 * the extractor to find it again. */
struct fc_provenance {
    uint32_t input;  /* index in the run's input table */
    uint64_t number; /* 1-based record number in that input (Wireshark's frame number) */
    uint64_t offset; /* byte offset of the packet's record in the input stream */
};

struct fc_pkt_l2 {
    uint8_t src_mac[6];
    uint8_t dst_mac[6];
    bool has_src_mac;
    bool has_dst_mac;
    uint8_t vlan_tags;                  /* 802.1Q/802.1ad tags seen, outermost first */
    uint16_t vlan[FC_VLAN_KEY_DEPTH];   /* their 12-bit ids, as far as the key holds */
    uint8_t mpls_labels;
    bool pppoe;
};

struct fc_pkt_ip {
    uint8_t version;     /* 4 or 6 */
    uint8_t proto;       /* transport protocol, after IPv6 extension headers and AH */
    uint8_t ttl;         /* TTL or hop limit */
    uint8_t src[16];     /* IPv4 in the first 4 bytes, rest zero */
    uint8_t dst[16];
    uint32_t total_len;  /* IP bytes as the header states (IPv6: 40 + payload length) */
    uint32_t l3_off;     /* offset of the IP header in the packet */
    uint32_t l4_off;     /* offset of the transport header in the packet */
    uint32_t l4_len;     /* transport bytes the IP header states (header + payload) */
    bool fragment;       /* part of a fragmented datagram */
    bool more_fragments;
    uint32_t frag_offset; /* in bytes */
    uint32_t frag_id;
    /* Fragments only: where the fragmentable part is (IPv4: after the
     * header; IPv6: after the fragment header) and its length as the
     * headers state; for IPv6, the offset of the next-header byte that
     * names the fragment header (the reassembled datagram drops it). */
    uint32_t frag_data_off;
    uint32_t frag_data_len;
    uint32_t frag_nh_off;
};

struct fc_pkt_l4 {
    bool has_ports;      /* ports (or the ICMP type/code mapping) are known */
    bool icmp_one_way;   /* ICMP type without a request/response counterpart */
    uint16_t sport;      /* ICMP: type; see decode-icmp.c for the mapping */
    uint16_t dport;      /* ICMP: counterpart type, or code when one-way */
    uint32_t payload_len;/* transport payload bytes the headers state */
    uint32_t payload_off;/* TCP with a header, UDP: offset of the payload in the packet */
    /* TCP only, valid when has_tcp_header. */
    bool has_tcp_header;
    uint8_t tcp_flags;
    uint32_t seq;
    uint32_t ack;
    uint16_t window;
    bool has_mss;
    bool has_wscale;
    bool sack_ok;
    uint16_t mss;
    uint8_t wscale;
};

/* Tunnel types flowcase decapsulates (core/decode-tunnel.c). */
enum fc_tunnel_type {
    FC_TUNNEL_NONE,
    FC_TUNNEL_IP_IN_IP, /* 4in4, 6in4, 4in6, 6in6 */
    FC_TUNNEL_GRE,
    FC_TUNNEL_ERSPAN,   /* types I, II and III, carried by GRE */
    FC_TUNNEL_VXLAN,
    FC_TUNNEL_GENEVE,
    FC_TUNNEL_GTPU,
    FC_TUNNEL_TEREDO,
    FC_TUNNEL_MPLS_UDP,
    FC_TUNNEL_VXLAN_GPE,
    FC_TUNNEL_TYPE_COUNT
};

/* One tunnel layer around the packet's innermost IP header: the outer IP
 * header and transport that carried it, and the tunnel's own id. */
struct fc_tunnel_layer {
    uint8_t type;        /* enum fc_tunnel_type */
    uint8_t ip_version;  /* of the outer header */
    uint8_t proto;       /* outer transport: 4, 41, 47 or 17 */
    uint8_t has_id;
    uint8_t id_in_key;   /* the id names the tunnel both ways (not GTP TEIDs, PPTP call ids) */
    uint8_t src[16];
    uint8_t dst[16];
    uint16_t sport;      /* UDP tunnels only */
    uint16_t dport;
    uint32_t id;         /* VNI, GTP TEID, GRE key, ERSPAN session id */
};

struct fc_pkt_tunnels {
    uint8_t count;   /* layers, outermost first */
    struct fc_tunnel_layer layer[FC_MAX_TUNNEL_DEPTH];
    uint64_t key;    /* the stack's identity in flow and datagram keys; 0 outside tunnels */
};

struct fc_packet {
    /* Filled by the capture reader. */
    fc_time ts;
    const uint8_t *data;
    uint32_t caplen;
    uint32_t wirelen;
    uint32_t linktype;
    uint32_t interface; /* pcapng interface id within its section; 0 for pcap */
    struct fc_provenance where;
    /* Captured frames this packet stands for (a reassembled datagram stands
     * for its fragments) and the earliest one's time and place; 1, ts and
     * where otherwise. */
    uint32_t frames;
    fc_time first_ts;
    struct fc_provenance first_where; /* that earliest frame; `where` is the latest */
    /* frames > 1: every frame's place, in the order they arrived (the
     * flow's packet list names them all); NULL otherwise. */
    const struct fc_provenance *frame_where;
    /* Set when the packet counts in the outer flow of a tunnel it carries
     * (--tunnel-flows, or a tunnel not decapsulated): the tunnel's enum
     * fc_tunnel_type. */
    uint8_t outer_of;

    /* Filled by the decoders. */
    struct fc_pkt_tunnels tun;
    struct fc_pkt_l2 l2;
    struct fc_pkt_ip ip;
    struct fc_pkt_l4 l4;
};

#define FC_PROTO_ICMP 1
#define FC_PROTO_TCP 6
#define FC_PROTO_UDP 17
#define FC_PROTO_ICMP6 58
#define FC_PROTO_SCTP 132

#define FC_TCP_FIN 0x01
#define FC_TCP_SYN 0x02
#define FC_TCP_RST 0x04
#define FC_TCP_PSH 0x08
#define FC_TCP_ACK 0x10
#define FC_TCP_URG 0x20
#define FC_TCP_ECE 0x40
#define FC_TCP_CWR 0x80

#endif
