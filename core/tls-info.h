/*
 * What the TLS dissector reports of a connection's handshake: the hellos'
 * names, versions and fingerprints. Read by the record writers through
 * formats/tls-fields.c. The QUIC dissector fills one too, from the hellos
 * its Initial packets carry (core/dissect-quic.c).
 */
#ifndef FC_CORE_TLS_INFO_H
#define FC_CORE_TLS_INFO_H

#include <stdbool.h>
#include <stdint.h>

#include "core/packet.h"
#include "core/tls-hello.h"
#include "core/tls-names.h"

/* ALPN values joined by ',' (at most FC_TLS_MAX_ALPN of 255 bytes). */
#define FC_TLS_ALPN_TEXT (FC_TLS_MAX_ALPN * (FC_TLS_ALPN_LEN + 1))

/* Texts are NUL-terminated, empty when absent. */
struct fc_tls_info {
    bool client_hello; /* a ClientHello was read: the client fields are set */
    bool server_hello; /* a ServerHello was read: the server fields are set */
    char client_version[FC_TLS_NAME_MAX]; /* the highest the client offers */
    char version[FC_TLS_NAME_MAX];        /* the one the server chose */
    char cipher[FC_TLS_NAME_MAX];         /* the suite the server chose */
    bool has_sni;
    char sni[FC_TLS_SNI_LEN + 1];
    char client_alpn[FC_TLS_ALPN_TEXT];
    char server_alpn[FC_TLS_ALPN_TEXT];
    char ja3[FC_TLS_MD5_HEX];
    char ja3s[FC_TLS_MD5_HEX];
    char ja4[FC_TLS_JA4_LEN];
    fc_time client_hello_ts; /* packet that completed the ClientHello */
    fc_time server_hello_ts;
};

/* A ClientHello's fields into info, read at ts; its JA4 for the transport
 * `transport` ('t' TCP, 'q' QUIC: see fc_tls_ja4). */
void fc_tls_info_client_hello(struct fc_tls_info *info, const struct fc_tls_hello *h,
                              char transport, fc_time ts);
/* A ServerHello's fields into info, read at ts. */
void fc_tls_info_server_hello(struct fc_tls_info *info, const struct fc_tls_hello *h, fc_time ts);

#endif
