/*
 * UDP (RFC 768).
 *
 *   | source port | destination port | length | checksum |
 */
#include "core/decode-l4.h"

void fc_decode_udp(struct fc_counters *cnt, struct fc_packet *p, struct fc_cursor *c)
{
    struct fc_pkt_l4 *l4 = &p->l4;
    if (!fc_read_ports(cnt, p, c, FC_CNT_UDP_TOO_SHORT))
        return;
    uint16_t length = fc_get_be16(c);
    /* The length covers the whole datagram, so a first fragment's may
     * exceed what this packet carries. */
    bool whole = !p->ip.fragment;
    if (!c->short_read && (length < 8 || (whole && length > p->ip.l4_len)))
        fc_count(cnt, FC_CNT_UDP_BAD_LENGTH);
    l4->payload_len = fc_payload_after(p, 8);
    l4->payload_off = p->ip.l4_off + 8;
}
