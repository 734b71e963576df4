/*
 * Tunnel decapsulation: see decap.h. A tunnel is recognised by the outer
 * IP protocol (4 and 41: IP-in-IP, 47: GRE) or by a UDP port of the
 * configured table, checked on the destination port first (the tunnel's
 * well-known side) and then on the source port.
 */
#include "core/decap.h"

#include <stdio.h>
#include <string.h>

#include "core/cursor.h"
#include "core/decode.h"
#include "core/ip-common.h"

#define ETHERTYPE_IPV4 0x0800u
#define ETHERTYPE_IPV6 0x86ddu

struct tunnel_type {
    const char *name;
    fc_tunnel_parser udp_parser; /* NULL for the types carried directly by IP */
    uint16_t port;               /* its IANA UDP port */
};

static const struct tunnel_type types[FC_TUNNEL_TYPE_COUNT] = {
    [FC_TUNNEL_IP_IN_IP] = { "ip_in_ip", NULL, 0 },
    [FC_TUNNEL_GRE] = { "gre", NULL, 0 },
    [FC_TUNNEL_ERSPAN] = { "erspan", NULL, 0 },
    [FC_TUNNEL_VXLAN] = { "vxlan", fc_parse_vxlan, 4789 },
    [FC_TUNNEL_GENEVE] = { "geneve", fc_parse_geneve, 6081 },
    [FC_TUNNEL_GTPU] = { "gtpu", fc_parse_gtpu, 2152 },
    [FC_TUNNEL_TEREDO] = { "teredo", fc_parse_teredo, 3544 },
    [FC_TUNNEL_MPLS_UDP] = { "mpls_udp", fc_parse_mpls_udp, 6635 },
    [FC_TUNNEL_VXLAN_GPE] = { "vxlan_gpe", fc_parse_vxlan_gpe, 4790 },
};

static const enum fc_counter_id decapsulated[FC_TUNNEL_TYPE_COUNT] = {
    [FC_TUNNEL_IP_IN_IP] = FC_CNT_TUNNEL_IP_IN_IP,
    [FC_TUNNEL_GRE] = FC_CNT_TUNNEL_GRE,
    [FC_TUNNEL_ERSPAN] = FC_CNT_TUNNEL_ERSPAN,
    [FC_TUNNEL_VXLAN] = FC_CNT_TUNNEL_VXLAN,
    [FC_TUNNEL_GENEVE] = FC_CNT_TUNNEL_GENEVE,
    [FC_TUNNEL_GTPU] = FC_CNT_TUNNEL_GTPU,
    [FC_TUNNEL_TEREDO] = FC_CNT_TUNNEL_TEREDO,
    [FC_TUNNEL_MPLS_UDP] = FC_CNT_TUNNEL_MPLS_UDP,
    [FC_TUNNEL_VXLAN_GPE] = FC_CNT_TUNNEL_VXLAN_GPE,
};

void fc_decap_config_default(struct fc_decap_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->max_depth = FC_DEFAULT_TUNNEL_DEPTH;
    for (unsigned t = 0; t < FC_TUNNEL_TYPE_COUNT; t++) {
        if (types[t].port)
            cfg->udp_port_type[types[t].port] = (uint8_t)t;
    }
}

const char *fc_tunnel_type_name(enum fc_tunnel_type t)
{
    return t > FC_TUNNEL_NONE && t < FC_TUNNEL_TYPE_COUNT ? types[t].name : "none";
}

int fc_tunnel_type_by_name(const char *name)
{
    for (unsigned t = FC_TUNNEL_NONE + 1; t < FC_TUNNEL_TYPE_COUNT; t++) {
        if (strcmp(types[t].name, name) == 0)
            return (int)t;
    }
    return -1;
}

bool fc_tunnel_type_is_udp(enum fc_tunnel_type t)
{
    return t > FC_TUNNEL_NONE && t < FC_TUNNEL_TYPE_COUNT && types[t].udp_parser;
}

