/*
 * TLS 1.0-1.2 Certificate handshake message (RFC 5246 7.4.2) split into its
 * certificates, and each certificate (X.509 DER, RFC 5280) read with
 * OpenSSL's libcrypto into a plain struct of texts in the form Zeek's
 * x509.log gives them.
 *
 * Input, as for fc_tls_hello_parse, is one complete handshake message: the
 * 4-byte handshake header (type 11, 24-bit length), then a 24-bit list
 * length and each certificate as a 24-bit length and its DER bytes. TLS
 * 1.3's Certificate (request context, per-certificate extensions) is not
 * handled.
 *
 * Caps: a chain keeps its first FC_TLS_MAX_CERTS certificates and counts
 * the rest in `dropped` (real chains hold 2-4). Texts are NUL-terminated
 * and cut at their cap, which sets the field's bit in fc_tls_cert.cut; a
 * SAN list keeps the whole names that fit and counts the rest.
 */
#ifndef FC_CORE_TLS_CERT_H
#define FC_CORE_TLS_CERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/tls-hello.h"

#define FC_TLS_CERTIFICATE 11

#define FC_TLS_MAX_CERTS 10

enum fc_tls_cert_status {
    FC_TLS_CERT_OK = 0,
    FC_TLS_CERT_TRUNCATED = -1, /* the bytes end before the message does */
    FC_TLS_CERT_MALFORMED = -2, /* lengths inside the message disagree, an
                                 * empty certificate, or bytes follow the
                                 * message */
    FC_TLS_CERT_NOT_CERTIFICATE = -3, /* another handshake type */
};

/* One certificate's DER bytes, inside the message that was parsed. */
struct fc_tls_der {
    const uint8_t *p;
    uint32_t len;
};

/* The certificates in wire order: the peer's own first, then (usually)
 * each one's issuer. An empty list is valid (a client without one). */
struct fc_tls_cert_chain {
    FC_CAPPED_LIST(struct fc_tls_der, FC_TLS_MAX_CERTS) certs;
};

/* Fills *chain from one handshake message (header included, see above);
 * the DER pointers point into msg. On error *chain is partly filled and
 * must not be used. */
enum fc_tls_cert_status fc_tls_cert_parse(const uint8_t *msg, size_t len,
                                          struct fc_tls_cert_chain *chain);

/* Text caps, NUL excluded. RFC 2253 names of real certificates stay under
 * 200 bytes; a large SAN list (CDNs, Google) is 1-2 KB of DNS names. */
#define FC_TLS_CERT_NAME_LEN 1023
#define FC_TLS_CERT_SERIAL_LEN 81 /* '-' and 40 bytes; RFC 5280 allows 20 */
#define FC_TLS_CERT_ALG_LEN 63    /* an OID's name or dotted number */
#define FC_TLS_CERT_EXPONENT_LEN 31
#define FC_TLS_CERT_SAN_LEN 4095
#define FC_TLS_SHA1_HEX 41
#define FC_TLS_SHA256_HEX 65

/* Bits of fc_tls_cert.cut: the text was cut at its cap, or a time lies
 * outside the int64 nanosecond range (1677-2262, while RFC 5280's "no
 * expiry" is 9999-12-31) and was clamped to INT64_MIN or INT64_MAX. */
enum {
    FC_TLS_CERT_CUT_SUBJECT = 1u << 0,
    FC_TLS_CERT_CUT_ISSUER = 1u << 1,
    FC_TLS_CERT_CUT_SERIAL = 1u << 2,
    FC_TLS_CERT_CUT_KEY_ALG = 1u << 3,
    FC_TLS_CERT_CUT_SIG_ALG = 1u << 4,
    FC_TLS_CERT_CUT_EXPONENT = 1u << 5,
    FC_TLS_CERT_CUT_NOT_BEFORE = 1u << 6,
    FC_TLS_CERT_CUT_NOT_AFTER = 1u << 7,
};

/* Subject alternative names of one kind joined by ','. Bytes outside
 * printable ASCII, and ',' and '\', are written as \xNN. */
struct fc_tls_san_list {
    uint16_t n;
    uint16_t dropped; /* names that did not fit */
    char s[FC_TLS_CERT_SAN_LEN + 1];
};

/* Texts are empty when absent. */
struct fc_tls_cert {
    bool parsed;      /* OpenSSL read the DER; when false, only der_len and
                       * the fingerprints are set */
    size_t der_len;
    char sha1[FC_TLS_SHA1_HEX];     /* of the DER bytes, lowercase hex */
    char sha256[FC_TLS_SHA256_HEX]; /* Zeek's fingerprint, cert_chain_fps */
    uint8_t version;                /* 1-3 */
    char serial[FC_TLS_CERT_SERIAL_LEN + 1];  /* uppercase hex: 0B6771 */
    char subject[FC_TLS_CERT_NAME_LEN + 1];   /* RFC 2253: CN=a,O=b,C=US */
    char issuer[FC_TLS_CERT_NAME_LEN + 1];
    bool has_not_before, has_not_after; /* the time could be read */
    int64_t not_before; /* ns since the epoch */
    int64_t not_after;
    char key_alg[FC_TLS_CERT_ALG_LEN + 1]; /* rsaEncryption, id-ecPublicKey */
    char sig_alg[FC_TLS_CERT_ALG_LEN + 1]; /* sha256WithRSAEncryption */
    char key_type[8];                      /* rsa, dsa, ecdsa; else empty */
    uint32_t key_length;                   /* bits; 0 for other key types */
    char exponent[FC_TLS_CERT_EXPONENT_LEN + 1]; /* RSA, decimal */
    char curve[32];                              /* EC: prime256v1 */
    struct fc_tls_san_list san_dns, san_uri, san_email, san_ip;
    uint16_t san_other; /* names of other forms, or IP addresses whose
                         * length is neither 4 nor 16 */
    uint32_t cut;       /* FC_TLS_CERT_CUT_* */
};

/* Fills *cert from one certificate's DER bytes; returns cert->parsed.
 * An unreadable certificate still gets its length and fingerprints. */
bool fc_tls_cert_read(const uint8_t *der, size_t len, struct fc_tls_cert *cert);

#endif
