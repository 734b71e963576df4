/* A flow's tunnel layers as record items: see tunnel-info.h. */
#include "core/tunnel-info.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include "core/community-id.h"

void fc_tunnel_items_make(const struct fc_packet *p, struct fc_tunnel_item *items)
{
    for (unsigned i = 0; i < p->tun.count; i++) {
        const struct fc_tunnel_layer *l = &p->tun.layer[i];
        items[i].layer = *l;
        int family = l->ip_version == 4 ? AF_INET : AF_INET6;
        inet_ntop(family, l->src, items[i].src_ip, sizeof items[i].src_ip);
        inet_ntop(family, l->dst, items[i].dst_ip, sizeof items[i].dst_ip);
        struct fc_community_tuple t = {
            .src = l->src,
            .dst = l->dst,
            .addr_len = l->ip_version == 4 ? 4 : 16,
            .proto = l->proto,
            .has_ports = l->proto == FC_PROTO_UDP,
            .sport = l->sport,
            .dport = l->dport,
        };
        fc_community_id(&t, 0, items[i].community_id);
    }
}
