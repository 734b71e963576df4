/*
 * GRE (RFC 2784, with the key and sequence number of RFC 2890) and the
 * enhanced GRE of PPTP (RFC 2637: version 1, key = payload length and call
 * id, optional acknowledgment). The protocol type is an ethertype; ERSPAN
 * (0x88be, 0x22eb) is handed to decode-erspan.c.
 *
 *   |C|R|K|S|s|Recur|A|Flags|Ver|      Protocol Type        |
 *   |    Checksum (optional)      |   Offset (optional)     |  C or R
 *   |                   Key (optional)                      |  K
 *   |              Sequence Number (optional)               |  S
 *   |            Acknowledgment Number (optional)           |  version 1 with A
 *
 * Source routing (R, RFC 1701, deprecated by RFC 2784) is not followed.
 */
#include "core/cursor.h"
#include "core/decap.h"

#define GRE_C 0x8000u
#define GRE_R 0x4000u
#define GRE_K 0x2000u
#define GRE_S 0x1000u
#define GRE_A 0x0080u
#define GRE_VERSION 0x0007u
#define GRE_PROTO_ERSPAN_II 0x88beu
#define GRE_PROTO_ERSPAN_III 0x22ebu
#define GRE_PROTO_TEB 0x6558u   /* transparent Ethernet bridging */
#define GRE_PROTO_PPP 0x880bu

bool fc_parse_gre(struct fc_counters *cnt, const struct fc_packet *p, uint32_t off,
                  uint32_t len, struct fc_tunnel_layer *layer, struct fc_tunnel_inner *inner)
{
    struct fc_cursor c = fc_cursor_make(p->data + off, len);
    uint16_t flags = fc_get_be16(&c);
    uint16_t proto = fc_get_be16(&c);
    unsigned version = flags & GRE_VERSION;
    if (!c.short_read && (version > 1 || (flags & GRE_R) || (version == 1 && !(flags & GRE_K)))) {
        fc_count(cnt, FC_CNT_TUNNEL_GRE_UNSUPPORTED);
        return false;
    }
    if (flags & GRE_C)
        fc_cursor_skip(&c, 4); /* checksum and offset: not verified (offload) */
    if (flags & GRE_K) {
        uint32_t key = fc_get_be32(&c);
        layer->has_id = 1;
        /* PPTP: the peer's call id, which differs in each direction. */
        layer->id = version == 1 ? key & 0xffffu : key;
        layer->id_in_key = version == 0;
    }
    bool has_seq = (flags & GRE_S) != 0;
    if (has_seq)
        fc_cursor_skip(&c, 4);
    if (version == 1 && (flags & GRE_A))
        fc_cursor_skip(&c, 4);
    if (c.short_read) {
        fc_count(cnt, FC_CNT_TUNNEL_HEADER_SHORT);
        return false;
    }
    uint32_t hlen = len - (uint32_t)fc_cursor_left(&c);
    inner->off = off + hlen;
    switch (proto) {
    case GRE_PROTO_ERSPAN_II:
        if (!has_seq) {
            /* ERSPAN type I: no sequence number and no ERSPAN header
             * (tcpdump and Wireshark tell the types apart the same way). */
            layer->type = FC_TUNNEL_ERSPAN;
            inner->kind = FC_INNER_ETHER;
            return true;
        }
        /* fall through */
    case GRE_PROTO_ERSPAN_III:
        return fc_parse_erspan(cnt, p, inner->off, len - hlen, proto, layer, inner);
    case GRE_PROTO_TEB:
        inner->kind = FC_INNER_ETHER;
        return true;
    case GRE_PROTO_PPP:
        inner->kind = FC_INNER_PPP;
        return true;
    default:
        inner->kind = FC_INNER_ETHERTYPE;
        inner->ethertype = proto;
        return true;
    }
}
