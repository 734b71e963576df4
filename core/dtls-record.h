/*
 * The clear-text handshake of DTLS 1.0, 1.2 and 1.3 (RFC 6347 4.1-4.2, RFC
 * 9147 4-5): the records of one datagram and the handshake messages they
 * carry, handed over in TLS form (4-byte header, a ClientHello without its
 * cookie) so that core/tls-hello.h reads them as it reads TLS hellos.
 *
 * A handshake message split into fragments (a certificate chain larger
 * than a datagram) is counted, not reassembled: hellos fit one record.
 */
#ifndef FC_CORE_DTLS_RECORD_H
#define FC_CORE_DTLS_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FC_DTLS_RECORD_HEADER 13
#define FC_DTLS_HANDSHAKE_HEADER 12

/* A DTLS version (0xfeff 1.0, 0xfefd 1.2, 0xfefc 1.3). */
static inline bool fc_dtls_is_version(uint16_t v)
{
    return v == 0xfeff || v == 0xfefd || v == 0xfefc;
}

/* The datagram starts with a clear-text DTLS handshake record of epoch 0
 * holding the start of a ClientHello. */
bool fc_dtls_probe(const uint8_t *p, size_t len);

struct fc_dtls_counts {
    uint32_t messages;   /* whole handshake messages handed over */
    uint32_t fragmented; /* handshake fragments not read */
    uint32_t bad;        /* records or messages whose lengths disagree */
};

typedef void (*fc_dtls_msg_fn)(void *arg, const uint8_t *msg, size_t len);

/* Reads the records of one datagram; fn gets each whole handshake
 * message of epoch 0 in TLS form (valid during the call). Records of other
 * types and epochs, and DTLS 1.3's encrypted unified headers, are skipped. */
void fc_dtls_datagram(const uint8_t *p, size_t len, fc_dtls_msg_fn fn, void *arg,
                      struct fc_dtls_counts *n);

#endif
