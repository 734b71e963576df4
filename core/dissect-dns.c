/*
 * DNS over UDP (with mDNS and LLMNR, which share its message format) and
 * over TCP (RFC 1035 4.2.2: each message after a 2-byte length). Every
 * message is parsed (core/dns-msg.h); a response is paired with the
 * oldest query of the flow still waiting that has its transaction id and,
 * when the response repeats the question, the same name (ignoring case),
 * type and class. Queries never answered and responses without a query
 * are transactions too, with only one half.
 *
 * A record of the flow reports the transactions from the oldest on that
 * are done: answered, or waiting longer than FC_DNS_QUERY_TIMEOUT_NS; the
 * flow's last record reports them all. Each response's resource records
 * (except OPT) go with its transaction, in the dns_records section.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/dissect.h"
#include "core/dns-msg.h"
#include "core/dns-tx.h"
#include "core/dns-waiting.h"
#include "core/limits.h"

/* TCP framing of one direction. */
struct framing {
    uint8_t len_bytes[2];
    uint8_t have_len; /* bytes of the length read */
    bool lost;        /* a hole: message boundaries are unknown */
    uint8_t *msg;
    uint32_t msg_len;
    uint32_t msg_need;
};

struct dns_state {
    /* Transactions not yet reported, oldest first, and the records of
     * their responses, ordered by transaction. */
    struct fc_dns_tx *txs;
    uint32_t ntx, tx_cap;
    struct fc_dns_record *recs;
    uint32_t nrec, rec_cap;
    uint32_t emitted_tx, emitted_rec; /* what the last record reported */
    uint64_t first;                   /* number of txs[0] in the flow (reported before it) */
    struct fc_dns_waiting waiting;    /* the queries waiting, by id */
    struct framing side[2];
};

/* ------------------------------------------------------------------ probe */

static bool dns_port(uint16_t port)
{
    return port == 53 || port == 5353 || port == 5355;
}

/* A clean DNS message; on ports other than DNS's, a strict shape: one
 * question, and for a query nothing else but an OPT. NetBIOS name service
 * (port 137) shares the format but is another protocol. */
static bool plausible(const struct fc_probe_ctx *pc, const uint8_t *p, size_t len)
{
    if (pc->client_port == 137 || pc->server_port == 137)
        return false;
    struct fc_dns_msg m;
    if (len < 12 || fc_dns_parse(p, len, &m, NULL, NULL) != FC_DNS_OK || m.bad_names)
        return false;
    const struct fc_dns_header *h = &m.h;
    if (h->opcode == 3 || h->opcode > 6)
        return false;
    if (dns_port(pc->client_port) || dns_port(pc->server_port))
        return h->qdcount > 0 || (h->qr && h->ancount > 0); /* mDNS answers: no question */
    if (h->qdcount != 1 || h->z)
        return false;
    return h->qr || (h->ancount == 0 && h->nscount == 0 && h->arcount <= 1 && h->rcode == 0);
}

static enum fc_probe udp_probe(const struct fc_probe_ctx *pc, const uint8_t *p, size_t len)
{
    return plausible(pc, p, len) ? FC_PROBE_YES : FC_PROBE_NO;
}

static enum fc_probe tcp_probe(const struct fc_probe_ctx *pc, const uint8_t *p, size_t len)
{
    if (len < 2)
        return FC_PROBE_MORE;
    size_t n = (size_t)p[0] << 8 | p[1];
    if (n < 12)
        return FC_PROBE_NO;
    if (len - 2 < n)
        return n <= FC_L7_PROBE_MAX - 2 ? FC_PROBE_MORE : FC_PROBE_NO;
    return plausible(pc, p + 2, n) ? FC_PROBE_YES : FC_PROBE_NO;
}

/* ----------------------------------------------------------- transactions */

static bool grow(void **array, uint32_t *cap, uint32_t need, size_t size)
{
    if (need <= *cap)
        return true;
    uint32_t n = *cap ? *cap * 2 : 4;
    while (n < need)
        n *= 2;
    void *p = realloc(*array, (size_t)n * size);
    if (!p)
        return false;
    *array = p;
    *cap = n;
    return true;
}

/* The records the parser hands over, appended (tx set afterwards). */
struct parse_arg {
    struct dns_state *st;
    const struct fc_l7_ctx *ctx;
};

