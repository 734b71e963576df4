/*
 * TLS ClientHello and ServerHello (RFC 8446 4.1.2-4.1.3, RFC 5246 7.4.1)
 * parsed into a plain struct, and the JA3, JA3S and JA4 fingerprints
 * computed from it.
 *
 * Input is one complete handshake message as it appears in the TLS stream
 * (TCP, or QUIC CRYPTO frames): the 4-byte handshake header (type, 24-bit
 * length) followed by exactly `length` bytes of body. DTLS headers and
 * SSLv2-compatible hellos are not handled.
 *
 * Lists have fixed caps; values past a cap are counted in the list's
 * `dropped` and left out of the fingerprints, which are then not the
 * peer's (real hellos stay far below the caps).
 */
#ifndef FC_CORE_TLS_HELLO_H
#define FC_CORE_TLS_HELLO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/capped-list.h"

#define FC_TLS_CLIENT_HELLO 1
#define FC_TLS_SERVER_HELLO 2

#define FC_TLS_EXT_SERVER_NAME 0
#define FC_TLS_EXT_SUPPORTED_GROUPS 10
#define FC_TLS_EXT_EC_POINT_FORMATS 11
#define FC_TLS_EXT_SIGNATURE_ALGORITHMS 13
#define FC_TLS_EXT_ALPN 16
#define FC_TLS_EXT_SUPPORTED_VERSIONS 43

/* Caps: browsers send about 16 ciphers, 20 extensions, 10 groups, 12
 * signature algorithms; OpenSSL's full list is about 60 ciphers. */
#define FC_TLS_MAX_CIPHERS 128
#define FC_TLS_MAX_EXTS 64
#define FC_TLS_MAX_GROUPS 32
#define FC_TLS_MAX_POINT_FORMATS 8
#define FC_TLS_MAX_SIGALGS 64
#define FC_TLS_MAX_VERSIONS 16
#define FC_TLS_MAX_ALPN 8
/* An ALPN value is at most 255 bytes (RFC 7301), a DNS name 253. */
#define FC_TLS_ALPN_LEN 255
#define FC_TLS_SNI_LEN 255

enum fc_tls_status {
    FC_TLS_OK = 0,
    FC_TLS_TRUNCATED = -1, /* the bytes end before the message does */
    FC_TLS_MALFORMED = -2, /* lengths inside the message disagree, or bytes
                            * follow the message */
    FC_TLS_NOT_HELLO = -3, /* another handshake type */
};

struct fc_tls_alpn {
    uint8_t len;
    char s[FC_TLS_ALPN_LEN + 1]; /* NUL-terminated; may hold NULs itself */
};

struct fc_tls_hello {
    uint8_t type;     /* FC_TLS_CLIENT_HELLO or FC_TLS_SERVER_HELLO */
    uint16_t version; /* legacy_version */
    uint16_t cipher;  /* ServerHello: the chosen suite */
    FC_CAPPED_LIST(uint16_t, FC_TLS_MAX_CIPHERS) ciphers; /* ClientHello */
    FC_CAPPED_LIST(uint16_t, FC_TLS_MAX_EXTS) exts;
    /* Contents of the extensions below; a repeated extension's later
     * copies are listed in exts but not parsed. */
    bool has_sni; /* a host_name entry was present */
    uint8_t sni_len;
    uint32_t sni_dropped; /* bytes of a longer name left out */
    char sni[FC_TLS_SNI_LEN + 1]; /* NUL-terminated */
    FC_CAPPED_LIST(struct fc_tls_alpn, FC_TLS_MAX_ALPN) alpn; /* dropped: values */
    /* ClientHello: offered versions; ServerHello: the selected one. */
    FC_CAPPED_LIST(uint16_t, FC_TLS_MAX_VERSIONS) versions;
    FC_CAPPED_LIST(uint16_t, FC_TLS_MAX_GROUPS) groups;
    FC_CAPPED_LIST(uint8_t, FC_TLS_MAX_POINT_FORMATS) point_formats;
    FC_CAPPED_LIST(uint16_t, FC_TLS_MAX_SIGALGS) sigalgs;
};

