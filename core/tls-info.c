/* A TLS handshake's hellos into the fields the records write: see tls-info.h. */
#include "core/tls-info.h"

#include <stdio.h>
#include <string.h>

/* ALPN values joined by ',', up to what the text holds. */
static void join_alpn(const struct fc_tls_hello *h, char out[FC_TLS_ALPN_TEXT])
{
    size_t at = 0;
    out[0] = '\0';
    for (uint16_t i = 0; i < h->alpn.n && at < FC_TLS_ALPN_TEXT; i++) {
        at += (size_t)snprintf(out + at, FC_TLS_ALPN_TEXT - at, "%s%.*s", i ? "," : "",
                               (int)h->alpn.v[i].len, h->alpn.v[i].s);
    }
}

void fc_tls_info_client_hello(struct fc_tls_info *info, const struct fc_tls_hello *h,
                              char transport, fc_time ts)
{
    char ja3_text[FC_TLS_JA3_MAX];
    info->client_hello = true;
    info->client_hello_ts = ts;
    fc_tls_version_name(fc_tls_hello_version(h), info->client_version);
    info->has_sni = h->has_sni;
    memcpy(info->sni, h->sni, sizeof info->sni);
    join_alpn(h, info->client_alpn);
    fc_tls_ja3(h, ja3_text, info->ja3);
    fc_tls_ja4(h, transport, info->ja4);
}

void fc_tls_info_server_hello(struct fc_tls_info *info, const struct fc_tls_hello *h, fc_time ts)
{
    char ja3s_text[FC_TLS_JA3_MAX];
    info->server_hello = true;
    info->server_hello_ts = ts;
    fc_tls_version_name(fc_tls_hello_version(h), info->version);
    fc_tls_cipher_name(h->cipher, info->cipher);
    join_alpn(h, info->server_alpn);
    fc_tls_ja3(h, ja3s_text, info->ja3s);
}
