/*
 * Geneve (RFC 8926): an 8-byte header and variable options (skipped)
 * before a packet named by its protocol type, usually Ethernet. The VNI is
 * the tunnel's id.
 *
 *   |Ver|  Opt Len  |O|C|    Rsvd.  |          Protocol Type        |
 *   |        Virtual Network Identifier (VNI)       |    Reserved   |
 *   |                    Variable-Length Options                    |
 */
#include "core/cursor.h"
#include "core/decap.h"

#define GENEVE_PROTO_TEB 0x6558u

bool fc_parse_geneve(struct fc_counters *cnt, const struct fc_packet *p, uint32_t off,
                     uint32_t len, struct fc_tunnel_layer *layer, struct fc_tunnel_inner *inner)
{
    struct fc_cursor c = fc_cursor_make(p->data + off, len);
    uint8_t ver_optlen = fc_get_u8(&c);
    fc_cursor_skip(&c, 1);
    uint16_t proto = fc_get_be16(&c);
    uint32_t vni = fc_get_be32(&c) >> 8;
    uint32_t hlen = 8u + (ver_optlen & 0x3fu) * 4u;
    if (c.short_read || len < hlen) {
        fc_count(cnt, FC_CNT_TUNNEL_HEADER_SHORT);
        return false;
    }
    if (ver_optlen >> 6 != 0) {
        fc_count(cnt, FC_CNT_TUNNEL_NOT_HEADER);
        return false;
    }
    layer->has_id = layer->id_in_key = 1;
    layer->id = vni;
    inner->off = off + hlen;
    if (proto == GENEVE_PROTO_TEB) {
        inner->kind = FC_INNER_ETHER;
    } else {
        inner->kind = FC_INNER_ETHERTYPE;
        inner->ethertype = proto;
    }
    return true;
}