static void on_record(void *arg, const struct fc_dns_rr *rr)
{
    struct parse_arg *a = arg;
    struct dns_state *st = a->st;
    if (rr->type == FC_DNS_TYPE_OPT)
        return;
    if (st->nrec >= FC_DNS_MAX_RECORDS ||
        !grow((void **)&st->recs, &st->rec_cap, st->nrec + 1, sizeof *st->recs)) {
        fc_count(a->ctx->cnt, FC_CNT_DNS_RECORDS_DROPPED);
        return;
    }
    struct fc_dns_record *r = &st->recs[st->nrec];
    memset(r, 0, sizeof *r);
    size_t name_len = strlen(rr->name);
    if (!fc_text_arena_reserve(&r->arena, name_len + rr->data_len + 2) ||
        !fc_text_arena_put(&r->arena, &r->text[FC_DNS_RT_NAME], rr->name, name_len) ||
        !fc_text_arena_put(&r->arena, &r->text[FC_DNS_RT_DATA], rr->data, rr->data_len)) {
        free(r->arena.p);
        fc_count(a->ctx->cnt, FC_CNT_DNS_RECORDS_DROPPED);
        return;
    }
    r->section = (uint8_t)rr->section;
    r->type = rr->type;
    r->rclass = rr->rclass;
    r->ttl = rr->ttl;
    r->cut = rr->data_cut;
    char buf[FC_DNS_TYPE_NAME_MAX];
    strcpy(r->type_name, fc_dns_type_name(rr->type, buf));
    st->nrec++;
}

static void drop_records_from(struct dns_state *st, uint32_t first)
{
    for (uint32_t i = first; i < st->nrec; i++)
        free(st->recs[i].arena.p);
    st->nrec = first;
}

static void reverse(struct fc_dns_record *r, uint32_t from, uint32_t to)
{
    while (from + 1 < to) {
        struct fc_dns_record tmp = r[from];
        r[from++] = r[--to];
        r[to] = tmp;
    }
}

/* The records appended from `first` on belong to transaction t: they move
 * after the records of the transactions before and at t (a rotation by
 * three reversals, in place). */
static void place_records(struct dns_state *st, uint32_t first, uint32_t t)
{
    uint32_t at = first;
    while (at > 0 && st->recs[at - 1].tx > t)
        at--;
    for (uint32_t i = first; i < st->nrec; i++)
        st->recs[i].tx = t;
    if (at == first)
        return;
    reverse(st->recs, at, first);
    reverse(st->recs, first, st->nrec);
    reverse(st->recs, at, st->nrec);
}

static void set_header(struct fc_dns_tx *tx, const struct fc_dns_msg *m)
{
    const struct fc_dns_header *h = &m->h;
    tx->id = h->id;
    tx->opcode = h->opcode;
    tx->aa = h->aa;
    tx->tc = h->tc;
    tx->rd = h->rd;
    tx->ra = h->ra;
    tx->ad = h->ad;
    tx->cd = h->cd;
    tx->rcode = (uint16_t)(m->has_edns ? (unsigned)m->edns_ext_rcode << 4 | h->rcode : h->rcode);
    char buf[FC_DNS_RCODE_NAME_MAX];
    strcpy(tx->rcode_name, fc_dns_rcode_name(tx->rcode, buf));
}

static bool set_question(struct fc_dns_tx *tx, const struct fc_dns_msg *m)
{
    if (!m->has_question)
        return true;
    tx->has_question = true;
    tx->qtype = m->q.qtype;
    tx->qclass = m->q.qclass;
    char buf[FC_DNS_TYPE_NAME_MAX];
    strcpy(tx->qtype_name, fc_dns_type_name(m->q.qtype, buf));
    size_t n = strlen(m->q.name);
    return fc_text_arena_reserve(&tx->arena, n + 1) &&
           fc_text_arena_put(&tx->arena, &tx->query_text, m->q.name, n);
}

static struct fc_dns_tx *new_tx(struct dns_state *st, const struct fc_l7_ctx *ctx,
                                const struct fc_dns_msg *m)
{
    if (st->ntx >= FC_DNS_MAX_TX ||
        !grow((void **)&st->txs, &st->tx_cap, st->ntx + 1, sizeof *st->txs)) {
        fc_count(ctx->cnt, FC_CNT_DNS_TX_LIMIT);
        return NULL;
    }
    struct fc_dns_tx *tx = &st->txs[st->ntx];
    memset(tx, 0, sizeof *tx);
    if (!set_question(tx, m)) {
        free(tx->arena.p);
        fc_count(ctx->cnt, FC_CNT_DNS_TX_LIMIT);
        return NULL;
    }
    set_header(tx, m);
    st->ntx++;
    return tx;
}

