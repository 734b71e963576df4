/*
 * ICMP (RFC 792) and ICMPv6 (RFC 4443): type and code become the flow's
 * "ports" as Community ID v1 maps them, so that an echo request and its
 * reply fall into one flow.
 *
 *   | type | code | checksum | rest of header (4) | data ...
 */
#include "core/decode.h"
#include "core/decode-l4.h"

#define ICMP_HEADER_LEN 8u

struct icmp_pair {
    uint8_t type;
    uint8_t counterpart;
};

/* Request/response pairs of the Community ID v1 specification. */
static const struct icmp_pair icmp4_pairs[] = {
    { 8, 0 },   { 0, 8 },   /* echo */
    { 13, 14 }, { 14, 13 }, /* timestamp */
    { 15, 16 }, { 16, 15 }, /* information */
    { 10, 9 },  { 9, 10 },  /* router solicitation / advertisement */
    { 17, 18 }, { 18, 17 }, /* address mask */
};

static const struct icmp_pair icmp6_pairs[] = {
    { 128, 129 }, { 129, 128 }, /* echo */
    { 130, 131 }, { 131, 130 }, /* multicast listener query / report */
    { 133, 134 }, { 134, 133 }, /* router solicitation / advertisement */
    { 135, 136 }, { 136, 135 }, /* neighbor solicitation / advertisement */
    { 139, 140 }, { 140, 139 }, /* node information query / response */
    { 144, 145 }, { 145, 144 }, /* home agent address discovery */
};

void fc_icmp_ports(bool v6, uint8_t type, uint8_t code, uint16_t *sport, uint16_t *dport,
                   bool *one_way)
{
    const struct icmp_pair *pairs = v6 ? icmp6_pairs : icmp4_pairs;
    size_t n = v6 ? sizeof icmp6_pairs / sizeof *icmp6_pairs
                  : sizeof icmp4_pairs / sizeof *icmp4_pairs;
    *sport = type;
    for (size_t i = 0; i < n; i++) {
        if (pairs[i].type == type) {
            *dport = pairs[i].counterpart;
            *one_way = false;
            return;
        }
    }
    *dport = code;
    *one_way = true;
}

void fc_decode_icmp(struct fc_counters *cnt, struct fc_packet *p, struct fc_cursor *c)
{
    struct fc_pkt_l4 *l4 = &p->l4;
    uint8_t type = fc_get_u8(c);
    uint8_t code = fc_get_u8(c);
    if (c->short_read) {
        fc_count(cnt, FC_CNT_ICMP_TOO_SHORT);
        l4->payload_len = p->ip.l4_len;
        return;
    }
    fc_icmp_ports(p->ip.proto == FC_PROTO_ICMP6, type, code, &l4->sport, &l4->dport,
                  &l4->icmp_one_way);
    l4->has_ports = true;
    l4->payload_len = fc_payload_after(p, ICMP_HEADER_LEN);
}
