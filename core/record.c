/*
 * Identities computed when a record is exported: flow_id and community_id.
 *
 * flow_id is the first 96 bits, in hex, of SHA-256 over
 *   "flowcase-flow-v1" | ip_version (1) | proto (1) | has_ports (1) |
 *   vlan_count (1) | vlan ids (2 each, BE) | endpoint 0 address (16) |
 *   endpoint 0 port (2, BE) | endpoint 1 address (16) | endpoint 1 port (2) |
 *   [tunnel identity (8, BE), only inside a tunnel] |
 *   first packet time (8, BE, ns since the epoch) | seq (4, BE) |
 *   [occurrence (4, BE), only when not 0]
 * with endpoints in canonical order (the lower address/port first), so the
 * same flow gets the same id on every run, however the evidence is split,
 * compressed or named, and from any tool that follows this recipe. Two
 * records can share key, first packet time and seq only when the input
 * holds the same packets twice (a capture concatenated with itself); the
 * second such record has occurrence 1, the third 2, and so on, in the
 * order records end. 96 bits keep the chance of any collision among a
 * billion records below 1e-11.
 */
#include <openssl/evp.h>
#include <string.h>

#include "core/community-id.h"
#include "core/decode.h"
#include "core/flow.h"

static size_t put_be(uint8_t *out, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        out[i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
    return bytes;
}

static void make_flow_id(struct fc_flow_record *r, uint32_t occurrence)
{
    static const char domain[] = "flowcase-flow-v1";
    const struct fc_flow_key *k = &r->key;
    uint8_t buf[sizeof domain + 4 + FC_VLAN_KEY_DEPTH * 2 + 2 * 18 + 8 + 16];
    size_t n = 0;
    memcpy(buf, domain, sizeof domain - 1);
    n += sizeof domain - 1;
    buf[n++] = k->ip_version;
    buf[n++] = k->proto;
    buf[n++] = k->has_ports;
    buf[n++] = k->vlan_count;
    for (unsigned i = 0; i < k->vlan_count; i++)
        n += put_be(buf + n, k->vlan[i], 2);
    for (unsigned e = 0; e < 2; e++) {
        memcpy(buf + n, k->addr[e], 16);
        n += 16;
        n += put_be(buf + n, k->port[e], 2);
    }
    if (k->tunnel[0] | k->tunnel[1])
        n += put_be(buf + n, (uint64_t)k->tunnel[0] << 32 | k->tunnel[1], 8);
    n += put_be(buf + n, (uint64_t)r->first_ts, 8);
    n += put_be(buf + n, r->seq, 4);
    if (occurrence)
        n += put_be(buf + n, occurrence, 4);

    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    EVP_Digest(buf, n, digest, &dlen, EVP_sha256(), NULL);
    static const char hex[] = "0123456789abcdef";
    for (unsigned i = 0; i < FC_FLOW_ID_HEX / 2; i++) {
        r->flow_id[2 * i] = hex[digest[i] >> 4];
        r->flow_id[2 * i + 1] = hex[digest[i] & 15];
    }
    r->flow_id[FC_FLOW_ID_HEX] = '\0';
}

static bool protocol_has_ports(uint8_t proto)
{
    return proto == FC_PROTO_TCP || proto == FC_PROTO_UDP || proto == FC_PROTO_SCTP ||
           proto == FC_PROTO_ICMP || proto == FC_PROTO_ICMP6;
}

static void make_community_id(struct fc_flow_record *r)
{
    const struct fc_flow_key *k = &r->key;
    bool ports = protocol_has_ports(k->proto);
    if (ports && !k->has_ports) {
        r->community_id[0] = '\0'; /* the spec has no form without the ports */
        return;
    }
    struct fc_community_tuple t = {
        .src = fc_record_src_addr(r),
        .dst = fc_record_dst_addr(r),
        .addr_len = k->ip_version == 4 ? 4 : 16,
        .proto = k->proto,
        .has_ports = ports,
        .sport = fc_record_src_port(r),
        .dport = fc_record_dst_port(r),
    };
    if (k->proto == FC_PROTO_ICMP || k->proto == FC_PROTO_ICMP6) {
        /* The key holds the mapped ports; the source port is the type. */
        uint16_t sport, dport;
        fc_icmp_ports(k->proto == FC_PROTO_ICMP6, (uint8_t)t.sport, (uint8_t)t.dport, &sport,
                      &dport, &t.one_way);
    }
    fc_community_id(&t, 0, r->community_id);
}

void fc_record_finish(struct fc_flow_record *r, uint32_t occurrence)
{
    make_flow_id(r, occurrence);
    make_community_id(r);
}
