/*
 * core/ssh-kex.c: banners and binary packets read in chunks of any size,
 * KEXINIT lists, HASSH, negotiation and the host key fingerprint, plus
 * truncation, overlong lines and packets, and bad lengths. Expected
 * digests were computed with Python's hashlib over the strings shown.
 */
#include <stdlib.h>
#include <string.h>

#include "core/ssh-kex.h"
#include "fc-test.h"

/* A name-list: uint32 length, then the text. */
static size_t put_string(uint8_t *out, const char *s)
{
    size_t n = strlen(s);
    out[0] = (uint8_t)(n >> 24);
    out[1] = (uint8_t)(n >> 16);
    out[2] = (uint8_t)(n >> 8);
    out[3] = (uint8_t)n;
    memcpy(out + 4, s, n);
    return 4 + n;
}

/* A KEXINIT payload with the lists given (ten of them). */
static size_t make_kexinit(uint8_t *out, const char *const lists[10])
{
    size_t at = 0;
    out[at++] = FC_SSH_MSG_KEXINIT;
    memset(out + at, 0xcc, 16); /* cookie */
    at += 16;
    for (unsigned i = 0; i < 10; i++)
        at += put_string(out + at, lists[i]);
    memset(out + at, 0, 5); /* first_kex_packet_follows, reserved */
    return at + 5;
}

/* A binary packet around a payload, with 4 bytes of padding. */
static size_t make_packet(uint8_t *out, const uint8_t *payload, size_t n)
{
    uint32_t packet_length = (uint32_t)(n + 1 + 4);
    out[0] = (uint8_t)(packet_length >> 24);
    out[1] = (uint8_t)(packet_length >> 16);
    out[2] = (uint8_t)(packet_length >> 8);
    out[3] = (uint8_t)packet_length;
    out[4] = 4;
    memcpy(out + 5, payload, n);
    memset(out + 5 + n, 0, 4);
    return 4 + packet_length;
}

static const char *const client_lists[10] = {
    "curve25519-sha256,ext-info-c", "ssh-ed25519,rsa-sha2-512", "aes128-ctr", "aes128-ctr",
    "hmac-sha2-256", "hmac-sha2-256", "none", "none", "", "",
};
static const char *const server_lists[10] = {
    "curve25519-sha256", "rsa-sha2-512,ssh-ed25519", "aes256-ctr,aes128-ctr", "aes256-ctr",
    "hmac-sha1,hmac-sha2-256", "hmac-sha1", "none,zlib", "zlib", "", "",
};

struct seen {
    unsigned packets;
    uint8_t types[8];
    size_t lens[8];
};

static void on_packet(void *arg, const uint8_t *payload, size_t len)
{
    struct seen *s = arg;
    if (s->packets < 8) {
        s->types[s->packets] = payload[0];
        s->lens[s->packets] = len;
    }
    s->packets++;
}

/* A client stream: banner, KEXINIT, NEWKEYS, then "encrypted" bytes. */
static size_t client_stream(uint8_t *out, size_t *kexinit_len)
{
    static const char banner[] = "SSH-2.0-OpenSSH_9.2\r\n";
    uint8_t payload[1024];
    size_t at = strlen(banner);
    memcpy(out, banner, at);
    *kexinit_len = make_kexinit(payload, client_lists);
    at += make_packet(out + at, payload, *kexinit_len);
    const uint8_t newkeys[] = { FC_SSH_MSG_NEWKEYS };
    at += make_packet(out + at, newkeys, 1);
    memset(out + at, 0xee, 64);
    return at + 64;
}

