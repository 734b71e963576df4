/*
 * Flow table: a chained hash table over canonical keys, flows taken from a
 * pool (no allocation per packet), and two
 * queues that make every timeout check O(1) per packet:
 *
 *   open:    flows in order of their last packet (YAF's pickable queue);
 *            the head is the idlest flow, so the idle sweep stops at the
 *            first flow that has not timed out;
 *   closing: TCP flows whose FIN exchange or RST was seen, in order of
 *            closing; each waits out the grace period for trailing packets.
 *
 * All decisions use packet time, so the same input always gives the same
 * records in the same order.
 */
#include "core/flow-table.h"

#include <stdlib.h>
#include <string.h>

#include "core/digest-set.h"
#include "core/dlist.h"
#include "core/pool.h"
#include "core/tcp-track.h"
#include "core/decap.h"
#include "core/tunnel-info.h"

#define FLOWS_PER_CHUNK 1024u
#define INITIAL_BUCKETS 4096u
/* flow_ids of the records most recently written, to give a repeated copy
 * of a flow its own id (see core/record.c); a copy further apart than this
 * many records keeps the first one's id. */
#define RECENT_IDS 65536u

struct flow {
    struct flow *hash_next;
    struct fc_dlink link; /* in the open or the closing queue */
    uint64_t hash;
    bool closing;
    enum fc_end_reason close_reason;
    fc_time close_ts;
    struct fc_tcp_track tcp;
    struct fc_l7_flow *l7; /* NULL until its stream is followed */
    struct fc_tunnel_item *tunnel; /* the first packet's tunnel layers; NULL outside tunnels */
    uint8_t ntunnel;
    uint8_t outer_of; /* the tunnel type it carries, when it is a tunnel's outer flow */
    struct fc_packet_list packets; /* when the table keeps packet lists */
    struct fc_flow_record rec;
};

struct fc_flow_table {
    struct fc_flow_table_config cfg;
    struct fc_counters *cnt;
    fc_record_sink sink;
    void *sink_arg;
    struct flow **buckets;
    uint64_t nbuckets; /* a power of two */
    struct fc_dqueue open;
    struct fc_dqueue closing;
    struct fc_pool pool;
    struct fc_digest_set *recent_ids;
    struct fc_l7_layer l7;
    uint64_t alive;
    fc_time now;
};

static struct fc_dqueue *queue_of(struct fc_flow_table *t, struct flow *f)
{
    return f->closing ? &t->closing : &t->open;
}

/* The oldest flow of a queue, or NULL. */
static struct flow *oldest(const struct fc_dqueue *q)
{
    return q->head ? fc_container_of(q->head, struct flow, link) : NULL;
}

struct fc_flow_table *fc_flow_table_create(const struct fc_flow_table_config *cfg,
                                           struct fc_counters *cnt, fc_record_sink sink,
                                           void *sink_arg)
{
    struct fc_flow_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->cfg = *cfg;
    t->cnt = cnt;
    t->sink = sink;
    t->sink_arg = sink_arg;
    t->nbuckets = INITIAL_BUCKETS;
    t->buckets = calloc(t->nbuckets, sizeof *t->buckets);
    t->recent_ids = fc_digest_set_create(RECENT_IDS);
    t->now = INT64_MIN;
    fc_pool_init(&t->pool, sizeof(struct flow), FLOWS_PER_CHUNK, 0);
    fc_l7_init(&t->l7, &cfg->l7, cnt);
    if (!t->buckets || !t->recent_ids) {
        fc_digest_set_destroy(t->recent_ids);
        free(t->buckets);
        free(t);
        return NULL;
    }
    return t;
}

void fc_flow_table_destroy(struct fc_flow_table *t)
{
    if (!t)
        return;
    for (uint64_t i = 0; i < t->nbuckets; i++) {
        for (struct flow *f = t->buckets[i]; f; f = f->hash_next) {
            free(f->tunnel);
            fc_packet_list_free(&f->packets);
        }
    }
    fc_pool_destroy(&t->pool);
    fc_l7_destroy(&t->l7);
    fc_digest_set_destroy(t->recent_ids);
    free(t->buckets);
    free(t);
}

/* Doubles the bucket array once the load passes one flow per bucket, so
 * chains stay short and memory follows the flows alive. On allocation
 * failure the table keeps working with longer chains. */
