/*
 * DTLS over UDP (core/dtls-record.h): the ClientHello and ServerHello of
 * the clear-text handshake give the record's `tls` object as for TLS over
 * TCP (core/tls-info.h), JA4 with transport `d`. The first ClientHello
 * counts: the one a HelloVerifyRequest makes the client repeat carries the
 * same values and a cookie, which the fingerprints leave out. The flow is
 * no longer followed once both hellos were read, or after
 * FC_DTLS_MAX_DATAGRAMS datagrams without them; certificates, which DTLS
 * 1.2 fragments across datagrams, are not read.
 */
#include <string.h>

#include "core/dissect.h"
#include "core/dtls-record.h"
#include "core/limits.h"
#include "core/tls-info.h"

struct dtls_state {
    struct fc_tls_info info;
    uint32_t datagrams;
    bool reported; /* the handshake went out in an earlier record */
};

static enum fc_probe dtls_probe(const struct fc_probe_ctx *pc, const uint8_t *p, size_t len)
{
    (void)pc;
    return fc_dtls_probe(p, len) ? FC_PROBE_YES : FC_PROBE_NO;
}

struct message_arg {
    struct dtls_state *st;
    const struct fc_l7_ctx *ctx;
};

static void on_message(void *arg, const uint8_t *msg, size_t len)
{
    struct message_arg *m = arg;
    struct fc_tls_info *info = &m->st->info;
    bool client = msg[0] == FC_TLS_CLIENT_HELLO;
    if ((client && info->client_hello) || (!client && (msg[0] != FC_TLS_SERVER_HELLO ||
                                                       info->server_hello)))
        return;
    static _Thread_local struct fc_tls_hello h; /* 3 KiB: not on the stack */
    if (fc_tls_hello_parse(msg, len, &h) != FC_TLS_OK) {
        fc_count(m->ctx->cnt, FC_CNT_TLS_BAD_HELLO);
        return;
    }
    if (client) {
        fc_count(m->ctx->cnt, FC_CNT_TLS_CLIENT_HELLOS);
        fc_tls_info_client_hello(info, &h, 'd', m->ctx->ts);
    } else {
        fc_count(m->ctx->cnt, FC_CNT_TLS_SERVER_HELLOS);
        fc_tls_info_server_hello(info, &h, m->ctx->ts);
    }
}

static void dtls_data(void *state, const struct fc_l7_ctx *ctx, unsigned dir, const uint8_t *p,
                      size_t len)
{
    (void)dir;
    struct dtls_state *st = state;
    struct message_arg m = { st, ctx };
    struct fc_dtls_counts n = { 0 };
    st->datagrams++;
    fc_dtls_datagram(p, len, on_message, &m, &n);
    ctx->cnt->v[FC_CNT_DTLS_FRAGMENTED] += n.fragmented;
    ctx->cnt->v[FC_CNT_DTLS_BAD] += n.bad;
}

static bool dtls_finished(void *state)
{
    struct dtls_state *st = state;
    return (st->info.client_hello && st->info.server_hello) ||
           st->datagrams >= FC_DTLS_MAX_DATAGRAMS;
}

static void dtls_emit(void *state, const struct fc_l7_ctx *ctx, struct fc_flow_record *r,
                      bool last)
{
    (void)ctx;
    (void)last;
    struct dtls_state *st = state;
    bool any = st->info.client_hello || st->info.server_hello;
    r->l7[FC_SECTION_TLS] = (struct fc_l7_items){ true, any && !st->reported, &st->info };
}

static void dtls_exported(void *state)
{
    struct dtls_state *st = state;
    st->reported |= st->info.client_hello || st->info.server_hello;
}

const struct fc_dissector fc_dissector_dtls = {
    .name = "dtls",
    .proto = FC_PROTO_UDP,
    .probe = dtls_probe,
    .state_size = sizeof(struct dtls_state),
    .data = dtls_data,
    .finished = dtls_finished,
    .emit = dtls_emit,
    .exported = dtls_exported,
};