START_TEST(stream_in_any_chunks)
{
    uint8_t stream[2048];
    size_t kexinit_len;
    size_t n = client_stream(stream, &kexinit_len);
    for (size_t chunk = 1; chunk <= n; chunk++) {
        struct fc_ssh_side side;
        struct seen seen = { 0 };
        fc_ssh_side_init(&side);
        enum fc_ssh_side_state st = FC_SSH_SIDE_BANNER;
        for (size_t at = 0; at < n; at += chunk)
            st = fc_ssh_side_feed(&side, stream + at, at + chunk > n ? n - at : chunk, on_packet,
                                  &seen);
        ck_assert_int_eq(st, FC_SSH_SIDE_DONE);
        ck_assert_str_eq(side.banner, "SSH-2.0-OpenSSH_9.2");
        ck_assert_uint_eq(seen.packets, 2); /* nothing after NEWKEYS */
        ck_assert_uint_eq(seen.types[0], FC_SSH_MSG_KEXINIT);
        ck_assert_uint_eq(seen.lens[0], kexinit_len);
        ck_assert_uint_eq(seen.types[1], FC_SSH_MSG_NEWKEYS);
        fc_ssh_side_release(&side);
    }
}
END_TEST

static enum fc_ssh_side_state feed_text(struct fc_ssh_side *side, const char *text)
{
    struct seen seen = { 0 };
    return fc_ssh_side_feed(side, (const uint8_t *)text, strlen(text), on_packet, &seen);
}

START_TEST(banner_rules)
{
    struct fc_ssh_side side;
    /* A server's lines before its banner are skipped (RFC 4253 4.2). */
    fc_ssh_side_init(&side);
    ck_assert_int_eq(feed_text(&side, "Welcome\r\nto here\nSSH-1.99-OpenSSH_3.9p1\r\n"),
                     FC_SSH_SIDE_PACKETS);
    ck_assert_str_eq(side.banner, "SSH-1.99-OpenSSH_3.9p1");
    fc_ssh_side_release(&side);
    /* SSH-1 has no KEXINIT: done after the banner. */
    fc_ssh_side_init(&side);
    ck_assert_int_eq(feed_text(&side, "SSH-1.5-1.2.27\n"), FC_SSH_SIDE_DONE);
    ck_assert_str_eq(side.banner, "SSH-1.5-1.2.27");
    /* A line over 255 bytes. */
    char line[300];
    memset(line, 'a', sizeof line - 1);
    line[sizeof line - 1] = '\0';
    fc_ssh_side_init(&side);
    ck_assert_int_eq(feed_text(&side, line), FC_SSH_SIDE_LOST);
    /* Too many lines before a banner. */
    fc_ssh_side_init(&side);
    enum fc_ssh_side_state st = FC_SSH_SIDE_BANNER;
    for (unsigned i = 0; i < 200 && st == FC_SSH_SIDE_BANNER; i++)
        st = feed_text(&side, "0123456789012345678901234567890123456789012345678901234567890\n");
    ck_assert_int_eq(st, FC_SSH_SIDE_LOST);
    ck_assert_uint_le(side.pre_banner, FC_SSH_PRE_BANNER_MAX + 64);
}
END_TEST

START_TEST(bad_packet_lengths)
{
    static const struct {
        uint8_t bytes[5];
    } cases[] = {
        { { 0x00, 0x00, 0x89, 0x00, 4 } }, /* 35072 > 35000 */
        { { 0x00, 0x00, 0x00, 0x04, 0 } }, /* under 5 */
        { { 0xff, 0xff, 0xff, 0xff, 4 } },
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct fc_ssh_side side;
        struct seen seen = { 0 };
        fc_ssh_side_init(&side);
        feed_text(&side, "SSH-2.0-x\r\n");
        ck_assert_int_eq(fc_ssh_side_feed(&side, cases[i].bytes, 5, on_packet, &seen),
                         FC_SSH_SIDE_LOST);
        ck_assert_uint_eq(seen.packets, 0);
    }
    /* Padding as long as the packet. */
    const uint8_t padded[] = { 0, 0, 0, 8, 8, 1, 2, 3, 4, 5, 6, 7, 8 };
    struct fc_ssh_side side;
    struct seen seen = { 0 };
    fc_ssh_side_init(&side);
    feed_text(&side, "SSH-2.0-x\r\n");
    ck_assert_int_eq(fc_ssh_side_feed(&side, padded, sizeof padded, on_packet, &seen),
                     FC_SSH_SIDE_LOST);
    ck_assert_uint_eq(seen.packets, 0);
}
END_TEST

