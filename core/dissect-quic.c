/*
 * QUIC over UDP: the Initial packets of a connection (core/quic-initial.h)
 * give its version and connection IDs, and the ClientHello and ServerHello
 * their CRYPTO frames carry; the hellos are read as TLS's are
 * (core/tls-info.h, JA4 with transport 'q'). The connection is no longer
 * followed once both hellos are read, or after QUIC_INITIAL_CAP Initial
 * packets or QUIC_DATAGRAM_CAP datagrams without them: the rest is
 * encrypted with keys a passive reader cannot have.
 *
 * A flow is QUIC when its initiator's first datagram is an Initial packet
 * of a version whose Initial keys are known (RFC 9000 17.2.2, RFC 9369);
 * Google QUIC and other versions are not recognised. The initiator
 * (direction 0) is taken as the client.
 */
#include <stdio.h>
#include <string.h>

#include "core/dissect.h"
#include "core/quic-info.h"

/* A handshake needs a few Initials per side (a ClientHello with large key
 * shares spans two, lost packets are sent again); past these caps the
 * hellos are not coming. */
#define QUIC_INITIAL_CAP 16
#define QUIC_DATAGRAM_CAP 64

struct quic_state {
    struct fc_quic_conn conn;
    struct fc_quic_info info;
    bool hello_done[2]; /* the side's first handshake message was read */
    uint32_t datagrams;
    bool done; /* no longer followed: conn released */
    bool reported; /* the info went out in an earlier record */
};

static enum fc_probe quic_probe(const struct fc_probe_ctx *pc, const uint8_t *p, size_t len)
{
    return pc->dir == 0 && fc_quic_probe(p, len) ? FC_PROBE_YES : FC_PROBE_NO;
}

static void quic_init(void *state)
{
    struct quic_state *st = state;
    fc_quic_init(&st->conn);
}

/* Zeek's names (its QUIC::version_strings), draft numbers read from the
 * version rather than listed. */
static void version_name(uint32_t version, char out[FC_QUIC_VERSION_TEXT])
{
    if (version == FC_QUIC_V1)
        snprintf(out, FC_QUIC_VERSION_TEXT, "1");
    else if (version == FC_QUIC_V2)
        snprintf(out, FC_QUIC_VERSION_TEXT, "quicv2");
    else if ((version & 0xffffff00u) == 0xff000000u)
        snprintf(out, FC_QUIC_VERSION_TEXT, "draft-%u", (unsigned)(version & 0xff));
    else
        snprintf(out, FC_QUIC_VERSION_TEXT, "unknown-%x", (unsigned)version);
}

static void cid_hex(const uint8_t *cid, uint8_t len, char out[FC_QUIC_CID_HEX])
{
    static const char digits[] = "0123456789abcdef";
    unsigned n = len < FC_QUIC_CID_MAX ? len : FC_QUIC_CID_MAX;
    for (unsigned i = 0; i < n; i++) {
        out[2 * i] = digits[cid[i] >> 4];
        out[2 * i + 1] = digits[cid[i] & 15];
    }
    out[2 * n] = '\0';
}

/* What the connection learnt from its long headers and decrypted Initials. */
static void connection_ids(struct quic_state *st)
{
    const struct fc_quic_conn *c = &st->conn;
    struct fc_quic_info *info = &st->info;
    if (c->version && !info->version[0])
        version_name(c->version, info->version);
    if (c->have_odcid && !info->have_client_cids) {
        info->have_client_cids = true;
        cid_hex(c->odcid, c->odcid_len, info->client_initial_dcid);
        cid_hex(c->client_scid, c->client_scid_len, info->client_scid);
    }
    if (c->have_server_scid && !info->have_server_scid) {
        info->have_server_scid = true;
        cid_hex(c->server_scid, c->server_scid_len, info->server_scid);
    }
}

/* A side's first handshake message, once complete: the client's must be a
 * ClientHello, the server's a ServerHello. */
