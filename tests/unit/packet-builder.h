/* Builds packets byte by byte for the decoder and flow table tests. */
#ifndef FC_PACKET_BUILDER_H
#define FC_PACKET_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#include "core/packet.h"

struct pb {
    uint8_t buf[4096];
    size_t len;
    size_t ip_start; /* where the last IP header began, for its length field */
    int ip_version;
};

void pb_init(struct pb *b);
void pb_u8(struct pb *b, uint8_t v);
void pb_be16(struct pb *b, uint16_t v);
void pb_be32(struct pb *b, uint32_t v);
void pb_zeros(struct pb *b, size_t n);

/* Ethernet with MACs 02:00:00:00:00:<src_last> -> ..:<dst_last>. */
void pb_ether(struct pb *b, uint8_t src_last, uint8_t dst_last, uint16_t type);
void pb_vlan(struct pb *b, uint16_t vid, uint16_t next_type);
/* IPv4 header without options; the length is set by pb_ip_end(). */
void pb_ipv4(struct pb *b, const char *src, const char *dst, uint8_t proto, uint8_t ttl);
void pb_ipv4_frag(struct pb *b, const char *src, const char *dst, uint8_t proto, uint16_t id,
                  uint16_t offset_bytes, int more);
void pb_ipv6(struct pb *b, const char *src, const char *dst, uint8_t next, uint8_t hlim);
void pb_tcp(struct pb *b, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
            uint8_t flags, uint16_t window);
/* TCP SYN header with MSS, NOP, WS, SACK-permitted options. */
void pb_tcp_syn(struct pb *b, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
                uint8_t flags, uint16_t window, uint16_t mss, uint8_t wscale);
void pb_udp(struct pb *b, uint16_t sport, uint16_t dport, uint16_t payload);
/* Sets the last IP header's length fields to cover everything written. */
void pb_ip_end(struct pb *b);

/* A packet over the builder's bytes (Ethernet unless linktype says). */
struct fc_packet pb_packet(const struct pb *b, fc_time ts, uint32_t linktype);

#endif
