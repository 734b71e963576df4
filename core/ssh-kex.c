/* The clear-text start of SSH: see ssh-kex.h. */
#include "core/ssh-kex.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An RFC 4251 5 string (uint32 length, bytes) as a span. */
static struct fc_span get_string(struct fc_cursor *c)
{
    uint32_t n = fc_get_be32(c);
    const uint8_t *p = fc_cursor_take(c, n);
    return p ? (struct fc_span){ p, n } : (struct fc_span){ NULL, 0 };
}

bool fc_ssh_kexinit_parse(const uint8_t *payload, size_t len, struct fc_ssh_kexinit *k)
{
    struct fc_cursor c = fc_cursor_make(payload, len);
    if (fc_get_u8(&c) != FC_SSH_MSG_KEXINIT)
        return false;
    fc_cursor_skip(&c, 16); /* cookie */
    for (unsigned i = 0; i < FC_SSH_LIST_COUNT; i++)
        k->lists[i] = get_string(&c);
    fc_cursor_skip(&c, 1 + 4); /* first_kex_packet_follows, reserved */
    return !c.short_read;
}

static void md5_hex(const char *s, size_t n, char out[FC_SSH_MD5_HEX])
{
    uint8_t digest[EVP_MAX_MD_SIZE];
    unsigned dlen = 0;
    EVP_Digest(s, n, digest, &dlen, EVP_md5(), NULL);
    for (unsigned i = 0; i < dlen && i < 16; i++)
        snprintf(out + 2 * i, 3, "%02x", digest[i]);
}

void fc_ssh_hassh(const struct fc_ssh_kexinit *k, bool server, char md5[FC_SSH_MD5_HEX])
{
    /* Four lists of at most 2^32 bytes each could not be joined; a real
     * KEXINIT fits in a packet, so this buffer always holds them. */
    static const unsigned client_lists[] = { FC_SSH_KEX, FC_SSH_ENC_C2S, FC_SSH_MAC_C2S,
                                             FC_SSH_COMP_C2S };
    static const unsigned server_lists[] = { FC_SSH_KEX, FC_SSH_ENC_S2C, FC_SSH_MAC_S2C,
                                             FC_SSH_COMP_S2C };
    const unsigned *which = server ? server_lists : client_lists;
    char text[FC_SSH_PACKET_MAX + 4];
    size_t at = 0;
    for (unsigned i = 0; i < 4; i++) {
        struct fc_span l = k->lists[which[i]];
        if (at + l.len + 1 > sizeof text)
            break;
        if (i)
            text[at++] = ';';
        if (l.len)
            memcpy(text + at, l.p, l.len);
        at += l.len;
    }
    md5_hex(text, at, md5);
}

static bool list_has(struct fc_span list, struct fc_span name)
{
    while (list.len) {
        struct fc_span item = fc_span_split(&list, ',');
        if (item.len == name.len && memcmp(item.p, name.p, name.len) == 0)
            return true;
    }
    return false;
}

bool fc_ssh_negotiate(struct fc_span client, struct fc_span server, char out[FC_SSH_NAME_MAX + 1])
{
    out[0] = '\0';
    while (client.len) {
        struct fc_span name = fc_span_split(&client, ',');
        if (name.len && list_has(server, name)) {
            if (name.len > FC_SSH_NAME_MAX)
                return false;
            memcpy(out, name.p, name.len);
            out[name.len] = '\0';
            return true;
        }
    }
    return false;
}

bool fc_ssh_host_key(const uint8_t *payload, size_t len, bool group_exchange, struct fc_span *blob)
{
    struct fc_cursor c = fc_cursor_make(payload, len);
    uint8_t want = group_exchange ? FC_SSH_MSG_KEX_DH_GEX_REPLY : FC_SSH_MSG_KEXDH_REPLY;
    if (fc_get_u8(&c) != want)
        return false;
    *blob = get_string(&c);
    return !c.short_read && blob->len > 0;
}

void fc_ssh_fingerprint(struct fc_span blob, char out[FC_SSH_FINGERPRINT_LEN + 1])
{
    uint8_t digest[EVP_MAX_MD_SIZE];
    unsigned dlen = 0;
    EVP_Digest(blob.p, blob.len, digest, &dlen, EVP_sha256(), NULL);
    memcpy(out, "SHA256:", 7);
    int n = EVP_EncodeBlock((unsigned char *)out + 7, digest, (int)dlen); /* 44 with "=" */
    while (n > 0 && out[7 + n - 1] == '=')
        n--;
    out[7 + n] = '\0';
}

