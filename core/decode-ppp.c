/*
 * PPP (RFC 1661) as a link type, in HDLC-like framing (RFC 1662) or with
 * Cisco HDLC framing, and PPPoE sessions (RFC 2516) carrying PPP.
 *
 *   PPP:   [FF 03] protocol(1 or 2) payload
 *   PPPoE: ver/type(1) code(1) session(2) length(2) protocol(2) payload
 */
#include "core/cursor.h"
#include "core/decode.h"

#define PPP_IPV4 0x0021
#define PPP_IPV6 0x0057
#define PPP_MPLS_UNICAST 0x0281
#define PPP_MPLS_MULTICAST 0x0283
#define PPP_ADDRESS 0xff
#define PPP_CONTROL 0x03
#define CHDLC_UNICAST 0x0f
#define CHDLC_MULTICAST 0x8f

enum fc_verdict fc_decode_ppp_protocol(struct fc_counters *cnt, struct fc_packet *p,
                                       uint16_t proto, uint32_t off, unsigned depth)
{
    switch (proto) {
    case PPP_IPV4:
        return fc_decode_ipv4(cnt, p, off, depth + 1);
    case PPP_IPV6:
        return fc_decode_ipv6(cnt, p, off, depth + 1);
    case PPP_MPLS_UNICAST:
    case PPP_MPLS_MULTICAST:
        return fc_decode_mpls(cnt, p, off, depth + 1);
    default:
        fc_count(cnt, FC_CNT_PPP_NOT_IP);
        return FC_VERDICT_NOT_IP;
    }
}

static enum fc_verdict ppp_too_short(struct fc_counters *cnt)
{
    fc_count(cnt, FC_CNT_PPP_TOO_SHORT);
    return FC_VERDICT_MALFORMED;
}

enum fc_verdict fc_decode_ppp(struct fc_counters *cnt, struct fc_packet *p, uint32_t off,
                              unsigned depth)
{
    struct fc_cursor c = fc_cursor_make(p->data + off, fc_captured_from(p, off));
    uint8_t b0 = fc_get_u8(&c);
    if (c.short_read)
        return ppp_too_short(cnt);
    if (b0 == CHDLC_UNICAST || b0 == CHDLC_MULTICAST) {
        /* Cisco HDLC: address, control, then an ethertype. */
        fc_cursor_skip(&c, 1);
        uint16_t type = fc_get_be16(&c);
        if (c.short_read)
            return ppp_too_short(cnt);
        return fc_decode_ethertype(cnt, p, type, off + 4, depth + 1);
    }
    if (b0 == PPP_ADDRESS) {
        uint8_t control = fc_get_u8(&c);
        if (c.short_read)
            return ppp_too_short(cnt);
        if (control != PPP_CONTROL) {
            fc_count(cnt, FC_CNT_PPP_BAD_HEADER);
            return FC_VERDICT_MALFORMED;
        }
        off += 2;
        b0 = fc_get_u8(&c);
        if (c.short_read)
            return ppp_too_short(cnt);
    }
    /* Protocol field compression (RFC 1661 6.5): an odd first byte is a
     * complete one-byte protocol number. */
    if (b0 & 1)
        return fc_decode_ppp_protocol(cnt, p, b0, off + 1, depth);
    uint8_t b1 = fc_get_u8(&c);
    if (c.short_read)
        return ppp_too_short(cnt);
    return fc_decode_ppp_protocol(cnt, p, (uint16_t)(b0 << 8 | b1), off + 2, depth);
}

enum fc_verdict fc_decode_pppoe(struct fc_counters *cnt, struct fc_packet *p, uint32_t off,
                                unsigned depth)
{
    struct fc_cursor c = fc_cursor_make(p->data + off, fc_captured_from(p, off));
    fc_cursor_skip(&c, 6); /* ver/type, code, session id, length */
    uint16_t proto = fc_get_be16(&c);
    if (c.short_read) {
        fc_count(cnt, FC_CNT_PPPOE_TOO_SHORT);
        return FC_VERDICT_MALFORMED;
    }
    p->l2.pppoe = true;
    return fc_decode_ppp_protocol(cnt, p, proto, off + 8, depth);
}
