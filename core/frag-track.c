/*
 * Fragment tracking: see frag-track.h. A datagram is identified as RFC 791
 * and RFC 8200 say: source, destination, identification and, for IPv4,
 * protocol; the VLAN tags keep two segments' datagrams apart.
 */
#include "core/frag-track.h"

#include <stdlib.h>
#include <string.h>

#include "core/dlist.h"
#include "core/pool.h"

#define DATAGRAM_BUCKETS 16384u /* a power of two */
#define DATAGRAMS_PER_CHUNK 256u
#define HELD_PER_CHUNK 64u
#define HELD_TOTAL (FC_FRAG_MAX_HELD * 64u)

struct datagram_key {
    uint8_t src[16];
    uint8_t dst[16];
    uint32_t id;
    uint16_t vlan[FC_VLAN_KEY_DEPTH];
    uint8_t version;
    uint8_t proto; /* IPv4 only: IPv6 fragments of one datagram may name different headers */
    uint8_t pad[2];
};

struct held {
    struct held *next;
    struct fc_packet pkt;
};

struct datagram {
    struct datagram *hash_next;
    struct fc_dlink link; /* in the expiry queue */
    struct datagram_key key;
    uint64_t hash;
    fc_time last_ts;
    bool have_first;
    bool seen_last;
    uint32_t end;        /* datagram payload length, known from the last fragment */
    uint32_t bytes_seen; /* fragment payload bytes seen */
    /* From the first fragment. */
    uint8_t proto;
    struct fc_pkt_l4 l4;
    struct held *held;
    struct held *held_tail;
    uint32_t nheld;
};

struct fc_frag_tracker {
    struct fc_counters *cnt;
    fc_frag_emit emit;
    void *emit_arg;
    struct datagram *buckets[DATAGRAM_BUCKETS];
    struct fc_dqueue expiry; /* by last fragment seen, oldest first */
    struct fc_pool datagrams;
    struct fc_pool held;
};

struct fc_frag_tracker *fc_frag_tracker_create(struct fc_counters *cnt, fc_frag_emit emit,
                                               void *emit_arg)
{
    struct fc_frag_tracker *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->cnt = cnt;
    t->emit = emit;
    t->emit_arg = emit_arg;
    fc_pool_init(&t->datagrams, sizeof(struct datagram), DATAGRAMS_PER_CHUNK,
                 FC_FRAG_MAX_DATAGRAMS);
    fc_pool_init(&t->held, sizeof(struct held), HELD_PER_CHUNK, HELD_TOTAL);
    return t;
}

void fc_frag_tracker_destroy(struct fc_frag_tracker *t)
{
    if (!t)
        return;
    fc_pool_destroy(&t->datagrams);
    fc_pool_destroy(&t->held);
    free(t);
}

static void make_key(const struct fc_packet *p, struct datagram_key *k)
{
    memset(k, 0, sizeof *k);
    memcpy(k->src, p->ip.src, 16);
    memcpy(k->dst, p->ip.dst, 16);
    k->id = p->ip.frag_id;
    unsigned tags = p->l2.vlan_tags < FC_VLAN_KEY_DEPTH ? p->l2.vlan_tags : FC_VLAN_KEY_DEPTH;
    memcpy(k->vlan, p->l2.vlan, tags * sizeof k->vlan[0]);
    k->version = p->ip.version;
    k->proto = p->ip.version == 4 ? p->ip.proto : 0;
}

static uint64_t hash_key(const struct datagram_key *k)
{
    /* FNV-1a: datagram keys are few and short-lived. */
    const uint8_t *b = (const uint8_t *)k;
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < sizeof *k; i++)
        h = (h ^ b[i]) * 0x100000001b3u;
    return h;
}

static struct datagram *oldest(const struct fc_frag_tracker *t)
{
    return t->expiry.head ? fc_container_of(t->expiry.head, struct datagram, link) : NULL;
}

/* Gives a fragment the transport identity of its first fragment. */
static void apply_first(const struct datagram *d, struct fc_packet *p)
{
    uint32_t payload = p->l4.payload_len;
    p->ip.proto = d->proto;
    p->l4 = d->l4;
    p->l4.has_tcp_header = false; /* flags and options were in the first fragment */
    p->l4.payload_len = payload;
}