struct answer {
    struct dns_state *st;
    const struct fc_dns_msg *m;
};

/* Does the response answer query number n: the same question, when the
 * response repeats it (the id matched already)? */
static bool answers(void *arg, uint64_t n)
{
    const struct answer *a = arg;
    const struct fc_dns_tx *tx = &a->st->txs[n - a->st->first];
    const struct fc_dns_msg *m = a->m;
    if (!m->has_question)
        return true;
    const char *q = fc_text_arena_get(&tx->arena, tx->query_text);
    return tx->has_question && tx->qtype == m->q.qtype && tx->qclass == m->q.qclass &&
           strcasecmp(q, m->q.name) == 0;
}

/* The oldest waiting query the response answers, or NULL. */
static struct fc_dns_tx *waiting_query(struct dns_state *st, const struct fc_dns_msg *m)
{
    struct answer a = { st, m };
    uint64_t n = fc_dns_waiting_take(&st->waiting, m->h.id, st->first, answers, &a);
    return n == UINT64_MAX ? NULL : &st->txs[n - st->first];
}

static void query(struct dns_state *st, const struct fc_l7_ctx *ctx, const struct fc_dns_msg *m)
{
    fc_count(ctx->cnt, FC_CNT_DNS_QUERIES);
    struct fc_dns_tx *tx = new_tx(st, ctx, m);
    if (!tx)
        return;
    tx->has_query = true;
    tx->query_ts = ctx->ts;
    uint64_t n = st->first + (uint64_t)(tx - st->txs);
    if (fc_dns_waiting_add(&st->waiting, m->h.id, n) != FC_DNS_WAITING_ADDED)
        fc_count(ctx->cnt, FC_CNT_DNS_WAITING_FORGOTTEN);
}

/* A response: its records were appended from first_rec on. */
static void response(struct dns_state *st, const struct fc_l7_ctx *ctx,
                     const struct fc_dns_msg *m, uint32_t first_rec)
{
    fc_count(ctx->cnt, FC_CNT_DNS_RESPONSES);
    struct fc_dns_tx *tx = waiting_query(st, m);
    if (tx) {
        set_header(tx, m);
    } else {
        fc_count(ctx->cnt, FC_CNT_DNS_UNSOLICITED);
        if (!(tx = new_tx(st, ctx, m))) {
            drop_records_from(st, first_rec);
            return;
        }
    }
    tx->has_response = true;
    tx->response_ts = ctx->ts;
    place_records(st, first_rec, (uint32_t)(tx - st->txs));
}

static void message(struct dns_state *st, const struct fc_l7_ctx *ctx, const uint8_t *p,
                    size_t len)
{
    struct fc_dns_msg m;
    struct parse_arg a = { st, ctx };
    uint32_t first_rec = st->nrec;
    enum fc_dns_status s = fc_dns_parse(p, len, &m, on_record, &a);
    if (m.bad_names)
        fc_count(ctx->cnt, FC_CNT_DNS_BAD_NAMES);
    /* A message cut short (by the snap length) still has its header. */
    if (s == FC_DNS_MALFORMED || len < 12) {
        fc_count(ctx->cnt, FC_CNT_DNS_MALFORMED);
        drop_records_from(st, first_rec);
        return;
    }
    if (s == FC_DNS_TRUNCATED)
        fc_count(ctx->cnt, FC_CNT_DNS_TRUNCATED);
    if (m.h.qr) {
        response(st, ctx, &m, first_rec);
    } else {
        drop_records_from(st, first_rec); /* a query's records (OPT, updates) are not kept */
        query(st, ctx, &m);
    }
}

/* --------------------------------------------------------------- transport */

static void udp_data(void *state, const struct fc_l7_ctx *ctx, unsigned dir, const uint8_t *p,
                     size_t len)
{
    (void)dir;
    message(state, ctx, p, len);
}

