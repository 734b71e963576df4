/*
 * core/quic-initial.c: the sample packets of RFC 9001 Appendix A (QUIC
 * version 1) and RFC 9369 Appendix A (version 2), keys included; two
 * corpus handshakes checked against tshark's decryption and Zeek's
 * quic.log/ssl.log; hostile input (every truncation, bad lengths, bad
 * frames, overlapping and out-of-range CRYPTO data, failed decryption).
 *
 * Data under tests/data/quic/ (see its README): the RFC packets as the
 * RFCs print them, and the corpus captures' UDP payloads as
 *   tshark -r FILE -Y udp -T fields -e udp.srcport -e udp.payload
 * one datagram a line, prefixed by 0 (client) or 1 (server).
 *
 * Hostile packets are sealed here with the RFC 9001 A.1 client keys by
 * seal_initial(), an independent implementation of RFC 9001 5.3-5.4 that
 * is first shown to rebuild the A.2 packet byte for byte.
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/quic-initial.h"
#include "core/tls-hello.h"
#include "fc-test.h"

struct bytes {
    uint8_t *p;
    size_t len;
};

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
    size_t n = 0;
    int hi = -1;
    for (; *s; s++) {
        int v = *s >= '0' && *s <= '9' ? *s - '0' : *s >= 'a' && *s <= 'f' ? *s - 'a' + 10 : -1;
        if (v < 0)
            continue;
        if (hi < 0) {
            hi = v;
        } else {
            ck_assert_uint_lt(n, cap);
            out[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    return n;
}

static char *read_text(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/quic/%s", FC_TEST_DATA, name);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    static char text[65536];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    return text;
}

/* A .hex file: the bytes, whitespace ignored. */
static struct bytes load_hex(const char *name)
{
    static uint8_t buf[4][4096];
    static unsigned next;
    uint8_t *out = buf[next++ % 4];
    struct bytes b = { out, unhex(read_text(name), out, sizeof buf[0]) };
    return b;
}

static void assert_hex(const uint8_t *p, size_t len, const char *hex)
{
    uint8_t want[64];
    size_t n = unhex(hex, want, sizeof want);
    ck_assert_uint_eq(len, n);
    ck_assert_int_eq(memcmp(p, want, n), 0);
}

static void assert_keys(const struct fc_quic_keys *k, const char *key, const char *iv,
                        const char *hp)
{
    ck_assert(k->ready);
    assert_hex(k->key, sizeof k->key, key);
    assert_hex(k->iv, sizeof k->iv, iv);
    assert_hex(k->hp, sizeof k->hp, hp);
}

static struct fc_tls_hello hello;

static void parse_hello(const struct fc_quic_conn *c, unsigned dir)
{
    size_t len = 0;
    const uint8_t *msg = fc_quic_hello(c, dir, &len);
    ck_assert_ptr_nonnull(msg);
    ck_assert_int_eq(fc_tls_hello_parse(msg, len, &hello), FC_TLS_OK);
}

static void assert_ja4(const char *want)
{
    char ja4[FC_TLS_JA4_LEN];
    ck_assert(fc_tls_ja4(&hello, 'q', ja4));
    ck_assert_str_eq(ja4, want);
}

/* ------------------------------------------------------------ RFC vectors */

/* The ClientHello of RFC 9001 A.2 (the same in RFC 9369 A.2): ciphers,
 * extensions, SNI and ALPN as its bytes spell them; JA4 computed by hand
 * (Python's hashlib over the sorted lists, FoxIO's JA4.md rules). */
static void assert_rfc_client_hello(const struct fc_quic_conn *c)
{
    const struct bytes frame = load_hex("rfc9001-a2-crypto.hex");
    size_t len;
    const uint8_t *msg = fc_quic_hello(c, 0, &len);
    ck_assert_ptr_nonnull(msg);
    /* CRYPTO frame: type 06, offset 00, length 40f1, then the message. */
    ck_assert_uint_eq(len, 0xf1);
    ck_assert_int_eq(memcmp(msg, frame.p + 4, len), 0);
    parse_hello(c, 0);
    ck_assert_uint_eq(hello.type, FC_TLS_CLIENT_HELLO);
    ck_assert_str_eq(hello.sni, "example.com");
    ck_assert_uint_eq(hello.alpn.n, 1);
    ck_assert_str_eq(hello.alpn.v[0].s, "alpn");
    ck_assert_uint_eq(hello.ciphers.n, 2);
    ck_assert_uint_eq(hello.ciphers.v[1], 0x1302);
    ck_assert_uint_eq(hello.exts.n, 11);
    ck_assert_uint_eq(hello.exts.v[10], 57); /* quic_transport_parameters */
    ck_assert_uint_eq(fc_tls_hello_version(&hello), 0x0304);
    assert_ja4("q13d0211an_62ed6f6ca7ad_4d634acda6c0");
}

