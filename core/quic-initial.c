/*
 * QUIC Initial packets: see quic-initial.h.
 *
 *   Long header (RFC 9000 17.2):
 *     first byte (1) | version (4) | DCID len (1) | DCID | SCID len (1) | SCID |
 *     type-specific part
 *   Initial: token length (varint) | token | Length (varint) |
 *            packet number (1-4, protected) | payload (AEAD, tag 16)
 *   0-RTT, Handshake: Length (varint) | the rest as Initial, other keys
 *   Retry: token | integrity tag (16), to the end of the datagram
 *   Version Negotiation (version 0): supported versions to the end
 *
 * The packet number and the low bits of the first byte are masked with
 * AES-ECB(hp, the 16 bytes starting 4 bytes after the packet number's
 * start) (RFC 9001 5.4). The AEAD's associated data is the header with
 * the mask removed, its nonce the IV xor the full packet number.
 */
#include "core/quic-initial.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"

#define TAG_LEN 16
#define SAMPLE_LEN 16
#define PN_MAX 4
#define CRYPTO_MIN_ALLOC 2048

/* v1 packet type codes; RFC 9369 3.2 renumbers them for version 2. */
enum { TYPE_INITIAL, TYPE_0RTT, TYPE_HANDSHAKE, TYPE_RETRY };

struct quic_version {
    uint32_t first, last;
    const char *labels; /* "quic" or "quicv2": HKDF label prefix */
    bool v2_types;
    uint8_t salt[20];
    uint8_t retry_key[16];
    uint8_t retry_nonce[12];
};

/* Salts: RFC 9001 5.2, RFC 9369 3.3.1, draft-ietf-quic-tls-29 5.2 and -27
 * 5.2. Retry keys: RFC 9001 5.8, RFC 9369 3.3.3, draft-29 and draft-25..28
 * 5.8. */
static const struct quic_version versions[] = {
    { FC_QUIC_V1, FC_QUIC_V1, "quic", false,
      { 0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
        0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a },
      { 0xbe, 0x0c, 0x69, 0x0b, 0x9f, 0x66, 0x57, 0x5a, 0x1d, 0x76, 0x6b, 0x54, 0xe3, 0x68, 0xc8,
        0x4e },
      { 0x46, 0x15, 0x99, 0xd3, 0x5d, 0x63, 0x2b, 0xf2, 0x23, 0x98, 0x25, 0xbb } },
    { FC_QUIC_V2, FC_QUIC_V2, "quicv2", true,
      { 0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
        0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9 },
      { 0x8f, 0xb4, 0xb0, 0x1b, 0x56, 0xac, 0x48, 0xe2, 0x60, 0xfb, 0xcb, 0xce, 0xad, 0x7c, 0xcc,
        0x92 },
      { 0xd8, 0x69, 0x69, 0xbc, 0x2d, 0x7c, 0x6d, 0x99, 0x90, 0xef, 0xb0, 0x4a } },
    { 0xff00001d, 0xff000020, "quic", false,
      { 0xaf, 0xbf, 0xec, 0x28, 0x99, 0x93, 0xd2, 0x4c, 0x9e, 0x97,
        0x86, 0xf1, 0x9c, 0x61, 0x11, 0xe0, 0x43, 0x90, 0xa8, 0x99 },
      { 0xcc, 0xce, 0x18, 0x7e, 0xd0, 0x9a, 0x09, 0xd0, 0x57, 0x28, 0x15, 0x5a, 0x6c, 0xb9, 0x6b,
        0xe1 },
      { 0xe5, 0x49, 0x30, 0xf9, 0x7f, 0x21, 0x36, 0xf0, 0x53, 0x0a, 0x8c, 0x1c } },
    { 0xff00001b, 0xff00001c, "quic", false,
      { 0xc3, 0xee, 0xf7, 0x12, 0xc7, 0x2e, 0xbb, 0x5a, 0x11, 0xa7,
        0xd2, 0x43, 0x2b, 0xb4, 0x63, 0x65, 0xbe, 0xf9, 0xf5, 0x02 },
      { 0x4d, 0x32, 0xec, 0xdb, 0x2a, 0x21, 0x33, 0xc8, 0x41, 0xe4, 0x04, 0x3d, 0xf2, 0x7d, 0x44,
        0x30 },
      { 0x4d, 0x16, 0x11, 0xd0, 0x55, 0x13, 0xa5, 0x52, 0xc5, 0x87, 0xd5, 0x75 } },
};