/* Emits the held fragments, with the first fragment's ports when known. */
static void release_held(struct fc_frag_tracker *t, struct datagram *d)
{
    while (d->held) {
        struct held *h = d->held;
        d->held = h->next;
        if (d->have_first) {
            apply_first(d, &h->pkt);
            fc_count(t->cnt, FC_CNT_FRAG_LATER);
        } else {
            fc_count(t->cnt, FC_CNT_FRAG_ORPHANED);
        }
        t->emit(t->emit_arg, &h->pkt);
        fc_pool_put(&t->held, h);
    }
    d->held_tail = NULL;
    d->nheld = 0;
}

static void forget(struct fc_frag_tracker *t, struct datagram *d)
{
    release_held(t, d);
    fc_dqueue_remove(&t->expiry, &d->link);
    struct datagram **pp = &t->buckets[d->hash & (DATAGRAM_BUCKETS - 1)];
    while (*pp != d)
        pp = &(*pp)->hash_next;
    *pp = d->hash_next;
    fc_pool_put(&t->datagrams, d);
}

static struct datagram *find_or_add(struct fc_frag_tracker *t, const struct fc_packet *p)
{
    struct datagram_key k;
    make_key(p, &k);
    uint64_t h = hash_key(&k);
    struct datagram **bucket = &t->buckets[h & (DATAGRAM_BUCKETS - 1)];
    for (struct datagram *d = *bucket; d; d = d->hash_next) {
        if (d->hash == h && memcmp(&d->key, &k, sizeof k) == 0)
            return d;
    }
    struct datagram *d = fc_pool_get(&t->datagrams);
    if (!d && oldest(t)) {
        fc_count(t->cnt, FC_CNT_FRAG_TABLE_FULL);
        forget(t, oldest(t));
        d = fc_pool_get(&t->datagrams);
    }
    if (!d)
        return NULL;
    d->key = k;
    d->hash = h;
    d->hash_next = *bucket;
    *bucket = d;
    fc_dqueue_append(&t->expiry, &d->link);
    return d;
}

static void hold(struct fc_frag_tracker *t, struct datagram *d, struct fc_packet *p)
{
    struct held *h = d->nheld < FC_FRAG_MAX_HELD ? fc_pool_get(&t->held) : NULL;
    if (!h) {
        fc_count(t->cnt, FC_CNT_FRAG_ORPHANED);
        t->emit(t->emit_arg, p);
        return;
    }
    fc_count(t->cnt, FC_CNT_FRAG_HELD);
    h->pkt = *p;
    h->pkt.data = NULL; /* the reader reuses its buffer; only the metadata is kept */
    if (d->held_tail)
        d->held_tail->next = h;
    else
        d->held = h;
    d->held_tail = h;
    d->nheld++;
}

void fc_frag_tracker_packet(struct fc_frag_tracker *t, struct fc_packet *p)
{
    fc_frag_tracker_advance(t, p->ts);
    struct datagram *d = find_or_add(t, p);
    if (!d) {
        fc_count(t->cnt, FC_CNT_FRAG_ORPHANED);
        t->emit(t->emit_arg, p);
        return;
    }
    if (p->ts > d->last_ts || d->bytes_seen == 0) {
        d->last_ts = p->ts;
        fc_dqueue_remove(&t->expiry, &d->link);
        fc_dqueue_append(&t->expiry, &d->link);
    }
    d->bytes_seen += p->ip.l4_len;
    if (!p->ip.more_fragments) {
        d->seen_last = true;
        d->end = p->ip.frag_offset + p->ip.l4_len;
    }
    if (p->ip.frag_offset == 0) {
        fc_count(t->cnt, FC_CNT_FRAG_FIRST);
        d->have_first = true;
        d->proto = p->ip.proto;
        d->l4 = p->l4;
        t->emit(t->emit_arg, p);
        release_held(t, d);
    } else if (d->have_first) {
        fc_count(t->cnt, FC_CNT_FRAG_LATER);
        apply_first(d, p);
        t->emit(t->emit_arg, p);
    } else {
        hold(t, d, p);
    }
    if (d->have_first && d->seen_last && d->bytes_seen >= d->end)
        forget(t, d);
}

void fc_frag_tracker_advance(struct fc_frag_tracker *t, fc_time now)
{
    struct datagram *d;
    while ((d = oldest(t)) && now - d->last_ts > FC_FRAG_TIMEOUT_NS)
        forget(t, d);
}

void fc_frag_tracker_flush(struct fc_frag_tracker *t)
{
    struct datagram *d;
    while ((d = oldest(t)))
        forget(t, d);
}
