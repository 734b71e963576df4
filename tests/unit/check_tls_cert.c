/*
 * core/tls-cert.c: real Certificate messages from the corpus, checked
 * against the values peers report for them (Zeek's x509.log and ssl.log,
 * Arkime's cert array), plus truncation, malformed lengths, the chain cap,
 * unparsable certificates, and SAN forms, escapes and caps on two crafted
 * certificates.
 *
 * The messages under tests/data/tls-cert/ are written by
 * tests/tools/extract_tls_cert.py from the capture named in each test; see
 * tests/data/tls-cert/README.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/tls-cert.h"
#include "core/tls-certificate.h"
#include "fc-test.h"

#define NS 1000000000LL

struct blob {
    uint8_t *p;
    size_t len;
};

static struct blob load(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/tls-cert/%s", FC_TEST_DATA, name);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    struct blob b = { malloc(16384), 0 };
    b.len = fread(b.p, 1, 16384, f);
    ck_assert(feof(f));
    fclose(f);
    return b;
}

static struct fc_tls_cert_chain chain;
static struct fc_tls_cert cert;

static void parse_ok(const struct blob *b, uint16_t n)
{
    ck_assert_int_eq(fc_tls_cert_parse(b->p, b->len, &chain), FC_TLS_CERT_OK);
    ck_assert_uint_eq(chain.certs.n, n);
    ck_assert_uint_eq(chain.certs.dropped, 0);
}

static void read_ok(unsigned i)
{
    const struct fc_tls_der *der = &chain.certs.v[i];
    ck_assert(fc_tls_cert_read(der->p, der->len, &cert));
    ck_assert_uint_eq(cert.der_len, der->len);
    ck_assert_uint_eq(cert.cut, 0);
}

/* A row of Zeek's x509.log ("-" is an empty text here). */
struct zeek_x509 {
    const char *fingerprint;
    unsigned version;
    const char *serial, *subject, *issuer;
    int64_t not_before, not_after; /* seconds */
    const char *key_alg, *sig_alg, *key_type;
    unsigned key_length;
    const char *exponent, *curve, *dns, *uri, *email, *ip;
};

static void assert_zeek(const struct zeek_x509 *z)
{
    ck_assert_str_eq(cert.sha256, z->fingerprint);
    ck_assert_uint_eq(cert.version, z->version);
    ck_assert_str_eq(cert.serial, z->serial);
    ck_assert_str_eq(cert.subject, z->subject);
    ck_assert_str_eq(cert.issuer, z->issuer);
    ck_assert(cert.has_not_before && cert.has_not_after);
    ck_assert_int_eq(cert.not_before, z->not_before * NS);
    ck_assert_int_eq(cert.not_after, z->not_after * NS);
    ck_assert_str_eq(cert.key_alg, z->key_alg);
    ck_assert_str_eq(cert.sig_alg, z->sig_alg);
    ck_assert_str_eq(cert.key_type, z->key_type);
    ck_assert_uint_eq(cert.key_length, z->key_length);
    ck_assert_str_eq(cert.exponent, z->exponent);
    ck_assert_str_eq(cert.curve, z->curve);
    ck_assert_str_eq(cert.san_dns.s, z->dns);
    ck_assert_str_eq(cert.san_uri.s, z->uri);
    ck_assert_str_eq(cert.san_email.s, z->email);
    ck_assert_str_eq(cert.san_ip.s, z->ip);
    ck_assert_uint_eq(cert.san_other, 0);
}

/* tls/tls10-cert-extensions.expected.zeek.x509.log */
static const struct zeek_x509 tls10_x509[] = {
    { "a580247a25324adf4add5af648de4ac5798030dfd622f26a5f2280d7528ae244", 3,
      "36F5DA5300000000505E", "CN=*.gstatic.com,O=Google Inc,L=Mountain View,ST=California,C=US",
      "CN=Google Internet Authority,O=Google Inc,C=US", 1334102677, 1365639277, "rsaEncryption",
      "sha1WithRSAEncryption", "rsa", 1024, "65537", "",
      "*.gstatic.com,gstatic.com,*.metric.gstatic.com", "", "", "" },
    { "250da2691be97c9a33ceef7e311c14fb01846e058a99cea9bd1125bd25a0cad5", 3, "0B6771",
      "CN=Google Internet Authority,O=Google Inc,C=US",
      "OU=Equifax Secure Certificate Authority,O=Equifax,C=US", 1244493807, 1370634207,
      "rsaEncryption", "sha1WithRSAEncryption", "rsa", 1024, "65537", "", "", "", "", "" },
};