static void maybe_grow(struct fc_flow_table *t)
{
    if (t->alive <= t->nbuckets)
        return;
    uint64_t n = t->nbuckets * 2;
    struct flow **b = calloc(n, sizeof *b);
    if (!b)
        return;
    for (uint64_t i = 0; i < t->nbuckets; i++) {
        struct flow *f = t->buckets[i];
        while (f) {
            struct flow *next = f->hash_next;
            uint64_t j = f->hash & (n - 1);
            f->hash_next = b[j];
            b[j] = f;
            f = next;
        }
    }
    free(t->buckets);
    t->buckets = b;
    t->nbuckets = n;
}

static struct flow *lookup(struct fc_flow_table *t, const struct fc_flow_key *k, uint64_t h)
{
    for (struct flow *f = t->buckets[h & (t->nbuckets - 1)]; f; f = f->hash_next) {
        if (f->hash == h && memcmp(&f->rec.key, k, sizeof *k) == 0)
            return f;
    }
    return NULL;
}

static void count_record(struct fc_counters *cnt, const struct fc_flow_record *r)
{
    fc_count(cnt, FC_CNT_FLOWS);
    switch (r->key.proto) {
    case FC_PROTO_TCP:
        fc_count(cnt, FC_CNT_FLOWS_TCP);
        break;
    case FC_PROTO_UDP:
        fc_count(cnt, FC_CNT_FLOWS_UDP);
        break;
    case FC_PROTO_ICMP:
        fc_count(cnt, FC_CNT_FLOWS_ICMP);
        break;
    case FC_PROTO_ICMP6:
        fc_count(cnt, FC_CNT_FLOWS_ICMP6);
        break;
    case FC_PROTO_SCTP:
        fc_count(cnt, FC_CNT_FLOWS_SCTP);
        break;
    default:
        fc_count(cnt, FC_CNT_FLOWS_OTHER);
        break;
    }
    static const enum fc_counter_id by_reason[] = {
        [FC_END_IDLE] = FC_CNT_END_IDLE,       [FC_END_ACTIVE] = FC_CNT_END_ACTIVE,
        [FC_END_FIN] = FC_CNT_END_FIN,         [FC_END_RST] = FC_CNT_END_RST,
        [FC_END_EOF] = FC_CNT_END_EOF,         [FC_END_EVICTED] = FC_CNT_END_EVICTED,
    };
    fc_count(cnt, by_reason[r->end_reason]);
}

/* The flow_id as 128 bits of its hex digits. */
static struct fc_digest id_digest(const struct fc_flow_record *r)
{
    struct fc_digest d = { 0, 0 };
    for (int i = 0; i < FC_FLOW_ID_HEX; i++) {
        uint64_t nibble = (uint64_t)(r->flow_id[i] <= '9' ? r->flow_id[i] - '0'
                                                          : r->flow_id[i] - 'a' + 10);
        if (i < 16)
            d.a = d.a << 4 | nibble;
        else
            d.b = d.b << 4 | nibble;
    }
    return d;
}

static void assign_ids(struct fc_flow_table *t, struct fc_flow_record *r)
{
    uint32_t occurrence = 0;
    fc_record_finish(r, occurrence);
    while (fc_digest_set_contains(t->recent_ids, id_digest(r)))
        fc_record_finish(r, ++occurrence);
    fc_digest_set_insert(t->recent_ids, id_digest(r), r->first_ts);
}

/* Hands the flow's current record to the sink; `last` when the flow ends
 * with it. */
static void export_record(struct fc_flow_table *t, struct flow *f, enum fc_end_reason reason,
                          bool last)
{
    f->rec.end_reason = reason;
    if (f->rec.key.proto == FC_PROTO_TCP)
        fc_tcp_track_rtt(&f->tcp, &f->rec);
    else
        f->rec.rtt_server = f->rec.rtt_client = FC_TIME_UNKNOWN;
    if (f->l7)
        fc_l7_emit(&t->l7, f->l7, &f->rec, last);
    if (!f->rec.app && f->outer_of)
        f->rec.app = fc_tunnel_type_name(f->outer_of); /* as Zeek's service "vxlan" */
    if (f->tunnel)
        f->rec.l7[FC_SECTION_TUNNEL] = (struct fc_l7_items){ true, f->ntunnel, f->tunnel };
    assign_ids(t, &f->rec);
    count_record(t->cnt, &f->rec);
    f->rec.packets = t->cfg.packet_lists ? &f->packets : NULL;
    t->sink(t->sink_arg, &f->rec);
    fc_packet_list_reset(&f->packets, true);
    if (f->l7)
        fc_l7_exported(&t->l7, &f->l7, last);
    f->rec.app = NULL;
    memset(f->rec.l7, 0, sizeof f->rec.l7);
}

