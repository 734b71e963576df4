/*
 * ICMP and ICMPv6 flows (chosen by the IP protocol): the type and code of
 * the flow's first message by name, and for error messages (destination
 * unreachable, time exceeded, ...) the flow each quoted packet belongs to,
 * with its Community ID, so that an error joins the flow it reports on.
 * One error flow (a router's port-unreachables to a host, say) may quote
 * many flows: each distinct one is an item, with the number of messages
 * that quoted it. The items are found again by their binary tuple through
 * a small hash index, so a flood of errors costs a few steps per message.
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

/* A quoted flow's tuple as the packet gave it: the index's key. */
struct tuple {
    uint8_t src[16];
    uint8_t dst[16];
    uint16_t sport, dport;
    uint8_t ip_version, proto, has_ports, pad;
};

struct icmp_state {
    struct fc_icmp_info info;
    bool seen;     /* info holds the first message */
    bool reported; /* info went out in an earlier record */
    bool v6;
    struct fc_icmp_quoted *quoted; /* not yet reported, first seen first */
    struct tuple *tuples;          /* theirs, in the same order */
    uint32_t nquoted, cap;
    uint32_t emitted;
    uint32_t *index;               /* open addressing: item number + 1, 0 when free */
    uint32_t index_cap;            /* a power of two, at least twice nquoted */
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

static struct tuple tuple_of(const struct fc_icmp_quote *q)
{
    struct tuple t;
    memset(&t, 0, sizeof t);
    unsigned n = q->ip_version == 4 ? 4 : 16;
    memcpy(t.src, q->src, n);
    memcpy(t.dst, q->dst, n);
    t.sport = q->has_ports ? q->sport : 0;
    t.dport = q->has_ports ? q->dport : 0;
    t.ip_version = q->ip_version;
    t.proto = q->proto;
    t.has_ports = q->has_ports;
    return t;
}

static uint32_t tuple_hash(const struct tuple *t)
{
    const uint8_t *b = (const uint8_t *)t;
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < sizeof *t; i++)
        h = (h ^ b[i]) * 16777619u;
    return h;
}

/* The index slot of t: where it is, or the free slot where it would go. */
static uint32_t slot_of(const struct icmp_state *st, const struct tuple *t)
{
    uint32_t mask = st->index_cap - 1;
    uint32_t i = tuple_hash(t) & mask;
    while (st->index[i] && memcmp(&st->tuples[st->index[i] - 1], t, sizeof *t) != 0)
        i = (i + 1) & mask;
    return i;
}

/* Indexes the items held anew (their numbers changed, or the index grew). */
static void rebuild(struct icmp_state *st)
{
    memset(st->index, 0, st->index_cap * sizeof *st->index);
    for (uint32_t k = 0; k < st->nquoted; k++)
        st->index[slot_of(st, &st->tuples[k])] = k + 1;
}

static bool grow_index(struct icmp_state *st)
{
    uint32_t cap = st->index_cap ? st->index_cap * 2 : 8;
    uint32_t *index = calloc(cap, sizeof *index);
    if (!index)
        return false;
    free(st->index);
    st->index = index;
    st->index_cap = cap;
    rebuild(st);
    return true;
}

static bool grow_items(struct icmp_state *st)
{
    uint32_t cap = st->cap ? st->cap * 2 : 2;
    struct fc_icmp_quoted *quoted = realloc(st->quoted, cap * sizeof *quoted);
    if (quoted)
        st->quoted = quoted;
    struct tuple *tuples = quoted ? realloc(st->tuples, cap * sizeof *tuples) : NULL;
    if (tuples)
        st->tuples = tuples;
    if (!quoted || !tuples)
        return false;
    st->cap = cap;
    return true;
}

static void quote(struct icmp_state *st, const struct fc_l7_ctx *ctx, const uint8_t *p,
                  size_t len)
{
    struct fc_icmp_quote q;
    if (!fc_icmp_quote_read(st->v6, p, len, &q)) {
        fc_count(ctx->cnt, FC_CNT_ICMP_NO_QUOTE);
        return;
    }
    struct tuple t = tuple_of(&q);
    uint32_t slot = st->index ? slot_of(st, &t) : 0;
    if (st->index && st->index[slot]) {
        st->quoted[st->index[slot] - 1].messages++;
        return;
    }
    if (st->nquoted >= FC_ICMP_MAX_QUOTED || (st->nquoted == st->cap && !grow_items(st)) ||
        ((st->nquoted + 1) * 2 > st->index_cap && !grow_index(st))) {
        fc_count(ctx->cnt, FC_CNT_ICMP_QUOTED_DROPPED);
        return;
    }
    struct fc_icmp_quoted *item = &st->quoted[st->nquoted];
    quoted_key(&q, item);
    item->messages = 1;
    item->first_ts = ctx->ts;
    st->tuples[st->nquoted] = t;
    st->index[slot_of(st, &t)] = ++st->nquoted;
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
    if (st->nquoted) { /* (the arrays may not exist yet) */
        memmove(st->quoted, st->quoted + st->emitted, st->nquoted * sizeof *st->quoted);
        memmove(st->tuples, st->tuples + st->emitted, st->nquoted * sizeof *st->tuples);
    }
    if (st->emitted && st->index)
        rebuild(st);
    st->emitted = 0;
}

static void icmp_release(void *state)
{
    struct icmp_state *st = state;
    free(st->quoted);
    free(st->tuples);
    free(st->index);
}

#define ICMP_DISSECTOR(proto_, init_)                                                 \
    {                                                                                 \
        .name = NULL, .proto = proto_, .probe = icmp_probe,                         \
        .state_size = sizeof(struct icmp_state), .init = init_, .data = icmp_data,    \
        .emit = icmp_emit, .exported = icmp_exported, .release = icmp_release,        \
    }

const struct fc_dissector fc_dissector_icmp = ICMP_DISSECTOR(FC_PROTO_ICMP, NULL);
const struct fc_dissector fc_dissector_icmp6 = ICMP_DISSECTOR(FC_PROTO_ICMP6, init_v6);