/* A.3's ServerHello: TLS_AES_128_GCM_SHA256, TLS 1.3. */
static void assert_rfc_server_hello(const struct fc_quic_conn *c)
{
    const struct bytes payload = load_hex("rfc9001-a3-payload.hex");
    size_t len;
    const uint8_t *msg = fc_quic_hello(c, 1, &len);
    ck_assert_ptr_nonnull(msg);
    /* ACK 02 00 00 00 00, CRYPTO 06 00 405a, then the message. */
    ck_assert_uint_eq(len, 0x5a);
    ck_assert_int_eq(memcmp(msg, payload.p + 9, len), 0);
    parse_hello(c, 1);
    ck_assert_uint_eq(hello.type, FC_TLS_SERVER_HELLO);
    ck_assert_uint_eq(hello.cipher, 0x1301);
    ck_assert_uint_eq(fc_tls_hello_version(&hello), 0x0304);
}

static void assert_rfc_cids(const struct fc_quic_conn *c)
{
    ck_assert(c->have_odcid);
    assert_hex(c->odcid, c->odcid_len, "8394c8f03e515708");
    ck_assert_uint_eq(c->client_scid_len, 0);
    ck_assert(c->have_server_scid);
    assert_hex(c->server_scid, c->server_scid_len, "f067a5502a4262b5");
}

START_TEST(rfc9001_client_and_server_initial)
{
    struct fc_quic_conn c;
    fc_quic_init(&c);
    struct bytes ci = load_hex("rfc9001-a2-client.hex");
    struct bytes si = load_hex("rfc9001-a3-server.hex");
    ck_assert_uint_eq(ci.len, 1200);
    ck_assert(fc_quic_probe(ci.p, ci.len));
    ck_assert(fc_quic_probe(si.p, si.len));
    ck_assert_int_eq(fc_quic_datagram(&c, 0, ci.p, ci.len), FC_QUIC_OK);
    ck_assert_int_eq(fc_quic_datagram(&c, 1, si.p, si.len), FC_QUIC_OK);
    ck_assert_uint_eq(c.version, FC_QUIC_V1);
    /* RFC 9001 A.1 */
    assert_keys(&c.side[0].keys, "1f369613dd76d5467730efcbe3b1a22d", "fa044b2f42a3fd3b46fb255c",
                "9f50449e04a0e810283a1e9933adedd2");
    assert_keys(&c.side[1].keys, "cf3a5331653c364c88f0f379b6067e37", "0ac1493ca1905853b0bba03e",
                "c206b8d9b9f0f37644430b490eeaa314");
    /* A.2: packet number 2; A.3: 1. */
    ck_assert_int_eq(c.side[0].largest_pn, 2);
    ck_assert_int_eq(c.side[1].largest_pn, 1);
    ck_assert_uint_eq(c.side[0].n.decrypted, 1);
    ck_assert_uint_eq(c.side[1].n.decrypted, 1);
    ck_assert_uint_eq(c.side[0].dropped + c.side[1].dropped, 0);
    assert_rfc_cids(&c);
    assert_rfc_client_hello(&c);
    assert_rfc_server_hello(&c);
    fc_quic_release(&c);
}
END_TEST