static const struct quic_version *find_version(uint32_t version)
{
    for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++) {
        if (version >= versions[i].first && version <= versions[i].last)
            return &versions[i];
    }
    return NULL;
}

bool fc_quic_version_known(uint32_t version)
{
    return find_version(version) != NULL;
}

/* The long header's two type bits as a v1 type (RFC 9369 3.2: v2's Initial
 * is 1, 0-RTT 2, Handshake 3, Retry 0). */
static unsigned packet_type(const struct quic_version *v, uint8_t b0)
{
    unsigned t = (b0 >> 4) & 3;
    return v->v2_types ? (t + 3) & 3 : t;
}

/* RFC 9000 16: a variable-length integer (1, 2, 4 or 8 bytes, the length
 * in the top two bits). */
static uint64_t get_varint(struct fc_cursor *c)
{
    uint8_t b = fc_get_u8(c);
    unsigned extra = (1u << (b >> 6)) - 1;
    uint64_t v = b & 0x3f;
    for (unsigned i = 0; i < extra; i++)
        v = v << 8 | fc_get_u8(c);
    return c->short_read ? 0 : v;
}

/* Skips a field whose length is the varint before it. */
static void skip_vec(struct fc_cursor *c)
{
    uint64_t n = get_varint(c);
    if (n <= fc_cursor_left(c)) {
        fc_cursor_skip(c, (size_t)n);
    } else {
        fc_cursor_skip(c, fc_cursor_left(c));
        c->short_read = true;
    }
}

/* ------------------------------------------------------------------ keys */

/* One HKDF step with SHA-256 (RFC 5869): extract (salt, ikm) or expand
 * (prk, info). */
static bool hkdf(EVP_KDF *kdf, int mode, const uint8_t *salt, size_t salt_len,
                 const uint8_t *key, size_t key_len, const uint8_t *info, size_t info_len,
                 uint8_t *out, size_t out_len)
{
    EVP_KDF_CTX *ctx = EVP_KDF_CTX_new(kdf);
    if (!ctx)
        return false;
    OSSL_PARAM params[5], *p = params;
    *p++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
    *p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)key, key_len);
    if (salt)
        *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, salt_len);
    if (info)
        *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, info_len);
    *p = OSSL_PARAM_construct_end();
    bool ok = EVP_KDF_derive(ctx, out, out_len, params) == 1;
    EVP_KDF_CTX_free(ctx);
    return ok;
}

/* HKDF-Expand-Label (RFC 8446 7.1) with an empty context:
 * HkdfLabel = length (2) | "tls13 " + prefix + " " + label <7..255> | "" <0..255>. */
static bool expand_label(EVP_KDF *kdf, const uint8_t secret[32], const char *prefix,
                         const char *label, uint8_t *out, size_t out_len)
{
    uint8_t info[2 + 1 + 64 + 1];
    char text[64];
    int n = prefix ? snprintf(text, sizeof text, "tls13 %s %s", prefix, label)
                   : snprintf(text, sizeof text, "tls13 %s", label);
    info[0] = (uint8_t)(out_len >> 8);
    info[1] = (uint8_t)out_len;
    info[2] = (uint8_t)n;
    memcpy(info + 3, text, (size_t)n);
    info[3 + n] = 0;
    return hkdf(kdf, EVP_KDF_HKDF_MODE_EXPAND_ONLY, NULL, 0, secret, 32, info, (size_t)n + 4, out,
                out_len);
}

/* Keys the two cipher contexts, made once per direction. */
static bool key_ciphers(struct fc_quic_keys *k)
{
    if (!k->aead)
        k->aead = EVP_CIPHER_CTX_new();
    if (!k->mask)
        k->mask = EVP_CIPHER_CTX_new();
    return k->aead && k->mask &&
           EVP_DecryptInit_ex(k->aead, EVP_aes_128_gcm(), NULL, k->key, NULL) == 1 &&
           EVP_EncryptInit_ex(k->mask, EVP_aes_128_ecb(), NULL, k->hp, NULL) == 1 &&
           EVP_CIPHER_CTX_set_padding(k->mask, 0) == 1;
}

