/*
 * Packet decoding: from the link layer down to the transport header. Each
 * layer has its own decode-*.c file; every read goes through core/cursor.h.
 * A decoder never fails the run: it returns a verdict and counts the reason.
 */
#ifndef FC_DECODE_H
#define FC_DECODE_H

#include "core/counters.h"
#include "core/packet.h"

enum fc_verdict {
    FC_VERDICT_IP,        /* an IP packet: it belongs to a flow */
    FC_VERDICT_NOT_IP,    /* well formed, but carries no IP (ARP, LCP ...) */
    FC_VERDICT_MALFORMED, /* a header is invalid or cut short: skipped */
};

/* Decodes p by its link type; problems are counted by reason. */
enum fc_verdict fc_decode_packet(struct fc_counters *cnt, struct fc_packet *p);

/* Counts a packet that reached the flow table stage under packets.*. */
void fc_count_verdict(struct fc_counters *cnt, enum fc_verdict v);

/* Layer entry points, shared between decode-*.c files. `off` is the offset
 * of the layer's first byte in p->data; `depth` counts nested link layers so
 * that no input can make the decoders recurse without bound. */
typedef enum fc_verdict (*fc_link_decoder)(struct fc_counters *cnt, struct fc_packet *p,
                                           uint32_t off, unsigned depth);

enum fc_verdict fc_decode_ether(struct fc_counters *cnt, struct fc_packet *p, uint32_t off,
                                unsigned depth);
enum fc_verdict fc_decode_ethertype(struct fc_counters *cnt, struct fc_packet *p,
                                    uint16_t ethertype, uint32_t off, unsigned depth);
enum fc_verdict fc_decode_llc(struct fc_counters *cnt, struct fc_packet *p, uint32_t off,
                              unsigned depth);
enum fc_verdict fc_decode_mpls(struct fc_counters *cnt, struct fc_packet *p, uint32_t off,
                               unsigned depth);
enum fc_verdict fc_decode_pppoe(struct fc_counters *cnt, struct fc_packet *p, uint32_t off,
                                unsigned depth);
enum fc_verdict fc_decode_ppp(struct fc_counters *cnt, struct fc_packet *p, uint32_t off,
                              unsigned depth);
enum fc_verdict fc_decode_ppp_protocol(struct fc_counters *cnt, struct fc_packet *p,
                                       uint16_t proto, uint32_t off, unsigned depth);
enum fc_verdict fc_decode_sll(struct fc_counters *cnt, struct fc_packet *p, uint32_t off,
                              unsigned depth);
enum fc_verdict fc_decode_sll2(struct fc_counters *cnt, struct fc_packet *p, uint32_t off,
                               unsigned depth);
enum fc_verdict fc_decode_null(struct fc_counters *cnt, struct fc_packet *p, uint32_t off,
                               unsigned depth);
enum fc_verdict fc_decode_raw(struct fc_counters *cnt, struct fc_packet *p, uint32_t off,
                              unsigned depth);
enum fc_verdict fc_decode_ipv4(struct fc_counters *cnt, struct fc_packet *p, uint32_t off,
                               unsigned depth);
enum fc_verdict fc_decode_ipv6(struct fc_counters *cnt, struct fc_packet *p, uint32_t off,
                               unsigned depth);

/* Transport header (TCP, UDP, SCTP, ICMP, ICMPv6) of an IP packet already
 * decoded; counts what is cut short but never rejects the packet. */
void fc_decode_transport(struct fc_counters *cnt, struct fc_packet *p);

/* Community ID v1 port mapping for ICMP (v6 selects ICMPv6): sport is the
 * type, dport the counterpart type of a request/response pair, otherwise
 * the code, and such types are one-way. */
void fc_icmp_ports(bool v6, uint8_t type, uint8_t code, uint16_t *sport, uint16_t *dport,
                   bool *one_way);

/* Bytes of p from off to the end of the capture (0 when off is past it). */
static inline uint32_t fc_captured_from(const struct fc_packet *p, uint32_t off)
{
    return off < p->caplen ? p->caplen - off : 0;
}

#endif
