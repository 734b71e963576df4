/*
 * QUIC Initial packets read far enough to hand each side's first TLS
 * handshake message (ClientHello, ServerHello) to core/tls-hello.h.
 *
 * Follows RFC 9000 17.2 (long header), 17.2.2 (Initial), 17.2.5 (Retry),
 * 12.4/19 (the frames allowed in Initial packets) and A.3 (packet number
 * decoding); RFC 9001 5.2 (Initial secrets), 5.3 (AEAD), 5.4 (header
 * protection) and 5.8 (Retry integrity); RFC 9369 (QUIC version 2: its
 * salt, "quicv2" labels, packet type codes and Retry key). Drafts 27 and 28
 * (0xff00001b-0xff00001c) and 29 to 32 (0xff00001d-0xff000020) share
 * version 1's packet formats and labels, with their own salts and Retry
 * keys. Other versions (Google QUIC, mvfst, ...) are counted, not read.
 *
 * Initial keys come from the Destination Connection ID of the client's
 * first Initial, or from a Retry's Source Connection ID once the Retry's
 * integrity tag checked out (the client's next Initials and the server's
 * use it). Until a client Initial decrypted, a server Initial cannot be
 * read (counted in no_keys): a capture that misses the client's first
 * Initial reads nothing.
 *
 * Only what a flow record needs is kept per direction: the CRYPTO stream
 * of the Initial packets, put back in order by offset, up to the end of
 * its first handshake message. Later messages (a second ClientHello after
 * a HelloRetryRequest) and bytes past FC_QUIC_HELLO_MAX are counted in
 * `dropped`. When frames overlap, the bytes that came first win.
 */
#ifndef FC_CORE_QUIC_INITIAL_H
#define FC_CORE_QUIC_INITIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FC_QUIC_CID_MAX 20 /* RFC 9000 17.2: a v1 connection ID's maximum */
/* Cap on one direction's first handshake message, header included. A
 * ClientHello with post-quantum key shares is about 2 KB (Chrome's spans
 * two packets); this leaves room for large session tickets. */
#define FC_QUIC_HELLO_MAX 16384

#define FC_QUIC_V1 0x00000001u
#define FC_QUIC_V2 0x6b3343cfu

enum fc_quic_status {
    FC_QUIC_OK = 0,
    FC_QUIC_TRUNCATED = -1,   /* a header, or a packet's Length, runs past the
                               * datagram: the rest of the datagram is skipped */
    FC_QUIC_MALFORMED = -2,   /* a connection ID over 20 bytes (rest skipped),
                               * an Initial too short to sample, a Retry where
                               * none may be (that packet skipped) */
    FC_QUIC_UNSUPPORTED = -3, /* a version without known Initial keys: the
                               * rest of the datagram is skipped */
    FC_QUIC_NO_KEYS = -4,     /* a server Initial before any client Initial
                               * decrypted */
    FC_QUIC_DECRYPT_FAILED = -5, /* an Initial or Retry failed authentication */
    FC_QUIC_BAD_FRAME = -6,   /* a frame not allowed in an Initial packet, or
                               * cut short: the packet's later frames are
                               * skipped, the earlier ones kept */
};

/* Per direction; a packet counts in the direction that sent it. */
struct fc_quic_counts {
    uint32_t packets;        /* long-header packets */
    uint32_t initials;       /* Initial packets (decrypted or not) */
    uint32_t decrypted;      /* Initial packets authenticated and read */
    uint32_t decrypt_failed; /* FC_QUIC_DECRYPT_FAILED (Initials and Retries) */
    uint32_t no_keys;        /* FC_QUIC_NO_KEYS */
    uint32_t unsupported;    /* FC_QUIC_UNSUPPORTED */
    uint32_t malformed;      /* FC_QUIC_TRUNCATED and FC_QUIC_MALFORMED */
    uint32_t bad_frames;     /* FC_QUIC_BAD_FRAME */
    uint32_t version_negotiation; /* Version Negotiation packets */
    uint32_t retries;        /* Retries accepted (at most one) */
    uint32_t other;          /* 0-RTT and Handshake packets, skipped */
};

struct evp_cipher_ctx_st; /* OpenSSL's EVP_CIPHER_CTX */

/* One direction's Initial keys (RFC 9001 5.1-5.2). */
struct fc_quic_keys {
    bool ready;
    uint32_t version; /* the version they were derived for */
    uint8_t key[16], iv[12], hp[16];
    struct evp_cipher_ctx_st *aead; /* AES-128-GCM keyed with key */
    struct evp_cipher_ctx_st *mask; /* AES-128-ECB keyed with hp */
};

struct fc_quic_side {
    struct fc_quic_keys keys;
    int64_t largest_pn; /* largest Initial packet number decrypted, or -1 */
    /* CRYPTO stream from offset 0: `alloc` bytes, then one bit per byte
     * telling whether it arrived (one allocation, grown by doubling). */
    uint8_t *buf;
    uint32_t alloc;
    uint32_t contig; /* bytes [0, contig) have all arrived */
    uint32_t want;   /* the first message's size, header included, once its
                      * header arrived; 0 before */
    bool too_big;    /* that size is over FC_QUIC_HELLO_MAX */
    uint32_t dropped; /* CRYPTO bytes not kept: past the first message's
                       * end once its header arrived, past the cap, or no
                       * memory */
    struct fc_quic_counts n;
};

struct fc_quic_conn {
    uint32_t version; /* of the first long header seen (Version Negotiation
                       * aside); 0 before */
    /* The client's first Destination CID, once an Initial sent to it
     * decrypted, and the CIDs each side chose (first Initial read). */
    bool have_odcid, have_server_scid;
    uint8_t odcid_len, client_scid_len, server_scid_len;
    uint8_t odcid[FC_QUIC_CID_MAX];
    uint8_t client_scid[FC_QUIC_CID_MAX];
    uint8_t server_scid[FC_QUIC_CID_MAX];
    /* The CID the keys derive from: odcid, or the Retry's SCID. */
    bool retried;
    uint8_t key_dcid_len;
    uint8_t key_dcid[FC_QUIC_CID_MAX];
    struct fc_quic_side side[2]; /* [0]: the client, the flow's initiator */
    uint8_t *plain; /* decrypted payload of the packet being read */
    uint32_t plain_cap;
};

void fc_quic_init(struct fc_quic_conn *c);
void fc_quic_release(struct fc_quic_conn *c);

/* Reads one UDP payload sent by `dir` (0: the client). Coalesced packets
 * (RFC 9000 12.2) are read one after another; a short header (or trailing
 * zeros) ends the datagram. Returns FC_QUIC_OK or the first problem met;
 * the counters say more. */
enum fc_quic_status fc_quic_datagram(struct fc_quic_conn *c, unsigned dir, const uint8_t *p,
                                     size_t len);

/* The complete first handshake message of a direction's CRYPTO stream
 * (handshake header + body, as fc_tls_hello_parse wants), or NULL while
 * incomplete or over the cap. Valid until the next call on c. */
const uint8_t *fc_quic_hello(const struct fc_quic_conn *c, unsigned dir, size_t *len);

/* A cheap content probe: is this UDP payload a long-header Initial packet
 * of a known version whose header fits in it? */
bool fc_quic_probe(const uint8_t *p, size_t len);

/* Whether Initial keys are known for the version. */
bool fc_quic_version_known(uint32_t version);

#endif
