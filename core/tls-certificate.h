/*
 * One certificate of a TLS connection as the TLS dissector reports it: a
 * compact copy of what core/tls-cert.h read (struct fc_tls_cert is about
 * 19 KB of fixed arrays; this keeps the texts that are there in one
 * per-item buffer). Read by the record writers through
 * formats/certificate-fields.c.
 */
#ifndef FC_CORE_TLS_CERTIFICATE_H
#define FC_CORE_TLS_CERTIFICATE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/packet.h"
#include "core/text-arena.h"

struct fc_tls_cert;

enum fc_tls_certificate_text {
    FC_TLS_CT_SERIAL,
    FC_TLS_CT_SUBJECT,
    FC_TLS_CT_ISSUER,
    FC_TLS_CT_KEY_TYPE,
    FC_TLS_CT_KEY_ALG,
    FC_TLS_CT_SIG_ALG,
    FC_TLS_CT_SAN_DNS,
    FC_TLS_CT_SAN_IP,
    FC_TLS_CT_SAN_EMAIL,
    FC_TLS_CT_SAN_URI,
    FC_TLS_CT_SHA1,
    FC_TLS_CT_SHA256,
    FC_TLS_CT_COUNT
};

struct fc_tls_certificate {
    uint32_t text[FC_TLS_CT_COUNT]; /* offset + 1 in `arena`; 0 when absent */
    struct fc_text_arena arena;
    fc_time not_before; /* ns since the epoch, when has_not_before */
    fc_time not_after;
    uint32_t key_length;  /* bits; 0 when unknown */
    uint8_t version;      /* X.509 version 1-3; 0 when unknown */
    uint8_t chain_index;  /* 0 for the sender's own certificate */
    bool client;          /* in the client's chain (else the server's) */
    bool parsed;          /* libcrypto read it */
    bool has_not_before;
    bool has_not_after;
};

/* Fills a zeroed *c from what fc_tls_cert_read gave, the texts that are
 * not empty copied into one buffer of their exact size. False when out of
 * memory (the item then holds nothing to free). */
bool fc_tls_certificate_set(struct fc_tls_certificate *c, const struct fc_tls_cert *cert,
                            bool client, unsigned chain_index);

/* Stores a copy of text `which` (for reading a record back); false when
 * out of memory. */
bool fc_tls_certificate_put_text(struct fc_tls_certificate *c,
                                 enum fc_tls_certificate_text which, const char *s);

/* A text of the certificate, NULL when absent. */
static inline const char *fc_tls_certificate_text(const struct fc_tls_certificate *c,
                                                  enum fc_tls_certificate_text which)
{
    return fc_text_arena_get(&c->arena, c->text[which]);
}

void fc_tls_certificate_free(struct fc_tls_certificate *c);

#endif