START_TEST(rfc9369_client_and_server_initial)
{
    struct fc_quic_conn c;
    fc_quic_init(&c);
    struct bytes ci = load_hex("rfc9369-a2-client.hex");
    struct bytes si = load_hex("rfc9369-a3-server.hex");
    ck_assert(fc_quic_probe(ci.p, ci.len));
    ck_assert_int_eq(fc_quic_datagram(&c, 0, ci.p, ci.len), FC_QUIC_OK);
    ck_assert_int_eq(fc_quic_datagram(&c, 1, si.p, si.len), FC_QUIC_OK);
    ck_assert_uint_eq(c.version, FC_QUIC_V2);
    /* RFC 9369 A.1 */
    assert_keys(&c.side[0].keys, "8b1a0bc121284290a29e0971b5cd045d", "91f73e2351d8fa91660e909f",
                "45b95e15235d6f45a6b19cbcb0294ba9");
    assert_keys(&c.side[1].keys, "82db637861d55e1d011f19ea71d5d2a7", "dd13c276499c0249d3310652",
                "edf6d05c83121201b436e16877593c3a");
    assert_rfc_cids(&c);
    assert_rfc_client_hello(&c);
    assert_rfc_server_hello(&c);
    fc_quic_release(&c);
}
END_TEST

/* A.4's Retry: its integrity tag covers the client's first DCID; once
 * accepted, the keys derive from its SCID (f067a5502a4262b5). A second
 * Retry, or one with a bad tag, is refused. */
static void check_retry(const char *client, const char *retry, uint32_t version)
{
    struct bytes ci = load_hex(client);
    struct bytes ry = load_hex(retry);
    struct fc_quic_conn c;

    /* Before any client Initial, a Retry cannot be checked. */
    fc_quic_init(&c);
    ck_assert(!fc_quic_probe(ry.p, ry.len));
    ck_assert_int_eq(fc_quic_datagram(&c, 1, ry.p, ry.len), FC_QUIC_MALFORMED);
    ck_assert_int_eq(fc_quic_datagram(&c, 0, ci.p, ci.len), FC_QUIC_OK);
    ck_assert_uint_eq(c.version, version);
    ry.p[ry.len - 1] ^= 1;
    ck_assert_int_eq(fc_quic_datagram(&c, 1, ry.p, ry.len), FC_QUIC_DECRYPT_FAILED);
    ry.p[ry.len - 1] ^= 1;
    ck_assert(!c.retried);
    ck_assert_int_eq(fc_quic_datagram(&c, 0, ry.p, ry.len), FC_QUIC_MALFORMED); /* from the client */
    ck_assert_int_eq(fc_quic_datagram(&c, 1, ry.p, ry.len), FC_QUIC_OK);
    ck_assert(c.retried);
    ck_assert_uint_eq(c.side[1].n.retries, 1);
    assert_hex(c.key_dcid, c.key_dcid_len, "f067a5502a4262b5");
    assert_hex(c.odcid, c.odcid_len, "8394c8f03e515708");
    ck_assert(!c.side[0].keys.ready);
    ck_assert_int_eq(fc_quic_datagram(&c, 1, ry.p, ry.len), FC_QUIC_MALFORMED);
    /* The A.2 packet again: its keys were the first DCID's, so it no longer
     * decrypts; the hello it gave stays. */
    ck_assert_int_eq(fc_quic_datagram(&c, 0, ci.p, ci.len), FC_QUIC_DECRYPT_FAILED);
    ck_assert_ptr_nonnull(fc_quic_hello(&c, 0, &(size_t){ 0 }));
    fc_quic_release(&c);
}

START_TEST(retry_changes_the_key_cid)
{
    check_retry("rfc9001-a2-client.hex", "rfc9001-a4-retry.hex", FC_QUIC_V1);
    check_retry("rfc9369-a2-client.hex", "rfc9369-a4-retry.hex", FC_QUIC_V2);
}
END_TEST

/* ---------------------------------------------------------------- corpus */

static struct fc_quic_conn *feed_capture(const char *name, struct fc_quic_conn *c)
{
    static uint8_t datagram[2048];
    char *text = read_text(name);
    fc_quic_init(c);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        unsigned dir = line[0] == '1';
        size_t n = unhex(line + 2, datagram, sizeof datagram);
        ck_assert_int_eq(fc_quic_datagram(c, dir, datagram, n), FC_QUIC_OK);
    }
    return c;
}

/* app/quic-ietf.pcap: msquic, QUIC v1 (not draft-29: tshark reads version
 * 0x00000001 in every long header) offering ALPN h3-29. suricata-verify
 * expects SNI msquic.net and ALPN h3-29; tshark -V decrypts the Initials
 * to the same, and gives the CIDs, the cipher lists and the packets:
 * client Initial in frame 1; server Initial, Handshake packet and a short
 * header coalesced in frame 2; client Handshake packet and a short header
 * in frame 3; short headers after. JA4 by hand from
 * tshark's lists: supported_versions offers 0x0304, 0x7f1c, 0x7f1b, 0x7f1a
 * (TLS 1.3 drafts): the highest, 0x7f1c, has no JA4 code, hence "00". */
