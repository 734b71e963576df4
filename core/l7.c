/* The L7 layer: see l7.h. */
#include "core/l7.h"

#include <stdlib.h>
#include <string.h>

#include "core/limits.h"

struct fc_l7_flow {
    struct fc_stream stream; /* TCP */
    uint8_t proto;          /* FC_PROTO_TCP or FC_PROTO_UDP */
    uint16_t client_port;   /* the initiator's, and the other end's: probe hints */
    uint16_t server_port;
    const struct fc_dissector *d; /* NULL while probing */
    void *state;
    bool off;               /* not followed any more */
    uint32_t excluded[2];   /* per direction: registry rows that said no */
    uint8_t *probe_buf[2];  /* each direction's first bytes, until a verdict */
    uint32_t probe_len[2];
    bool probe_cut[2];      /* bytes of the direction went past its buffer */
    int8_t first_dir;       /* the direction whose bytes came first, -1 before */
    fc_time ts;             /* the packet being handled */
};

/* The stream sink's argument. */
struct call {
    struct fc_l7_layer *l;
    struct fc_l7_flow *f;
};

/* One bit per registry row (dissect-registry.c asserts they fit). */
#define ALL_EXCLUDED ((1u << fc_dissector_count) - 1u)

void fc_l7_init(struct fc_l7_layer *l, const struct fc_l7_config *cfg, struct fc_counters *cnt)
{
    memset(l, 0, sizeof *l);
    l->enabled = cfg->enabled;
    l->ua = cfg->ua;
    l->cnt = cnt;
    fc_reasm_init(&l->reasm, &cfg->reasm, cnt);
    fc_pool_init(&l->pool, sizeof(struct fc_l7_flow), 1024, 0);
}

void fc_l7_destroy(struct fc_l7_layer *l)
{
    fc_reasm_destroy(&l->reasm);
    fc_pool_destroy(&l->pool);
}

static struct fc_l7_ctx ctx_of(const struct call *c)
{
    return (struct fc_l7_ctx){ .cnt = c->l->cnt, .ua = c->l->ua, .ts = c->f->ts };
}

static void drop_probe_bufs(struct fc_l7_flow *f)
{
    for (unsigned dir = 0; dir < 2; dir++) {
        free(f->probe_buf[dir]);
        f->probe_buf[dir] = NULL;
        f->probe_len[dir] = 0;
    }
}

/* Keeps what fits of a direction's bytes while no dissector is chosen, so
 * that the one chosen later, by either direction, sees both from their
 * start; returns how many bytes of p it kept. */
static size_t keep(struct fc_l7_flow *f, unsigned dir, const uint8_t *p, size_t len)
{
    size_t take = FC_L7_PROBE_MAX - f->probe_len[dir];
    if (take > len)
        take = len;
    if (take && !f->probe_buf[dir] && !(f->probe_buf[dir] = malloc(FC_L7_PROBE_MAX)))
        take = 0;
    if (take) {
        memcpy(f->probe_buf[dir] + f->probe_len[dir], p, take);
        f->probe_len[dir] += (uint32_t)take;
    }
    f->probe_cut[dir] |= take < len;
    return take;
}

/* No dissector for this connection: stop following it. Called from
 * inside the stream's sink, so the stream itself is released by the caller
 * of the reassembler (release_if_off). */
static void give_up(struct call *c)
{
    fc_count(c->l->cnt, FC_CNT_L7_UNRECOGNISED);
    c->f->off = true;
    drop_probe_bufs(c->f);
}

static void release_if_off(struct fc_l7_layer *l, struct fc_l7_flow *f)
{
    if (f->off)
        fc_stream_release(&l->reasm, &f->stream);
}

/* A dissector said yes: it gets the bytes the probes saw, in the order
 * they came, then the rest of the current chunk. Where the buffer of the
 * other direction could not hold all its bytes, a gap of unknown size (0)
 * follows them. */
static void choose(struct call *c, const struct fc_dissector *d, unsigned dir, const uint8_t *rest,
                   size_t rest_len)
{
    struct fc_l7_flow *f = c->f;
    f->state = calloc(1, d->state_size);
    if (!f->state) {
        give_up(c);
        return;
    }
    f->d = d;
    if (d->init)
        d->init(f->state);
    fc_count(c->l->cnt, FC_CNT_L7_DETECTED);
    struct fc_l7_ctx ctx = ctx_of(c);
    unsigned order[2] = { (unsigned)f->first_dir, !(unsigned)f->first_dir };
    for (unsigned i = 0; i < 2; i++) {
        unsigned o = order[i];
        if (f->probe_len[o])
            d->data(f->state, &ctx, o, f->probe_buf[o], f->probe_len[o]);
        if (o != dir && f->probe_cut[o])
            d->gap(f->state, &ctx, o, 0);
    }
    if (rest_len)
        d->data(f->state, &ctx, dir, rest, rest_len);
    drop_probe_bufs(f);
    f->probe_cut[0] = f->probe_cut[1] = false;
}

