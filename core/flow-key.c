/*
 * Canonical flow keys: the (address, port) pair that sorts lower is
 * endpoint 0, so a packet and its reply build the same key (Suricata's
 * FlowGetHash orders them the same way). The hash has no random seed:
 * nothing in the output may depend on it, and runs must be reproducible.
 */
#include <string.h>

#include "core/flow.h"

void fc_flow_key_make(const struct fc_packet *p, bool vlan_in_key, struct fc_flow_key *k,
                      uint8_t *sender_end)
{
    memset(k, 0, sizeof *k);
    k->ip_version = p->ip.version;
    k->proto = p->ip.proto;
    k->has_ports = p->l4.has_ports;
    k->tunnel[0] = (uint32_t)(p->tun.key >> 32);
    k->tunnel[1] = (uint32_t)p->tun.key;
    if (vlan_in_key) {
        k->vlan_count = p->l2.vlan_tags < FC_VLAN_KEY_DEPTH ? p->l2.vlan_tags : FC_VLAN_KEY_DEPTH;
        memcpy(k->vlan, p->l2.vlan, k->vlan_count * sizeof k->vlan[0]);
    }
    uint16_t sport = p->l4.has_ports ? p->l4.sport : 0;
    uint16_t dport = p->l4.has_ports ? p->l4.dport : 0;
    int cmp = memcmp(p->ip.src, p->ip.dst, 16);
    bool sender_low = cmp < 0 || (cmp == 0 && sport <= dport);
    *sender_end = sender_low ? 0 : 1;
    memcpy(k->addr[*sender_end], p->ip.src, 16);
    memcpy(k->addr[!*sender_end], p->ip.dst, 16);
    k->port[*sender_end] = sport;
    k->port[!*sender_end] = dport;
}

/* 64-bit multiply-xorshift mixing over the key's bytes (the key has no
 * padding: see the static assertion). */
uint64_t fc_flow_key_hash(const struct fc_flow_key *k)
{
    _Static_assert(sizeof(struct fc_flow_key) == 2 * 16 + 2 * 2 + FC_VLAN_KEY_DEPTH * 2 + 4 + 8,
                   "flow key must have no padding bytes");
    const uint8_t *b = (const uint8_t *)k;
    size_t n = sizeof *k;
    uint64_t h = 0x9e3779b97f4a7c15u ^ n;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, b, 8);
        h = (h ^ w) * 0xbf58476d1ce4e5b9u;
        h ^= h >> 31;
        b += 8;
        n -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, b, n);
    h = (h ^ w) * 0x94d049bb133111ebu;
    h ^= h >> 29;
    return h;
}
