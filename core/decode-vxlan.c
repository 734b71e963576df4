/*
 * VXLAN (RFC 7348): an 8-byte header before an Ethernet frame. The VNI
 * names the tenant's segment and is the tunnel's id.
 *
 *   |R|R|R|R|I|R|R|R|            Reserved                       |
 *   |     VXLAN Network Identifier (VNI)          |  Reserved   |
 */
#include "core/cursor.h"
#include "core/decap.h"

#define VXLAN_I 0x08u /* the VNI is valid: must be set (RFC 7348 5) */

bool fc_parse_vxlan(struct fc_counters *cnt, const struct fc_packet *p, uint32_t off,
                    uint32_t len, struct fc_tunnel_layer *layer, struct fc_tunnel_inner *inner)
{
    struct fc_cursor c = fc_cursor_make(p->data + off, len);
    uint8_t flags = fc_get_u8(&c);
    fc_cursor_skip(&c, 3);
    uint32_t vni = fc_get_be32(&c) >> 8;
    if (c.short_read) {
        fc_count(cnt, FC_CNT_TUNNEL_HEADER_SHORT);
        return false;
    }
    if (!(flags & VXLAN_I)) {
        fc_count(cnt, FC_CNT_TUNNEL_NOT_HEADER);
        return false;
    }
    layer->has_id = layer->id_in_key = 1;
    layer->id = vni;
    inner->kind = FC_INNER_ETHER;
    inner->off = off + 8;
    return true;
}
