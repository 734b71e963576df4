/*
 * IPv4 (RFC 791), options skipped by header length, and IPsec AH
 * (RFC 4302) followed to the transport protocol it protects.
 *
 *   0      4      8              16     19                31
 *   | ver  | IHL  |     TOS      |        total length     |
 *   |        identification      |flags|  fragment offset  |
 *   |    TTL      |   protocol   |     header checksum     |
 *   |                  source address                      |
 *   |               destination address                    |
 */
#include "core/cursor.h"
#include "core/decode.h"
#include "core/ip-common.h"

#define IPV4_MF 0x2000u
#define IPV4_OFFSET_MASK 0x1fffu

enum fc_verdict fc_decode_ipv4(struct fc_counters *cnt, struct fc_packet *p, uint32_t off,
                               unsigned depth)
{
    (void)depth;
    uint32_t captured = fc_captured_from(p, off);
    struct fc_cursor c = fc_cursor_make(p->data + off, captured);
    uint8_t vhl = fc_get_u8(&c);
    fc_cursor_skip(&c, 1); /* type of service */
    uint32_t total_len = fc_get_be16(&c);
    uint16_t id = fc_get_be16(&c);
    uint16_t frag = fc_get_be16(&c);
    uint8_t ttl = fc_get_u8(&c);
    uint8_t proto = fc_get_u8(&c);
    fc_cursor_skip(&c, 2); /* checksum: not verified, offload makes it unreliable */
    const uint8_t *src = fc_cursor_take(&c, 4);
    const uint8_t *dst = fc_cursor_take(&c, 4);
    if (c.short_read) {
        fc_count(cnt, FC_CNT_IPV4_TOO_SHORT);
        return FC_VERDICT_MALFORMED;
    }
    if (vhl >> 4 != 4) {
        fc_count(cnt, FC_CNT_IPV4_BAD_VERSION);
        return FC_VERDICT_MALFORMED;
    }
    uint32_t hlen = (vhl & 0x0fu) * 4;
    if (hlen < 20) {
        fc_count(cnt, FC_CNT_IPV4_BAD_HLEN);
        return FC_VERDICT_MALFORMED;
    }
    if (captured < hlen) {
        fc_count(cnt, FC_CNT_IPV4_TOO_SHORT);
        return FC_VERDICT_MALFORMED;
    }
    if (total_len == 0) {
        /* Captured on the sending host before segmentation offload filled
         * the length in: the captured bytes are the packet. */
        fc_count(cnt, FC_CNT_IPV4_ZERO_TOTAL_LEN);
        total_len = captured;
    }
    if (total_len < hlen) {
        fc_count(cnt, FC_CNT_IPV4_BAD_TOTAL_LEN);
        return FC_VERDICT_MALFORMED;
    }

    struct fc_pkt_ip *ip = &p->ip;
    ip->version = 4;
    ip->ttl = ttl;
    ip->proto = proto;
    memcpy(ip->src, src, 4);
    memcpy(ip->dst, dst, 4);
    ip->total_len = total_len;
    ip->l3_off = off;
    ip->l4_off = off + hlen;
    ip->l4_len = total_len - hlen;
    ip->frag_id = id;
    ip->frag_offset = (frag & IPV4_OFFSET_MASK) * 8u;
    ip->more_fragments = (frag & IPV4_MF) != 0;
    ip->fragment = ip->more_fragments || ip->frag_offset != 0;
    ip->frag_data_off = ip->l4_off;
    ip->frag_data_len = ip->l4_len;
    if (ip->fragment && ip->frag_offset + ip->l4_len > 65535u)
        fc_count(cnt, FC_CNT_IPV4_FRAG_OVERRUN);
    if (captured < total_len)
        fc_count(cnt, FC_CNT_PKT_SNAP_TRUNCATED);
    if (proto == FC_IPPROTO_AH && ip->frag_offset == 0)
        return fc_skip_ah(cnt, p);
    return FC_VERDICT_IP;
}