/* Exports the flow and returns it to the free list. */
static void end_flow(struct fc_flow_table *t, struct flow *f, enum fc_end_reason reason)
{
    export_record(t, f, reason, true);
    fc_dqueue_remove(queue_of(t, f), &f->link);
    struct flow **pp = &t->buckets[f->hash & (t->nbuckets - 1)];
    while (*pp != f)
        pp = &(*pp)->hash_next;
    *pp = f->hash_next;
    free(f->tunnel);
    fc_packet_list_free(&f->packets);
    fc_pool_put(&t->pool, f);
    t->alive--;
}

/* Active timeout: the record ends, the flow goes on in a new record with
 * the same key, orientation and initiator, and the next sequence number. */
static void split_record(struct fc_flow_table *t, struct flow *f)
{
    export_record(t, f, FC_END_ACTIVE, false);
    struct fc_flow_record *r = &f->rec;
    uint32_t seq = r->seq + 1;
    memset(r->dir, 0, sizeof r->dir);
    r->seq = seq;
    fc_tcp_track_continue(&f->tcp);
}

static struct flow *create_flow(struct fc_flow_table *t, const struct fc_flow_key *k,
                                uint64_t h, const struct fc_packet *p, uint8_t sender_end)
{
    if (t->alive >= t->cfg.max_flows) {
        /* A closed TCP flow waiting out its grace goes first: its record
         * is complete. Otherwise the least recently active flow. */
        struct flow *closed = oldest(&t->closing);
        if (closed)
            end_flow(t, closed, closed->close_reason);
        else
            end_flow(t, oldest(&t->open), FC_END_EVICTED);
    }
    struct flow *f = fc_pool_get(&t->pool);
    if (!f && t->open.head) {
        end_flow(t, oldest(&t->open), FC_END_EVICTED); /* out of memory: make room */
        f = fc_pool_get(&t->pool);
    }
    if (!f)
        return NULL;
    f->hash = h;
    f->rec.key = *k;
    f->tunnel = NULL;
    f->ntunnel = 0;
    f->outer_of = 0;
    if (p->tun.count) {
        /* Per flow, not per packet: only flows inside tunnels pay for it. */
        f->tunnel = malloc(p->tun.count * sizeof *f->tunnel);
        if (f->tunnel) {
            fc_tunnel_items_make(p, f->tunnel);
            f->ntunnel = p->tun.count;
        } else {
            fc_count(t->cnt, FC_CNT_TUNNEL_RECORD_NO_MEMORY);
        }
    }
    fc_tcp_track_init(&f->tcp);

    uint8_t syn_ack = p->l4.has_tcp_header ? p->l4.tcp_flags & (FC_TCP_SYN | FC_TCP_ACK) : 0;
    if (syn_ack == FC_TCP_SYN) {
        f->rec.initiator = FC_INITIATOR_SYN;
        f->rec.src_end = sender_end;
    } else if (syn_ack == (FC_TCP_SYN | FC_TCP_ACK)) {
        f->rec.initiator = FC_INITIATOR_SYNACK;
        f->rec.src_end = !sender_end;
    } else {
        f->rec.initiator = FC_INITIATOR_FIRST_PACKET;
        f->rec.src_end = sender_end;
    }

    uint64_t i = h & (t->nbuckets - 1);
    f->hash_next = t->buckets[i];
    t->buckets[i] = f;
    fc_dqueue_append(&t->open, &f->link);
    t->alive++;
    if (t->alive > t->cnt->v[FC_CNT_FLOWS_PEAK])
        t->cnt->v[FC_CNT_FLOWS_PEAK] = t->alive;
    maybe_grow(t);
    return f;
}

