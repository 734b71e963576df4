/*
 * Ethernet II and IEEE 802.3 (LLC/SNAP) frames, 802.1Q/802.1ad VLAN tags at
 * any depth, and the ethertype dispatch shared by every link layer that
 * names its payload with an ethertype (SLL, SLL2, MPLS pseudowires ...).
 *
 *   +--------+--------+------+---------    +------+------+------+
 *   | dst(6) | src(6) | type | payload     | TPID | TCI  | type | (802.1Q tag)
 *   +--------+--------+------+---------    +------+------+------+
 */
#include "core/cursor.h"
#include "core/decode.h"

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_VLAN 0x8100   /* 802.1Q */
#define ETHERTYPE_QINQ 0x88a8   /* 802.1ad S-tag */
#define ETHERTYPE_QINQ_OLD1 0x9100 /* pre-standard Q-in-Q TPIDs */
#define ETHERTYPE_QINQ_OLD2 0x9200
#define ETHERTYPE_QINQ_OLD3 0x9300
#define ETHERTYPE_MPLS 0x8847
#define ETHERTYPE_MPLS_MC 0x8848
#define ETHERTYPE_PPPOE_SESSION 0x8864
#define ETHER_MAX_LENGTH_FIELD 1500 /* up to here the field is an 802.3 length */

static bool is_vlan_tpid(uint16_t type)
{
    return type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD1 ||
           type == ETHERTYPE_QINQ_OLD2 || type == ETHERTYPE_QINQ_OLD3;
}

enum fc_verdict fc_decode_ether(struct fc_counters *cnt, struct fc_packet *p, uint32_t off,
                                unsigned depth)
{
    struct fc_cursor c = fc_cursor_make(p->data + off, fc_captured_from(p, off));
    const uint8_t *dst = fc_cursor_take(&c, 6);
    const uint8_t *src = fc_cursor_take(&c, 6);
    uint16_t type = fc_get_be16(&c);
    if (c.short_read) {
        fc_count(cnt, FC_CNT_ETH_TOO_SHORT);
        return FC_VERDICT_MALFORMED;
    }
    /* An inner Ethernet header (pseudowire) does not replace the outer
     * addresses: those are the devices on the capture link. */
    if (!p->l2.has_src_mac) {
        memcpy(p->l2.src_mac, src, 6);
        memcpy(p->l2.dst_mac, dst, 6);
        p->l2.has_src_mac = p->l2.has_dst_mac = true;
    }
    if (type <= ETHER_MAX_LENGTH_FIELD)
        return fc_decode_llc(cnt, p, off + 14, depth);
    return fc_decode_ethertype(cnt, p, type, off + 14, depth);
}

/* 802.2 LLC: only SNAP (AA AA 03, OUI, ethertype) leads to IP. */
enum fc_verdict fc_decode_llc(struct fc_counters *cnt, struct fc_packet *p, uint32_t off,
                              unsigned depth)
{
    struct fc_cursor c = fc_cursor_make(p->data + off, fc_captured_from(p, off));
    uint8_t dsap = fc_get_u8(&c);
    uint8_t ssap = fc_get_u8(&c);
    uint8_t control = fc_get_u8(&c);
    if (c.short_read) {
        fc_count(cnt, FC_CNT_ETH_TOO_SHORT);
        return FC_VERDICT_MALFORMED;
    }
    if (dsap != 0xaa || ssap != 0xaa || control != 0x03) {
        fc_count(cnt, FC_CNT_ETH_LLC);
        return FC_VERDICT_NOT_IP;
    }
    fc_cursor_skip(&c, 3); /* OUI */
    uint16_t type = fc_get_be16(&c);
    if (c.short_read) {
        fc_count(cnt, FC_CNT_ETH_TOO_SHORT);
        return FC_VERDICT_MALFORMED;
    }
    return fc_decode_ethertype(cnt, p, type, off + 8, depth);
}

enum fc_verdict fc_decode_ethertype(struct fc_counters *cnt, struct fc_packet *p,
                                    uint16_t type, uint32_t off, unsigned depth)
{
    if (depth >= FC_MAX_LINK_DEPTH) {
        fc_count(cnt, FC_CNT_LINK_TOO_DEEP);
        return FC_VERDICT_MALFORMED;
    }
    /* Tags loop here rather than recurse: a stack of them is one layer. */
    while (is_vlan_tpid(type)) {
        if (p->l2.vlan_tags >= FC_MAX_VLAN_TAGS) {
            fc_count(cnt, FC_CNT_VLAN_TOO_DEEP);
            return FC_VERDICT_MALFORMED;
        }
        struct fc_cursor c = fc_cursor_make(p->data + off, fc_captured_from(p, off));
        uint16_t tci = fc_get_be16(&c);
        type = fc_get_be16(&c);
        if (c.short_read) {
            fc_count(cnt, FC_CNT_VLAN_TOO_SHORT);
            return FC_VERDICT_MALFORMED;
        }
        if (p->l2.vlan_tags < FC_VLAN_KEY_DEPTH)
            p->l2.vlan[p->l2.vlan_tags] = tci & 0x0fff;
        else if (p->l2.vlan_tags == FC_VLAN_KEY_DEPTH)
            fc_count(cnt, FC_CNT_VLAN_BEYOND_KEY);
        p->l2.vlan_tags++;
        off += 4;
    }
    switch (type) {
    case ETHERTYPE_IPV4:
        return fc_decode_ipv4(cnt, p, off, depth + 1);
    case ETHERTYPE_IPV6:
        return fc_decode_ipv6(cnt, p, off, depth + 1);
    case ETHERTYPE_MPLS:
    case ETHERTYPE_MPLS_MC:
        return fc_decode_mpls(cnt, p, off, depth + 1);
    case ETHERTYPE_PPPOE_SESSION:
        return fc_decode_pppoe(cnt, p, off, depth + 1);
    default:
        fc_histogram_add(&cnt->ethertypes, type, 1);
        fc_count(cnt, FC_CNT_ETH_OTHER_TYPE);
        return FC_VERDICT_NOT_IP;
    }
}