START_TEST(msquic_capture_matches_tshark)
{
    struct fc_quic_conn c;
    feed_capture("quic-ietf.txt", &c);
    ck_assert_uint_eq(c.version, FC_QUIC_V1);
    assert_hex(c.odcid, c.odcid_len, "345d144296b90cff");
    assert_hex(c.client_scid, c.client_scid_len, "f50587894e0cd26c");
    assert_hex(c.server_scid, c.server_scid_len, "d9e7940a80b4975407");
    ck_assert_uint_eq(c.side[0].n.initials, 1);
    ck_assert_uint_eq(c.side[0].n.decrypted, 1);
    ck_assert_uint_eq(c.side[1].n.initials, 1);
    ck_assert_uint_eq(c.side[1].n.decrypted, 1);
    ck_assert_uint_eq(c.side[1].n.other, 1);
    ck_assert_uint_eq(c.side[0].n.other, 1);
    parse_hello(&c, 0);
    ck_assert_str_eq(hello.sni, "msquic.net");
    ck_assert_str_eq(hello.alpn.v[0].s, "h3-29");
    ck_assert_uint_eq(hello.ciphers.n, 3);
    ck_assert_uint_eq(hello.exts.n, 9);
    assert_ja4("q00d0309h9_55b375c5d22e_4facdb9c99ee");
    parse_hello(&c, 1);
    ck_assert_uint_eq(hello.cipher, 0x1302);
    ck_assert_uint_eq(fc_tls_hello_version(&hello), 0x0304);
    fc_quic_release(&c);
}
END_TEST

/* app/quic-go-handshake-ppp.pcap (DLT_PPP): Zeek's quic.log says version
 * 1, client_initial_dcid a771f6161a4072c0bf10, client_scid empty,
 * server_scid 5911deff, server_name server4:443, client_protocol
 * hq-interop; its ssl.log TLS_AES_128_GCM_SHA256 and TLSv13. The client's
 * second Initial (frame 8, an ACK sent to DCID 5911deff) still uses the
 * first DCID's keys. JA4 by hand from tshark's lists. */
START_TEST(quic_go_capture_matches_zeek)
{
    struct fc_quic_conn c;
    feed_capture("quic-go-handshake-ppp.txt", &c);
    ck_assert_uint_eq(c.version, FC_QUIC_V1);
    assert_hex(c.odcid, c.odcid_len, "a771f6161a4072c0bf10");
    ck_assert_uint_eq(c.client_scid_len, 0);
    assert_hex(c.server_scid, c.server_scid_len, "5911deff");
    ck_assert_uint_eq(c.side[0].n.initials, 2);
    ck_assert_uint_eq(c.side[0].n.decrypted, 2);
    ck_assert_uint_eq(c.side[1].n.decrypted, 1);
    parse_hello(&c, 0);
    ck_assert_str_eq(hello.sni, "server4:443");
    ck_assert_str_eq(hello.alpn.v[0].s, "hq-interop");
    assert_ja4("q13d0311hp_55b375c5d22e_df5b9e597968");
    parse_hello(&c, 1);
    ck_assert_uint_eq(hello.cipher, 0x1301);
    ck_assert_uint_eq(fc_tls_hello_version(&hello), 0x0304);
    fc_quic_release(&c);
}
END_TEST

/* ------------------------------------------------------- sealed packets */

static const char *const client_key = "1f369613dd76d5467730efcbe3b1a22d";
static const char *const client_iv = "fa044b2f42a3fd3b46fb255c";
static const char *const client_hp = "9f50449e04a0e810283a1e9933adedd2";

/* A v1 client Initial to DCID 8394c8f03e515708 with a 4-byte packet
 * number and a 2-byte Length, protected as RFC 9001 5.3-5.4 say. */