static void read_hello(struct quic_state *st, const struct fc_l7_ctx *ctx, unsigned dir)
{
    size_t len;
    const uint8_t *msg = st->hello_done[dir] ? NULL : fc_quic_hello(&st->conn, dir, &len);
    if (!msg)
        return;
    st->hello_done[dir] = true;
    static _Thread_local struct fc_tls_hello h; /* 3 KiB: not on the stack */
    uint8_t want = dir ? FC_TLS_SERVER_HELLO : FC_TLS_CLIENT_HELLO;
    if (fc_tls_hello_parse(msg, len, &h) != FC_TLS_OK || h.type != want) {
        fc_count(ctx->cnt, FC_CNT_QUIC_BAD_HELLO);
        return;
    }
    fc_count(ctx->cnt, FC_CNT_QUIC_HELLOS);
    if (dir)
        fc_tls_info_server_hello(&st->info.tls, &h, ctx->ts);
    else
        fc_tls_info_client_hello(&st->info.tls, &h, 'q', ctx->ts);
}

/* The direction's packet counts moved by one datagram, into the run's
 * counters. */
static void count(struct fc_counters *cnt, const struct fc_quic_counts *before,
                  const struct fc_quic_counts *after)
{
    cnt->v[FC_CNT_QUIC_INITIALS] += after->decrypted - before->decrypted;
    cnt->v[FC_CNT_QUIC_DECRYPT_FAILED] += after->decrypt_failed - before->decrypt_failed;
    cnt->v[FC_CNT_QUIC_UNSUPPORTED] += after->unsupported - before->unsupported;
}

static void quic_data(void *state, const struct fc_l7_ctx *ctx, unsigned dir, const uint8_t *p,
                      size_t len)
{
    struct quic_state *st = state;
    struct fc_quic_counts before = st->conn.side[dir].n;
    st->datagrams++;
    fc_quic_datagram(&st->conn, dir, p, len);
    count(ctx->cnt, &before, &st->conn.side[dir].n);
    connection_ids(st);
    read_hello(st, ctx, dir);
    uint32_t initials = st->conn.side[0].n.initials + st->conn.side[1].n.initials;
    if ((st->hello_done[0] && st->hello_done[1]) || initials >= QUIC_INITIAL_CAP ||
        st->datagrams >= QUIC_DATAGRAM_CAP) {
        st->done = true;
        fc_quic_release(&st->conn); /* its keys and buffers: what is reported is in info */
    }
}

static bool quic_finished(void *state)
{
    const struct quic_state *st = state;
    return st->done;
}

/* The quic object goes out in each record until one carries a hello (the
 * version is known from the first datagram on, the rest comes with the
 * Initials), then no more; the tls object with it, as the TLS dissector's:
 * a hello read after that record (the active timeout cut the handshake)
 * is not reported. */
static void quic_emit(void *state, const struct fc_l7_ctx *ctx, struct fc_flow_record *r,
                      bool last)
{
    (void)ctx;
    (void)last;
    struct quic_state *st = state;
    const struct fc_tls_info *tls = &st->info.tls;
    bool hello = tls->client_hello || tls->server_hello;
    r->l7[FC_SECTION_QUIC] = (struct fc_l7_items){ true, !st->reported, &st->info };
    r->l7[FC_SECTION_TLS] = (struct fc_l7_items){ true, hello && !st->reported, tls };
}

static void quic_exported(void *state)
{
    struct quic_state *st = state;
    st->reported |= st->info.tls.client_hello || st->info.tls.server_hello;
}

static void quic_release(void *state)
{
    struct quic_state *st = state;
    fc_quic_release(&st->conn);
}

const struct fc_dissector fc_dissector_quic = {
    .name = "quic",
    .proto = FC_PROTO_UDP,
    .probe = quic_probe,
    .state_size = sizeof(struct quic_state),
    .init = quic_init,
    .data = quic_data,
    .finished = quic_finished,
    .emit = quic_emit,
    .exported = quic_exported,
    .release = quic_release,
};