/* tls/tls10-cert-extensions.expected.zeek.ssl.log */
static const char tls10_chain_fps[] =
    "a580247a25324adf4add5af648de4ac5798030dfd622f26a5f2280d7528ae244,"
    "250da2691be97c9a33ceef7e311c14fb01846e058a99cea9bd1125bd25a0cad5";

START_TEST(tls10_chain_matches_zeek)
{
    struct blob b = load("tls10-cert-extensions.bin");
    parse_ok(&b, 2);
    char fps[2 * FC_TLS_SHA256_HEX] = "";
    for (unsigned i = 0; i < 2; i++) {
        read_ok(i);
        assert_zeek(&tls10_x509[i]);
        strcat(fps, i ? "," : "");
        strcat(fps, cert.sha256);
    }
    ck_assert_str_eq(fps, tls10_chain_fps);
    free(b.p);
}
END_TEST

/* formats/sll-irc-starttls.expected.zeek.x509.log (cert_chain_fps of the
 * ssl.log is this one fingerprint) */
static const struct zeek_x509 irc_x509 = {
    "a111545f954961d71c1bc8996b623ee8794d54ff0e25c645dcd8ab4f6f045954", 3, "F9435743EF353D9E",
    "CN=irc.joulunet.org,OU=IRCd,O=Multim,L=Pori,ST=Pori,C=FI",
    "CN=irc.joulunet.org,OU=IRCd,O=Multim,L=Pori,ST=Pori,C=FI", 1436555613, 1751915613,
    "rsaEncryption", "sha256WithRSAEncryption", "rsa", 4096, "65537", "", "", "", "", "",
};

/* formats/sll-irc-starttls.pcap frame 12: the client's Certificate, sent
 * after a CertificateRequest, is empty (client_cert_chain_fps (empty)). */
static const uint8_t irc_client_cert[] = { 0x0b, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00 };

START_TEST(irc_starttls_matches_zeek)
{
    struct blob b = load("sll-irc-starttls.bin");
    parse_ok(&b, 1);
    read_ok(0);
    assert_zeek(&irc_x509);
    free(b.p);

    ck_assert_int_eq(fc_tls_cert_parse(irc_client_cert, sizeof irc_client_cert, &chain),
                     FC_TLS_CERT_OK);
    ck_assert_uint_eq(chain.certs.n, 0);
}
END_TEST

/* An entry of Arkime's cert array; Arkime lowercases the CNs and gives
 * the serial in lowercase hex, the hash as SHA-1 with colons. */
struct arkime_cert {
    const char *hash, *serial;
    const char *issuer_cn, *issuer_on, *issuer_ou, *subject_cn, *subject_on;
    int64_t not_before_ms, not_after_ms;
    const char *public_algorithm, *alt;
    unsigned alt_cnt;
};

/* tls/tls12-cert-openssl.expected.arkime.json, in Arkime's order (not the
 * chain's: the leaf comes first on the wire). */
static const struct arkime_cert tls12_arkime[] = {
    { "bb:dc:e1:3e:9d:53:7a:52:29:91:5c:b1:23:c7:aa:b0:a8:55:e7:98", "023a76",
      "geotrust global ca", "GeoTrust Inc.", NULL, "google internet authority g2", "Google Inc",
      1365174955000, 1483228799000, "rsaEncryption", "", 0 },
    { "73:59:75:5c:6d:f9:a0:ab:c3:06:0b:ce:36:95:64:c8:ec:45:42:a3", "12bbe6", NULL, "Equifax",
      "Equifax Secure Certificate Authority", "geotrust global ca", "GeoTrust Inc.",
      1021953600000, 1534824000000, "rsaEncryption", "", 0 },
    { "0e:a3:27:7c:eb:7f:b2:8c:2b:5d:7d:d7:6b:e9:ba:1a:ec:0d:ff:91", "7a5b0bd895632f87",
      "google internet authority g2", "Google Inc", NULL, "*.google.com", "Google Inc",
      1411553285000, 1419292800000, "rsaEncryption",
      "*.google.com,*.android.com,*.appengine.google.com,*.cloud.google.com,"
      "*.google-analytics.com,*.google.ca,*.google.cl,*.google.co.in,*.google.co.jp,"
      "*.google.co.uk,*.google.com.ar,*.google.com.au,*.google.com.br,*.google.com.co,"
      "*.google.com.mx,*.google.com.tr,*.google.com.vn,*.google.de,*.google.es,*.google.fr,"
      "*.google.hu,*.google.it,*.google.nl,*.google.pl,*.google.pt,*.googleadapis.com,"
      "*.googleapis.cn,*.googlecommerce.com,*.googlevideo.com,*.gstatic.cn,*.gstatic.com,"
      "*.gvt1.com,*.gvt2.com,*.urchin.com,*.url.google.com,*.youtube-nocookie.com,"
      "*.youtube.com,*.youtubeeducation.com,*.ytimg.com,android.com,g.co,goo.gl,"
      "google-analytics.com,google.com,googlecommerce.com,urchin.com,youtu.be,youtube.com,"
      "youtubeeducation.com",
      49 },
};

