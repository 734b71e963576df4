/*
 * TLS over TCP: the handshake of each direction is read up to its
 * ChangeCipherSpec (or, in TLS 1.3, its first encrypted record); the
 * ClientHello and ServerHello give the server name, ALPN, versions, the
 * chosen cipher suite and the JA3, JA3S and JA4 fingerprints; the
 * Certificate messages (TLS 1.2 and earlier: 1.3 encrypts them) give the
 * certificates of each side's chain. Then the connection is no longer
 * followed.
 */
#include <stdlib.h>
#include <string.h>

#include "core/dissect.h"
#include "core/limits.h"
#include "core/tls-cert.h"
#include "core/tls-certificate.h"
#include "core/tls-info.h"

struct tls_state {
    struct fc_tls_asm side[2];
    struct fc_tls_info info;
    bool reported; /* the handshake went out in an earlier record */
    uint8_t client_dir; /* 1 + the direction that sent the ClientHello, 0 before */
    uint8_t server_dir; /* likewise for the ServerHello */
    bool chain_read[2]; /* the direction's Certificate message was read */
    /* The certificates read and not yet reported, in wire order (the
     * chains of both sides: at most 2 * FC_TLS_MAX_CERTS), each with its
     * texts in a buffer of its own. */
    struct fc_tls_certificate *certs;
    uint8_t ncerts;
    uint8_t emitted; /* certificates the last record reported */
};

/* A record header (RFC 8446 5.1) of a handshake record, then the first
 * byte of a ClientHello or ServerHello. */
static enum fc_probe tls_probe(const struct fc_probe_ctx *pc, const uint8_t *p, size_t len)
{
    (void)pc;
    static const uint8_t want[] = { 22, 3 };
    size_t have = len < sizeof want ? len : sizeof want;
    if (memcmp(p, want, have) != 0)
        return FC_PROBE_NO;
    if (len < 6)
        return FC_PROBE_MORE;
    unsigned record_len = (unsigned)p[3] << 8 | p[4];
    bool hello = p[5] == FC_TLS_CLIENT_HELLO || p[5] == FC_TLS_SERVER_HELLO;
    return p[2] <= 4 && record_len > 0 && record_len <= 16384 + 2048 && hello ? FC_PROBE_YES
                                                                             : FC_PROBE_NO;
}

static void tls_init(void *state)
{
    struct tls_state *st = state;
    for (unsigned dir = 0; dir < 2; dir++)
        fc_tls_asm_init(&st->side[dir], FC_TLS_MSG_MAX);
}

struct message_arg {
    struct tls_state *st;
    const struct fc_l7_ctx *ctx;
    unsigned dir;
};

/* The server is the direction that sent the ServerHello; without one, the
 * one that did not send the ClientHello. */
static bool from_server(const struct tls_state *st, unsigned dir)
{
    if (st->server_dir)
        return st->server_dir == dir + 1;
    return st->client_dir != dir + 1;
}

/* A direction's first Certificate message: its chain, each certificate
 * read and kept compact. */
static void certificate(struct message_arg *m, const uint8_t *msg, size_t len)
{
    struct tls_state *st = m->st;
    struct fc_counters *cnt = m->ctx->cnt;
    if (st->chain_read[m->dir])
        return;
    st->chain_read[m->dir] = true;
    struct fc_tls_cert_chain chain;
    if (fc_tls_cert_parse(msg, len, &chain) != FC_TLS_CERT_OK) {
        fc_count(cnt, FC_CNT_TLS_BAD_CERTIFICATE);
        return;
    }
    cnt->v[FC_CNT_TLS_CERTS_DROPPED] += chain.certs.dropped;
    if (chain.certs.n == 0)
        return;
    struct fc_tls_certificate *certs =
        realloc(st->certs, (st->ncerts + chain.certs.n) * sizeof *certs);
    if (!certs) {
        cnt->v[FC_CNT_TLS_CERTS_DROPPED] += chain.certs.n;
        return;
    }
    st->certs = certs;
    static _Thread_local struct fc_tls_cert cert; /* 19 KiB: not on the stack */
    bool client = !from_server(st, m->dir);
    for (uint16_t i = 0; i < chain.certs.n; i++) {
        fc_count(cnt, FC_CNT_TLS_CERTIFICATES);
        if (!fc_tls_cert_read(chain.certs.v[i].p, chain.certs.v[i].len, &cert))
            fc_count(cnt, FC_CNT_TLS_BAD_CERTIFICATE);
        struct fc_tls_certificate *c = &st->certs[st->ncerts];
        *c = (struct fc_tls_certificate){ 0 };
        if (fc_tls_certificate_set(c, &cert, client, i))
            st->ncerts++;
        else
            fc_count(cnt, FC_CNT_TLS_CERTS_DROPPED);
    }
}