/* Reads the tunnel header the outer packet carries, if any. */
static bool identify(const struct fc_decap_config *cfg, struct fc_counters *cnt,
                     const struct fc_packet *p, struct fc_tunnel_layer *layer,
                     struct fc_tunnel_inner *inner)
{
    const struct fc_pkt_ip *ip = &p->ip;
    uint32_t captured = fc_captured_from(p, ip->l4_off);
    uint32_t l4_len = captured < ip->l4_len ? captured : ip->l4_len;
    switch (ip->proto) {
    case FC_IPPROTO_IPIP:
    case FC_IPPROTO_IPV6:
        layer->type = FC_TUNNEL_IP_IN_IP;
        inner->kind = FC_INNER_ETHERTYPE;
        inner->ethertype = ip->proto == FC_IPPROTO_IPIP ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6;
        inner->off = ip->l4_off;
        return !cfg->off[FC_TUNNEL_IP_IN_IP];
    case FC_IPPROTO_GRE:
        if (cfg->off[FC_TUNNEL_GRE])
            return false;
        layer->type = FC_TUNNEL_GRE;
        return fc_parse_gre(cnt, p, ip->l4_off, l4_len, layer, inner) &&
               !cfg->off[layer->type];
    case FC_PROTO_UDP: {
        if (!p->l4.has_ports)
            return false;
        uint8_t t = cfg->udp_port_type[p->l4.dport];
        if (!t)
            t = cfg->udp_port_type[p->l4.sport];
        if (!t || cfg->off[t])
            return false;
        uint32_t off = p->l4.payload_off;
        uint32_t left = fc_captured_from(p, off);
        uint32_t len = left < p->l4.payload_len ? left : p->l4.payload_len;
        layer->type = t;
        layer->sport = p->l4.sport;
        layer->dport = p->l4.dport;
        return types[t].udp_parser(cnt, p, off, len, layer, inner);
    }
    default:
        return false;
    }
}

static enum fc_verdict decode_inner(struct fc_counters *cnt, struct fc_packet *p,
                                    const struct fc_tunnel_inner *in)
{
    switch (in->kind) {
    case FC_INNER_ETHERTYPE:
        return fc_decode_ethertype(cnt, p, in->ethertype, in->off, 0);
    case FC_INNER_ETHER:
        return fc_decode_ether(cnt, p, in->off, 0);
    case FC_INNER_PPP:
        return fc_decode_ppp(cnt, p, in->off, 0);
    case FC_INNER_IP:
    default: {
        struct fc_cursor c = fc_cursor_make(p->data + in->off, fc_captured_from(p, in->off));
        uint8_t version = fc_get_u8(&c) >> 4;
        if (!c.short_read && version == 4)
            return fc_decode_ipv4(cnt, p, in->off, 0);
        if (!c.short_read && version == 6)
            return fc_decode_ipv6(cnt, p, in->off, 0);
        return FC_VERDICT_NOT_IP;
    }
    }
}

/* The stack's identity, folded one layer at a time: the type and, where it
 * names the tunnel both ways, the id. Never 0 inside a tunnel. */
static uint64_t fold_key(uint64_t key, const struct fc_tunnel_layer *l)
{
    uint64_t id = l->id_in_key ? (uint64_t)1 << 32 | l->id : 0;
    uint64_t h = (key ^ ((uint64_t)l->type << 40 | id)) * 0x9e3779b97f4a7c15u;
    h ^= h >> 31;
    return h ? h : 1;
}