/* The value of attribute `key` in an RFC 2253 name, "" when absent (the
 * names here hold no escaped ','). */
static void attr(const char *dn, const char *key, char *out, size_t cap)
{
    out[0] = '\0';
    size_t klen = strlen(key);
    for (const char *p = dn; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
        if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
            size_t n = strcspn(p + klen + 1, ",");
            snprintf(out, cap, "%.*s", (int)n, p + klen + 1);
            return;
        }
    }
}

static void assert_attr(const char *dn, const char *key, const char *want, bool any_case)
{
    char got[256];
    attr(dn, key, got, sizeof got);
    want = want ? want : "";
    ck_assert_msg(any_case ? strcasecmp(got, want) == 0 : strcmp(got, want) == 0,
                  "%s of %s: %s, want %s", key, dn, got, want);
}

static void colon_hex(const char *hex, char *out)
{
    size_t at = 0;
    for (size_t i = 0; hex[i]; i++) {
        if (i > 0 && i % 2 == 0)
            out[at++] = ':';
        out[at++] = hex[i];
    }
    out[at] = '\0';
}

static void assert_arkime(const struct arkime_cert *a)
{
    ck_assert_msg(strcasecmp(cert.serial, a->serial) == 0, "serial %s", cert.serial);
    assert_attr(cert.issuer, "CN", a->issuer_cn, true);
    assert_attr(cert.issuer, "O", a->issuer_on, false);
    assert_attr(cert.issuer, "OU", a->issuer_ou, false);
    assert_attr(cert.subject, "CN", a->subject_cn, true);
    assert_attr(cert.subject, "O", a->subject_on, false);
    ck_assert_int_eq(cert.not_before, a->not_before_ms * 1000000);
    ck_assert_int_eq(cert.not_after, a->not_after_ms * 1000000);
    ck_assert_str_eq(cert.key_alg, a->public_algorithm);
    ck_assert_str_eq(cert.san_dns.s, a->alt);
    ck_assert_uint_eq(cert.san_dns.n, a->alt_cnt);
}

START_TEST(tls12_chain_matches_arkime)
{
    struct blob b = load("tls12-cert-openssl.bin");
    parse_ok(&b, 3);
    /* wire order: the leaf, then its issuer, then that one's */
    static const unsigned wire_at[] = { 1, 2, 0 };
    for (unsigned i = 0; i < 3; i++) {
        read_ok(wire_at[i]);
        char hash[3 * FC_TLS_SHA1_HEX];
        colon_hex(cert.sha1, hash);
        ck_assert_str_eq(hash, tls12_arkime[i].hash);
        assert_arkime(&tls12_arkime[i]);
    }
    free(b.p);
}
END_TEST

/* Every prefix is truncated; with the two lengths set to fit, it is whole
 * exactly where a certificate ends (they are 1905, 1012 and 897 bytes). */
START_TEST(every_prefix_fails_cleanly)
{
    struct blob b = load("tls12-cert-openssl.bin");
    for (size_t n = 0; n < b.len; n++) {
        uint8_t *p = malloc(n ? n : 1);
        memcpy(p, b.p, n);
        ck_assert_int_eq(fc_tls_cert_parse(p, n, &chain), FC_TLS_CERT_TRUNCATED);
        if (n >= 7) {
            for (unsigned k = 0; k < 2; k++) {
                size_t field = n - 4 - 3 * k;
                p[1 + 3 * k] = (uint8_t)(field >> 16);
                p[2 + 3 * k] = (uint8_t)(field >> 8);
                p[3 + 3 * k] = (uint8_t)field;
            }
            bool whole = n == 7 || n == 7 + 3 + 1905 || n == 7 + 3 + 1905 + 3 + 1012;
            ck_assert_msg(fc_tls_cert_parse(p, n, &chain) ==
                              (whole ? FC_TLS_CERT_OK : FC_TLS_CERT_MALFORMED),
                          "prefix %zu", n);
        }
        free(p);
    }
    free(b.p);
}
END_TEST