static size_t seal_initial(uint32_t pn, const uint8_t *payload, size_t len, uint8_t *out)
{
    uint8_t key[16], iv[12], hp[16], mask[16];
    unhex(client_key, key, sizeof key);
    unhex(client_iv, iv, sizeof iv);
    unhex(client_hp, hp, sizeof hp);
    size_t plen = 4 + len + 16;
    uint8_t hdr[] = { 0xc3, 0, 0, 0, 1, 8, 0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08, 0, 0,
                      (uint8_t)(0x40 | plen >> 8), (uint8_t)plen, (uint8_t)(pn >> 24),
                      (uint8_t)(pn >> 16), (uint8_t)(pn >> 8), (uint8_t)pn };
    for (int i = 0; i < 4; i++)
        iv[8 + i] ^= hdr[18 + i];
    memcpy(out, hdr, sizeof hdr);
    int n;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    ck_assert(EVP_EncryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, key, iv) == 1);
    ck_assert(EVP_EncryptUpdate(ctx, NULL, &n, hdr, sizeof hdr) == 1);
    ck_assert(EVP_EncryptUpdate(ctx, out + sizeof hdr, &n, payload, (int)len) == 1);
    ck_assert(EVP_EncryptFinal_ex(ctx, out + sizeof hdr + len, &n) == 1);
    ck_assert(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, out + sizeof hdr + len) == 1);
    ck_assert(EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, hp, NULL) == 1);
    ck_assert(EVP_EncryptUpdate(ctx, mask, &n, out + sizeof hdr, 16) == 1);
    EVP_CIPHER_CTX_free(ctx);
    out[0] ^= mask[0] & 0x0f;
    for (int i = 0; i < 4; i++)
        out[18 + i] ^= mask[1 + i];
    return sizeof hdr + len + 16;
}

static uint8_t sealed[4096];
static uint8_t frames[2048];

/* Payload: the given frames padded to 1162 bytes (as in A.2). */
static size_t seal_frames(uint32_t pn, size_t len)
{
    memset(frames + len, 0, 1162 - len);
    return seal_initial(pn, frames, 1162, sealed);
}

static size_t put_crypto(uint8_t *out, uint16_t off, const uint8_t *p, uint16_t len)
{
    out[0] = 0x06;
    out[1] = (uint8_t)(0x40 | off >> 8);
    out[2] = (uint8_t)off;
    out[3] = (uint8_t)(0x40 | len >> 8);
    out[4] = (uint8_t)len;
    memcpy(out + 5, p, len);
    return 5 + (size_t)len;
}

START_TEST(sealing_rebuilds_the_rfc_packet)
{
    struct bytes frame = load_hex("rfc9001-a2-crypto.hex");
    struct bytes want = load_hex("rfc9001-a2-client.hex");
    memcpy(frames, frame.p, frame.len);
    ck_assert_uint_eq(seal_frames(2, frame.len), want.len);
    ck_assert_int_eq(memcmp(sealed, want.p, want.len), 0);
}
END_TEST

static const uint8_t *rfc_hello(size_t *len)
{
    struct bytes frame = load_hex("rfc9001-a2-crypto.hex");
    *len = frame.len - 4;
    return frame.p + 4;
}

static void feed(struct fc_quic_conn *c, size_t len, enum fc_quic_status want)
{
    ck_assert_int_eq(fc_quic_datagram(c, 0, sealed, len), want);
}

/* The hello cut into three CRYPTO frames sent in two packets, last part
 * first, with a duplicate: the same message comes out. */
START_TEST(crypto_frames_reassembled_out_of_order)
{
    size_t hl;
    const uint8_t *h = rfc_hello(&hl);
    uint8_t copy[256];
    memcpy(copy, h, hl);
    struct fc_quic_conn c;
    fc_quic_init(&c);
    size_t n = put_crypto(frames, 200, copy + 200, (uint16_t)(hl - 200));
    n += put_crypto(frames + n, 0, copy, 100);
    feed(&c, seal_frames(0, n), FC_QUIC_OK);
    ck_assert_ptr_null(fc_quic_hello(&c, 0, &(size_t){ 0 }));
    n = put_crypto(frames, 100, copy + 100, 100);
    n += put_crypto(frames + n, 0, copy, 150);
    feed(&c, seal_frames(1, n), FC_QUIC_OK);
    size_t len;
    const uint8_t *msg = fc_quic_hello(&c, 0, &len);
    ck_assert_ptr_nonnull(msg);
    ck_assert_uint_eq(len, hl);
    ck_assert_int_eq(memcmp(msg, copy, hl), 0);
    ck_assert_uint_eq(c.side[0].dropped, 0);
    fc_quic_release(&c);
}
END_TEST

