/*
 * ERSPAN, Cisco's mirrored-traffic encapsulation in GRE
 * (draft-foschiano-erspan-03). Type II (GRE 0x88be with a sequence
 * number) has an 8-byte header, type III (0x22eb) a 12-byte one and an
 * optional 8-byte platform-specific subheader; both carry the mirrored
 * Ethernet frame. The session id is the tunnel's id.
 *
 *   II:  | Ver(4) | VLAN(12) | COS(3) En(2) T(1) | Session ID(10) |
 *        | Reserved(12)      | Index(20)                           |
 *   III: | Ver(4) | VLAN(12) | COS(3) BSO(2) T(1) | Session ID(10) |
 *        | Timestamp(32)                                           |
 *        | SGT(16)           | P FT(5) HW ID(6) D Gra(2) O         |
 */
#include "core/cursor.h"
#include "core/decap.h"

#define ERSPAN_II_LEN 8u
#define ERSPAN_III_LEN 12u
#define ERSPAN_III_PLATFORM_LEN 8u
#define ERSPAN_III_O 0x0001u /* a platform-specific subheader follows */
#define ERSPAN_SESSION 0x03ffu

bool fc_parse_erspan(struct fc_counters *cnt, const struct fc_packet *p, uint32_t off,
                     uint32_t len, uint16_t gre_proto, struct fc_tunnel_layer *layer,
                     struct fc_tunnel_inner *inner)
{
    struct fc_cursor c = fc_cursor_make(p->data + off, len);
    uint16_t ver_vlan = fc_get_be16(&c);
    uint16_t session = fc_get_be16(&c);
    bool type3 = gre_proto == 0x22ebu;
    uint32_t hlen = type3 ? ERSPAN_III_LEN : ERSPAN_II_LEN;
    uint16_t last = 0;
    if (type3) {
        fc_cursor_skip(&c, 4 + 2); /* timestamp, security group tag */
        last = fc_get_be16(&c);
    } else {
        fc_cursor_skip(&c, 4); /* reserved, index */
    }
    if (c.short_read) {
        fc_count(cnt, FC_CNT_TUNNEL_HEADER_SHORT);
        return false;
    }
    unsigned version = ver_vlan >> 12;
    if (version != (type3 ? 2u : 1u)) {
        fc_count(cnt, FC_CNT_TUNNEL_ERSPAN_BAD_VERSION);
        return false;
    }
    if (type3 && (last & ERSPAN_III_O)) {
        if (len < hlen + ERSPAN_III_PLATFORM_LEN) {
            fc_count(cnt, FC_CNT_TUNNEL_HEADER_SHORT);
            return false;
        }
        hlen += ERSPAN_III_PLATFORM_LEN;
    }
    layer->type = FC_TUNNEL_ERSPAN;
    layer->has_id = 1;
    layer->id_in_key = 1;
    layer->id = session & ERSPAN_SESSION;
    inner->kind = FC_INNER_ETHER;
    inner->off = off + hlen;
    return true;
}
