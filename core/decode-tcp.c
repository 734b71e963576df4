/*
 * TCP header (RFC 9293) and the options a flow record reports: MSS (2),
 * window scale (3, RFC 7323) and SACK-permitted (4, RFC 2018).
 *
 *   |        source port          |      destination port       |
 *   |                      sequence number                      |
 *   |                   acknowledgment number                   |
 *   | doff | rsvd |    flags     |           window            |
 *   |         checksum            |       urgent pointer        |
 *   |                    options (doff*4 - 20)                  |
 */
#include "core/decode-l4.h"

#define TCPOPT_EOL 0
#define TCPOPT_NOP 1
#define TCPOPT_MSS 2
#define TCPOPT_WSCALE 3
#define TCPOPT_SACK_PERMITTED 4

/* Reads the options present in the capture; a snaplen cut ends them
 * silently, an impossible option length is counted. */
static void parse_options(struct fc_counters *cnt, struct fc_pkt_l4 *l4, struct fc_cursor *c)
{
    while (fc_cursor_left(c) > 0) {
        uint8_t kind = fc_get_u8(c);
        if (kind == TCPOPT_EOL)
            return;
        if (kind == TCPOPT_NOP)
            continue;
        uint8_t len = fc_get_u8(c);
        if (c->short_read)
            return;
        if (len < 2) {
            fc_count(cnt, FC_CNT_TCP_BAD_OPTION);
            return;
        }
        struct fc_cursor opt = fc_cursor_make(c->p, len - 2u);
        if (!fc_cursor_has(c, len - 2u))
            return;
        fc_cursor_skip(c, len - 2u);
        if (kind == TCPOPT_MSS && len == 4) {
            l4->mss = fc_get_be16(&opt);
            l4->has_mss = true;
        } else if (kind == TCPOPT_WSCALE && len == 3) {
            l4->wscale = fc_get_u8(&opt);
            l4->has_wscale = true;
        } else if (kind == TCPOPT_SACK_PERMITTED && len == 2) {
            l4->sack_ok = true;
        }
    }
}

void fc_decode_tcp(struct fc_counters *cnt, struct fc_packet *p, struct fc_cursor *c)
{
    struct fc_pkt_l4 *l4 = &p->l4;
    if (!fc_read_ports(cnt, p, c, FC_CNT_TCP_TOO_SHORT))
        return;
    l4->seq = fc_get_be32(c);
    l4->ack = fc_get_be32(c);
    uint8_t doff = fc_get_u8(c) >> 4;
    l4->tcp_flags = fc_get_u8(c);
    l4->window = fc_get_be16(c);
    fc_cursor_skip(c, 4); /* checksum, urgent pointer */
    if (c->short_read) {
        fc_count(cnt, FC_CNT_TCP_HDR_TRUNCATED);
        l4->tcp_flags = 0;
        l4->payload_len = fc_payload_after(p, 20);
        return;
    }
    uint32_t hdr_len = doff * 4u;
    if (doff < 5 || hdr_len > p->ip.l4_len) {
        fc_count(cnt, FC_CNT_TCP_BAD_DOFF);
        l4->payload_len = fc_payload_after(p, 20);
        return;
    }
    l4->has_tcp_header = true;
    l4->payload_len = p->ip.l4_len - hdr_len;
    l4->payload_off = p->ip.l4_off + hdr_len;
    uint32_t opt_captured = fc_cursor_left(c) < hdr_len - 20 ? fc_cursor_left(c) : hdr_len - 20;
    struct fc_cursor opts = fc_cursor_make(c->p, opt_captured);
    parse_options(cnt, l4, &opts);
}