/* A DER prefix is not a certificate, yet has its own fingerprints. */
START_TEST(every_der_prefix_is_unparsable)
{
    struct blob b = load("sll-irc-starttls.bin");
    parse_ok(&b, 1);
    const struct fc_tls_der der = chain.certs.v[0];
    for (size_t n = 0; n < der.len; n++) {
        uint8_t *p = malloc(n ? n : 1);
        memcpy(p, der.p, n);
        ck_assert_msg(!fc_tls_cert_read(p, n, &cert), "prefix %zu", n);
        ck_assert(!cert.parsed && cert.der_len == n && cert.subject[0] == '\0');
        ck_assert_uint_eq(strlen(cert.sha256), 64);
        free(p);
    }
    /* (sha1sum/sha256sum of the first 1442 bytes) */
    ck_assert_str_eq(cert.sha1, "8e0de28df687d6fcaa12d6f0092886133a96580d");
    ck_assert_str_eq(cert.sha256,
                     "d92c05392739d53e3f89e4bb92f1c244667d67ec3cb10b41842ed40bb7558fd8");
    free(b.p);
}
END_TEST

/* Appends one certificate entry. */
static size_t put_cert(uint8_t *msg, size_t at, const void *der, size_t n)
{
    msg[at] = (uint8_t)(n >> 16);
    msg[at + 1] = (uint8_t)(n >> 8);
    msg[at + 2] = (uint8_t)n;
    memcpy(msg + at + 3, der, n);
    return at + 3 + n;
}

/* Sets the handshake header and the list length for a message of len. */
static void put_lengths(uint8_t *msg, size_t len)
{
    msg[0] = FC_TLS_CERTIFICATE;
    for (unsigned k = 0; k < 2; k++) {
        size_t field = len - 4 - 3 * k;
        msg[1 + 3 * k] = (uint8_t)(field >> 16);
        msg[2 + 3 * k] = (uint8_t)(field >> 8);
        msg[3 + 3 * k] = (uint8_t)field;
    }
}

START_TEST(garbage_der_is_reported_not_fatal)
{
    struct blob irc = load("sll-irc-starttls.bin");
    static const char garbage[] = "not a certificate";
    uint8_t msg[4096];
    size_t len = put_cert(msg, 7, garbage, strlen(garbage));
    len = put_cert(msg, len, irc.p + 10, irc.len - 10);
    put_lengths(msg, len);
    ck_assert_int_eq(fc_tls_cert_parse(msg, len, &chain), FC_TLS_CERT_OK);
    ck_assert_uint_eq(chain.certs.n, 2);

    ck_assert(!fc_tls_cert_read(chain.certs.v[0].p, chain.certs.v[0].len, &cert));
    ck_assert_uint_eq(cert.der_len, strlen(garbage));
    /* (printf 'not a certificate' | sha1sum, sha256sum) */
    ck_assert_str_eq(cert.sha1, "34491fe877745149646ce28c6b98961e9124390b");
    ck_assert_str_eq(cert.sha256,
                     "47209c9b7af839de69e9a9cd625e9182c1ad63dae79ed88a2dd680fe34218620");
    ck_assert(cert.version == 0 && cert.serial[0] == '\0' && !cert.has_not_before);

    read_ok(1);
    assert_zeek(&irc_x509);
    free(irc.p);
}
END_TEST

