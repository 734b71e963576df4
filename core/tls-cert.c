/*
 * TLS Certificate messages and X.509 certificates: see tls-cert.h.
 *
 *   Certificate: certificate_list <0..2^24-1> of ASN.1Cert <1..2^24-1>
 *
 * The list must fill the message and every certificate fit the list;
 * otherwise the message is malformed. The values read from a certificate
 * follow Zeek's X509 analyzer (file_analysis/analyzer/x509/X509.cc), so
 * they compare with x509.log.
 */
#include "core/tls-cert.h"

#include <arpa/inet.h>
#include <limits.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "core/cursor.h"

/* ------------------------------------------------------------------ parse */

static uint32_t get_be24(struct fc_cursor *c)
{
    uint32_t hi = fc_get_u8(c);
    return hi << 16 | fc_get_be16(c);
}

static enum fc_tls_cert_status parse_list(struct fc_cursor *c, struct fc_tls_cert_chain *chain)
{
    uint32_t list_len = get_be24(c);
    if (c->short_read || fc_cursor_left(c) != list_len)
        return FC_TLS_CERT_MALFORMED;
    while (fc_cursor_left(c) > 0) {
        uint32_t n = get_be24(c);
        const uint8_t *der = n > 0 ? fc_cursor_take(c, n) : NULL;
        if (!der)
            return FC_TLS_CERT_MALFORMED;
        if (chain->certs.n < FC_TLS_MAX_CERTS)
            chain->certs.v[chain->certs.n++] = (struct fc_tls_der){ der, n };
        else
            chain->certs.dropped++;
    }
    return FC_TLS_CERT_OK;
}

enum fc_tls_cert_status fc_tls_cert_parse(const uint8_t *msg, size_t len,
                                          struct fc_tls_cert_chain *chain)
{
    memset(chain, 0, sizeof *chain);
    struct fc_cursor c = fc_cursor_make(msg, len);
    uint8_t type = fc_get_u8(&c);
    uint32_t body_len = get_be24(&c);
    if (c.short_read || fc_cursor_left(&c) < body_len)
        return FC_TLS_CERT_TRUNCATED;
    if (fc_cursor_left(&c) > body_len)
        return FC_TLS_CERT_MALFORMED;
    if (type != FC_TLS_CERTIFICATE)
        return FC_TLS_CERT_NOT_CERTIFICATE;
    return parse_list(&c, chain);
}

/* ------------------------------------------------------------------- read */

/* Copies n bytes and a NUL into out, which holds cap + 1; true when cut. */
static bool copy_text(char *out, size_t cap, const char *s, size_t n)
{
    size_t keep = n < cap ? n : cap;
    memcpy(out, s, keep);
    out[keep] = '\0';
    return keep < n;
}

static void hex(const uint8_t *p, size_t n, const char digits[16], char *out)
{
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

/* Of the bytes as they came, so that a certificate OpenSSL rejects, or
 * whose DER it would re-encode differently, still gets the peer's value. */
static void fingerprint(const uint8_t *p, size_t n, const EVP_MD *md, char *out)
{
    uint8_t digest[EVP_MAX_MD_SIZE];
    unsigned dlen = 0;
    if (EVP_Digest(p, n, digest, &dlen, md, NULL) != 1)
        dlen = 0;
    hex(digest, dlen, "0123456789abcdef", out);
}

/* Like i2a_ASN1_INTEGER (Zeek's serial), without the "\\\n" it puts after
 * every 35 bytes. */
static void read_serial(const X509 *x, struct fc_tls_cert *cert)
{
    const ASN1_INTEGER *serial = X509_get0_serialNumber(x);
    size_t n = (size_t)ASN1_STRING_length(serial);
    size_t at = 0;
    if (ASN1_STRING_type(serial) == V_ASN1_NEG_INTEGER)
        cert->serial[at++] = '-';
    if (n == 0) {
        strcpy(cert->serial + at, "00");
        return;
    }
    size_t keep = (FC_TLS_CERT_SERIAL_LEN - at) / 2;
    if (n > keep) {
        n = keep;
        cert->cut |= FC_TLS_CERT_CUT_SERIAL;
    }
    hex(ASN1_STRING_get0_data(serial), n, "0123456789ABCDEF", cert->serial + at);
}

/* RFC 2253 with OpenSSL's escapes (bytes past ASCII as \XX), as Zeek. */
static bool read_name(const X509_NAME *name, char out[FC_TLS_CERT_NAME_LEN + 1])
{
    BIO *bio = BIO_new(BIO_s_mem());
    bool cut = false;
    if (bio && X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253) >= 0) {
        char *text = NULL;
        long n = BIO_get_mem_data(bio, &text);
        if (n > 0)
            cut = copy_text(out, FC_TLS_CERT_NAME_LEN, text, (size_t)n);
    }
    BIO_free(bio);
    return cut;
}