/* Fills *h from one handshake message (header included, see above). On
 * error *h is partly filled and must not be used. */
enum fc_tls_status fc_tls_hello_parse(const uint8_t *msg, size_t len, struct fc_tls_hello *h);

/* The version a hello stands for: a ClientHello's newest offered in
 * supported_versions, a ServerHello's selected one, else legacy_version. */
uint16_t fc_tls_hello_version(const struct fc_tls_hello *h);

/* RFC 8701 GREASE: 0x0a0a, 0x1a1a, ... 0xfafa. */
bool fc_tls_is_grease(uint16_t v);

/* JA3 string of a ClientHello ("version,ciphers,extensions,groups,point
 * formats") or JA3S string of a ServerHello ("version,cipher,extensions"),
 * GREASE left out, and its MD5 in lowercase hex. */
#define FC_TLS_JA3_MAX \
    (6 + 6 * (FC_TLS_MAX_CIPHERS + FC_TLS_MAX_EXTS + FC_TLS_MAX_GROUPS) + \
     4 * FC_TLS_MAX_POINT_FORMATS + 8)
#define FC_TLS_MD5_HEX 33
void fc_tls_ja3(const struct fc_tls_hello *h, char str[FC_TLS_JA3_MAX], char md5[FC_TLS_MD5_HEX]);

/* JA4 (FoxIO, BSD-3-Clause) of a ClientHello, e.g.
 * "t13d1516h2_8daaf6152771_e5627efa2ab1". `transport` is 't' (TCP), 'q'
 * (QUIC) or 'd' (DTLS). False for a ServerHello. */
#define FC_TLS_JA4_LEN 37
bool fc_tls_ja4(const struct fc_tls_hello *h, char transport, char out[FC_TLS_JA4_LEN]);

/* ------------------------------------------------------------ records */

/* One direction of a TLS-over-TCP stream, fed in chunks of any size as
 * they arrive: record headers (RFC 8446 5.1) are checked, handshake
 * records joined, and every complete handshake message handed over,
 * header included, whatever records and chunks it spanned. Other records
 * are skipped. After a ChangeCipherSpec the handshake is encrypted and
 * feeding ends. */
enum fc_tls_asm_state {
    FC_TLS_ASM_MORE,      /* more bytes welcome */
    FC_TLS_ASM_ENCRYPTED, /* ChangeCipherSpec seen: nothing more to read */
    FC_TLS_ASM_NOT_TLS,   /* a bad record header, or a handshake message cut by
                           * another record type */
    FC_TLS_ASM_TOO_BIG,   /* a handshake message longer than the cap (or no
                           * memory for it) */
};

struct fc_tls_asm {
    enum fc_tls_asm_state state;
    uint32_t max_msg;  /* cap on one message, header included */
    uint8_t hdr[5];    /* record header being read */
    uint8_t hdr_len;
    uint8_t rec_type;
    uint16_t rec_left; /* bytes of the record's body still to come */
    uint8_t *msg;      /* handshake bytes not handed over yet */
    uint32_t msg_len;
    uint32_t msg_cap;
};

typedef void (*fc_tls_msg_fn)(void *arg, const uint8_t *msg, size_t len);

void fc_tls_asm_init(struct fc_tls_asm *a, uint32_t max_msg);
void fc_tls_asm_destroy(struct fc_tls_asm *a);
/* Takes the next bytes of the stream; calls fn for each message completed.
 * Bytes after the state leaves FC_TLS_ASM_MORE are ignored. */
enum fc_tls_asm_state fc_tls_asm_feed(struct fc_tls_asm *a, const uint8_t *p, size_t len,
                                      fc_tls_msg_fn fn, void *arg);

#endif
