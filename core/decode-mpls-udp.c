/*
 * MPLS over UDP (RFC 7510): the UDP payload is an MPLS label stack,
 * decoded by decode-mpls.c.
 */
#include "core/decap.h"

bool fc_parse_mpls_udp(struct fc_counters *cnt, const struct fc_packet *p, uint32_t off,
                       uint32_t len, struct fc_tunnel_layer *layer,
                       struct fc_tunnel_inner *inner)
{
    (void)p;
    (void)layer;
    if (len < 4) {
        fc_count(cnt, FC_CNT_TUNNEL_HEADER_SHORT);
        return false;
    }
    inner->kind = FC_INNER_ETHERTYPE;
    inner->ethertype = 0x8847;
    inner->off = off;
    return true;
}
