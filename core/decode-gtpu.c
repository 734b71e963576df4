/*
 * GTP-U, the user plane of mobile cores (3GPP TS 29.281): G-PDU messages
 * carry the subscriber's IP packets; echo, error indication and end
 * marker messages carry none and stay in the outer UDP flow. The TEID is
 * the tunnel's id; each end chooses the TEID it receives on, so the two
 * directions of one bearer carry different TEIDs.
 *
 *   | Ver(3) |PT| * |E|S|PN|  Message Type  |        Length          |
 *   |                 Tunnel Endpoint Identifier                     |
 *   | Sequence Number (opt.)  | N-PDU (opt.) | Next Ext. Type (opt.) |  E, S or PN
 *   extension headers: | Length (4-byte units) | contents | Next Ext. Type |
 */
#include "core/cursor.h"
#include "core/decap.h"

#define GTP_VERSION_1 1u
#define GTP_PT 0x10u
#define GTP_E 0x04u
#define GTP_S 0x02u
#define GTP_PN 0x01u
#define GTP_G_PDU 0xffu

static bool header_short(struct fc_counters *cnt)
{
    fc_count(cnt, FC_CNT_TUNNEL_HEADER_SHORT);
    return false;
}

bool fc_parse_gtpu(struct fc_counters *cnt, const struct fc_packet *p, uint32_t off,
                   uint32_t len, struct fc_tunnel_layer *layer, struct fc_tunnel_inner *inner)
{
    struct fc_cursor c = fc_cursor_make(p->data + off, len);
    uint8_t flags = fc_get_u8(&c);
    uint8_t type = fc_get_u8(&c);
    fc_cursor_skip(&c, 2); /* length */
    uint32_t teid = fc_get_be32(&c);
    if (c.short_read)
        return header_short(cnt);
    if (flags >> 5 != GTP_VERSION_1 || !(flags & GTP_PT)) {
        fc_count(cnt, FC_CNT_TUNNEL_NOT_HEADER);
        return false;
    }
    if (type != GTP_G_PDU) {
        fc_count(cnt, FC_CNT_TUNNEL_GTPU_SIGNALLING);
        return false;
    }
    if (flags & (GTP_E | GTP_S | GTP_PN)) {
        fc_cursor_skip(&c, 3); /* sequence number, N-PDU number */
        uint8_t next = fc_get_u8(&c);
        if (!(flags & GTP_E))
            next = 0; /* the field is there, but not meaningful */
        while (next != 0 && !c.short_read) {
            uint32_t ext_len = fc_get_u8(&c) * 4u;
            if (ext_len == 0) {
                fc_count(cnt, FC_CNT_TUNNEL_NOT_HEADER);
                return false;
            }
            fc_cursor_skip(&c, ext_len - 2);
            next = fc_get_u8(&c);
        }
        if (c.short_read)
            return header_short(cnt);
    }
    layer->has_id = 1;
    layer->id = teid;
    inner->kind = FC_INNER_IP;
    inner->off = off + (len - (uint32_t)fc_cursor_left(&c));
    return true;
}
