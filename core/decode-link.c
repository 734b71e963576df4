/*
 * Link types whose header only names the network protocol: Linux cooked
 * capture v1 and v2, BSD loopback (NULL/LOOP) and raw IP.
 *
 *   SLL  (16): pkttype(2) hatype(2) halen(2) addr(8) protocol(2)
 *   SLL2 (20): protocol(2) reserved(2) ifindex(4) hatype(2) pkttype(1)
 *              halen(1) addr(8)
 *   NULL  (4): address family, in the byte order of the capturing host
 *   LOOP  (4): address family, big-endian
 */
#include "core/cursor.h"
#include "core/decode.h"

#define ARPHRD_ETHER 1
#define ARPHRD_LOOPBACK 772
#define SLL_PROTO_8023_NOVELL 0x0001 /* raw 802.3, Novell IPX */
#define SLL_PROTO_8022 0x0004        /* 802.2 LLC frame */

/* SLL carries the sender's link-layer address: on Ethernet, its MAC. */
static void sll_take_mac(struct fc_packet *p, uint16_t hatype, uint8_t halen,
                         const uint8_t *addr)
{
    if ((hatype == ARPHRD_ETHER || hatype == ARPHRD_LOOPBACK) && halen == 6 && addr) {
        memcpy(p->l2.src_mac, addr, 6);
        p->l2.has_src_mac = true;
    }
}

static enum fc_verdict sll_payload(struct fc_counters *cnt, struct fc_packet *p,
                                   uint16_t proto, uint32_t off, unsigned depth)
{
    if (proto == SLL_PROTO_8022)
        return fc_decode_llc(cnt, p, off, depth + 1);
    if (proto == SLL_PROTO_8023_NOVELL) {
        fc_count(cnt, FC_CNT_ETH_LLC);
        return FC_VERDICT_NOT_IP;
    }
    return fc_decode_ethertype(cnt, p, proto, off, depth + 1);
}

enum fc_verdict fc_decode_sll(struct fc_counters *cnt, struct fc_packet *p, uint32_t off,
                              unsigned depth)
{
    struct fc_cursor c = fc_cursor_make(p->data + off, fc_captured_from(p, off));
    fc_cursor_skip(&c, 2); /* packet type */
    uint16_t hatype = fc_get_be16(&c);
    uint16_t halen = fc_get_be16(&c);
    const uint8_t *addr = fc_cursor_take(&c, 8);
    uint16_t proto = fc_get_be16(&c);
    if (c.short_read) {
        fc_count(cnt, FC_CNT_SLL_TOO_SHORT);
        return FC_VERDICT_MALFORMED;
    }
    sll_take_mac(p, hatype, (uint8_t)halen, addr);
    return sll_payload(cnt, p, proto, off + 16, depth);
}

enum fc_verdict fc_decode_sll2(struct fc_counters *cnt, struct fc_packet *p, uint32_t off,
                               unsigned depth)
{
    struct fc_cursor c = fc_cursor_make(p->data + off, fc_captured_from(p, off));
    uint16_t proto = fc_get_be16(&c);
    fc_cursor_skip(&c, 6); /* reserved, interface index */
    uint16_t hatype = fc_get_be16(&c);
    fc_cursor_skip(&c, 1); /* packet type */
    uint8_t halen = fc_get_u8(&c);
    const uint8_t *addr = fc_cursor_take(&c, 8);
    if (c.short_read) {
        fc_count(cnt, FC_CNT_SLL_TOO_SHORT);
        return FC_VERDICT_MALFORMED;
    }
    sll_take_mac(p, hatype, halen, addr);
    return sll_payload(cnt, p, proto, off + 20, depth);
}

/* AF_INET is 2 everywhere; AF_INET6 differs: 10 Linux, 23 Windows,
 * 24 NetBSD/OpenBSD, 28 FreeBSD, 30 macOS. */
static bool is_af_inet6(uint32_t family)
{
    return family == 10 || family == 23 || family == 24 || family == 28 || family == 30;
}

enum fc_verdict fc_decode_null(struct fc_counters *cnt, struct fc_packet *p, uint32_t off,
                               unsigned depth)
{
    struct fc_cursor c = fc_cursor_make(p->data + off, fc_captured_from(p, off));
    uint32_t family = fc_get_be32(&c);
    if (c.short_read) {
        fc_count(cnt, FC_CNT_NULL_TOO_SHORT);
        return FC_VERDICT_MALFORMED;
    }
    /* DLT_NULL stores the family in the capturing host's byte order, which
     * the file does not record; families are small, so a value with high
     * bits set was written little-endian. */
    if (family & 0xffff0000u)
        family = (family >> 24) | ((family >> 8) & 0xff00u);
    if (family == 2)
        return fc_decode_ipv4(cnt, p, off + 4, depth + 1);
    if (is_af_inet6(family))
        return fc_decode_ipv6(cnt, p, off + 4, depth + 1);
    fc_count(cnt, FC_CNT_NULL_UNKNOWN_FAMILY);
    return FC_VERDICT_NOT_IP;
}

enum fc_verdict fc_decode_raw(struct fc_counters *cnt, struct fc_packet *p, uint32_t off,
                              unsigned depth)
{
    struct fc_cursor c = fc_cursor_make(p->data + off, fc_captured_from(p, off));
    uint8_t first = fc_get_u8(&c);
    if (c.short_read) {
        fc_count(cnt, FC_CNT_IPV4_TOO_SHORT);
        return FC_VERDICT_MALFORMED;
    }
    if (first >> 4 == 4)
        return fc_decode_ipv4(cnt, p, off, depth + 1);
    if (first >> 4 == 6)
        return fc_decode_ipv6(cnt, p, off, depth + 1);
    fc_count(cnt, FC_CNT_RAW_NOT_IP);
    return FC_VERDICT_MALFORMED;
}