/* Overlapping frames with different bytes: the bytes that came first are
 * kept, whichever copy is right. */
START_TEST(overlapping_crypto_first_copy_wins)
{
    size_t hl;
    const uint8_t *h = rfc_hello(&hl);
    uint8_t copy[256], junk[256];
    memcpy(copy, h, hl);
    memset(junk, 'X', sizeof junk);
    for (int junk_first = 0; junk_first < 2; junk_first++) {
        struct fc_quic_conn c;
        fc_quic_init(&c);
        size_t n = junk_first ? put_crypto(frames, 50, junk, 100) : put_crypto(frames, 0, copy, 150);
        feed(&c, seal_frames(0, n), FC_QUIC_OK);
        n = junk_first ? put_crypto(frames, 0, copy, (uint16_t)hl)
                       : put_crypto(frames, 50, junk, 100);
        n += put_crypto(frames + n, 150, copy + 150, (uint16_t)(hl - 150));
        feed(&c, seal_frames(1, n), FC_QUIC_OK);
        size_t len;
        const uint8_t *msg = fc_quic_hello(&c, 0, &len);
        ck_assert_ptr_nonnull(msg);
        ck_assert_uint_eq(len, hl);
        ck_assert_int_eq(memcmp(msg + 50, junk_first ? junk : copy + 50, 100), 0);
        ck_assert_int_eq(memcmp(msg + 150, copy + 150, hl - 150), 0);
        fc_quic_release(&c);
    }
}
END_TEST

/* Offsets past the message, past the cap, past 2^62; a message longer
 * than the cap. */