/* RFC 9001 5.2: initial_secret = HKDF-Extract(salt, cid); the direction's
 * secret = Expand-Label(initial_secret, "client in" / "server in", 32);
 * then key, iv and hp with the version's labels. */
static bool derive_keys(struct fc_quic_keys *k, const struct quic_version *v, uint32_t version,
                        unsigned dir, const uint8_t *cid, size_t cid_len)
{
    k->ready = false;
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    if (!kdf)
        return false;
    uint8_t initial[32], secret[32];
    bool ok = hkdf(kdf, EVP_KDF_HKDF_MODE_EXTRACT_ONLY, v->salt, sizeof v->salt, cid, cid_len,
                   NULL, 0, initial, sizeof initial) &&
              expand_label(kdf, initial, NULL, dir == 0 ? "client in" : "server in", secret,
                           sizeof secret) &&
              expand_label(kdf, secret, v->labels, "key", k->key, sizeof k->key) &&
              expand_label(kdf, secret, v->labels, "iv", k->iv, sizeof k->iv) &&
              expand_label(kdf, secret, v->labels, "hp", k->hp, sizeof k->hp);
    EVP_KDF_free(kdf);
    if (!ok || !key_ciphers(k))
        return false;
    k->version = version;
    k->ready = true;
    return true;
}

static void free_keys(struct fc_quic_keys *k)
{
    EVP_CIPHER_CTX_free(k->aead);
    EVP_CIPHER_CTX_free(k->mask);
    memset(k, 0, sizeof *k);
}

struct span {
    const uint8_t *p;
    size_t len;
};

/* AES-128-GCM open with a context already keyed: the associated data in
 * pieces, then the ciphertext into out. False when the tag does not
 * match. */
static bool gcm_open(EVP_CIPHER_CTX *ctx, const uint8_t nonce[12], const struct span *aad,
                     size_t n_aad, struct span ct, const uint8_t *tag, uint8_t *out)
{
    int n;
    if (EVP_DecryptInit_ex(ctx, NULL, NULL, NULL, nonce) != 1)
        return false;
    for (size_t i = 0; i < n_aad; i++) {
        if (aad[i].len > 0 && EVP_DecryptUpdate(ctx, NULL, &n, aad[i].p, (int)aad[i].len) != 1)
            return false;
    }
    int done = 0;
    if (ct.len > 0 && EVP_DecryptUpdate(ctx, out, &done, ct.p, (int)ct.len) != 1)
        return false;
    return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN, (void *)tag) == 1 &&
           EVP_DecryptFinal_ex(ctx, out + done, &n) == 1;
}

/* ---------------------------------------------------------------- crypto */

static void add_dropped(struct fc_quic_side *s, uint64_t n)
{
    s->dropped = n >= UINT32_MAX - s->dropped ? UINT32_MAX : s->dropped + (uint32_t)n;
}

static bool has_byte(const struct fc_quic_side *s, uint32_t at)
{
    return s->buf[s->alloc + at / 8] >> (at % 8) & 1;
}

/* Room for stream bytes [0, need): the buffer doubles from 2 KiB (need is
 * at most FC_QUIC_HELLO_MAX, a power of two). */
static bool grow(struct fc_quic_side *s, uint32_t need)
{
    if (need <= s->alloc)
        return true;
    uint32_t n = s->alloc ? s->alloc : CRYPTO_MIN_ALLOC;
    while (n < need)
        n *= 2;
    uint8_t *m = calloc(1, (size_t)n + n / 8);
    if (!m)
        return false;
    if (s->buf) {
        memcpy(m, s->buf, s->alloc);
        memcpy(m + n, s->buf + s->alloc, s->alloc / 8);
        free(s->buf);
    }
    s->buf = m;
    s->alloc = n;
    return true;
}

/* The bytes of one CRYPTO frame at `off`: those not there yet are kept
 * (the first copy wins), up to the first message's end or the cap. */