enum fc_decap_result fc_decap(const struct fc_decap_config *cfg, struct fc_counters *cnt,
                              struct fc_packet *p, struct fc_outer_view *outer)
{
    if (p->ip.fragment || cfg->max_depth == 0)
        return FC_DECAP_NONE;
    struct fc_tunnel_layer layer = { 0 };
    struct fc_tunnel_inner inner = { 0 };
    if (!identify(cfg, cnt, p, &layer, &inner))
        return FC_DECAP_NONE;
    if (p->tun.count >= cfg->max_depth) {
        fc_count(cnt, FC_CNT_TUNNEL_TOO_DEEP);
        p->outer_of = layer.type;
        return FC_DECAP_NONE;
    }
    layer.ip_version = p->ip.version;
    layer.proto = p->ip.proto;
    memcpy(layer.src, p->ip.src, 16);
    memcpy(layer.dst, p->ip.dst, 16);

    /* The outer views, restored when the inside is not an IP packet. */
    struct fc_outer_view saved = { p->l2, p->ip, p->l4, p->tun.key };
    memset(&p->ip, 0, sizeof p->ip);
    memset(&p->l4, 0, sizeof p->l4);
    enum fc_verdict v = decode_inner(cnt, p, &inner);
    if (v != FC_VERDICT_IP) {
        fc_count(cnt, v == FC_VERDICT_NOT_IP ? FC_CNT_TUNNEL_INNER_NOT_IP
                                             : FC_CNT_TUNNEL_INNER_MALFORMED);
        p->l2 = saved.l2;
        p->ip = saved.ip;
        p->l4 = saved.l4;
        p->outer_of = layer.type; /* a tunnel all the same: its flow is the outer one */
        return FC_DECAP_NONE;
    }
    fc_decode_transport(cnt, p);
    p->tun.layer[p->tun.count++] = layer;
    p->tun.key = fold_key(p->tun.key, &layer);
    fc_count(cnt, decapsulated[layer.type]);
    if (outer)
        *outer = saved;
    return FC_DECAP_INNER;
}

/* Calls item() on each comma-separated item of list; stops at the first
 * error. */
static int each_item(struct fc_decap_config *cfg, const char *list,
                     int (*item)(struct fc_decap_config *, const char *, char *, size_t),
                     char *err, size_t errlen)
{
    char buf[64];
    while (*list) {
        size_t n = strcspn(list, ",");
        if (n == 0 || n >= sizeof buf) {
            snprintf(err, errlen, "bad list item near '%.20s'", list);
            return -1;
        }
        memcpy(buf, list, n);
        buf[n] = '\0';
        if (item(cfg, buf, err, errlen) != 0)
            return -1;
        list += n + (list[n] == ',');
    }
    return 0;
}

static int switch_off(struct fc_decap_config *cfg, const char *name, char *err, size_t errlen)
{
    int t = fc_tunnel_type_by_name(name);
    if (t < 0) {
        snprintf(err, errlen, "unknown tunnel type '%s'", name);
        return -1;
    }
    cfg->off[t] = true;
    return 0;
}

static int add_port(struct fc_decap_config *cfg, const char *item, char *err, size_t errlen)
{
    char name[64];
    unsigned port;
    char extra;
    if (sscanf(item, "%63[a-z_]=%u%c", name, &port, &extra) != 2 || port == 0 || port > 65535) {
        snprintf(err, errlen, "'%s' is not TYPE=PORT", item);
        return -1;
    }
    int t = fc_tunnel_type_by_name(name);
    if (t < 0 || !fc_tunnel_type_is_udp((enum fc_tunnel_type)t)) {
        snprintf(err, errlen, "'%s' is not a UDP tunnel type (vxlan, vxlan_gpe, geneve, gtpu, teredo, "
                 "mpls_udp)",
                 name);
        return -1;
    }
    cfg->udp_port_type[port] = (uint8_t)t;
    return 0;
}

int fc_decap_config_switch_off(struct fc_decap_config *cfg, const char *list, char *err,
                               size_t errlen)
{
    return each_item(cfg, list, switch_off, err, errlen);
}

int fc_decap_config_add_ports(struct fc_decap_config *cfg, const char *list, char *err,
                              size_t errlen)
{
    return each_item(cfg, list, add_port, err, errlen);
}
