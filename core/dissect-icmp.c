/*
 * ICMP and ICMPv6 flows (chosen by the IP protocol): the type and code of
 * the flow's first message by name, and for error messages (destination
 * unreachable, time exceeded, ...) the flow each quoted packet belongs to,
 * with its Community ID, so that an error joins the flow it reports on.
 * One error flow (a router's port-unreachables to a host, say) may quote
 * many flows: each distinct one is an item, with the number of messages
 * that quoted it.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "core/community-id.h"
#include "core/dissect.h"
#include "core/icmp-info.h"
#include "core/icmp-names.h"
#include "core/icmp-quote.h"
#include "core/limits.h"

struct icmp_state {
    struct fc_icmp_info info;
    bool seen;     /* info holds the first message */
    bool reported; /* info went out in an earlier record */
    bool v6;
    struct fc_icmp_quoted *quoted; /* not yet reported, first seen first */
    uint32_t nquoted, cap;
    uint32_t emitted;
};

static enum fc_probe icmp_probe(const struct fc_probe_ctx *pc, const uint8_t *p, size_t len)
{
    (void)pc;
    (void)p;
    return len >= 2 ? FC_PROBE_YES : FC_PROBE_NO; /* type and code */
}

static void init_v6(void *state)
{
    ((struct icmp_state *)state)->v6 = true;
}

static void set_names(struct icmp_state *st, uint8_t type, uint8_t code)
{
    struct fc_icmp_info *info = &st->info;
    info->type = type;
    info->code = code;
    const char *t = fc_icmp_type_name(st->v6, type);
    const char *c = fc_icmp_code_name(st->v6, type, code);
    strcpy(info->type_name, t ? t : "");
    strcpy(info->code_name, c ? c : "");
}

static void quoted_key(const struct fc_icmp_quote *q, struct fc_icmp_quoted *out)
{
    int af = q->ip_version == 4 ? AF_INET : AF_INET6;
    inet_ntop(af, q->src, out->src_ip, sizeof out->src_ip);
    inet_ntop(af, q->dst, out->dst_ip, sizeof out->dst_ip);
    out->proto = q->proto;
    out->has_ports = q->has_ports;
    out->src_port = q->sport;
    out->dst_port = q->dport;
    out->community_id[0] = '\0';
    if (!q->has_ports)
        return;
    struct fc_community_tuple t = {
        .src = q->src, .dst = q->dst, .addr_len = q->ip_version == 4 ? 4 : 16,
        .proto = q->proto, .has_ports = true, .sport = q->sport, .dport = q->dport,
        .one_way = q->one_way,
    };
    fc_community_id(&t, 0, out->community_id);
}

static bool same_flow(const struct fc_icmp_quoted *a, const struct fc_icmp_quoted *b)
{
    return a->proto == b->proto && a->has_ports == b->has_ports &&
           a->src_port == b->src_port && a->dst_port == b->dst_port &&
           strcmp(a->src_ip, b->src_ip) == 0 && strcmp(a->dst_ip, b->dst_ip) == 0;
}

static void quote(struct icmp_state *st, const struct fc_l7_ctx *ctx, const uint8_t *p,
                  size_t len)
{
    struct fc_icmp_quote q;
    if (!fc_icmp_quote_read(st->v6, p, len, &q)) {
        fc_count(ctx->cnt, FC_CNT_ICMP_NO_QUOTE);
        return;
    }
    struct fc_icmp_quoted key;
    quoted_key(&q, &key);
    for (uint32_t i = 0; i < st->nquoted; i++) {
        if (same_flow(&st->quoted[i], &key)) {
            st->quoted[i].messages++;
            return;
        }
    }
    if (st->nquoted >= FC_ICMP_MAX_QUOTED) {
        fc_count(ctx->cnt, FC_CNT_ICMP_QUOTED_DROPPED);
        return;
    }
    if (st->nquoted == st->cap) {
        uint32_t cap = st->cap ? st->cap * 2 : 2;
        struct fc_icmp_quoted *grown = realloc(st->quoted, cap * sizeof *grown);
        if (!grown) {
            fc_count(ctx->cnt, FC_CNT_ICMP_QUOTED_DROPPED);
            return;
        }
        st->quoted = grown;
        st->cap = cap;
    }
    key.messages = 1;
    key.first_ts = ctx->ts;
    st->quoted[st->nquoted++] = key;
}

static void icmp_data(void *state, const struct fc_l7_ctx *ctx, unsigned dir, const uint8_t *p,
                      size_t len)
{
    (void)dir;
    struct icmp_state *st = state;
    if (len < 2)
        return;
    if (!st->seen) {
        set_names(st, p[0], p[1]);
        st->seen = true;
    }
    if (fc_icmp_is_error(st->v6, p[0]))
        quote(st, ctx, p, len);
}

static void icmp_emit(void *state, const struct fc_l7_ctx *ctx, struct fc_flow_record *r,
                      bool last)
{
    (void)ctx;
    (void)last;
    struct icmp_state *st = state;
    r->l7[FC_SECTION_ICMP] = (struct fc_l7_items){ true, st->seen && !st->reported, &st->info };
    r->l7[FC_SECTION_ICMP_QUOTED] = (struct fc_l7_items){ true, st->nquoted, st->quoted };
    st->emitted = st->nquoted;
}

static void icmp_exported(void *state)
{
    struct icmp_state *st = state;
    st->reported |= st->seen;
    st->nquoted -= st->emitted;
    if (st->nquoted) /* (the array may not exist yet) */
        memmove(st->quoted, st->quoted + st->emitted, st->nquoted * sizeof *st->quoted);
    st->emitted = 0;
}

static void icmp_release(void *state)
{
    free(((struct icmp_state *)state)->quoted);
}

#define ICMP_DISSECTOR(proto_, init_)                                                 \
    {                                                                                 \
        .name = NULL, .proto = proto_, .probe = icmp_probe,                         \
        .state_size = sizeof(struct icmp_state), .init = init_, .data = icmp_data,    \
        .emit = icmp_emit, .exported = icmp_exported, .release = icmp_release,        \
    }

const struct fc_dissector fc_dissector_icmp = ICMP_DISSECTOR(FC_PROTO_ICMP, NULL);
const struct fc_dissector fc_dissector_icmp6 = ICMP_DISSECTOR(FC_PROTO_ICMP6, init_v6);