/* Runs the probes of the rows not yet excluded for this direction; the
 * dissector that said yes, or NULL with *more telling whether one wants
 * more bytes. */
static const struct fc_dissector *run_probes(struct fc_l7_flow *f, unsigned dir,
                                             const uint8_t *bytes, size_t n, bool *more)
{
    const struct fc_probe_ctx pc = { dir, f->client_port, f->server_port };
    *more = false;
    for (unsigned i = 0; i < fc_dissector_count; i++) {
        const struct fc_dissector *d = fc_dissectors[i];
        if (f->excluded[dir] & (1u << i) || d->proto != f->proto)
            continue;
        enum fc_probe v = d->probe(&pc, bytes, n);
        if (v == FC_PROBE_YES)
            return d;
        if (v == FC_PROBE_NO)
            f->excluded[dir] |= 1u << i;
        *more |= v == FC_PROBE_MORE;
    }
    return NULL;
}

/* Nothing recognised this direction's start (its bytes stay buffered
 * for a dissector the other direction may choose); when the other
 * direction is in the same case, the connection is not followed any more. */
static void exclude_direction(struct call *c, unsigned dir)
{
    c->f->excluded[dir] = ALL_EXCLUDED;
    if (c->f->excluded[!dir] == ALL_EXCLUDED)
        give_up(c);
}

static void probe(struct call *c, unsigned dir, const uint8_t *p, size_t len)
{
    struct fc_l7_flow *f = c->f;
    if (f->first_dir < 0)
        f->first_dir = (int8_t)dir;
    bool more = false;
    if (f->probe_len[dir] == 0 && !f->probe_cut[dir] && f->excluded[dir] != ALL_EXCLUDED) {
        /* The usual case: the first chunk decides, without a copy. */
        const struct fc_dissector *d = run_probes(f, dir, p, len, &more);
        if (d) {
            choose(c, d, dir, p, len);
            return;
        }
        if (!more) {
            keep(f, dir, p, len); /* for a dissector the other direction may choose */
            exclude_direction(c, dir);
            return;
        }
    }
    size_t taken = keep(f, dir, p, len);
    if (f->excluded[dir] == ALL_EXCLUDED)
        return; /* nothing recognised this direction; the other may still */
    const struct fc_dissector *d = run_probes(f, dir, f->probe_buf[dir], f->probe_len[dir], &more);
    if (d)
        choose(c, d, dir, p + taken, len - taken);
    else if (!more || f->probe_cut[dir])
        exclude_direction(c, dir); /* no, or undecided within the probe limit */
}

/* The dissector wants no more bytes: the connection is not followed any
 * more (the stream is released by the caller of the reassembler). */
static void check_finished(struct call *c)
{
    const struct fc_dissector *d = c->f->d;
    if (d && d->finished && d->finished(c->f->state))
        c->f->off = true;
}

static void on_data(void *arg, unsigned dir, const uint8_t *p, size_t len)
{
    struct call *c = arg;
    if (c->f->off)
        return;
    if (c->f->d) {
        struct fc_l7_ctx ctx = ctx_of(c);
        c->f->d->data(c->f->state, &ctx, dir, p, len);
    } else {
        probe(c, dir, p, len);
    }
    check_finished(c);
}

static void on_gap(void *arg, unsigned dir, uint64_t len)
{
    struct call *c = arg;
    struct fc_l7_flow *f = c->f;
    if (f->off)
        return;
    if (f->d) {
        struct fc_l7_ctx ctx = ctx_of(c);
        f->d->gap(f->state, &ctx, dir, len);
        check_finished(c);
        return;
    }
    /* Before a verdict: the bytes after a hole are not a stream's start. */
    f->probe_cut[dir] = true;
    exclude_direction(c, dir);
}

/* A UDP datagram's payload: probed while no dissector is chosen (a
 * direction whose first datagram nothing recognises is not probed again),
 * then handed to the dissector as it is. */
