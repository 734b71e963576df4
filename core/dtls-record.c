/* DTLS records and handshake messages: see dtls-record.h. */
#include "core/dtls-record.h"

#include <string.h>

#include "core/cursor.h"

#define CONTENT_HANDSHAKE 22
#define CLIENT_HELLO 1

bool fc_dtls_probe(const uint8_t *p, size_t len)
{
    struct fc_cursor c = fc_cursor_make(p, len);
    uint8_t type = fc_get_u8(&c);
    uint16_t version = fc_get_be16(&c);
    uint16_t epoch = fc_get_be16(&c);
    fc_cursor_skip(&c, 6); /* sequence number */
    uint16_t length = fc_get_be16(&c);
    uint8_t msg_type = fc_get_u8(&c);
    return !c.short_read && type == CONTENT_HANDSHAKE && fc_dtls_is_version(version) &&
           epoch == 0 && length >= FC_DTLS_HANDSHAKE_HEADER && msg_type == CLIENT_HELLO;
}

static void put24(uint8_t *p, size_t v)
{
    p[0] = (uint8_t)(v >> 16);
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)v;
}

/* A whole message in TLS form into out (room for len + 4 bytes); its
 * length, or 0 when a ClientHello's fields run past the body. */
static size_t to_tls(uint8_t type, const uint8_t *body, size_t len, uint8_t *out)
{
    out[0] = type;
    if (type != CLIENT_HELLO) {
        put24(out + 1, len);
        memcpy(out + 4, body, len);
        return len + 4;
    }
    /* client_version, random, session_id, then the cookie DTLS adds. */
    struct fc_cursor c = fc_cursor_make(body, len);
    fc_cursor_skip(&c, 2 + 32);
    fc_cursor_skip(&c, fc_get_u8(&c));
    size_t before = (size_t)(c.p - body);
    fc_cursor_skip(&c, fc_get_u8(&c));
    if (c.short_read)
        return 0;
    size_t after = (size_t)(c.p - body);
    memcpy(out + 4, body, before);
    memcpy(out + 4 + before, body + after, len - after);
    size_t n = before + len - after;
    put24(out + 1, n);
    return n + 4;
}

static void handshake_record(struct fc_cursor *rec, fc_dtls_msg_fn fn, void *arg,
                             struct fc_dtls_counts *n)
{
    /* 2^14 bytes of plaintext at most in a record (RFC 6347 4.1.1), and
     * room for a generous expansion: no message in one record is larger. */
    static _Thread_local uint8_t out[16384 + 2048 + 4];
    while (fc_cursor_left(rec) > 0) {
        uint8_t type = fc_get_u8(rec);
        uint32_t length = (uint32_t)fc_get_be16(rec) << 8;
        length |= fc_get_u8(rec);
        fc_cursor_skip(rec, 2); /* message_seq */
        uint32_t offset = (uint32_t)fc_get_be16(rec) << 8;
        offset |= fc_get_u8(rec);
        uint32_t frag = (uint32_t)fc_get_be16(rec) << 8;
        frag |= fc_get_u8(rec);
        const uint8_t *body = fc_cursor_take(rec, frag);
        if (!body || rec->short_read) {
            n->bad++;
            return;
        }
        if (offset != 0 || frag != length) {
            n->fragmented++;
            continue;
        }
        size_t m = frag + 4 <= sizeof out ? to_tls(type, body, frag, out) : 0;
        if (m == 0) {
            n->bad++;
            continue;
        }
        n->messages++;
        fn(arg, out, m);
    }
}

void fc_dtls_datagram(const uint8_t *p, size_t len, fc_dtls_msg_fn fn, void *arg,
                      struct fc_dtls_counts *n)
{
    struct fc_cursor c = fc_cursor_make(p, len);
    while (fc_cursor_left(&c) >= FC_DTLS_RECORD_HEADER) {
        uint8_t type = fc_get_u8(&c);
        uint16_t version = fc_get_be16(&c);
        uint16_t epoch = fc_get_be16(&c);
        fc_cursor_skip(&c, 6);
        uint16_t length = fc_get_be16(&c);
        const uint8_t *body = fc_cursor_take(&c, length);
        if (!body || (type & 0xe0) == 0x20 || !fc_dtls_is_version(version)) {
            if (!body || !fc_dtls_is_version(version))
                n->bad++;
            return; /* a unified header (DTLS 1.3) or damage: the rest is not clear text */
        }
        if (type != CONTENT_HANDSHAKE || epoch != 0)
            continue;
        struct fc_cursor rec = fc_cursor_make(body, length);
        handshake_record(&rec, fn, arg, n);
    }
}
