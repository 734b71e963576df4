/*
 * IPv6 (RFC 8200) and its extension header chain: hop-by-hop, routing,
 * destination options, fragment, AH (RFC 4302), mobility (RFC 6275),
 * HIP (RFC 7401) and shim6 (RFC 5533). The chain ends at the first header
 * that is not an extension header, which is the flow's protocol, or at the
 * last one when "no next header" (59) follows it.
 *
 *   | ver | traffic class |           flow label                 |
 *   |      payload length         |  next header  |  hop limit   |
 *   |                 source address (16)                        |
 *   |              destination address (16)                      |
 */
#include "core/cursor.h"
#include "core/decode.h"
#include "core/ip-common.h"

#define IPV6_HEADER_LEN 40u
#define IPV6_FRAG_OFFSET_MASK 0xfff8u
#define IPV6_FRAG_MORE 0x0001u

static bool is_generic_ext_header(uint8_t nh)
{
    return nh == FC_IPPROTO_HOPOPTS || nh == FC_IPPROTO_ROUTING || nh == FC_IPPROTO_DSTOPTS ||
           nh == FC_IPPROTO_MOBILITY || nh == FC_IPPROTO_HIP || nh == FC_IPPROTO_SHIM6;
}

static enum fc_verdict ext_truncated(struct fc_counters *cnt)
{
    fc_count(cnt, FC_CNT_IPV6_EXT_TRUNCATED);
    return FC_VERDICT_MALFORMED;
}

/* Walks the chain from p->ip.l4_off, moving l4_off/l4_len past each header
 * and leaving p->ip.proto at the upper-layer protocol. A non-first fragment
 * stops the walk: the rest of the chain is in the first fragment. */
static enum fc_verdict walk_extension_headers(struct fc_counters *cnt, struct fc_packet *p)
{
    struct fc_pkt_ip *ip = &p->ip;
    uint32_t nh_off = ip->l3_off + 6; /* the byte naming the next header */
    for (unsigned n = 0;; n++) {
        uint8_t nh = ip->proto;
        if (!is_generic_ext_header(nh) && nh != FC_IPPROTO_FRAGMENT && nh != FC_IPPROTO_AH)
            return FC_VERDICT_IP;
        if (n == FC_MAX_IPV6_EXT) {
            fc_count(cnt, FC_CNT_IPV6_TOO_MANY_EXT);
            return FC_VERDICT_MALFORMED;
        }
        if (nh == FC_IPPROTO_AH) {
            uint32_t ah_off = ip->l4_off;
            enum fc_verdict v = fc_skip_ah(cnt, p);
            if (v != FC_VERDICT_IP)
                return v;
            nh_off = ah_off;
            continue;
        }
        struct fc_cursor c =
            fc_cursor_make(p->data + ip->l4_off, fc_captured_from(p, ip->l4_off));
        uint8_t next = fc_get_u8(&c);
        uint8_t len_field = fc_get_u8(&c);
        uint32_t hdr_len = nh == FC_IPPROTO_FRAGMENT ? 8u : (len_field + 1u) * 8u;
        if (nh == FC_IPPROTO_FRAGMENT) {
            uint16_t offflags = fc_get_be16(&c);
            uint32_t id = fc_get_be32(&c);
            ip->frag_offset = offflags & IPV6_FRAG_OFFSET_MASK;
            ip->more_fragments = (offflags & IPV6_FRAG_MORE) != 0;
            /* An atomic fragment (offset 0, no more) is a whole packet
             * (RFC 6946): nothing to reassemble. */
            ip->fragment = ip->frag_offset != 0 || ip->more_fragments;
            ip->frag_id = id;
            ip->frag_nh_off = nh_off;
            ip->frag_data_off = ip->l4_off + 8u;
            ip->frag_data_len = ip->l4_len >= 8u ? ip->l4_len - 8u : 0;
        }
        if (c.short_read || hdr_len > ip->l4_len || fc_captured_from(p, ip->l4_off) < hdr_len)
            return ext_truncated(cnt);
        if (next == FC_IPPROTO_NONE && nh != FC_IPPROTO_FRAGMENT) {
            /* Nothing follows: this header carries the packet's meaning (a
             * mobility or HIP message), so it names the flow's protocol,
             * as Wireshark and Zeek show it. */
            return FC_VERDICT_IP;
        }
        ip->proto = next;
        nh_off = ip->l4_off; /* an extension header names the next in its first byte */
        ip->l4_off += hdr_len;
        ip->l4_len -= hdr_len;
        if (nh == FC_IPPROTO_FRAGMENT && ip->frag_offset != 0)
            return FC_VERDICT_IP;
    }
}

enum fc_verdict fc_decode_ipv6(struct fc_counters *cnt, struct fc_packet *p, uint32_t off,
                               unsigned depth)
{
    (void)depth;
    uint32_t captured = fc_captured_from(p, off);
    struct fc_cursor c = fc_cursor_make(p->data + off, captured);
    uint8_t version = fc_get_u8(&c) >> 4;
    fc_cursor_skip(&c, 3); /* traffic class, flow label */
    uint32_t payload_len = fc_get_be16(&c);
    uint8_t next = fc_get_u8(&c);
    uint8_t hop_limit = fc_get_u8(&c);
    const uint8_t *src = fc_cursor_take(&c, 16);
    const uint8_t *dst = fc_cursor_take(&c, 16);
    if (c.short_read) {
        fc_count(cnt, FC_CNT_IPV6_TOO_SHORT);
        return FC_VERDICT_MALFORMED;
    }
    if (version != 6) {
        fc_count(cnt, FC_CNT_IPV6_BAD_VERSION);
        return FC_VERDICT_MALFORMED;
    }
    if (payload_len == 0 && next != FC_IPPROTO_NONE && captured > IPV6_HEADER_LEN) {
        /* A jumbogram or a packet captured before segmentation offload:
         * the captured bytes are the packet. */
        fc_count(cnt, FC_CNT_IPV6_ZERO_PAYLOAD_LEN);
        payload_len = captured - IPV6_HEADER_LEN;
    }

    struct fc_pkt_ip *ip = &p->ip;
    ip->version = 6;
    ip->ttl = hop_limit;
    ip->proto = next;
    memcpy(ip->src, src, 16);
    memcpy(ip->dst, dst, 16);
    ip->total_len = IPV6_HEADER_LEN + payload_len;
    ip->l3_off = off;
    ip->l4_off = off + IPV6_HEADER_LEN;
    ip->l4_len = payload_len;
    if (captured < ip->total_len)
        fc_count(cnt, FC_CNT_PKT_SNAP_TRUNCATED);
    return walk_extension_headers(cnt, p);
}