/* Only the first hello and Certificate of each kind counts (a
 * renegotiation's come encrypted anyway). */
static void on_message(void *arg, const uint8_t *msg, size_t len)
{
    struct message_arg *m = arg;
    struct fc_tls_info *info = &m->st->info;
    if (len > 0 && msg[0] == FC_TLS_CERTIFICATE) {
        certificate(m, msg, len);
        return;
    }
    if (len == 0 || (msg[0] == FC_TLS_CLIENT_HELLO ? info->client_hello
                     : msg[0] == FC_TLS_SERVER_HELLO ? info->server_hello : true))
        return;
    static _Thread_local struct fc_tls_hello h; /* 3 KiB: not on the stack */
    if (fc_tls_hello_parse(msg, len, &h) != FC_TLS_OK) {
        fc_count(m->ctx->cnt, FC_CNT_TLS_BAD_HELLO);
        return;
    }
    if (h.type == FC_TLS_CLIENT_HELLO) {
        fc_count(m->ctx->cnt, FC_CNT_TLS_CLIENT_HELLOS);
        m->st->client_dir = (uint8_t)(m->dir + 1);
        fc_tls_info_client_hello(info, &h, 't', m->ctx->ts);
    } else {
        fc_count(m->ctx->cnt, FC_CNT_TLS_SERVER_HELLOS);
        m->st->server_dir = (uint8_t)(m->dir + 1);
        fc_tls_info_server_hello(info, &h, m->ctx->ts);
    }
}

static void tls_data(void *state, const struct fc_l7_ctx *ctx, unsigned dir, const uint8_t *p,
                     size_t len)
{
    struct tls_state *st = state;
    struct message_arg m = { st, ctx, dir };
    enum fc_tls_asm_state before = st->side[dir].state;
    enum fc_tls_asm_state after = fc_tls_asm_feed(&st->side[dir], p, len, on_message, &m);
    if (before == FC_TLS_ASM_MORE && (after == FC_TLS_ASM_NOT_TLS || after == FC_TLS_ASM_TOO_BIG))
        fc_count(ctx->cnt, FC_CNT_TLS_NOT_TLS);
}

/* A hole: the record boundaries are lost, the direction is given up. */
static void tls_gap(void *state, const struct fc_l7_ctx *ctx, unsigned dir, uint64_t len)
{
    (void)len;
    struct tls_state *st = state;
    if (st->side[dir].state == FC_TLS_ASM_MORE) {
        st->side[dir].state = FC_TLS_ASM_NOT_TLS;
        fc_count(ctx->cnt, FC_CNT_TLS_NOT_TLS);
    }
}

static bool tls_finished(void *state)
{
    struct tls_state *st = state;
    return st->side[0].state != FC_TLS_ASM_MORE && st->side[1].state != FC_TLS_ASM_MORE;
}

/* The handshake is reported once, in the first record exported after a
 * hello was read; each certificate once, in the first record exported
 * after it was read (the handshake's, unless the active timeout cut the
 * handshake in two). */
static void tls_emit(void *state, const struct fc_l7_ctx *ctx, struct fc_flow_record *r,
                     bool last)
{
    (void)ctx;
    (void)last;
    struct tls_state *st = state;
    bool any = st->info.client_hello || st->info.server_hello;
    r->l7[FC_SECTION_TLS] = (struct fc_l7_items){ true, any && !st->reported, &st->info };
    r->l7[FC_SECTION_CERTIFICATES] = (struct fc_l7_items){ true, st->ncerts, st->certs };
    st->emitted = st->ncerts;
}

/* Frees the certificates of the first n places. */
static void free_certs(struct tls_state *st, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        fc_tls_certificate_free(&st->certs[i]);
}

static void tls_exported(void *state)
{
    struct tls_state *st = state;
    st->reported |= st->info.client_hello || st->info.server_hello;
    if (st->emitted == 0)
        return;
    free_certs(st, st->emitted);
    st->ncerts = (uint8_t)(st->ncerts - st->emitted);
    memmove(st->certs, st->certs + st->emitted, st->ncerts * sizeof *st->certs);
    st->emitted = 0;
    if (st->ncerts == 0) {
        free(st->certs);
        st->certs = NULL;
    }
}

static void tls_release(void *state)
{
    struct tls_state *st = state;
    for (unsigned dir = 0; dir < 2; dir++)
        fc_tls_asm_destroy(&st->side[dir]);
    free_certs(st, st->ncerts);
    free(st->certs);
}

const struct fc_dissector fc_dissector_tls = {
    .name = "tls",
    .proto = FC_PROTO_TCP,
    .probe = tls_probe,
    .state_size = sizeof(struct tls_state),
    .init = tls_init,
    .data = tls_data,
    .gap = tls_gap,
    .finished = tls_finished,
    .emit = tls_emit,
    .exported = tls_exported,
    .release = tls_release,
};