START_TEST(bad_lengths_and_types_refused)
{
    uint8_t msg[64];
    size_t len = put_cert(msg, 7, "\x30\x00", 2);
    put_lengths(msg, len);
    ck_assert_int_eq(fc_tls_cert_parse(msg, len, &chain), FC_TLS_CERT_OK);

    msg[0] = 2; /* a ServerHello */
    ck_assert_int_eq(fc_tls_cert_parse(msg, len, &chain), FC_TLS_CERT_NOT_CERTIFICATE);
    msg[0] = FC_TLS_CERTIFICATE;

    msg[len] = 0; /* a byte after the message */
    ck_assert_int_eq(fc_tls_cert_parse(msg, len + 1, &chain), FC_TLS_CERT_MALFORMED);

    msg[6]--; /* the list one byte shorter than the message */
    ck_assert_int_eq(fc_tls_cert_parse(msg, len, &chain), FC_TLS_CERT_MALFORMED);
    msg[6]++;

    msg[9]++; /* the certificate one byte longer than the list */
    ck_assert_int_eq(fc_tls_cert_parse(msg, len, &chain), FC_TLS_CERT_MALFORMED);

    len = put_cert(msg, 7, "", 0); /* ASN.1Cert<1..2^24-1> */
    put_lengths(msg, len);
    ck_assert_int_eq(fc_tls_cert_parse(msg, len, &chain), FC_TLS_CERT_MALFORMED);
}
END_TEST

START_TEST(chain_cap_counts_what_is_dropped)
{
    uint8_t msg[7 + 12 * 5];
    size_t len = 7;
    for (unsigned i = 0; i < 12; i++)
        len = put_cert(msg, len, "\x30\x00", 2);
    put_lengths(msg, len);
    ck_assert_int_eq(fc_tls_cert_parse(msg, len, &chain), FC_TLS_CERT_OK);
    ck_assert_uint_eq(chain.certs.n, FC_TLS_MAX_CERTS);
    ck_assert_uint_eq(chain.certs.dropped, 2);
    ck_assert(chain.certs.v[9].p == msg + 7 + 9 * 5 + 3);
}
END_TEST

/* crafted-ec-sans.der (openssl req, see the README), against
 * openssl x509 -text -nameopt RFC2253: a UTF-8 CN and a ',' in O, an EC
 * key, every SAN form and a notAfter in 9999. */
START_TEST(crafted_sans_and_escapes)
{
    struct blob b = load("crafted-ec-sans.der");
    ck_assert(fc_tls_cert_read(b.p, b.len, &cert));
    ck_assert_str_eq(cert.sha1, "51ef12a22b102d0e2b61b8038c10cda94f120b51");
    ck_assert_str_eq(cert.sha256,
                     "56fa753d1899cce741d8d1bdb0ab0a751f5a0f4a33a08cd9b38cf4b0fe443f71");
    ck_assert_uint_eq(cert.version, 3);
    ck_assert_str_eq(cert.serial, "FF01");
    ck_assert_str_eq(cert.subject, "C=SE,O=Flow\\, Case,CN=caf\\C3\\A9.example");
    ck_assert_str_eq(cert.issuer, cert.subject);
    ck_assert_int_eq(cert.not_before, 1795733632 * NS); /* 2026-11-26 22:53:52 */
    ck_assert(cert.has_not_after && cert.not_after == INT64_MAX);
    ck_assert_uint_eq(cert.cut, FC_TLS_CERT_CUT_NOT_AFTER);
    ck_assert_str_eq(cert.key_alg, "id-ecPublicKey");
    ck_assert_str_eq(cert.sig_alg, "ecdsa-with-SHA256");
    ck_assert_str_eq(cert.key_type, "ecdsa");
    ck_assert_uint_eq(cert.key_length, 256);
    ck_assert_str_eq(cert.curve, "prime256v1");
    ck_assert_str_eq(cert.exponent, "");
    ck_assert_str_eq(cert.san_dns.s, "a.example,x\\x2cy.example");
    ck_assert_uint_eq(cert.san_dns.n, 2);
    ck_assert_str_eq(cert.san_ip.s, "192.0.2.1,2001:db8::1");
    ck_assert_str_eq(cert.san_email.s, "ops@example.org");
    ck_assert_str_eq(cert.san_uri.s, "https://example.org/flow");
    ck_assert_uint_eq(cert.san_other, 1); /* the registeredID */
    free(b.p);
}
END_TEST

/* crafted-many-sans.der: a 1100-byte description in the subject and 150
 * DNS names of 29 bytes, past the caps. */