/* Days from 1970-01-01 to a date of the proleptic Gregorian calendar
 * (H. Hinnant's days_from_civil): no time_t, no time zone. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* False when the time cannot be read; sets `clamped` when it lies outside
 * the nanosecond range. */
static bool read_time(const ASN1_TIME *t, int64_t *ns, uint32_t *cut, uint32_t clamped)
{
    const int64_t NS = 1000000000;
    struct tm tm;
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
        return false;
    int64_t s = days_from_civil((int64_t)tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) * 86400 +
                tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
    if (s > INT64_MAX / NS || s < INT64_MIN / NS) {
        *ns = s > 0 ? INT64_MAX : INT64_MIN;
        *cut |= clamped;
    } else {
        *ns = s * NS;
    }
    return true;
}

/* An OID's long name as i2t_ASN1_OBJECT gives it (Zeek's key_alg,
 * sig_alg), or its dotted number. */
static bool obj_text(const ASN1_OBJECT *obj, char out[FC_TLS_CERT_ALG_LEN + 1])
{
    int n = obj ? OBJ_obj2txt(out, FC_TLS_CERT_ALG_LEN + 1, obj, 0) : -1;
    if (n < 0)
        out[0] = '\0';
    return n > FC_TLS_CERT_ALG_LEN;
}

static void read_algs(const X509 *x, struct fc_tls_cert *cert)
{
    ASN1_OBJECT *key_alg = NULL;
    const X509_PUBKEY *pub = X509_get_X509_PUBKEY(x);
    if (pub && X509_PUBKEY_get0_param(&key_alg, NULL, NULL, NULL, pub) == 1 &&
        obj_text(key_alg, cert->key_alg))
        cert->cut |= FC_TLS_CERT_CUT_KEY_ALG;
    const X509_ALGOR *sig = NULL;
    const ASN1_OBJECT *sig_alg = NULL;
    X509_get0_signature(NULL, &sig, x);
    if (sig)
        X509_ALGOR_get0(&sig_alg, NULL, NULL, sig);
    if (obj_text(sig_alg, cert->sig_alg))
        cert->cut |= FC_TLS_CERT_CUT_SIG_ALG;
}

static void read_exponent(const EVP_PKEY *key, struct fc_tls_cert *cert)
{
    BIGNUM *e = NULL;
    if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e) != 1)
        return;
    char *dec = BN_bn2dec(e);
    if (dec && copy_text(cert->exponent, FC_TLS_CERT_EXPONENT_LEN, dec, strlen(dec)))
        cert->cut |= FC_TLS_CERT_CUT_EXPONENT;
    OPENSSL_free(dec);
    BN_free(e);
}

/* Zeek's key_type, key_length (an EC key's group order), exponent and
 * curve; other key types (Ed25519, ...) are left empty, as in Zeek. */
static void read_key(const X509 *x, struct fc_tls_cert *cert)
{
    const EVP_PKEY *key = X509_get0_pubkey(x);
    if (!key)
        return;
    switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA:
        strcpy(cert->key_type, "rsa");
        read_exponent(key, cert);
        break;
    case EVP_PKEY_DSA:
        strcpy(cert->key_type, "dsa");
        break;
    case EVP_PKEY_EC:
        strcpy(cert->key_type, "ecdsa");
        if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, cert->curve,
                                           sizeof cert->curve, NULL) != 1)
            cert->curve[0] = '\0';
        break;
    default:
        return;
    }
    int bits = EVP_PKEY_get_bits(key);
    cert->key_length = bits > 0 ? (uint32_t)bits : 0;
}

