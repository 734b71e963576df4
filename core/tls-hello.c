/*
 * TLS hellos and their fingerprints: see tls-hello.h.
 *
 *   ClientHello: version (2) | random (32) | session_id <0..32> |
 *                cipher_suites <2..2^16-2> | compression <1..2^8-1> |
 *                [extensions <0..2^16-1>]
 *   ServerHello: version (2) | random (32) | session_id <0..32> |
 *                cipher_suite (2) | compression (1) | [extensions]
 *   Extension:   type (2) | data <0..2^16-1>
 *
 * Every vector's length must stay inside the vector around it, and every
 * extension's contents fill it exactly; otherwise the hello is malformed.
 */
#include "core/tls-hello.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"

bool fc_tls_is_grease(uint16_t v)
{
    return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/* ------------------------------------------------------------------ parse */

static uint32_t get_be24(struct fc_cursor *c)
{
    uint32_t hi = fc_get_u8(c);
    return hi << 16 | fc_get_be16(c);
}

/* The next vector, whose length takes `prefix` (1 or 2) bytes, as a cursor
 * of its own; an empty one, and c marked short, when it does not fit. */
static struct fc_cursor get_vec(struct fc_cursor *c, unsigned prefix)
{
    size_t n = prefix == 1 ? fc_get_u8(c) : fc_get_be16(c);
    const uint8_t *p = fc_cursor_take(c, n);
    return p ? fc_cursor_make(p, n) : fc_cursor_make(c->p, 0);
}

/* True when the extension's contents were read exactly. */
static bool used_up(const struct fc_cursor *c)
{
    return !c->short_read && fc_cursor_left(c) == 0;
}

/* A vector of 16-bit values into a list; false for an odd length. */
static bool read_u16s(struct fc_cursor *c, unsigned prefix, uint16_t *v, size_t cap, uint16_t *n,
                      uint32_t *dropped)
{
    struct fc_cursor vec = get_vec(c, prefix);
    if (fc_cursor_left(&vec) % 2)
        return false;
    while (fc_cursor_left(&vec) > 0) {
        uint16_t x = fc_get_be16(&vec);
        if (*n < cap)
            v[(*n)++] = x;
        else
            (*dropped)++;
    }
    return true;
}
#define READ_U16S(c, prefix, l) read_u16s(c, prefix, (l).v, FC_LIST_CAP(l), &(l).n, &(l).dropped)

/* server_name (RFC 6066 3): the first host_name entry. A ServerHello's
 * extension is empty. */
static bool parse_sni(struct fc_cursor *c, struct fc_tls_hello *h)
{
    if (fc_cursor_left(c) == 0)
        return true;
    struct fc_cursor list = get_vec(c, 2);
    while (fc_cursor_left(&list) > 0) {
        uint8_t name_type = fc_get_u8(&list);
        struct fc_cursor name = get_vec(&list, 2);
        if (list.short_read)
            return false;
        if (name_type != 0 || h->has_sni)
            continue;
        size_t n = fc_cursor_left(&name);
        size_t keep = n < FC_TLS_SNI_LEN ? n : FC_TLS_SNI_LEN;
        if (keep > 0)
            memcpy(h->sni, name.p, keep);
        h->sni[keep] = '\0';
        h->sni_len = (uint8_t)keep;
        h->sni_dropped = (uint32_t)(n - keep);
        h->has_sni = true;
    }
    return true;
}

/* application_layer_protocol_negotiation (RFC 7301 3.1). */
static bool parse_alpn(struct fc_cursor *c, struct fc_tls_hello *h)
{
    struct fc_cursor list = get_vec(c, 2);
    while (fc_cursor_left(&list) > 0) {
        struct fc_cursor name = get_vec(&list, 1);
        if (list.short_read)
            return false;
        if (h->alpn.n == FC_LIST_CAP(h->alpn)) {
            h->alpn.dropped++;
            continue;
        }
        struct fc_tls_alpn *a = &h->alpn.v[h->alpn.n++];
        a->len = (uint8_t)fc_cursor_left(&name);
        if (a->len > 0)
            memcpy(a->s, name.p, a->len);
        a->s[a->len] = '\0';
    }
    return true;
}

/* supported_versions (RFC 8446 4.2.1): a list in a ClientHello, the
 * selected version in a ServerHello. */
static bool parse_versions(struct fc_cursor *c, struct fc_tls_hello *h)
{
    if (h->type == FC_TLS_CLIENT_HELLO)
        return READ_U16S(c, 1, h->versions);
    FC_LIST_PUSH(h->versions, fc_get_be16(c));
    return true;
}

static bool parse_point_formats(struct fc_cursor *c, struct fc_tls_hello *h)
{
    struct fc_cursor vec = get_vec(c, 1);
    while (fc_cursor_left(&vec) > 0)
        FC_LIST_PUSH(h->point_formats, fc_get_u8(&vec));
    return true;
}

static bool parse_groups(struct fc_cursor *c, struct fc_tls_hello *h)
{
    return READ_U16S(c, 2, h->groups);
}

static bool parse_sigalgs(struct fc_cursor *c, struct fc_tls_hello *h)
{
    return READ_U16S(c, 2, h->sigalgs);
}

static bool is_listed(const struct fc_tls_hello *h, uint16_t type)
{
    for (uint16_t i = 0; i < h->exts.n; i++) {
        if (h->exts.v[i] == type)
            return true;
    }
    return false;
}

static const struct {
    uint16_t type;
    bool (*parse)(struct fc_cursor *, struct fc_tls_hello *);
} ext_parsers[] = {
    { FC_TLS_EXT_SERVER_NAME, parse_sni },
    { FC_TLS_EXT_SUPPORTED_GROUPS, parse_groups },
    { FC_TLS_EXT_EC_POINT_FORMATS, parse_point_formats },
    { FC_TLS_EXT_SIGNATURE_ALGORITHMS, parse_sigalgs },
    { FC_TLS_EXT_ALPN, parse_alpn },
    { FC_TLS_EXT_SUPPORTED_VERSIONS, parse_versions },
};

/* Reads one extension's contents; false when they do not fill it. Only
 * the first copy of a repeated extension is read. */
static bool parse_ext(uint16_t type, struct fc_cursor *c, struct fc_tls_hello *h)
{
    for (size_t i = 0; i < sizeof ext_parsers / sizeof ext_parsers[0]; i++) {
        if (ext_parsers[i].type == type)
            return is_listed(h, type) || (ext_parsers[i].parse(c, h) && used_up(c));
    }
    return true;
}

/* The optional extensions block, which must end the message. */
static enum fc_tls_status parse_exts(struct fc_cursor *c, struct fc_tls_hello *h)
{
    if (fc_cursor_left(c) == 0)
        return FC_TLS_OK;
    struct fc_cursor exts = get_vec(c, 2);
    if (!used_up(c))
        return FC_TLS_MALFORMED;
    while (fc_cursor_left(&exts) > 0) {
        uint16_t type = fc_get_be16(&exts);
        struct fc_cursor body = get_vec(&exts, 2);
        if (exts.short_read || !parse_ext(type, &body, h))
            return FC_TLS_MALFORMED;
        FC_LIST_PUSH(h->exts, type);
    }
    return FC_TLS_OK;
}

static enum fc_tls_status parse_client(struct fc_cursor *c, struct fc_tls_hello *h)
{
    h->version = fc_get_be16(c);
    fc_cursor_skip(c, 32); /* random */
    (void)get_vec(c, 1);   /* legacy_session_id */
    bool even = READ_U16S(c, 2, h->ciphers);
    (void)get_vec(c, 1); /* legacy_compression_methods */
    if (c->short_read || !even)
        return FC_TLS_MALFORMED;
    return parse_exts(c, h);
}

static enum fc_tls_status parse_server(struct fc_cursor *c, struct fc_tls_hello *h)
{
    h->version = fc_get_be16(c);
    fc_cursor_skip(c, 32); /* random */
    (void)get_vec(c, 1);   /* legacy_session_id_echo */
    h->cipher = fc_get_be16(c);
    fc_cursor_skip(c, 1); /* legacy_compression_method */
    if (c->short_read)
        return FC_TLS_MALFORMED;
    return parse_exts(c, h);
}

enum fc_tls_status fc_tls_hello_parse(const uint8_t *msg, size_t len, struct fc_tls_hello *h)
{
    memset(h, 0, sizeof *h);
    struct fc_cursor c = fc_cursor_make(msg, len);
    h->type = fc_get_u8(&c);
    uint32_t body_len = get_be24(&c);
    if (c.short_read || fc_cursor_left(&c) < body_len)
        return FC_TLS_TRUNCATED;
    if (fc_cursor_left(&c) > body_len)
        return FC_TLS_MALFORMED;
    if (h->type == FC_TLS_CLIENT_HELLO)
        return parse_client(&c, h);
    if (h->type == FC_TLS_SERVER_HELLO)
        return parse_server(&c, h);
    return FC_TLS_NOT_HELLO;
}

/* ------------------------------------------------------------ fingerprints */

static void to_hex(const uint8_t *p, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

/* Appends the values but GREASE, in decimal, joined by '-'. */
static size_t put_decimal(char *out, size_t at, size_t cap, const uint16_t *v, size_t n)
{
    const char *sep = "";
    for (size_t i = 0; i < n; i++) {
        if (fc_tls_is_grease(v[i]))
            continue;
        at += (size_t)snprintf(out + at, cap - at, "%s%u", sep, v[i]);
        sep = "-";
    }
    return at;
}

void fc_tls_ja3(const struct fc_tls_hello *h, char str[FC_TLS_JA3_MAX], char md5[FC_TLS_MD5_HEX])
{
    const size_t cap = FC_TLS_JA3_MAX;
    size_t at = (size_t)snprintf(str, cap, "%u,", h->version);
    if (h->type == FC_TLS_SERVER_HELLO) {
        at += (size_t)snprintf(str + at, cap - at, "%u,", h->cipher);
        put_decimal(str, at, cap, h->exts.v, h->exts.n);
    } else {
        uint16_t formats[FC_TLS_MAX_POINT_FORMATS];
        for (uint16_t i = 0; i < h->point_formats.n; i++)
            formats[i] = h->point_formats.v[i];
        at = put_decimal(str, at, cap, h->ciphers.v, h->ciphers.n);
        at += (size_t)snprintf(str + at, cap - at, ",");
        at = put_decimal(str, at, cap, h->exts.v, h->exts.n);
        at += (size_t)snprintf(str + at, cap - at, ",");
        at = put_decimal(str, at, cap, h->groups.v, h->groups.n);
        at += (size_t)snprintf(str + at, cap - at, ",");
        put_decimal(str, at, cap, formats, h->point_formats.n);
    }
    uint8_t digest[EVP_MAX_MD_SIZE];
    unsigned dlen = 0;
    EVP_Digest(str, strlen(str), digest, &dlen, EVP_md5(), NULL);
    to_hex(digest, dlen, md5);
}

/* JA4's two-character versions (FoxIO JA4.md, "TLS and DTLS Version"). */
static const struct {
    uint16_t version;
    char label[3];
} ja4_versions[] = {
    { 0x0304, "13" }, { 0x0303, "12" }, { 0x0302, "11" }, { 0x0301, "10" }, { 0x0300, "s3" },
    { 0x0002, "s2" }, { 0xfeff, "d1" }, { 0xfefd, "d2" }, { 0xfefc, "d3" },
};

static const char *ja4_version(uint16_t v)
{
    for (size_t i = 0; i < sizeof ja4_versions / sizeof ja4_versions[0]; i++) {
        if (ja4_versions[i].version == v)
            return ja4_versions[i].label;
    }
    return "00";
}

/* Newer of two versions: DTLS counts down (0xfeff 1.0, 0xfefd 1.2,
 * 0xfefc 1.3), TLS up. */
static bool newer(uint16_t a, uint16_t b)
{
    bool dtls_a = a >= 0xfe00, dtls_b = b >= 0xfe00;
    if (dtls_a && dtls_b)
        return a < b;
    return a > b;
}

/* The newest non-GREASE supported_versions value when the extension is
 * there, the legacy version otherwise. */
uint16_t fc_tls_hello_version(const struct fc_tls_hello *h)
{
    uint16_t best = 0;
    for (uint16_t i = 0; i < h->versions.n; i++) {
        uint16_t v = h->versions.v[i];
        if (!fc_tls_is_grease(v) && (best == 0 || newer(v, best)))
            best = v;
    }
    return best ? best : h->version;
}

static bool is_alnum(uint8_t ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
}

/* First and last characters of the first ALPN value; their outer hex
 * digits when either is not alphanumeric; "00" without a value. */
static void ja4_alpn(const struct fc_tls_hello *h, char out[2])
{
    static const char digits[] = "0123456789abcdef";
    if (h->alpn.n == 0 || h->alpn.v[0].len == 0) {
        out[0] = out[1] = '0';
        return;
    }
    uint8_t first = (uint8_t)h->alpn.v[0].s[0];
    uint8_t last = (uint8_t)h->alpn.v[0].s[h->alpn.v[0].len - 1];
    if (is_alnum(first) && is_alnum(last)) {
        out[0] = (char)first;
        out[1] = (char)last;
    } else {
        out[0] = digits[first >> 4];
        out[1] = digits[last & 15];
    }
}

static int cmp_u16(const void *a, const void *b)
{
    return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* The values but GREASE and, for extensions, SNI and ALPN: their count
 * goes in JA4's first part, not their hash. */
static size_t ja4_values(const uint16_t *v, size_t n, bool drop_sni_alpn, uint16_t *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (fc_tls_is_grease(v[i]))
            continue;
        if (drop_sni_alpn && (v[i] == FC_TLS_EXT_SERVER_NAME || v[i] == FC_TLS_EXT_ALPN))
            continue;
        out[k++] = v[i];
    }
    return k;
}

/* Appends the values as 4-digit lowercase hex joined by ','. */
static size_t put_hex4(char *out, size_t at, size_t cap, const uint16_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        at += (size_t)snprintf(out + at, cap - at, "%s%04x", i ? "," : "", v[i]);
    return at;
}

/* First 12 hex digits of the SHA-256 of s; zeros for an empty string. */
static void hash12(const char *s, size_t len, char out[13])
{
    if (len == 0) {
        memcpy(out, "000000000000", 13);
        return;
    }
    uint8_t digest[EVP_MAX_MD_SIZE];
    unsigned dlen = 0;
    char hex[2 * EVP_MAX_MD_SIZE + 1];
    EVP_Digest(s, len, digest, &dlen, EVP_sha256(), NULL);
    to_hex(digest, dlen, hex);
    memcpy(out, hex, 12);
    out[12] = '\0';
}

static unsigned two_digits(size_t n)
{
    return n > 99 ? 99 : (unsigned)n;
}

bool fc_tls_ja4(const struct fc_tls_hello *h, char transport, char out[FC_TLS_JA4_LEN])
{
    if (h->type != FC_TLS_CLIENT_HELLO)
        return false;
    /* Sized for the largest lists: "xxxx," per value, one '_'. */
    char text[5 * (FC_TLS_MAX_EXTS + FC_TLS_MAX_SIGALGS) + 5 * FC_TLS_MAX_CIPHERS + 2];
    uint16_t v[FC_TLS_MAX_CIPHERS + FC_TLS_MAX_EXTS + FC_TLS_MAX_SIGALGS];

    size_t n_ciphers = ja4_values(h->ciphers.v, h->ciphers.n, false, v);
    qsort(v, n_ciphers, sizeof v[0], cmp_u16);
    char cipher_hash[13];
    hash12(text, put_hex4(text, 0, sizeof text, v, n_ciphers), cipher_hash);

    size_t n_exts = ja4_values(h->exts.v, h->exts.n, false, v);
    size_t n_hashed = ja4_values(h->exts.v, h->exts.n, true, v);
    qsort(v, n_hashed, sizeof v[0], cmp_u16);
    size_t at = put_hex4(text, 0, sizeof text, v, n_hashed);
    size_t n_sigalgs = ja4_values(h->sigalgs.v, h->sigalgs.n, false, v);
    if (n_sigalgs > 0) {
        at += (size_t)snprintf(text + at, sizeof text - at, "_");
        at = put_hex4(text, at, sizeof text, v, n_sigalgs);
    }
    char ext_hash[13];
    hash12(text, at, ext_hash);

    char alpn[2];
    ja4_alpn(h, alpn);
    snprintf(out, FC_TLS_JA4_LEN, "%c%s%c%02u%02u%c%c_%s_%s", transport,
             ja4_version(fc_tls_hello_version(h)), is_listed(h, FC_TLS_EXT_SERVER_NAME) ? 'd' : 'i',
             two_digits(n_ciphers), two_digits(n_exts), alpn[0], alpn[1], cipher_hash, ext_hash);
    return true;
}

/* ---------------------------------------------------------------- records */

#define TLS_CCS 20
#define TLS_ALERT 21
#define TLS_HANDSHAKE 22
#define TLS_APP_DATA 23
/* Largest record body: 2^14 plus TLS 1.2's expansion allowance (RFC 5246
 * 6.2.3); TLS 1.3 allows less. */
#define TLS_RECORD_MAX (16384 + 2048)

void fc_tls_asm_init(struct fc_tls_asm *a, uint32_t max_msg)
{
    memset(a, 0, sizeof *a);
    a->max_msg = max_msg;
}

void fc_tls_asm_destroy(struct fc_tls_asm *a)
{
    free(a->msg);
    a->msg = NULL;
}

static enum fc_tls_asm_state read_header(struct fc_tls_asm *a)
{
    struct fc_cursor c = fc_cursor_make(a->hdr, sizeof a->hdr);
    a->rec_type = fc_get_u8(&c);
    uint8_t major = fc_get_u8(&c);
    fc_cursor_skip(&c, 1); /* minor version: any */
    a->rec_left = fc_get_be16(&c);
    if (major != 3 || a->rec_type < TLS_CCS || a->rec_type > TLS_APP_DATA ||
        a->rec_left > TLS_RECORD_MAX)
        return FC_TLS_ASM_NOT_TLS;
    /* Handshake messages are never interleaved with other records (RFC
     * 8446 5.1). */
    if (a->rec_type != TLS_HANDSHAKE && a->msg_len > 0)
        return FC_TLS_ASM_NOT_TLS;
    return a->rec_type == TLS_CCS ? FC_TLS_ASM_ENCRYPTED : FC_TLS_ASM_MORE;
}

/* Hands over the complete messages gathered and keeps the rest. */
static enum fc_tls_asm_state hand_over(struct fc_tls_asm *a, fc_tls_msg_fn fn, void *arg)
{
    struct fc_cursor c = fc_cursor_make(a->msg, a->msg_len);
    while (fc_cursor_left(&c) >= 4) {
        const uint8_t *start = c.p;
        fc_cursor_skip(&c, 1);
        uint32_t body = get_be24(&c);
        if (4 + (uint64_t)body > a->max_msg)
            return FC_TLS_ASM_TOO_BIG;
        if (!fc_cursor_take(&c, body)) {
            c.p = start;
            break;
        }
        fn(arg, start, 4 + (size_t)body);
    }
    a->msg_len = (uint32_t)fc_cursor_left(&c);
    memmove(a->msg, c.p, a->msg_len);
    return FC_TLS_ASM_MORE;
}

static bool append(struct fc_tls_asm *a, const uint8_t *p, size_t n)
{
    if (a->msg_len + n > a->msg_cap) {
        uint32_t cap = a->msg_cap ? a->msg_cap : 1024;
        while (cap < a->msg_len + n)
            cap *= 2;
        uint8_t *grown = realloc(a->msg, cap);
        if (!grown)
            return false;
        a->msg = grown;
        a->msg_cap = cap;
    }
    memcpy(a->msg + a->msg_len, p, n);
    a->msg_len += (uint32_t)n;
    return true;
}

enum fc_tls_asm_state fc_tls_asm_feed(struct fc_tls_asm *a, const uint8_t *p, size_t len,
                                      fc_tls_msg_fn fn, void *arg)
{
    while (len > 0 && a->state == FC_TLS_ASM_MORE) {
        if (a->hdr_len < sizeof a->hdr) {
            size_t n = sizeof a->hdr - a->hdr_len < len ? sizeof a->hdr - a->hdr_len : len;
            memcpy(a->hdr + a->hdr_len, p, n);
            a->hdr_len = (uint8_t)(a->hdr_len + n);
            p += n;
            len -= n;
            if (a->hdr_len == sizeof a->hdr)
                a->state = read_header(a);
            continue;
        }
        size_t n = a->rec_left < len ? a->rec_left : len;
        if (a->rec_type == TLS_HANDSHAKE && n > 0) {
            /* The buffer never holds more than one capped message plus
             * one record, so a message over the cap is caught early. */
            if (!append(a, p, n))
                a->state = FC_TLS_ASM_TOO_BIG;
            else
                a->state = hand_over(a, fn, arg);
        }
        p += n;
        len -= n;
        a->rec_left = (uint16_t)(a->rec_left - n);
        if (a->rec_left == 0)
            a->hdr_len = 0;
    }
    return a->state;
}