/* ------------------------------------------------------- one direction */

void fc_ssh_side_init(struct fc_ssh_side *s)
{
    memset(s, 0, sizeof *s);
}

void fc_ssh_side_release(struct fc_ssh_side *s)
{
    free(s->pkt);
    s->pkt = NULL;
}

/* A complete line (without its LF): the banner, or a line a server may
 * send before it. SSH-1 (other than 1.99, which speaks 2 as well) has no
 * KEXINIT: the direction is done after its banner. */
static void end_line(struct fc_ssh_side *s)
{
    size_t n = s->line_len;
    if (n && s->line[n - 1] == '\r')
        n--;
    s->line_len = 0;
    if (n < 4 || memcmp(s->line, "SSH-", 4) != 0) {
        s->pre_banner = (uint16_t)(s->pre_banner + n + 1);
        if (s->pre_banner > FC_SSH_PRE_BANNER_MAX)
            s->state = FC_SSH_SIDE_LOST;
        return;
    }
    memcpy(s->banner, s->line, n);
    s->banner[n] = '\0';
    bool ssh1 = strncmp(s->banner, "SSH-1.", 6) == 0 && strncmp(s->banner, "SSH-1.99-", 9) != 0;
    s->state = ssh1 ? FC_SSH_SIDE_DONE : FC_SSH_SIDE_PACKETS;
}

static size_t feed_line(struct fc_ssh_side *s, const uint8_t *p, size_t len)
{
    const uint8_t *lf = memchr(p, '\n', len);
    size_t take = lf ? (size_t)(lf - p) : len;
    if (s->line_len + take > FC_SSH_BANNER_MAX) {
        s->state = FC_SSH_SIDE_LOST;
        return len;
    }
    memcpy(s->line + s->line_len, p, take);
    s->line_len = (uint16_t)(s->line_len + take);
    if (lf)
        end_line(s);
    return lf ? take + 1 : take;
}

/* The packet in s->pkt is complete: its payload goes to fn. */
static void end_packet(struct fc_ssh_side *s, fc_ssh_packet_fn fn, void *arg)
{
    uint32_t packet_length = s->pkt_need - 4;
    uint8_t padding = s->pkt[4];
    s->pkt_len = s->pkt_need = 0;
    if (padding >= packet_length) {
        s->state = FC_SSH_SIDE_LOST;
        return;
    }
    const uint8_t *payload = s->pkt + 5;
    size_t payload_len = packet_length - 1u - padding;
    if (payload_len)
        fn(arg, payload, payload_len);
    if (payload_len && payload[0] == FC_SSH_MSG_NEWKEYS)
        s->state = FC_SSH_SIDE_DONE;
}

static size_t feed_packet(struct fc_ssh_side *s, const uint8_t *p, size_t len,
                          fc_ssh_packet_fn fn, void *arg)
{
    uint32_t want = s->pkt_need ? s->pkt_need : 5; /* the length, then the whole */
    if (!s->pkt && !(s->pkt = malloc(FC_SSH_PACKET_MAX + 4))) {
        s->state = FC_SSH_SIDE_LOST;
        return len;
    }
    size_t take = want - s->pkt_len;
    if (take > len)
        take = len;
    memcpy(s->pkt + s->pkt_len, p, take);
    s->pkt_len += (uint32_t)take;
    if (s->pkt_len < want)
        return take;
    if (!s->pkt_need) {
        struct fc_cursor c = fc_cursor_make(s->pkt, 4);
        uint32_t packet_length = fc_get_be32(&c);
        if (packet_length < 5 || packet_length > FC_SSH_PACKET_MAX) {
            s->state = FC_SSH_SIDE_LOST;
            return len;
        }
        s->pkt_need = packet_length + 4;
        return take;
    }
    end_packet(s, fn, arg);
    return take;
}

enum fc_ssh_side_state fc_ssh_side_feed(struct fc_ssh_side *s, const uint8_t *p, size_t len,
                                        fc_ssh_packet_fn fn, void *arg)
{
    while (len && (s->state == FC_SSH_SIDE_BANNER || s->state == FC_SSH_SIDE_PACKETS)) {
        size_t used = s->state == FC_SSH_SIDE_BANNER ? feed_line(s, p, len)
                                                     : feed_packet(s, p, len, fn, arg);
        p += used;
        len -= used;
    }
    if (s->state != FC_SSH_SIDE_BANNER && s->state != FC_SSH_SIDE_PACKETS)
        fc_ssh_side_release(s);
    return s->state;
}
