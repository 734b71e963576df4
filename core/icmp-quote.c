/* The packet an ICMP error quotes: see icmp-quote.h. */
#include "core/icmp-quote.h"

#include <string.h>

#include "core/cursor.h"
#include "core/decode.h"
#include "core/icmp-names.h"
#include "core/limits.h"
#include "core/packet.h"

/* The IPv4 header; false when it is not one. Leaves c at its payload. */
static bool read_ipv4(struct fc_cursor *c, struct fc_icmp_quote *q, bool *first_fragment)
{
    const uint8_t *h = fc_cursor_take(c, 20);
    if (!h || h[0] >> 4 != 4 || (h[0] & 0x0f) < 5)
        return false;
    fc_cursor_skip(c, (size_t)((h[0] & 0x0f) - 5) * 4); /* options */
    q->ip_version = 4;
    q->proto = h[9];
    memcpy(q->src, h + 12, 4);
    memcpy(q->dst, h + 16, 4);
    *first_fragment = ((h[6] & 0x1f) << 8 | h[7]) == 0;
    return true;
}

/* The IPv6 header and its extension headers up to the transport. */
static bool read_ipv6(struct fc_cursor *c, struct fc_icmp_quote *q, bool *first_fragment)
{
    const uint8_t *h = fc_cursor_take(c, 40);
    if (!h || h[0] >> 4 != 6)
        return false;
    q->ip_version = 6;
    memcpy(q->src, h + 8, 16);
    memcpy(q->dst, h + 24, 16);
    uint8_t next = h[6];
    *first_fragment = true;
    for (unsigned i = 0; i < FC_MAX_IPV6_EXT && !c->short_read; i++) {
        if (next != 0 && next != 43 && next != 44 && next != 51 && next != 60)
            break;
        const uint8_t *e = fc_cursor_take(c, 2);
        if (!e)
            break;
        size_t len = next == 44 ? 8 : next == 51 ? ((size_t)e[1] + 2) * 4 : ((size_t)e[1] + 1) * 8;
        const uint8_t *rest = fc_cursor_take(c, len - 2);
        if (next == 44 && rest)
            *first_fragment = ((rest[0] << 8 | rest[1]) & 0xfff8) == 0;
        next = e[0];
    }
    q->proto = next;
    return true;
}

bool fc_icmp_quote_read(bool v6, const uint8_t *msg, size_t len, struct fc_icmp_quote *q)
{
    memset(q, 0, sizeof *q);
    struct fc_cursor c = fc_cursor_make(msg, len);
    uint8_t type = fc_get_u8(&c);
    fc_cursor_skip(&c, 7); /* code, checksum, the rest of the header */
    if (c.short_read || !fc_icmp_is_error(v6, type))
        return false;
    bool first_fragment;
    if (!(v6 ? read_ipv6(&c, q, &first_fragment) : read_ipv4(&c, q, &first_fragment)))
        return false;
    if (c.short_read || !first_fragment)
        return true; /* the addresses, without ports */
    uint8_t p = q->proto;
    if (p == FC_PROTO_TCP || p == FC_PROTO_UDP || p == FC_PROTO_SCTP) {
        q->sport = fc_get_be16(&c);
        q->dport = fc_get_be16(&c);
        q->has_ports = !c.short_read;
    } else if (p == FC_PROTO_ICMP || p == FC_PROTO_ICMP6) {
        uint8_t t = fc_get_u8(&c), code = fc_get_u8(&c);
        if (!c.short_read) {
            fc_icmp_ports(p == FC_PROTO_ICMP6, t, code, &q->sport, &q->dport, &q->one_way);
            q->has_ports = true;
        }
    }
    return true;
}
