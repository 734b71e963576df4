/*
 * Tunnel decapsulation: after a packet's IP and transport headers are
 * decoded, a tunnel (IP-in-IP, GRE, ERSPAN, VXLAN, Geneve, GTP-U, Teredo,
 * MPLS over UDP) is recognised by its IP protocol or UDP port, its header
 * read, and the packet's views moved to the packet it carries. The outer
 * headers are kept as a layer of p->tun. Each tunnel header has its own
 * decode-<tunnel>.c file; this is the dispatch and the bookkeeping.
 */
#ifndef FC_DECAP_H
#define FC_DECAP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/counters.h"
#include "core/packet.h"

struct fc_decap_config {
    unsigned max_depth;                  /* layers followed; 0 turns decapsulation off */
    bool off[FC_TUNNEL_TYPE_COUNT];      /* types switched off */
    uint8_t udp_port_type[65536];        /* UDP port -> enum fc_tunnel_type (0: none) */
};

/* Depth FC_DEFAULT_TUNNEL_DEPTH, every type on, the IANA ports: VXLAN 4789,
 * VXLAN-GPE 4790, Geneve 6081, GTP-U 2152, Teredo 3544, MPLS over UDP 6635. */
void fc_decap_config_default(struct fc_decap_config *cfg);

/* --decap-off: a comma-separated list of type names switched off;
 * --tunnel-ports: a list of TYPE=PORT decapsulating a UDP type on another
 * port as well (vxlan=8472). -1 with a message on a bad item. */
int fc_decap_config_switch_off(struct fc_decap_config *cfg, const char *list, char *err,
                               size_t errlen);
int fc_decap_config_add_ports(struct fc_decap_config *cfg, const char *list, char *err,
                              size_t errlen);

/* The type's name in records and options ("vxlan"), and back (-1). */
const char *fc_tunnel_type_name(enum fc_tunnel_type t);
int fc_tunnel_type_by_name(const char *name);
/* True for the types carried in UDP, whose ports can be configured. */
bool fc_tunnel_type_is_udp(enum fc_tunnel_type t);

/* The views of a packet before a layer was decapsulated: what its outer
 * flow counts (--tunnel-flows). */
struct fc_outer_view {
    struct fc_pkt_l2 l2;
    struct fc_pkt_ip ip;
    struct fc_pkt_l4 l4;
    uint64_t tun_key;
};

enum fc_decap_result {
    FC_DECAP_NONE,  /* not a tunnel (or not followed): p unchanged */
    FC_DECAP_INNER, /* p now describes the inner packet; a layer was added to p->tun */
};

/* Decapsulates one layer of p, whose IP and transport headers are decoded
 * and which is not a fragment. A tunnel whose inner packet is not IP, is
 * malformed, or lies beyond max_depth leaves p as it was (counted), with
 * p->outer_of set to the tunnel's type, so the packet still counts in its
 * outer flow, which is a tunnel's. On FC_DECAP_INNER, *outer (when
 * not NULL) gets the views p had before. */
enum fc_decap_result fc_decap(const struct fc_decap_config *cfg, struct fc_counters *cnt,
                              struct fc_packet *p, struct fc_outer_view *outer);

/* ---- shared by the decode-<tunnel>.c files ------------------------------- */

/* How the packet inside a tunnel header is to be decoded. */
enum fc_inner_kind {
    FC_INNER_ETHERTYPE, /* named by an ethertype (GRE, IP-in-IP, MPLS over UDP) */
    FC_INNER_ETHER,     /* an Ethernet frame (VXLAN, ERSPAN, GRE TEB) */
    FC_INNER_IP,        /* IPv4 or IPv6 by its version nibble (GTP-U) */
    FC_INNER_PPP,       /* a PPP frame (PPTP's enhanced GRE) */
};

struct fc_tunnel_inner {
    enum fc_inner_kind kind;
    uint16_t ethertype;
    uint32_t off; /* of the inner packet in p->data */
};

/* A tunnel header parser: the header starts at `off` and the outer
 * payload has `len` bytes (within the capture). Fills the layer's type
 * (when the parser refines it, as GRE does for ERSPAN) and id, and where
 * the inner packet is. False when the bytes are not that tunnel's header
 * (counted by the parser). */
typedef bool (*fc_tunnel_parser)(struct fc_counters *cnt, const struct fc_packet *p,
                                 uint32_t off, uint32_t len, struct fc_tunnel_layer *layer,
                                 struct fc_tunnel_inner *inner);

bool fc_parse_gre(struct fc_counters *cnt, const struct fc_packet *p, uint32_t off,
                  uint32_t len, struct fc_tunnel_layer *layer, struct fc_tunnel_inner *inner);
bool fc_parse_erspan(struct fc_counters *cnt, const struct fc_packet *p, uint32_t off,
                     uint32_t len, uint16_t gre_proto, struct fc_tunnel_layer *layer,
                     struct fc_tunnel_inner *inner);
bool fc_parse_vxlan(struct fc_counters *cnt, const struct fc_packet *p, uint32_t off,
                    uint32_t len, struct fc_tunnel_layer *layer, struct fc_tunnel_inner *inner);
bool fc_parse_vxlan_gpe(struct fc_counters *cnt, const struct fc_packet *p, uint32_t off,
                        uint32_t len, struct fc_tunnel_layer *layer,
                        struct fc_tunnel_inner *inner);
bool fc_parse_geneve(struct fc_counters *cnt, const struct fc_packet *p, uint32_t off,
                     uint32_t len, struct fc_tunnel_layer *layer, struct fc_tunnel_inner *inner);
bool fc_parse_gtpu(struct fc_counters *cnt, const struct fc_packet *p, uint32_t off,
                   uint32_t len, struct fc_tunnel_layer *layer, struct fc_tunnel_inner *inner);
bool fc_parse_teredo(struct fc_counters *cnt, const struct fc_packet *p, uint32_t off,
                     uint32_t len, struct fc_tunnel_layer *layer, struct fc_tunnel_inner *inner);
bool fc_parse_mpls_udp(struct fc_counters *cnt, const struct fc_packet *p, uint32_t off,
                       uint32_t len, struct fc_tunnel_layer *layer,
                       struct fc_tunnel_inner *inner);

#endif