static void account(struct fc_flow_record *r, unsigned dir, const struct fc_packet *p)
{
    /* A reassembled datagram stands for its fragments: it counts them all,
     * from the earliest one's time (first_ts) to the completing one's. */
    if (r->dir[0].packets + r->dir[1].packets == 0) {
        r->first_ts = p->first_ts;
        r->last_ts = p->ts;
        r->first = p->first_where;
        r->last = p->where;
    } else {
        if (p->first_ts < r->first_ts) {
            r->first_ts = p->first_ts;
            r->first = p->first_where;
        }
        if (p->ts >= r->last_ts) {
            r->last_ts = p->ts;
            r->last = p->where;
        }
    }
    struct fc_flow_dir *d = &r->dir[dir];
    uint8_t flags = p->l4.has_tcp_header ? p->l4.tcp_flags : 0;
    if (d->packets == 0) {
        d->ttl_min = d->ttl_max = p->ip.ttl;
        d->first_tcp_flags = flags;
        if (p->l2.has_src_mac) {
            memcpy(d->sender_mac, p->l2.src_mac, 6);
            d->has_sender_mac = true;
        }
        if (p->l2.has_dst_mac) {
            memcpy(d->receiver_mac, p->l2.dst_mac, 6);
            d->has_receiver_mac = true;
        }
    }
    d->packets += p->frames;
    d->bytes += p->ip.total_len;
    d->l2_bytes += p->wirelen;
    d->payload_bytes += p->l4.payload_len;
    d->tcp_flags |= flags;
    if (p->ip.ttl < d->ttl_min)
        d->ttl_min = p->ip.ttl;
    if (p->ip.ttl > d->ttl_max)
        d->ttl_max = p->ip.ttl;
}

/* Adds the places of p's frames to the flow's packet list. */
static void note_places(struct fc_flow_table *t, struct flow *f, unsigned dir,
                        const struct fc_packet *p)
{
    if (p->frames > 1 && p->frame_where) {
        for (uint32_t i = 0; i < p->frames; i++)
            fc_packet_list_add(&f->packets, &p->frame_where[i], dir);
    } else {
        fc_packet_list_add(&f->packets, &p->where, dir);
    }
    if (f->packets.len >= FC_PACKET_LIST_PART && t->cfg.spill)
        t->cfg.spill(t->sink_arg, &f->packets);
}

/* Decides whether the packet still belongs to the flow's current record;
 * ends or splits the record when it does not. Returns the flow to account
 * the packet to, or NULL when a new flow must be created. */
static struct flow *check_timeouts(struct fc_flow_table *t, struct flow *f,
                                   const struct fc_packet *p, uint8_t sender_end)
{
    unsigned dir = sender_end == f->rec.src_end ? 0 : 1;
    if (f->closing) {
        if (p->ts - f->close_ts > t->cfg.tcp_close_grace ||
            fc_tcp_track_is_new_syn(&f->tcp, dir, p)) {
            end_flow(t, f, f->close_reason);
            return NULL;
        }
        return f;
    }
    if (p->ts - f->rec.last_ts > t->cfg.idle_timeout) {
        end_flow(t, f, FC_END_IDLE);
        return NULL;
    }
    if (p->ts - f->rec.first_ts > t->cfg.active_timeout)
        split_record(t, f);
    return f;
}

