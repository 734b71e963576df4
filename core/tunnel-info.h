/*
 * The tunnel layers of a flow record (the `tunnel` section): the layers
 * around the flow's first packet, outermost first, each with the Community
 * ID of its outer flow so that the record joins the outer flow's record
 * (written with --tunnel-flows) and other tools' logs of it.
 */
#ifndef FC_CORE_TUNNEL_INFO_H
#define FC_CORE_TUNNEL_INFO_H

#include "core/flow.h"

struct fc_tunnel_item {
    struct fc_tunnel_layer layer;
    char src_ip[46]; /* the outer addresses as text, as the record's */
    char dst_ip[46];
    char community_id[FC_COMMUNITY_ID_LEN + 1];
};

/* The items of p's tunnel layers, into items[0..p->tun.count). */
void fc_tunnel_items_make(const struct fc_packet *p, struct fc_tunnel_item *items);

#endif