static void crypto_put(struct fc_quic_side *s, uint64_t off, const uint8_t *p, uint64_t n)
{
    uint64_t limit = s->too_big ? 0 : s->want ? s->want : FC_QUIC_HELLO_MAX;
    uint64_t keep = off >= limit ? 0 : n < limit - off ? n : limit - off;
    add_dropped(s, n - keep);
    if (keep == 0)
        return;
    if (!grow(s, (uint32_t)(off + keep))) {
        add_dropped(s, keep);
        return;
    }
    for (uint32_t i = 0; i < (uint32_t)keep; i++) {
        uint32_t at = (uint32_t)off + i;
        if (!has_byte(s, at)) {
            s->buf[at] = p[i];
            s->buf[s->alloc + at / 8] |= (uint8_t)(1u << (at % 8));
        }
    }
    while (s->contig < s->alloc && has_byte(s, s->contig))
        s->contig++;
    if (s->want == 0 && s->contig >= 4) {
        uint32_t len = (uint32_t)s->buf[1] << 16 | (uint32_t)s->buf[2] << 8 | s->buf[3];
        s->want = 4 + len;
        s->too_big = s->want > FC_QUIC_HELLO_MAX;
    }
}

const uint8_t *fc_quic_hello(const struct fc_quic_conn *c, unsigned dir, size_t *len)
{
    const struct fc_quic_side *s = &c->side[dir & 1];
    if (s->want == 0 || s->too_big || s->contig < s->want)
        return NULL;
    *len = s->want;
    return s->buf;
}

/* ---------------------------------------------------------------- frames */

/* ACK (RFC 9000 19.3): largest, delay, range count, first range, then
 * count (gap, length) pairs, and three ECN counts for type 0x03. */
static void skip_ack(struct fc_cursor *c, bool ecn)
{
    get_varint(c);
    get_varint(c);
    uint64_t ranges = get_varint(c);
    get_varint(c);
    for (uint64_t i = 0; i < ranges && !c->short_read; i++) {
        get_varint(c);
        get_varint(c);
    }
    for (int i = 0; ecn && i < 3; i++)
        get_varint(c);
}

/* The frames of a decrypted Initial: only PADDING, PING, ACK, CRYPTO and
 * CONNECTION_CLOSE (0x1c) may appear (RFC 9000 12.4, Table 3); anything
 * else is a protocol violation that ends the reading. */
static enum fc_quic_status read_frames(struct fc_quic_side *s, const uint8_t *p, size_t len)
{
    struct fc_cursor c = fc_cursor_make(p, len);
    while (fc_cursor_left(&c) > 0 && !c.short_read) {
        uint64_t type = get_varint(&c);
        switch (type) {
        case 0x00: /* PADDING */
        case 0x01: /* PING */
            break;
        case 0x02:
        case 0x03:
            skip_ack(&c, type == 0x03);
            break;
        case 0x06: { /* CRYPTO: offset, length, data */
            uint64_t off = get_varint(&c);
            uint64_t n = get_varint(&c);
            const uint8_t *data = n <= fc_cursor_left(&c) ? fc_cursor_take(&c, (size_t)n) : NULL;
            if (!data || off + n > ((uint64_t)1 << 62) - 1)
                c.short_read = true;
            else
                crypto_put(s, off, data, n);
            break;
        }
        case 0x1c: /* CONNECTION_CLOSE: error, frame type, reason */
            get_varint(&c);
            get_varint(&c);
            skip_vec(&c);
            break;
        default:
            c.short_read = true;
        }
    }
    if (c.short_read) {
        s->n.bad_frames++;
        return FC_QUIC_BAD_FRAME;
    }
    return FC_QUIC_OK;
}

/* --------------------------------------------------------------- packets */

struct long_header {
    const struct quic_version *v;
    uint32_t version;
    uint8_t b0;   /* the first byte, still protected */
    unsigned type;
    const uint8_t *start; /* where the first byte is */
    struct span dcid, scid;
    size_t pn_off; /* from start to the packet number */
    size_t length; /* the Length field: packet number and payload */
};

