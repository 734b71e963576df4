/*
 * MPLS label stacks (RFC 3032). The payload after the bottom-of-stack label
 * is not named by the label; as Wireshark and Zeek do, it is guessed from
 * its first nibble: 4 or 6 is IP, 0 is a pseudowire control word
 * (RFC 4385) followed by an Ethernet frame.
 *
 *   +---------------------+-----+---+----------+
 *   | label (20)          | TC  | S | TTL (8)  |
 *   +---------------------+-----+---+----------+
 */
#include "core/cursor.h"
#include "core/decode.h"

#define MPLS_BOTTOM_OF_STACK 0x100u

enum fc_verdict fc_decode_mpls(struct fc_counters *cnt, struct fc_packet *p, uint32_t off,
                               unsigned depth)
{
    struct fc_cursor c = fc_cursor_make(p->data + off, fc_captured_from(p, off));
    for (;;) {
        uint32_t entry = fc_get_be32(&c);
        if (c.short_read) {
            fc_count(cnt, FC_CNT_MPLS_TOO_SHORT);
            return FC_VERDICT_MALFORMED;
        }
        off += 4;
        if (++p->l2.mpls_labels > FC_MAX_MPLS_LABELS) {
            fc_count(cnt, FC_CNT_MPLS_TOO_DEEP);
            return FC_VERDICT_MALFORMED;
        }
        if (entry & MPLS_BOTTOM_OF_STACK)
            break;
    }
    uint8_t first = fc_get_u8(&c);
    if (c.short_read) {
        fc_count(cnt, FC_CNT_MPLS_TOO_SHORT);
        return FC_VERDICT_MALFORMED;
    }
    switch (first >> 4) {
    case 4:
        return fc_decode_ipv4(cnt, p, off, depth + 1);
    case 6:
        return fc_decode_ipv6(cnt, p, off, depth + 1);
    case 0:
        return fc_decode_ether(cnt, p, off + 4, depth + 1);
    default:
        fc_count(cnt, FC_CNT_MPLS_UNKNOWN_PAYLOAD);
        return FC_VERDICT_NOT_IP;
    }
}