START_TEST(crafted_text_caps)
{
    struct blob b = load("crafted-many-sans.der");
    ck_assert(fc_tls_cert_read(b.p, b.len, &cert));
    ck_assert_uint_eq(cert.cut, FC_TLS_CERT_CUT_SUBJECT | FC_TLS_CERT_CUT_ISSUER);
    ck_assert_uint_eq(strlen(cert.subject), FC_TLS_CERT_NAME_LEN);
    ck_assert(strncmp(cert.subject, "description=ddd", 15) == 0); /* the CN is past the cap */
    /* whole names only: 136 * 30 - 1 bytes fit in 4095 */
    ck_assert_uint_eq(cert.san_dns.n, 136);
    ck_assert_uint_eq(cert.san_dns.dropped, 14);
    ck_assert_uint_eq(strlen(cert.san_dns.s), 136 * 30 - 1);
    const char *last = strrchr(cert.san_dns.s, ',') + 1;
    ck_assert_str_eq(last, "n135.san-cap-test.example.org");
    free(b.p);
}
END_TEST

/* The compact copy the dissector keeps: the same values, only the texts
 * present, in a buffer of their exact size. */
START_TEST(compact_copy_keeps_the_values)
{
    ck_assert_uint_le(sizeof(struct fc_tls_certificate), 128);
    struct blob b = load("tls12-cert-openssl.bin");
    parse_ok(&b, 3);
    for (unsigned i = 0; i < 3; i++) {
        read_ok(i);
        struct fc_tls_certificate c = { 0 };
        ck_assert(fc_tls_certificate_set(&c, &cert, i == 2, i));
        ck_assert(c.parsed && c.client == (i == 2) && c.chain_index == i);
        ck_assert_uint_eq(c.version, cert.version);
        ck_assert_uint_eq(c.key_length, cert.key_length);
        ck_assert(c.has_not_before && c.not_before == cert.not_before);
        ck_assert(c.has_not_after && c.not_after == cert.not_after);
        ck_assert_str_eq(fc_tls_certificate_text(&c, FC_TLS_CT_SERIAL), cert.serial);
        ck_assert_str_eq(fc_tls_certificate_text(&c, FC_TLS_CT_SUBJECT), cert.subject);
        ck_assert_str_eq(fc_tls_certificate_text(&c, FC_TLS_CT_ISSUER), cert.issuer);
        ck_assert_str_eq(fc_tls_certificate_text(&c, FC_TLS_CT_SHA256), cert.sha256);
        ck_assert_ptr_null(fc_tls_certificate_text(&c, FC_TLS_CT_SAN_IP));
        size_t want = 0;
        for (int t = 0; t < FC_TLS_CT_COUNT; t++) {
            const char *s = fc_tls_certificate_text(&c, (enum fc_tls_certificate_text)t);
            want += s ? strlen(s) + 1 : 0;
        }
        ck_assert_uint_eq(c.arena.len, want);
        ck_assert_uint_eq(c.arena.cap, want);
        fc_tls_certificate_free(&c);
    }
    /* An unreadable certificate: its fingerprints alone. */
    static const uint8_t junk[] = { 0x30, 0x03, 0x02, 0x01, 0x00 };
    ck_assert(!fc_tls_cert_read(junk, sizeof junk, &cert));
    struct fc_tls_certificate c = { 0 };
    ck_assert(fc_tls_certificate_set(&c, &cert, false, 0));
    ck_assert(!c.parsed && c.version == 0 && !c.has_not_before);
    ck_assert_ptr_nonnull(fc_tls_certificate_text(&c, FC_TLS_CT_SHA1));
    ck_assert_ptr_null(fc_tls_certificate_text(&c, FC_TLS_CT_SUBJECT));
    fc_tls_certificate_free(&c);
    free(b.p);
}
END_TEST

Suite *make_tls_cert_suite(void)
{
    Suite *s = suite_create("tls_cert");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, tls10_chain_matches_zeek);
    tcase_add_test(tc, irc_starttls_matches_zeek);
    tcase_add_test(tc, tls12_chain_matches_arkime);
    tcase_add_test(tc, every_prefix_fails_cleanly);
    tcase_add_test(tc, every_der_prefix_is_unparsable);
    tcase_add_test(tc, garbage_der_is_reported_not_fatal);
    tcase_add_test(tc, bad_lengths_and_types_refused);
    tcase_add_test(tc, chain_cap_counts_what_is_dropped);
    tcase_add_test(tc, crafted_sans_and_escapes);
    tcase_add_test(tc, crafted_text_caps);
    tcase_add_test(tc, compact_copy_keeps_the_values);
    suite_add_tcase(s, tc);
    return s;
}