START_TEST(kexinit_hassh_and_negotiation)
{
    uint8_t c_payload[1024], s_payload[1024];
    size_t c_len = make_kexinit(c_payload, client_lists);
    size_t s_len = make_kexinit(s_payload, server_lists);
    struct fc_ssh_kexinit c, s;
    ck_assert(fc_ssh_kexinit_parse(c_payload, c_len, &c));
    ck_assert(fc_ssh_kexinit_parse(s_payload, s_len, &s));
    char md5[FC_SSH_MD5_HEX];
    /* md5("curve25519-sha256,ext-info-c;aes128-ctr;hmac-sha2-256;none") */
    fc_ssh_hassh(&c, false, md5);
    ck_assert_str_eq(md5, "cafb69eb1dbb2a4a505b5b25342a4940");
    /* md5("curve25519-sha256;aes256-ctr;hmac-sha1;zlib"): the s2c lists */
    fc_ssh_hassh(&s, true, md5);
    ck_assert_str_eq(md5, "1d28bf246fed683b2556414dbd13cd28");
    char name[FC_SSH_NAME_MAX + 1];
    ck_assert(fc_ssh_negotiate(c.lists[FC_SSH_HOST_KEY], s.lists[FC_SSH_HOST_KEY], name));
    ck_assert_str_eq(name, "ssh-ed25519"); /* the client's order decides */
    ck_assert(fc_ssh_negotiate(c.lists[FC_SSH_ENC_C2S], s.lists[FC_SSH_ENC_C2S], name));
    ck_assert_str_eq(name, "aes128-ctr");
    ck_assert(!fc_ssh_negotiate(c.lists[FC_SSH_ENC_S2C], s.lists[FC_SSH_ENC_S2C], name));
    ck_assert_str_eq(name, "");
    ck_assert(!fc_ssh_negotiate(c.lists[FC_SSH_LANG_C2S], s.lists[FC_SSH_LANG_C2S], name));
    /* Every shorter prefix is refused. */
    for (size_t n = 0; n < c_len; n++)
        ck_assert(!fc_ssh_kexinit_parse(c_payload, n, &c));
    c_payload[0] = FC_SSH_MSG_NEWKEYS;
    ck_assert(!fc_ssh_kexinit_parse(c_payload, c_len, &c));
}
END_TEST

START_TEST(host_key_and_fingerprint)
{
    /* KEX_ECDH_REPLY: string K_S = string "ssh-ed25519" (a shortened blob). */
    const uint8_t reply[] = { 31, 0, 0, 0, 15, 0, 0, 0, 11, 's', 's', 'h', '-', 'e', 'd',
                              '2', '5', '5', '1', '9', 0, 0, 0, 0 };
    struct fc_span blob;
    ck_assert(fc_ssh_host_key(reply, sizeof reply, false, &blob));
    ck_assert_uint_eq(blob.len, 15);
    ck_assert(!fc_ssh_host_key(reply, sizeof reply, true, &blob)); /* 31 is GEX_GROUP */
    for (size_t n = 0; n < 20; n++)
        ck_assert(!fc_ssh_host_key(reply, n, false, &blob));
    ck_assert(fc_ssh_host_key(reply, 20, false, &blob));
    char fp[FC_SSH_FINGERPRINT_LEN + 1];
    fc_ssh_fingerprint(blob, fp);
    /* base64(sha256(b"\0\0\0\x0bssh-ed25519")) without its "=" */
    ck_assert_str_eq(fp, "SHA256:5/gdC8tsZ+1R7UnoiM4pMal9U3M82idPVzt95oIw3hQ");
}
END_TEST

Suite *make_ssh_kex_suite(void)
{
    Suite *s = suite_create("ssh_kex");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, stream_in_any_chunks);
    tcase_add_test(tc, banner_rules);
    tcase_add_test(tc, bad_packet_lengths);
    tcase_add_test(tc, kexinit_hassh_and_negotiation);
    tcase_add_test(tc, host_key_and_fingerprint);
    suite_add_tcase(s, tc);
    return s;
}