/* RFC 9000 A.3: the full packet number closest to the next expected. */
static uint64_t decode_pn(int64_t largest, uint64_t truncated, unsigned bits)
{
    uint64_t expected = (uint64_t)(largest + 1);
    uint64_t win = (uint64_t)1 << bits, hwin = win / 2;
    uint64_t candidate = (expected & ~(win - 1)) | truncated;
    if (candidate + hwin <= expected && candidate < ((uint64_t)1 << 62) - win)
        return candidate + win;
    if (candidate > expected + hwin && candidate >= win)
        return candidate - win;
    return candidate;
}

static bool grow_plain(struct fc_quic_conn *c, size_t need)
{
    if (need <= c->plain_cap)
        return true;
    size_t n = c->plain_cap ? c->plain_cap : CRYPTO_MIN_ALLOC;
    while (n < need)
        n *= 2;
    uint8_t *m = realloc(c->plain, n);
    if (!m)
        return false;
    c->plain = m;
    c->plain_cap = (uint32_t)n;
    return true;
}

static void copy_cid(uint8_t *dst, uint8_t *dst_len, struct span cid)
{
    memcpy(dst, cid.p, cid.len);
    *dst_len = (uint8_t)cid.len;
}

/* The keys of an Initial sent by dir: derived from key_dcid once known;
 * before that, a client Initial is tried with keys from its own DCID. */
static struct fc_quic_keys *initial_keys(struct fc_quic_conn *c, unsigned dir,
                                         const struct long_header *h)
{
    struct fc_quic_keys *k = &c->side[dir].keys;
    if (c->have_odcid) {
        if (k->ready && k->version == h->version)
            return k;
        return derive_keys(k, h->v, h->version, dir, c->key_dcid, c->key_dcid_len) ? k : NULL;
    }
    if (dir != 0)
        return NULL;
    return derive_keys(k, h->v, h->version, dir, h->dcid.p, h->dcid.len) ? k : NULL;
}

/* Removes header protection, decrypts and reads an Initial's frames.
 * `pkt` holds the whole packet, header included. */
static enum fc_quic_status open_initial(struct fc_quic_conn *c, unsigned dir,
                                        const struct long_header *h, struct span pkt)
{
    struct fc_quic_side *s = &c->side[dir];
    s->n.initials++;
    if (h->length < PN_MAX + SAMPLE_LEN) { /* too short to sample (RFC 9001 5.4.2) */
        s->n.malformed++;
        return FC_QUIC_MALFORMED;
    }
    struct fc_quic_keys *k = initial_keys(c, dir, h);
    if (!k) {
        s->n.no_keys++;
        return FC_QUIC_NO_KEYS;
    }
    struct fc_cursor cur = fc_cursor_make(pkt.p, pkt.len);
    uint8_t b0 = fc_get_u8(&cur);
    const uint8_t *mid = fc_cursor_take(&cur, h->pn_off - 1);
    const uint8_t *pn_at = fc_cursor_take(&cur, PN_MAX);
    const uint8_t *sample = fc_cursor_take(&cur, SAMPLE_LEN);
    uint8_t mask[32]; /* room for a block more than the sample, as EVP allows */
    int n;
    if (!mid || !pn_at || !sample ||
        EVP_EncryptUpdate(k->mask, mask, &n, sample, SAMPLE_LEN) != 1 || n != SAMPLE_LEN) {
        s->n.malformed++;
        return FC_QUIC_MALFORMED;
    }
    b0 ^= mask[0] & 0x0f;
    unsigned pn_len = (b0 & 3) + 1u;
    uint8_t pn_bytes[PN_MAX];
    uint64_t truncated = 0;
    for (unsigned i = 0; i < pn_len; i++) {
        pn_bytes[i] = pn_at[i] ^ mask[1 + i];
        truncated = truncated << 8 | pn_bytes[i];
    }
    uint64_t pn = decode_pn(s->largest_pn, truncated, 8 * pn_len);
    uint8_t nonce[12];
    memcpy(nonce, k->iv, sizeof nonce);
    for (unsigned i = 0; i < 8; i++)
        nonce[4 + i] ^= (uint8_t)(pn >> (56 - 8 * i));

    /* The payload: after the packet number, up to the tag. */
    size_t pay_off = h->pn_off + pn_len;
    size_t ct_len = h->pn_off + h->length - pay_off - TAG_LEN;
    struct fc_cursor pay = fc_cursor_make(pkt.p, pkt.len);
    fc_cursor_skip(&pay, pay_off);
    struct span ct = { fc_cursor_take(&pay, ct_len), ct_len };
    const uint8_t *tag = fc_cursor_take(&pay, TAG_LEN);
    const struct span aad[] = { { &b0, 1 }, { mid, h->pn_off - 1 }, { pn_bytes, pn_len } };
    if (!ct.p || !tag || !grow_plain(c, ct_len + 1) ||
        !gcm_open(k->aead, nonce, aad, 3, ct, tag, c->plain)) {
        s->n.decrypt_failed++;
        if (!c->have_odcid)
            k->ready = false; /* those keys came from this packet's DCID */
        return FC_QUIC_DECRYPT_FAILED;
    }
    s->n.decrypted++;
    if ((int64_t)pn > s->largest_pn)
        s->largest_pn = (int64_t)pn;
    if (dir == 0 && !c->have_odcid) {
        c->have_odcid = true;
        copy_cid(c->odcid, &c->odcid_len, h->dcid);
        copy_cid(c->key_dcid, &c->key_dcid_len, h->dcid);
        copy_cid(c->client_scid, &c->client_scid_len, h->scid);
    }
    if (dir == 1 && !c->have_server_scid) {
        c->have_server_scid = true;
        copy_cid(c->server_scid, &c->server_scid_len, h->scid);
    }
    return read_frames(s, c->plain, ct_len);
}

