/* Reported TLS certificates: see tls-certificate.h. */
#include "core/tls-certificate.h"

#include <stdlib.h>
#include <string.h>

#include "core/tls-cert.h"

bool fc_tls_certificate_put_text(struct fc_tls_certificate *c,
                                 enum fc_tls_certificate_text which, const char *s)
{
    return fc_text_arena_put(&c->arena, &c->text[which], s, strlen(s));
}

bool fc_tls_certificate_set(struct fc_tls_certificate *c, const struct fc_tls_cert *cert,
                            bool client, unsigned chain_index)
{
    const char *texts[FC_TLS_CT_COUNT] = {
        [FC_TLS_CT_SERIAL] = cert->serial,
        [FC_TLS_CT_SUBJECT] = cert->subject,
        [FC_TLS_CT_ISSUER] = cert->issuer,
        [FC_TLS_CT_KEY_TYPE] = cert->key_type,
        [FC_TLS_CT_KEY_ALG] = cert->key_alg,
        [FC_TLS_CT_SIG_ALG] = cert->sig_alg,
        [FC_TLS_CT_SAN_DNS] = cert->san_dns.s,
        [FC_TLS_CT_SAN_IP] = cert->san_ip.s,
        [FC_TLS_CT_SAN_EMAIL] = cert->san_email.s,
        [FC_TLS_CT_SAN_URI] = cert->san_uri.s,
        [FC_TLS_CT_SHA1] = cert->sha1,
        [FC_TLS_CT_SHA256] = cert->sha256,
    };
    /* An unread certificate has its fingerprints alone (fc_tls_cert_read
     * zeroes the rest). */
    size_t total = 0;
    for (int t = 0; t < FC_TLS_CT_COUNT; t++)
        total += texts[t][0] ? strlen(texts[t]) + 1 : 0;
    if (!fc_text_arena_reserve(&c->arena, total))
        return false;
    for (int t = 0; t < FC_TLS_CT_COUNT; t++) {
        if (texts[t][0])
            (void)fc_tls_certificate_put_text(c, (enum fc_tls_certificate_text)t, texts[t]);
    }
    c->client = client;
    c->chain_index = (uint8_t)chain_index;
    c->parsed = cert->parsed;
    c->version = cert->version;
    c->key_length = cert->key_length;
    c->has_not_before = cert->has_not_before;
    c->has_not_after = cert->has_not_after;
    c->not_before = cert->not_before;
    c->not_after = cert->not_after;
    return true;
}

void fc_tls_certificate_free(struct fc_tls_certificate *c)
{
    free(c->arena.p);
    c->arena = (struct fc_text_arena){ 0 };
}