/* Feeds one TCP direction's bytes: each message after its length. */
static void tcp_data(void *state, const struct fc_l7_ctx *ctx, unsigned dir, const uint8_t *p,
                     size_t len)
{
    struct dns_state *st = state;
    struct framing *f = &st->side[dir];
    while (len && !f->lost) {
        if (f->have_len < 2) {
            f->len_bytes[f->have_len++] = *p++;
            len--;
            if (f->have_len == 2)
                f->msg_need = (uint32_t)f->len_bytes[0] << 8 | f->len_bytes[1];
            if (f->have_len == 2 && !f->msg && !(f->msg = malloc(65535)))
                f->lost = true;
            continue;
        }
        size_t take = f->msg_need - f->msg_len;
        if (take > len)
            take = len;
        memcpy(f->msg + f->msg_len, p, take);
        f->msg_len += (uint32_t)take;
        p += take;
        len -= take;
        if (f->msg_len == f->msg_need) {
            message(st, ctx, f->msg, f->msg_len);
            f->msg_len = 0;
            f->have_len = 0;
        }
    }
}

static void tcp_gap(void *state, const struct fc_l7_ctx *ctx, unsigned dir, uint64_t len)
{
    (void)len;
    struct dns_state *st = state;
    if (!st->side[dir].lost)
        fc_count(ctx->cnt, FC_CNT_DNS_LOST);
    st->side[dir].lost = true;
}

/* ------------------------------------------------------------------ output */

static bool done(const struct fc_dns_tx *tx, fc_time now)
{
    return tx->has_response || (now > tx->query_ts && now - tx->query_ts > FC_DNS_QUERY_TIMEOUT_NS);
}

static void dns_emit(void *state, const struct fc_l7_ctx *ctx, struct fc_flow_record *r,
                     bool last)
{
    struct dns_state *st = state;
    uint32_t k = 0;
    while (k < st->ntx && (last || done(&st->txs[k], ctx->ts)))
        k++;
    for (uint32_t i = 0; i < k; i++) {
        if (!st->txs[i].has_response)
            fc_count(ctx->cnt, FC_CNT_DNS_UNANSWERED);
    }
    uint32_t nr = 0;
    while (nr < st->nrec && st->recs[nr].tx < k)
        nr++;
    st->emitted_tx = k;
    st->emitted_rec = nr;
    r->l7[FC_SECTION_DNS] = (struct fc_l7_items){ true, k, st->txs };
    r->l7[FC_SECTION_DNS_RECORDS] = (struct fc_l7_items){ true, nr, st->recs };
}

static void dns_exported(void *state)
{
    struct dns_state *st = state;
    uint32_t k = st->emitted_tx, nr = st->emitted_rec;
    for (uint32_t i = 0; i < k; i++)
        free(st->txs[i].arena.p);
    for (uint32_t i = 0; i < nr; i++)
        free(st->recs[i].arena.p);
    st->ntx -= k;
    st->nrec -= nr;
    st->first += k;
    if (st->ntx) /* (the arrays may not exist yet) */
        memmove(st->txs, st->txs + k, st->ntx * sizeof *st->txs);
    if (st->nrec)
        memmove(st->recs, st->recs + nr, st->nrec * sizeof *st->recs);
    for (uint32_t i = 0; i < st->nrec; i++)
        st->recs[i].tx -= k;
    st->emitted_tx = st->emitted_rec = 0;
}

static void dns_release(void *state)
{
    struct dns_state *st = state;
    st->emitted_tx = st->ntx;
    st->emitted_rec = st->nrec;
    dns_exported(st);
    free(st->txs);
    free(st->recs);
    fc_dns_waiting_free(&st->waiting);
    for (unsigned dir = 0; dir < 2; dir++)
        free(st->side[dir].msg);
}

const struct fc_dissector fc_dissector_dns_udp = {
    .name = "dns",
    .proto = FC_PROTO_UDP,
    .probe = udp_probe,
    .state_size = sizeof(struct dns_state),
    .data = udp_data,
    .emit = dns_emit,
    .exported = dns_exported,
    .release = dns_release,
};

const struct fc_dissector fc_dissector_dns_tcp = {
    .name = "dns",
    .proto = FC_PROTO_TCP,
    .probe = tcp_probe,
    .state_size = sizeof(struct dns_state),
    .data = tcp_data,
    .gap = tcp_gap,
    .emit = dns_emit,
    .exported = dns_exported,
    .release = dns_release,
};