/* A Retry (RFC 9000 17.2.5): accepted once, from the server, after a
 * client Initial, in the client's version, when its integrity tag over
 * the pseudo-packet (ODCID length | ODCID | the Retry without its tag,
 * RFC 9001 5.8) matches. Its SCID is then the client's next DCID, from
 * which both sides' Initial keys derive. */
static enum fc_quic_status read_retry(struct fc_quic_conn *c, unsigned dir,
                                      const struct long_header *h, struct span pkt)
{
    struct fc_quic_side *s = &c->side[dir];
    if (dir != 1 || !c->have_odcid || c->retried || h->version != c->version ||
        pkt.len < (size_t)(h->scid.p + h->scid.len - h->start) + TAG_LEN) {
        s->n.malformed++;
        return FC_QUIC_MALFORMED;
    }
    const uint8_t len_byte = c->key_dcid_len;
    const struct span aad[] = { { &len_byte, 1 },
                                { c->key_dcid, c->key_dcid_len },
                                { pkt.p, pkt.len - TAG_LEN } };
    struct fc_cursor cur = fc_cursor_make(pkt.p, pkt.len);
    fc_cursor_skip(&cur, pkt.len - TAG_LEN);
    const uint8_t *tag = fc_cursor_take(&cur, TAG_LEN);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    uint8_t none[1];
    bool ok = ctx && tag &&
              EVP_DecryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, h->v->retry_key, NULL) == 1 &&
              gcm_open(ctx, h->v->retry_nonce, aad, 3, (struct span){ NULL, 0 }, tag, none);
    EVP_CIPHER_CTX_free(ctx);
    if (!ok) {
        s->n.decrypt_failed++;
        return FC_QUIC_DECRYPT_FAILED;
    }
    s->n.retries++;
    c->retried = true;
    copy_cid(c->key_dcid, &c->key_dcid_len, h->scid);
    c->side[0].keys.ready = false;
    c->side[1].keys.ready = false;
    return FC_QUIC_OK;
}

/* A connection ID: length byte and bytes. */
static struct span get_cid(struct fc_cursor *c)
{
    size_t n = fc_get_u8(c);
    const uint8_t *p = fc_cursor_take(c, n);
    return (struct span){ p, p ? n : 0 };
}

/* Reads the long header at cur (its first byte already taken) up to the
 * packet number, or to the end of a Retry or Version Negotiation. *stop
 * tells whether the datagram's rest can be read. */