START_TEST(crypto_offsets_beyond_the_cap)
{
    size_t hl;
    const uint8_t *h = rfc_hello(&hl);
    uint8_t copy[256];
    memcpy(copy, h, hl);
    struct fc_quic_conn c;
    fc_quic_init(&c);
    size_t n = put_crypto(frames, 0x3ff0, copy, 40); /* 16368: 16 kept, 24 past the cap */
    n += put_crypto(frames + n, 0, copy, (uint16_t)hl);
    n += put_crypto(frames + n, (uint16_t)hl, copy, 10); /* past the hello */
    feed(&c, seal_frames(0, n), FC_QUIC_OK);
    ck_assert_uint_eq(c.side[0].dropped, 24 + 10);
    ck_assert_ptr_nonnull(fc_quic_hello(&c, 0, &(size_t){ 0 }));
    /* offset 2^62 - 2 + length 10: over the largest stream offset */
    static const uint8_t huge[] = { 0x06, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0x0a,
                                    0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
    memcpy(frames, huge, sizeof huge);
    feed(&c, seal_frames(1, sizeof huge), FC_QUIC_BAD_FRAME);
    ck_assert_uint_eq(c.side[0].n.bad_frames, 1);
    fc_quic_release(&c);

    /* A ClientHello header announcing 16381 bytes: 16385 with its header. */
    fc_quic_init(&c);
    static const uint8_t big[] = { 0x01, 0x00, 0x3f, 0xfd };
    feed(&c, seal_frames(0, put_crypto(frames, 0, big, 4)), FC_QUIC_OK);
    ck_assert(c.side[0].too_big);
    ck_assert_ptr_null(fc_quic_hello(&c, 0, &(size_t){ 0 }));
    feed(&c, seal_frames(1, put_crypto(frames, 4, copy, 100)), FC_QUIC_OK);
    ck_assert_uint_eq(c.side[0].dropped, 100);
    fc_quic_release(&c);
}
END_TEST

/* ACK with ranges and ECN counts, PING, CONNECTION_CLOSE are read past;
 * a STREAM frame, an application CONNECTION_CLOSE (0x1d) or a frame cut
 * short ends the packet, the CRYPTO bytes before it kept. */
START_TEST(frames_allowed_and_refused)
{
    static const uint8_t ok[] = { 0x03, 0x05, 0x00, 0x01, 0x01, 0x00, 0x01, 0x01, 0x02, 0x03, 0x01,
                                  0x1c, 0x0a, 0x06, 0x03, 'b', 'y', 'e' };
    struct fc_quic_conn c;
    fc_quic_init(&c);
    memcpy(frames, ok, sizeof ok);
    feed(&c, seal_frames(0, sizeof ok), FC_QUIC_OK);
    ck_assert_uint_eq(c.side[0].n.decrypted, 1);
    ck_assert_uint_eq(c.side[0].n.bad_frames, 0);

    static const uint8_t refused[][3] = { { 0x08, 0x00, 0x00 }, { 0x1d, 0x00, 0x00 },
                                          { 0x1e, 0x00, 0x00 } };
    for (uint32_t i = 0; i < 3; i++) {
        size_t n = put_crypto(frames, (uint16_t)i, (const uint8_t *)"abc" + i, 1);
        memcpy(frames + n, refused[i], 3);
        memset(frames + n + 3, 0, 10);
        feed(&c, seal_frames(1 + i, n + 3), FC_QUIC_BAD_FRAME);
    }
    ck_assert_uint_eq(c.side[0].n.bad_frames, 3);
    ck_assert_uint_eq(c.side[0].contig, 3);

    /* A CRYPTO frame whose length runs past the packet's end. */
    fc_quic_release(&c);
    memset(frames, 0, 1162);
    static const uint8_t cut[] = { 0x06, 0x00, 0x44, 0x8a };
    memcpy(frames + 1162 - 4 - 1, cut, sizeof cut);
    seal_initial(0, frames, 1162, sealed);
    feed(&c, 1200, FC_QUIC_BAD_FRAME);
    ck_assert_uint_eq(c.side[0].contig, 0);
    fc_quic_release(&c);
}
END_TEST

/* Every prefix of the A.2 packet: the Length field runs past it. */
START_TEST(every_prefix_is_truncated)
{
    struct bytes ci = load_hex("rfc9001-a2-client.hex");
    for (size_t len = 1; len < ci.len; len++) {
        struct fc_quic_conn c;
        fc_quic_init(&c);
        ck_assert_int_eq(fc_quic_datagram(&c, 0, ci.p, len), FC_QUIC_TRUNCATED);
        ck_assert(!fc_quic_probe(ci.p, len));
        ck_assert_uint_eq(c.side[0].n.decrypted, 0);
        fc_quic_release(&c);
    }
    struct fc_quic_conn c;
    fc_quic_init(&c);
    ck_assert_int_eq(fc_quic_datagram(&c, 0, ci.p, 0), FC_QUIC_OK);
    ck_assert_uint_eq(c.side[0].n.packets, 0);
}
END_TEST

/* Length fields: too short to hold a packet number and a sample; shorter
 * than the packet (the tag no longer matches, and the rest is read as a
 * next packet); a CID over 20 bytes. */
START_TEST(bad_lengths)
{
    struct bytes ci = load_hex("rfc9001-a2-client.hex");
    uint8_t p[1200];
    struct fc_quic_conn c;
    for (unsigned len = 0; len < 20; len++) {
        memcpy(p, ci.p, sizeof p);
        p[16] = 0x40;
        p[17] = (uint8_t)len;
        fc_quic_init(&c);
        ck_assert_int_eq(fc_quic_datagram(&c, 0, p, sizeof p), FC_QUIC_MALFORMED);
        ck_assert_uint_ge(c.side[0].n.malformed, 1); /* the rest may look like more */
        fc_quic_release(&c);
    }
    memcpy(p, ci.p, sizeof p);
    p[17] = 0x00; /* 0x4400 = 1024 */
    fc_quic_init(&c);
    ck_assert_int_eq(fc_quic_datagram(&c, 0, p, sizeof p), FC_QUIC_DECRYPT_FAILED);
    ck_assert_uint_eq(c.side[0].n.decrypt_failed, 1);
    fc_quic_release(&c);

    memcpy(p, ci.p, sizeof p);
    p[5] = 21; /* DCID length */
    fc_quic_init(&c);
    ck_assert_int_eq(fc_quic_datagram(&c, 0, p, sizeof p), FC_QUIC_MALFORMED);
    ck_assert(!fc_quic_probe(p, sizeof p));
    fc_quic_release(&c);
}
END_TEST

/* A flipped byte anywhere past the first: authentication fails (or the
 * header no longer parses), nothing is kept, and the intact packet then
 * decrypts with keys from its own DCID. */
START_TEST(flipped_bytes_fail_cleanly)
{
    struct bytes ci = load_hex("rfc9001-a2-client.hex");
    uint8_t p[1200];
    for (size_t at = 1; at < sizeof p; at += 7) {
        memcpy(p, ci.p, sizeof p);
        p[at] ^= 0x20;
        struct fc_quic_conn c;
        fc_quic_init(&c);
        ck_assert_int_ne(fc_quic_datagram(&c, 0, p, sizeof p), FC_QUIC_OK);
        ck_assert_uint_eq(c.side[0].n.decrypted, 0);
        ck_assert_ptr_null(fc_quic_hello(&c, 0, &(size_t){ 0 }));
        ck_assert(!c.have_odcid);
        ck_assert_int_eq(fc_quic_datagram(&c, 0, ci.p, ci.len), FC_QUIC_OK);
        assert_hex(c.odcid, c.odcid_len, "8394c8f03e515708");
        fc_quic_release(&c);
    }
}
END_TEST

/* A server Initial first has no keys; Version Negotiation, unknown
 * versions, short headers and coalesced packets. */
START_TEST(other_packets_and_coalescing)
{
    struct bytes ci = load_hex("rfc9001-a2-client.hex");
    struct bytes si = load_hex("rfc9001-a3-server.hex");
    struct fc_quic_conn c;
    fc_quic_init(&c);
    ck_assert_int_eq(fc_quic_datagram(&c, 1, si.p, si.len), FC_QUIC_NO_KEYS);
    ck_assert_uint_eq(c.side[1].n.no_keys, 1);

    static const uint8_t vn[] = { 0x80, 0, 0, 0, 0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 1 };
    ck_assert_int_eq(fc_quic_datagram(&c, 1, vn, sizeof vn), FC_QUIC_OK);
    ck_assert_uint_eq(c.side[1].n.version_negotiation, 1);
    ck_assert(!fc_quic_probe(vn, sizeof vn));
    static const uint8_t q050[] = { 0xc3, 'Q', '0', '5', '0', 8, 1, 2, 3, 4, 5, 6, 7, 8, 0 };
    ck_assert_int_eq(fc_quic_datagram(&c, 0, q050, sizeof q050), FC_QUIC_UNSUPPORTED);
    ck_assert_uint_eq(c.side[0].n.unsupported, 1);
    ck_assert(!fc_quic_probe(q050, sizeof q050));
    ck_assert_uint_eq(c.version, FC_QUIC_V1); /* the first long header's */

    ck_assert_int_eq(fc_quic_datagram(&c, 0, ci.p, ci.len), FC_QUIC_OK);
    /* The server Initial twice in one datagram, a short header after. */
    uint8_t dg[512];
    memcpy(dg, si.p, si.len);
    memcpy(dg + si.len, si.p, si.len);
    memcpy(dg + 2 * si.len, "\x40\x01\x02", 3);
    ck_assert_int_eq(fc_quic_datagram(&c, 1, dg, 2 * si.len + 3), FC_QUIC_OK);
    ck_assert_uint_eq(c.side[1].n.decrypted, 2);
    ck_assert_uint_eq(c.side[1].n.packets, 4); /* the first Initial, the VN, the two */
    assert_rfc_server_hello(&c);
    ck_assert(!fc_quic_probe(dg + 2 * si.len, 3));
    fc_quic_release(&c);
}
END_TEST

Suite *make_quic_initial_suite(void)
{
    Suite *s = suite_create("quic_initial");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, rfc9001_client_and_server_initial);
    tcase_add_test(tc, rfc9369_client_and_server_initial);
    tcase_add_test(tc, retry_changes_the_key_cid);
    tcase_add_test(tc, msquic_capture_matches_tshark);
    tcase_add_test(tc, quic_go_capture_matches_zeek);
    tcase_add_test(tc, sealing_rebuilds_the_rfc_packet);
    tcase_add_test(tc, crypto_frames_reassembled_out_of_order);
    tcase_add_test(tc, overlapping_crypto_first_copy_wins);
    tcase_add_test(tc, crypto_offsets_beyond_the_cap);
    tcase_add_test(tc, frames_allowed_and_refused);
    tcase_add_test(tc, every_prefix_is_truncated);
    tcase_add_test(tc, bad_lengths);
    tcase_add_test(tc, flipped_bytes_fail_cleanly);
    tcase_add_test(tc, other_packets_and_coalescing);
    suite_add_tcase(s, tc);
    return s;
}
