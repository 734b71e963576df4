/*
 * Teredo (RFC 4380): IPv6 in UDP through NATs. The IPv6 packet may follow
 * an authentication indicator and an origin indication; as Zeek and
 * Wireshark do, a payload is taken for Teredo only when what follows those
 * is a plausible IPv6 header whose length fits the datagram.
 *
 *   authentication: | 0x0001 | ID-len | AU-len | client id | auth | nonce(8) | conf(1) |
 *   origin:         | 0x0000 | obfuscated port (2) | obfuscated address (4) |
 */
#include "core/cursor.h"
#include "core/decap.h"

#define TEREDO_AUTH 0x0001u
#define TEREDO_ORIGIN 0x0000u
#define IPV6_HEADER_LEN 40u

bool fc_parse_teredo(struct fc_counters *cnt, const struct fc_packet *p, uint32_t off,
                     uint32_t len, struct fc_tunnel_layer *layer, struct fc_tunnel_inner *inner)
{
    (void)layer;
    struct fc_cursor c = fc_cursor_make(p->data + off, len);
    struct fc_cursor peek = c;
    if (fc_get_be16(&peek) == TEREDO_AUTH && !peek.short_read) {
        uint8_t id_len = fc_get_u8(&peek);
        uint8_t au_len = fc_get_u8(&peek);
        fc_cursor_skip(&peek, id_len + au_len + 8u + 1u);
        c = peek;
    }
    peek = c;
    if (fc_get_be16(&peek) == TEREDO_ORIGIN && !peek.short_read) {
        fc_cursor_skip(&peek, 6);
        c = peek;
    }
    uint32_t ip_off = (uint32_t)(len - fc_cursor_left(&c));
    uint8_t version = fc_get_u8(&c) >> 4;
    fc_cursor_skip(&c, 3);
    uint32_t payload_len = fc_get_be16(&c);
    if (c.short_read || version != 6 || ip_off + IPV6_HEADER_LEN + payload_len > len) {
        fc_count(cnt, FC_CNT_TUNNEL_NOT_HEADER);
        return false;
    }
    inner->kind = FC_INNER_ETHERTYPE;
    inner->ethertype = 0x86dd;
    inner->off = off + ip_off;
    return true;
}
