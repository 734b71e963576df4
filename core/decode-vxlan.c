/*
 * VXLAN (RFC 7348): an 8-byte header before an Ethernet frame, and
 * VXLAN-GPE (draft-ietf-nvo3-vxlan-gpe, UDP 4790), whose P flag announces a
 * next-protocol byte (1 IPv4, 2 IPv6, 3 Ethernet; 4 NSH is not followed).
 * The VNI names the tenant's segment and is the tunnel's id.
 *
 *   |R|R|R|R|I|P|R|O|    Reserved                   | Next Protocol |  (GPE: P)
 *   |     VXLAN Network Identifier (VNI)          |  Reserved   |
 */
#include "core/cursor.h"
#include "core/decap.h"

#define VXLAN_I 0x08u /* the VNI is valid: must be set (RFC 7348 5) */
#define VXLAN_GPE_P 0x04u /* a next-protocol byte is present */

/* The next-protocol byte of VXLAN-GPE, as an inner packet kind. */
static bool gpe_inner(uint8_t next, struct fc_tunnel_inner *inner)
{
    switch (next) {
    case 1:
        inner->kind = FC_INNER_ETHERTYPE;
        inner->ethertype = 0x0800;
        return true;
    case 2:
        inner->kind = FC_INNER_ETHERTYPE;
        inner->ethertype = 0x86dd;
        return true;
    case 3:
        inner->kind = FC_INNER_ETHER;
        return true;
    default:
        return false;
    }
}

static bool parse(struct fc_counters *cnt, const struct fc_packet *p, uint32_t off, uint32_t len,
                  bool gpe, struct fc_tunnel_layer *layer, struct fc_tunnel_inner *inner)
{
    struct fc_cursor c = fc_cursor_make(p->data + off, len);
    uint8_t flags = fc_get_u8(&c);
    fc_cursor_skip(&c, 2);
    uint8_t next = fc_get_u8(&c);
    uint32_t vni = fc_get_be32(&c) >> 8;
    if (c.short_read) {
        fc_count(cnt, FC_CNT_TUNNEL_HEADER_SHORT);
        return false;
    }
    if (!(flags & VXLAN_I)) {
        fc_count(cnt, FC_CNT_TUNNEL_NOT_HEADER);
        return false;
    }
    inner->kind = FC_INNER_ETHER;
    if (gpe && (flags & VXLAN_GPE_P) && !gpe_inner(next, inner)) {
        fc_count(cnt, FC_CNT_TUNNEL_NOT_HEADER);
        return false;
    }
    layer->has_id = layer->id_in_key = 1;
    layer->id = vni;
    inner->off = off + 8;
    return true;
}

bool fc_parse_vxlan(struct fc_counters *cnt, const struct fc_packet *p, uint32_t off,
                    uint32_t len, struct fc_tunnel_layer *layer, struct fc_tunnel_inner *inner)
{
    return parse(cnt, p, off, len, false, layer, inner);
}

bool fc_parse_vxlan_gpe(struct fc_counters *cnt, const struct fc_packet *p, uint32_t off,
                        uint32_t len, struct fc_tunnel_layer *layer,
                        struct fc_tunnel_inner *inner)
{
    return parse(cnt, p, off, len, true, layer, inner);
}