void fc_flow_table_packet(struct fc_flow_table *t, const struct fc_packet *p,
                          const struct fc_flow_key *k, uint8_t sender_end)
{
    fc_flow_table_advance(t, p->ts);
    uint64_t h = fc_flow_key_hash(k);
    struct flow *f = lookup(t, k, h);
    if (f)
        f = check_timeouts(t, f, p, sender_end);
    if (!f) {
        f = create_flow(t, k, h, p, sender_end);
        if (!f)
            return; /* out of memory with an empty table: nothing to evict */
    }
    unsigned dir = sender_end == f->rec.src_end ? 0 : 1;
    account(&f->rec, dir, p);
    if (t->cfg.packet_lists)
        note_places(t, f, dir, p);
    if (p->outer_of) {
        /* A tunnel's outer packet: its payload is dissected in the inner flow. */
        f->outer_of = p->outer_of;
        if (!f->closing) {
            fc_dqueue_remove(&t->open, &f->link);
            fc_dqueue_append(&t->open, &f->link);
        }
        return;
    }
    if (k->proto == FC_PROTO_TCP) {
        enum fc_tcp_event ev = fc_tcp_track_packet(&f->tcp, &f->rec, dir, p);
        if (t->l7.enabled && p->l4.has_tcp_header)
            fc_l7_packet(&t->l7, &f->l7, dir, p);
        if (ev != FC_TCP_EVENT_NONE && !f->closing) {
            fc_dqueue_remove(&t->open, &f->link);
            f->closing = true;
            f->close_reason = ev == FC_TCP_EVENT_RST ? FC_END_RST : FC_END_FIN;
            f->close_ts = p->ts;
            fc_dqueue_append(&t->closing, &f->link);
            return;
        }
    } else if (t->l7.enabled && p->l4.has_ports &&
               (k->proto == FC_PROTO_UDP || k->proto == FC_PROTO_ICMP ||
                k->proto == FC_PROTO_ICMP6)) {
        fc_l7_packet(&t->l7, &f->l7, dir, p);
    }
    if (!f->closing) {
        fc_dqueue_remove(&t->open, &f->link);
        fc_dqueue_append(&t->open, &f->link);
    }
}

void fc_flow_table_advance(struct fc_flow_table *t, fc_time now)
{
    if (now <= t->now)
        return;
    t->now = now;
    struct flow *f;
    while ((f = oldest(&t->open)) && now - f->rec.last_ts > t->cfg.idle_timeout)
        end_flow(t, f, FC_END_IDLE);
    while ((f = oldest(&t->closing)) && now - f->close_ts > t->cfg.tcp_close_grace)
        end_flow(t, f, f->close_reason);
}

static int compare_u16(uint16_t a, uint16_t b)
{
    return (a > b) - (a < b);
}

/* End-of-input order: by first packet time, then by key fields compared
 * one by one (not by memory image, so the order is the same on every
 * architecture). */
static int compare_flows(const void *pa, const void *pb)
{
    const struct flow *a = *(const struct flow *const *)pa;
    const struct flow *b = *(const struct flow *const *)pb;
    const struct fc_flow_key *ka = &a->rec.key, *kb = &b->rec.key;
    if (a->rec.first_ts != b->rec.first_ts)
        return a->rec.first_ts < b->rec.first_ts ? -1 : 1;
    int c = ka->ip_version - kb->ip_version;
    if (!c)
        c = memcmp(ka->addr, kb->addr, sizeof ka->addr);
    if (!c)
        c = compare_u16(ka->port[0], kb->port[0]);
    if (!c)
        c = compare_u16(ka->port[1], kb->port[1]);
    if (!c)
        c = ka->proto - kb->proto;
    if (!c)
        c = ka->has_ports - kb->has_ports;
    for (unsigned i = 0; !c && i < FC_VLAN_KEY_DEPTH; i++)
        c = compare_u16(ka->vlan[i], kb->vlan[i]);
    if (!c)
        c = ka->vlan_count - kb->vlan_count;
    for (unsigned i = 0; !c && i < 2; i++)
        c = (ka->tunnel[i] > kb->tunnel[i]) - (ka->tunnel[i] < kb->tunnel[i]);
    return c;
}

void fc_flow_table_flush(struct fc_flow_table *t)
{
    if (t->alive == 0)
        return;
    struct flow **all = malloc(t->alive * sizeof *all);
    uint64_t n = 0;
    if (!all) {
        /* No memory to sort: end them in queue order, still deterministic. */
        struct flow *f;
        while ((f = oldest(&t->closing)))
            end_flow(t, f, f->close_reason);
        while ((f = oldest(&t->open)))
            end_flow(t, f, FC_END_EOF);
        return;
    }
    for (struct fc_dlink *l = t->closing.head; l; l = l->next)
        all[n++] = fc_container_of(l, struct flow, link);
    for (struct fc_dlink *l = t->open.head; l; l = l->next)
        all[n++] = fc_container_of(l, struct flow, link);
    qsort(all, n, sizeof *all, compare_flows);
    for (uint64_t i = 0; i < n; i++)
        end_flow(t, all[i], all[i]->closing ? all[i]->close_reason : FC_END_EOF);
    free(all);
}
