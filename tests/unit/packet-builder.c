/* Test packet construction: see packet-builder.h. */
#include "packet-builder.h"

#include <arpa/inet.h>
#include <string.h>

void pb_init(struct pb *b)
{
    memset(b, 0, sizeof *b);
}

void pb_u8(struct pb *b, uint8_t v)
{
    b->buf[b->len++] = v;
}

void pb_be16(struct pb *b, uint16_t v)
{
    pb_u8(b, (uint8_t)(v >> 8));
    pb_u8(b, (uint8_t)v);
}

void pb_be32(struct pb *b, uint32_t v)
{
    pb_be16(b, (uint16_t)(v >> 16));
    pb_be16(b, (uint16_t)v);
}

void pb_zeros(struct pb *b, size_t n)
{
    memset(b->buf + b->len, 0, n);
    b->len += n;
}

static void mac(struct pb *b, uint8_t last)
{
    const uint8_t m[6] = { 2, 0, 0, 0, 0, last };
    memcpy(b->buf + b->len, m, 6);
    b->len += 6;
}

void pb_ether(struct pb *b, uint8_t src_last, uint8_t dst_last, uint16_t type)
{
    mac(b, dst_last);
    mac(b, src_last);
    pb_be16(b, type);
}

void pb_vlan(struct pb *b, uint16_t vid, uint16_t next_type)
{
    pb_be16(b, vid & 0x0fff);
    pb_be16(b, next_type);
}

static void addr(struct pb *b, int family, const char *text)
{
    size_t n = family == AF_INET ? 4 : 16;
    inet_pton(family, text, b->buf + b->len);
    b->len += n;
}

void pb_ipv4_frag(struct pb *b, const char *src, const char *dst, uint8_t proto, uint16_t id,
                  uint16_t offset_bytes, int more)
{
    b->ip_start = b->len;
    b->ip_version = 4;
    pb_u8(b, 0x45);
    pb_u8(b, 0);
    pb_be16(b, 0); /* total length: pb_ip_end */
    pb_be16(b, id);
    pb_be16(b, (uint16_t)((more ? 0x2000 : 0) | offset_bytes / 8));
    pb_u8(b, 64);
    pb_u8(b, proto);
    pb_be16(b, 0);
    addr(b, AF_INET, src);
    addr(b, AF_INET, dst);
}

void pb_ipv4(struct pb *b, const char *src, const char *dst, uint8_t proto, uint8_t ttl)
{
    pb_ipv4_frag(b, src, dst, proto, 1, 0, 0);
    b->buf[b->ip_start + 8] = ttl;
}

void pb_ipv6(struct pb *b, const char *src, const char *dst, uint8_t next, uint8_t hlim)
{
    b->ip_start = b->len;
    b->ip_version = 6;
    pb_be32(b, 0x60000000u);
    pb_be16(b, 0); /* payload length: pb_ip_end */
    pb_u8(b, next);
    pb_u8(b, hlim);
    addr(b, AF_INET6, src);
    addr(b, AF_INET6, dst);
}

void pb_tcp(struct pb *b, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
            uint8_t flags, uint16_t window)
{
    pb_be16(b, sport);
    pb_be16(b, dport);
    pb_be32(b, seq);
    pb_be32(b, ack);
    pb_u8(b, 5 << 4);
    pb_u8(b, flags);
    pb_be16(b, window);
    pb_be32(b, 0);
}

void pb_tcp_syn(struct pb *b, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
                uint8_t flags, uint16_t window, uint16_t mss, uint8_t wscale)
{
    pb_tcp(b, sport, dport, seq, ack, flags, window);
    b->buf[b->len - 8] = 8 << 4; /* 32 bytes of header */
    pb_u8(b, 2);                 /* MSS */
    pb_u8(b, 4);
    pb_be16(b, mss);
    pb_u8(b, 1); /* NOP */
    pb_u8(b, 3); /* window scale */
    pb_u8(b, 3);
    pb_u8(b, wscale);
    pb_u8(b, 4); /* SACK permitted */
    pb_u8(b, 2);
    pb_u8(b, 0); /* end of options, padding */
    pb_u8(b, 0);
}

void pb_udp(struct pb *b, uint16_t sport, uint16_t dport, uint16_t payload)
{
    pb_be16(b, sport);
    pb_be16(b, dport);
    pb_be16(b, (uint16_t)(8 + payload));
    pb_be16(b, 0);
    pb_zeros(b, payload);
}

void pb_ip_end(struct pb *b)
{
    size_t total = b->len - b->ip_start;
    size_t at = b->ip_start + (b->ip_version == 4 ? 2 : 4);
    size_t value = b->ip_version == 4 ? total : total - 40;
    b->buf[at] = (uint8_t)(value >> 8);
    b->buf[at + 1] = (uint8_t)value;
}

struct fc_packet pb_packet(const struct pb *b, fc_time ts, uint32_t linktype)
{
    struct fc_packet p = { 0 };
    p.ts = ts;
    p.data = b->buf;
    p.caplen = p.wirelen = (uint32_t)b->len;
    p.linktype = linktype;
    return p;
}