static enum fc_quic_status read_header(struct fc_quic_conn *c, unsigned dir, struct fc_cursor *cur,
                                       struct long_header *h, bool *stop)
{
    struct fc_quic_side *s = &c->side[dir];
    *stop = true;
    h->version = fc_get_be32(cur);
    if (cur->short_read) {
        s->n.malformed++;
        return FC_QUIC_TRUNCATED;
    }
    if (h->version == 0) { /* Version Negotiation: CIDs, versions to the end */
        s->n.version_negotiation++;
        return FC_QUIC_OK;
    }
    if (c->version == 0)
        c->version = h->version;
    h->v = find_version(h->version);
    if (!h->v) { /* its CIDs may be up to 255 bytes (RFC 8999), the rest unknown */
        s->n.unsupported++;
        return FC_QUIC_UNSUPPORTED;
    }
    h->dcid = get_cid(cur);
    h->scid = get_cid(cur);
    if (cur->short_read) {
        s->n.malformed++;
        return FC_QUIC_TRUNCATED;
    }
    if (h->dcid.len > FC_QUIC_CID_MAX || h->scid.len > FC_QUIC_CID_MAX) {
        s->n.malformed++;
        return FC_QUIC_MALFORMED;
    }
    h->type = packet_type(h->v, h->b0);
    if (h->type == TYPE_RETRY)
        return FC_QUIC_OK;
    if (h->type == TYPE_INITIAL)
        skip_vec(cur); /* token */
    uint64_t length = get_varint(cur);
    if (cur->short_read || length > fc_cursor_left(cur)) {
        s->n.malformed++;
        return FC_QUIC_TRUNCATED;
    }
    h->pn_off = (size_t)(cur->p - h->start);
    h->length = (size_t)length;
    *stop = false;
    return FC_QUIC_OK;
}

enum fc_quic_status fc_quic_datagram(struct fc_quic_conn *c, unsigned dir, const uint8_t *p,
                                     size_t len)
{
    enum fc_quic_status first = FC_QUIC_OK;
    struct fc_cursor cur = fc_cursor_make(p, len);
    dir &= 1;
    while (fc_cursor_left(&cur) > 0) {
        struct long_header h = { .start = cur.p };
        h.b0 = fc_get_u8(&cur);
        if (!(h.b0 & 0x80))
            break; /* a short header, or padding after the last packet */
        c->side[dir].n.packets++;
        bool stop;
        enum fc_quic_status st = read_header(c, dir, &cur, &h, &stop);
        if (!stop) {
            struct span pkt = { h.start, h.pn_off + h.length };
            if (h.type == TYPE_INITIAL)
                st = open_initial(c, dir, &h, pkt);
            else
                c->side[dir].n.other++;
            fc_cursor_skip(&cur, h.length);
        } else if (st == FC_QUIC_OK && h.v && h.type == TYPE_RETRY) {
            st = read_retry(c, dir, &h, (struct span){ h.start, (size_t)(cur.end - h.start) });
        }
        if (first == FC_QUIC_OK)
            first = st;
        if (stop)
            break;
    }
    return first;
}

bool fc_quic_probe(const uint8_t *p, size_t len)
{
    struct fc_cursor c = fc_cursor_make(p, len);
    uint8_t b0 = fc_get_u8(&c);
    const struct quic_version *v = find_version(fc_get_be32(&c));
    if (!(b0 & 0x80) || !v || packet_type(v, b0) != TYPE_INITIAL)
        return false;
    struct span dcid = get_cid(&c);
    struct span scid = get_cid(&c);
    skip_vec(&c); /* token */
    uint64_t length = get_varint(&c);
    return !c.short_read && dcid.len <= FC_QUIC_CID_MAX && scid.len <= FC_QUIC_CID_MAX &&
           length >= PN_MAX + SAMPLE_LEN && length <= fc_cursor_left(&c);
}

void fc_quic_init(struct fc_quic_conn *c)
{
    memset(c, 0, sizeof *c);
    c->side[0].largest_pn = -1;
    c->side[1].largest_pn = -1;
}

void fc_quic_release(struct fc_quic_conn *c)
{
    for (int i = 0; i < 2; i++) {
        free_keys(&c->side[i].keys);
        free(c->side[i].buf);
    }
    free(c->plain);
    fc_quic_init(c);
}
