/*
 * IPsec Authentication Header (RFC 4302), in IPv4 and in the IPv6 chain.
 * AH authenticates but does not hide its payload, so the flow is keyed on
 * the protocol it protects, as Wireshark and Suricata decode it.
 *
 *   | next header | payload len |          reserved           |
 *   |                Security Parameters Index                  |
 *   |                   sequence number                         |
 *   |             integrity check value (variable)              |
 */
#include "core/cursor.h"
#include "core/ip-common.h"

enum fc_verdict fc_skip_ah(struct fc_counters *cnt, struct fc_packet *p)
{
    struct fc_pkt_ip *ip = &p->ip;
    struct fc_cursor c = fc_cursor_make(p->data + ip->l4_off, fc_captured_from(p, ip->l4_off));
    uint8_t next = fc_get_u8(&c);
    uint32_t ah_len = (fc_get_u8(&c) + 2u) * 4u; /* RFC 4302 2.2: in 32-bit words, minus 2 */
    if (c.short_read || ah_len > ip->l4_len || fc_captured_from(p, ip->l4_off) < ah_len) {
        fc_count(cnt, FC_CNT_AH_TRUNCATED);
        return FC_VERDICT_MALFORMED;
    }
    ip->proto = next;
    ip->l4_off += ah_len;
    ip->l4_len -= ah_len;
    return FC_VERDICT_IP;
}