static void datagram(struct call *c, unsigned dir, const uint8_t *p, size_t len)
{
    struct fc_l7_flow *f = c->f;
    if (f->first_dir < 0)
        f->first_dir = (int8_t)dir;
    if (!f->d) {
        if (f->excluded[dir] == ALL_EXCLUDED)
            return;
        bool more;
        const struct fc_dissector *d = run_probes(f, dir, p, len, &more);
        if (d)
            choose(c, d, dir, p, len);
        else
            exclude_direction(c, dir);
    } else {
        struct fc_l7_ctx ctx = ctx_of(c);
        f->d->data(f->state, &ctx, dir, p, len);
    }
    check_finished(c);
}

/* The bytes of the packet from `off` on, up to `len`, that were captured. */
static size_t captured(const struct fc_packet *p, uint32_t off, uint32_t len)
{
    if (off >= p->caplen)
        return 0;
    size_t n = p->caplen - off;
    return n < len ? n : len;
}

static bool worth_following(const struct fc_packet *p)
{
    if (p->ip.proto == FC_PROTO_ICMP || p->ip.proto == FC_PROTO_ICMP6)
        return true;
    if (p->l4.payload_len > 0)
        return true;
    return p->ip.proto == FC_PROTO_TCP && p->l4.tcp_flags & FC_TCP_SYN;
}

void fc_l7_packet(struct fc_l7_layer *l, struct fc_l7_flow **slot, unsigned dir,
                  const struct fc_packet *p)
{
    const struct fc_pkt_l4 *l4 = &p->l4;
    if (!*slot) {
        if (!worth_following(p))
            return; /* nothing to follow yet */
        if (!(*slot = fc_pool_get(&l->pool)))
            return;
        struct fc_l7_flow *f = *slot;
        f->first_dir = -1;
        f->proto = p->ip.proto;
        f->client_port = dir ? l4->dport : l4->sport;
        f->server_port = dir ? l4->sport : l4->dport;
        fc_count(l->cnt, f->proto == FC_PROTO_TCP ? FC_CNT_L7_STREAMS : FC_CNT_L7_DATAGRAM_FLOWS);
    }
    struct fc_l7_flow *f = *slot;
    if (f->off)
        return;
    f->ts = p->ts;
    struct call c = { l, f };
    size_t payload = captured(p, l4->payload_off, l4->payload_len);
    /* Lone IP fragments (not reassembled: given up or passed) carry no
     * stream the dissectors could follow. */
    if (f->proto == FC_PROTO_UDP) {
        if (!p->ip.fragment && l4->payload_len > 0)
            datagram(&c, dir, p->data + l4->payload_off, payload);
        return;
    }
    if (f->proto != FC_PROTO_TCP) { /* ICMP: the message from its type on */
        if (!p->ip.fragment)
            datagram(&c, dir, p->data + p->ip.l4_off, captured(p, p->ip.l4_off, p->ip.l4_len));
        return;
    }
    const struct fc_stream_sink sink = { on_data, on_gap, &c };
    if (l4->tcp_flags & FC_TCP_ACK)
        fc_stream_ack(&l->reasm, &f->stream, !dir, l4->ack, &sink);
    if (f->off || p->ip.fragment) {
        release_if_off(l, f);
        return;
    }
    fc_stream_segment(&l->reasm, &f->stream, dir, l4->seq, l4->tcp_flags,
                      p->data + l4->payload_off, (uint32_t)payload, l4->payload_len, &sink);
    release_if_off(l, f);
}

void fc_l7_emit(struct fc_l7_layer *l, struct fc_l7_flow *f, struct fc_flow_record *r, bool last)
{
    struct call c = { l, f };
    f->ts = r->last_ts;
    if (last && !f->off && f->proto == FC_PROTO_TCP) {
        const struct fc_stream_sink sink = { on_data, on_gap, &c };
        fc_stream_flush(&l->reasm, &f->stream, &sink);
        release_if_off(l, f);
    }
    if (!f->d)
        return;
    struct fc_l7_ctx ctx = ctx_of(&c);
    r->app = f->d->name; /* NULL for ICMP, which is not an application */
    f->d->emit(f->state, &ctx, r, last);
}

void fc_l7_exported(struct fc_l7_layer *l, struct fc_l7_flow **slot, bool last)
{
    struct fc_l7_flow *f = *slot;
    if (f->d)
        f->d->exported(f->state);
    if (!last)
        return;
    if (f->d) {
        if (f->d->release)
            f->d->release(f->state);
        free(f->state);
    }
    drop_probe_bufs(f);
    fc_stream_release(&l->reasm, &f->stream);
    fc_pool_put(&l->pool, f);
    *slot = NULL;
}