static bool needs_escape(uint8_t b)
{
    return b < 0x20 || b >= 0x7f || b == ',' || b == '\\';
}

/* Appends one name, or counts it when it does not fit whole. */
static void san_add(struct fc_tls_san_list *l, const uint8_t *p, size_t n)
{
    size_t at = strlen(l->s);
    size_t need = l->n > 0;
    for (size_t i = 0; i < n; i++)
        need += needs_escape(p[i]) ? 4 : 1;
    if (need > FC_TLS_CERT_SAN_LEN - at) {
        l->dropped++;
        return;
    }
    if (l->n > 0)
        l->s[at++] = ',';
    for (size_t i = 0; i < n; i++) {
        if (needs_escape(p[i]))
            at += (size_t)snprintf(l->s + at, 5, "\\x%02x", p[i]);
        else
            l->s[at++] = (char)p[i];
    }
    l->s[at] = '\0';
    l->n++;
}

static void san_add_string(struct fc_tls_san_list *l, const ASN1_STRING *s)
{
    san_add(l, ASN1_STRING_get0_data(s), (size_t)ASN1_STRING_length(s));
}

/* False for an address of neither 4 nor 16 bytes. */
static bool san_add_ip(struct fc_tls_san_list *l, const ASN1_OCTET_STRING *ip)
{
    char text[INET6_ADDRSTRLEN];
    int len = ASN1_STRING_length(ip);
    int family = len == 4 ? AF_INET : len == 16 ? AF_INET6 : 0;
    if (!family || !inet_ntop(family, ASN1_STRING_get0_data(ip), text, sizeof text))
        return false;
    san_add(l, (const uint8_t *)text, strlen(text));
    return true;
}

/* The subjectAltName extension; none (NULL, a stack of -1 names) when it
 * is absent, unreadable or repeated. */
static void read_sans(const X509 *x, struct fc_tls_cert *cert)
{
    GENERAL_NAMES *names = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    for (int i = 0; i < sk_GENERAL_NAME_num(names); i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);
        if (g->type == GEN_DNS)
            san_add_string(&cert->san_dns, g->d.dNSName);
        else if (g->type == GEN_URI)
            san_add_string(&cert->san_uri, g->d.uniformResourceIdentifier);
        else if (g->type == GEN_EMAIL)
            san_add_string(&cert->san_email, g->d.rfc822Name);
        else if (g->type != GEN_IPADD || !san_add_ip(&cert->san_ip, g->d.iPAddress))
            cert->san_other++;
    }
    GENERAL_NAMES_free(names);
}

static void read_x509(const X509 *x, struct fc_tls_cert *cert)
{
    cert->version = (uint8_t)(X509_get_version(x) + 1);
    read_serial(x, cert);
    if (read_name(X509_get_subject_name(x), cert->subject))
        cert->cut |= FC_TLS_CERT_CUT_SUBJECT;
    if (read_name(X509_get_issuer_name(x), cert->issuer))
        cert->cut |= FC_TLS_CERT_CUT_ISSUER;
    cert->has_not_before = read_time(X509_get0_notBefore(x), &cert->not_before, &cert->cut,
                                     FC_TLS_CERT_CUT_NOT_BEFORE);
    cert->has_not_after = read_time(X509_get0_notAfter(x), &cert->not_after, &cert->cut,
                                    FC_TLS_CERT_CUT_NOT_AFTER);
    read_algs(x, cert);
    read_key(x, cert);
    read_sans(x, cert);
}

bool fc_tls_cert_read(const uint8_t *der, size_t len, struct fc_tls_cert *cert)
{
    memset(cert, 0, sizeof *cert);
    cert->der_len = len;
    fingerprint(der, len, EVP_sha1(), cert->sha1);
    fingerprint(der, len, EVP_sha256(), cert->sha256);
    const unsigned char *p = der;
    X509 *x = len <= LONG_MAX ? d2i_X509(NULL, &p, (long)len) : NULL;
    if (x) {
        cert->parsed = true;
        read_x509(x, cert);
        X509_free(x);
    }
    /* Errors of a bad certificate or extension stay on the thread's queue
     * otherwise. */
    ERR_clear_error();
    return cert->parsed;
}
