/*
 * What the QUIC dissector reports of a connection: its version, the
 * connection IDs of the first Initial packets and the TLS handshake their
 * CRYPTO frames carry. Read by the record writers through
 * formats/quic-fields.c (the `quic` section); the handshake also fills the
 * `tls` section, as for TLS over TCP.
 */
#ifndef FC_CORE_QUIC_INFO_H
#define FC_CORE_QUIC_INFO_H

#include <stdbool.h>
#include <stdint.h>

#include "core/quic-initial.h"
#include "core/tls-info.h"

#define FC_QUIC_VERSION_TEXT 24 /* "1", "quicv2", "draft-29", "unknown-faceb002" */
#define FC_QUIC_CID_HEX (2 * FC_QUIC_CID_MAX + 1)

struct fc_quic_info {
    /* Zeek's names: "1", "quicv2" (RFC 9369), "draft-29", else "unknown-"
     * and the number in hexadecimal; empty before a long header. */
    char version[FC_QUIC_VERSION_TEXT];
    /* Connection IDs in lowercase hexadecimal; a `have_` flag tells a known
     * zero-length ID ("") from an unknown one. */
    bool have_client_cids; /* the client's first Initial decrypted */
    bool have_server_scid; /* the server's first Initial decrypted */
    char client_initial_dcid[FC_QUIC_CID_HEX];
    char client_scid[FC_QUIC_CID_HEX];
    char server_scid[FC_QUIC_CID_HEX];
    struct fc_tls_info tls; /* the hellos of the Initial packets */
};

#endif
