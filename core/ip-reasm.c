/*
 * IP fragment reassembly: see ip-reasm.h for the rules (RFC 791 3.2,
 * RFC 815, RFC 8200 4.5, RFC 5722, RFC 6946, RFC 1858, RFC 3128).
 *
 * Each pending datagram keeps its payload as a sorted list of disjoint
 * byte ranges ("pieces", RFC 815's hole list seen from the filled side).
 * A fragment is checked against the pieces first (overlaps classified,
 * nothing changed), then only its bytes that fill holes are appended to
 * the datagram's buffer as new pieces: the bytes held first always win,
 * and the datagram is complete when its pieces add up to its known end.
 */
#include "core/ip-reasm.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "core/decode.h"
#include "core/dlist.h"
#include "core/pool.h"

#define DATAGRAMS_PER_CHUNK 64u
#define PIECES_PER_CHUNK 256u
#define MAX_BUCKETS (1u << 20)
#define MIN_BUFFER 256u
#define IPV4_MIN_HEADER 20u
#define IPV6_HEADER 40u
#define IPV6_FRAG_HEADER 8u
#define MAX_PAYLOAD 65535u
/* RFC 1858/3128: the ports (and ICMP type, code and id) are in the first
 * 8 bytes of every transport header, TCP's flags in byte 13 (RFC 1858
 * 3.1's tmin of 16 for TCP). A first fragment shorter than that hides them
 * from a filter; a fragment at offset 8 can overwrite what follows the
 * ports after the filter looked. */
#define TINY_TRANSPORT 8u
#define TINY_TCP 16u

struct datagram_key {
    uint8_t src[16];
    uint8_t dst[16];
    uint64_t tun_key;
    uint32_t id;
    uint16_t vlan[FC_VLAN_KEY_DEPTH];
    uint8_t vlan_count;
    uint8_t version;
    uint8_t proto; /* IPv4 only */
};

/* Payload bytes [off, off + len) of the datagram, at buf[pos]. */
struct piece {
    struct piece *next; /* by offset */
    uint32_t off;
    uint32_t len;
    uint32_t pos;
};

/* Where a fragment came from: the rebuilt or given-up packet carries the
 * offset-0 (lowest-offset) fragment's. */
struct origin {
    struct fc_provenance where;
    struct fc_pkt_l2 l2;
    struct fc_pkt_tunnels tun;
    uint32_t linktype;
    uint32_t interface;
};

struct datagram {
    struct datagram *hash_next; /* first: the pool links free items through it */
    struct fc_dlink link;       /* in pending (by first arrival) or abandoned */
    struct datagram_key key;
    uint64_t hash;
    fc_time arrival;  /* ts of the first fragment to arrive: the timeout's start */
    fc_time first_ts; /* earliest first_ts of the fragments */
    fc_time last_ts;  /* latest ts */
    struct fc_provenance first_where; /* the frames of those times */
    struct fc_provenance last_where;
    uint64_t wirelen;
    uint32_t frames;
    uint32_t stored;  /* fragments that brought new bytes */
    struct piece *pieces;
    uint32_t npieces;
    uint32_t covered; /* payload bytes held: the pieces' lengths */
    uint32_t max_end; /* highest payload byte held, plus one */
    bool end_known;
    uint32_t end;     /* payload length, from the last fragment */
    /* The lowest-offset fragment held: its header (up to the payload,
     * IPv6 fragment header included) at buf[hdr_pos], its payload range. */
    bool has_low;
    uint32_t low_off;
    uint32_t low_len;
    uint32_t hdr_pos;
    uint32_t hdr_len;
    uint32_t nh_rel;  /* IPv6: frag_nh_off relative to the IP header */
    uint32_t overhead;/* of the offset-0 fragment, see struct frag */
    bool seen_off8;   /* a fragment at offset 8 was held (RFC 3128) */
    struct fc_provenance *frame_where; /* every frame's place, in arrival order */
    uint32_t nplaces; /* == frames unless memory ran out */
    uint32_t frame_cap;
    uint8_t *buf;
    uint32_t buf_len;
    uint32_t buf_cap;
    uint64_t mem;     /* counted against max_bytes */
    struct origin low;
};

/* A rebuilt or given-up packet and its bytes. */
struct output {
    struct fc_packet pkt;
    struct output *next_spare;
    struct fc_provenance *frame_where; /* the datagram's, taken over */
    uint8_t data[FC_IP_REASM_MAX_PACKET];
};

struct fc_ip_reasm {
    struct fc_reasm_limits lim;
    struct fc_counters *cnt;
    struct datagram **buckets;
    uint32_t mask;
    struct fc_dqueue pending;   /* by first arrival */
    struct fc_dqueue abandoned; /* IPv6 overlaps, given up at the next expire */
    struct fc_pool datagrams;
    struct fc_pool pieces;
    struct output *spare;       /* released outputs, reused */
    uint64_t bytes;             /* counted against max_bytes */
};

/* One fragment as the reassembler sees it. */
struct frag {
    const uint8_t *hdr;  /* from the IP header to the payload */
    const uint8_t *data; /* the fragmentable part */
    uint32_t hdr_len;
    uint32_t off;
    uint32_t len;
    uint32_t end;
    bool last;
    uint32_t nh_rel;
    /* What the rebuilt header adds to the payload in the length field:
     * IPv4 the header (total length), IPv6 the extension headers before
     * the fragment header (payload length). Each must stay within 65535. */
    uint32_t overhead;
    uint32_t transport; /* first fragment: transport bytes it carries */
    uint32_t tiny_below;/* and the fewest it should carry */
};

struct fc_ip_reasm *fc_ip_reasm_create(const struct fc_reasm_limits *lim,
                                       struct fc_counters *cnt)
{
    struct fc_ip_reasm *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->lim = *lim;
    if (!r->lim.max_bytes)
        r->lim.max_bytes = FC_DEFAULT_FRAG_MEMCAP;
    if (!r->lim.max_datagrams)
        r->lim.max_datagrams = FC_DEFAULT_FRAG_DATAGRAMS;
    if (!r->lim.timeout)
        r->lim.timeout = FC_DEFAULT_FRAG_TIMEOUT_S * FC_NS_PER_SEC;
    uint32_t nb = 64;
    while (nb < r->lim.max_datagrams && nb < MAX_BUCKETS)
        nb *= 2;
    r->buckets = calloc(nb, sizeof *r->buckets);
    if (!r->buckets) {
        free(r);
        return NULL;
    }
    r->mask = nb - 1;
    r->cnt = cnt;
    fc_pool_init(&r->datagrams, sizeof(struct datagram), DATAGRAMS_PER_CHUNK,
                 r->lim.max_datagrams);
    fc_pool_init(&r->pieces, sizeof(struct piece), PIECES_PER_CHUNK, 0);
    return r;
}

static void free_datagram(struct fc_ip_reasm *r, struct datagram *d)
{
    while (d->pieces) {
        struct piece *pc = d->pieces;
        d->pieces = pc->next;
        fc_pool_put(&r->pieces, pc);
    }
    free(d->buf);
    free(d->frame_where);
    r->bytes -= d->mem;
    fc_pool_put(&r->datagrams, d);
}

static void free_queue(struct fc_ip_reasm *r, struct fc_dqueue *q)
{
    while (q->head) {
        struct datagram *d = fc_container_of(q->head, struct datagram, link);
        fc_dqueue_remove(q, &d->link);
        free_datagram(r, d);
    }
}

void fc_ip_reasm_destroy(struct fc_ip_reasm *r)
{
    if (!r)
        return;
    free_queue(r, &r->pending);
    free_queue(r, &r->abandoned);
    while (r->spare) {
        struct output *o = r->spare;
        r->spare = o->next_spare;
        free(o->frame_where);
        free(o);
    }
    fc_pool_destroy(&r->datagrams);
    fc_pool_destroy(&r->pieces);
    free(r->buckets);
    free(r);
}

/* ---- Fragments and keys ---- */

static void make_key(const struct fc_packet *p, struct datagram_key *k)
{
    memset(k, 0, sizeof *k);
    memcpy(k->src, p->ip.src, 16);
    memcpy(k->dst, p->ip.dst, 16);
    k->tun_key = p->tun.key;
    k->id = p->ip.frag_id;
    k->vlan_count = p->l2.vlan_tags < FC_VLAN_KEY_DEPTH ? p->l2.vlan_tags : FC_VLAN_KEY_DEPTH;
    memcpy(k->vlan, p->l2.vlan, k->vlan_count * sizeof k->vlan[0]);
    k->version = p->ip.version;
    k->proto = p->ip.version == 4 ? p->ip.proto : 0;
}

static uint64_t hash_key(const struct datagram_key *k)
{
    /* FNV-1a over the whole key (zeroed padding included). */
    const uint8_t *b = (const uint8_t *)k;
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < sizeof *k; i++)
        h = (h ^ b[i]) * 0x100000001b3u;
    return h;
}

/* Counts why p is not reassembled and says so. */
static enum fc_reasm_result pass(struct fc_ip_reasm *r, enum fc_counter_id why)
{
    fc_count(r->cnt, why);
    return FC_REASM_PASS;
}

/* Reads the fragment's header and payload out of p. Returns 0 or the
 * counter saying why it cannot be reassembled. */
static int read_frag(const struct fc_packet *p, struct frag *f)
{
    const struct fc_pkt_ip *ip = &p->ip;
    bool v6 = ip->version == 6;
    uint32_t min_hdr = v6 ? IPV6_HEADER + IPV6_FRAG_HEADER : IPV4_MIN_HEADER;
    if ((ip->version != 4 && !v6) || ip->frag_data_off < ip->l3_off ||
        ip->frag_data_off - ip->l3_off < min_hdr)
        return FC_CNT_IPFRAG_BAD_LENGTH; /* never from the decoders */
    f->hdr_len = ip->frag_data_off - ip->l3_off;
    f->off = ip->frag_offset;
    f->len = ip->frag_data_len;
    f->last = !ip->more_fragments;
    if (v6) {
        if (ip->frag_nh_off < ip->l3_off + 6 ||
            ip->frag_nh_off - ip->l3_off >= f->hdr_len - IPV6_FRAG_HEADER)
            return FC_CNT_IPFRAG_BAD_LENGTH;
        f->nh_rel = ip->frag_nh_off - ip->l3_off;
        f->overhead = f->hdr_len - IPV6_FRAG_HEADER - IPV6_HEADER;
    } else {
        f->nh_rel = 0;
        f->overhead = f->hdr_len;
    }
    struct fc_cursor c = fc_cursor_make(p->data + ip->l3_off, fc_captured_from(p, ip->l3_off));
    f->hdr = fc_cursor_take(&c, f->hdr_len);
    f->data = fc_cursor_take(&c, f->len);
    if (c.short_read)
        return FC_CNT_IPFRAG_TRUNCATED;
    if (f->len == 0 || (!f->last && f->len % 8 != 0))
        return FC_CNT_IPFRAG_BAD_LENGTH;
    f->end = f->off + f->len;
    if (f->end > MAX_PAYLOAD || f->overhead + f->end > MAX_PAYLOAD ||
        f->hdr_len + f->len > FC_IP_REASM_MAX_PACKET)
        return FC_CNT_IPFRAG_TOO_BIG;
    uint32_t payload_end = ip->frag_data_off + f->len;
    f->transport = ip->l4_off <= payload_end ? payload_end - ip->l4_off : 0;
    f->tiny_below = ip->proto == FC_PROTO_TCP ? TINY_TCP : TINY_TRANSPORT;
    return 0;
}

static struct datagram *find(struct fc_ip_reasm *r, const struct datagram_key *k, uint64_t h)
{
    for (struct datagram *d = r->buckets[h & r->mask]; d; d = d->hash_next) {
        if (d->hash == h && memcmp(&d->key, k, sizeof *k) == 0)
            return d;
    }
    return NULL;
}

static void unhash(struct fc_ip_reasm *r, struct datagram *d)
{
    struct datagram **pp = &r->buckets[d->hash & r->mask];
    while (*pp != d)
        pp = &(*pp)->hash_next;
    *pp = d->hash_next;
}

/* ---- Checks of a fragment against its datagram ---- */

/* RFC 791 / Linux ip_frag_queue: one end, and no data beyond it. */
static bool consistent(const struct datagram *d, const struct frag *f)
{
    if (f->last)
        return (!d->end_known || d->end == f->end) && f->end >= d->max_end;
    return !d->end_known || f->end <= d->end;
}

/* The rebuilt header's length field must hold the whole datagram. */
static bool fits(const struct datagram *d, const struct frag *f)
{
    bool have_first = d->has_low && d->low_off == 0;
    uint32_t overhead = have_first ? d->overhead : (f->off == 0 ? f->overhead : 0);
    uint32_t top = f->end > d->max_end ? f->end : d->max_end;
    return overhead + top <= MAX_PAYLOAD;
}

struct overlap {
    uint32_t new_bytes; /* bytes filling holes */
    uint32_t gaps;      /* pieces they make */
    bool overlaps;
    bool differs;
};

/* Compares the fragment with the bytes held, changing nothing. */
static struct overlap scan(const struct datagram *d, const struct frag *f)
{
    struct overlap o = { 0, 0, false, false };
    uint32_t at = f->off;
    for (const struct piece *pc = d->pieces; pc && pc->off < f->end; pc = pc->next) {
        uint32_t pend = pc->off + pc->len;
        if (pend <= at)
            continue;
        if (pc->off > at) {
            o.new_bytes += pc->off - at;
            o.gaps++;
            at = pc->off;
        }
        uint32_t stop = pend < f->end ? pend : f->end;
        o.overlaps = true;
        if (memcmp(d->buf + pc->pos + (at - pc->off), f->data + (at - f->off), stop - at) != 0)
            o.differs = true;
        at = stop;
    }
    if (at < f->end) {
        o.new_bytes += f->end - at;
        o.gaps++;
    }
    return o;
}

/* RFC 1858 (tiny first fragment) and RFC 3128 (offset 8 overlapping it). */
static bool tiny(const struct datagram *d, const struct frag *f)
{
    if (f->off == 0)
        return f->transport < f->tiny_below || (f->len > 8 && d->seen_off8);
    return f->off == 8 && d->has_low && d->low_off == 0 && d->low_len > 8;
}

/* ---- Storage ---- */

/* Bytes of buffer to ask for to hold `need`: doubling, but never past
 * what the memory limit still allows if `need` itself fits. */
static uint32_t grown_cap(const struct fc_ip_reasm *r, const struct datagram *d, uint32_t need)
{
    if (need <= d->buf_cap)
        return d->buf_cap;
    uint64_t cap = d->buf_cap ? (uint64_t)d->buf_cap * 2 : MIN_BUFFER;
    if (cap < need)
        cap = need;
    if (r->bytes - d->buf_cap + cap > r->lim.max_bytes)
        cap = need;
    return (uint32_t)cap;
}

/* Extra memory the fragment would take: 0 when it adds nothing. */
static uint64_t mem_needed(const struct fc_ip_reasm *r, const struct datagram *d,
                           const struct frag *f, const struct overlap *o, bool new_low,
                           uint32_t frames, uint32_t *cap)
{
    uint32_t need = d->buf_len + o->new_bytes + (new_low ? f->hdr_len : 0);
    *cap = grown_cap(r, d, need);
    return (uint64_t)(*cap - d->buf_cap) + (uint64_t)o->gaps * sizeof(struct piece) +
           (uint64_t)frames * sizeof(struct fc_provenance);
}

static uint32_t append(struct datagram *d, const uint8_t *bytes, uint32_t n)
{
    uint32_t pos = d->buf_len;
    memcpy(d->buf + pos, bytes, n);
    d->buf_len += n;
    return pos;
}

/* Adds the fragment's bytes that fill holes as new pieces (scan() counted
 * them against the memory limit; the unlimited pool fails only when
 * malloc does, and then the rest of the fragment is not held). */
static void insert(struct fc_ip_reasm *r, struct datagram *d, const struct frag *f)
{
    struct piece **pp = &d->pieces;
    uint32_t at = f->off;
    while (at < f->end) {
        struct piece *pc = *pp;
        if (pc && pc->off + pc->len <= at) {
            pp = &pc->next;
            continue;
        }
        if (pc && pc->off <= at) {
            at = pc->off + pc->len;
            pp = &pc->next;
            continue;
        }
        uint32_t stop = pc && pc->off < f->end ? pc->off : f->end;
        struct piece *n = fc_pool_take(&r->pieces);
        if (!n)
            return;
        n->off = at;
        n->len = stop - at;
        n->pos = append(d, f->data + (at - f->off), n->len);
        n->next = pc;
        *pp = n;
        pp = &n->next;
        d->npieces++;
        d->covered += n->len;
        at = stop;
    }
}

static void set_low(struct datagram *d, const struct frag *f, const struct fc_packet *p)
{
    d->has_low = true;
    d->low_off = f->off;
    d->low_len = f->len;
    d->hdr_pos = append(d, f->hdr, f->hdr_len);
    d->hdr_len = f->hdr_len;
    d->nh_rel = f->nh_rel;
    d->overhead = f->overhead;
    d->low.where = p->where;
    d->low.l2 = p->l2;
    d->low.tun = p->tun;
    d->low.linktype = p->linktype;
    d->low.interface = p->interface;
}

static uint32_t frames_of(const struct fc_packet *p)
{
    return p->frames ? p->frames : 1;
}

/* Appends the places of p's frames (a rebuilt outer datagram has several)
 * to the datagram's list; counted against the memory limit by mem_needed. */
static void add_frame_places(struct fc_ip_reasm *r, struct datagram *d, const struct fc_packet *p)
{
    uint32_t n = frames_of(p);
    const struct fc_provenance *from = n > 1 && p->frame_where ? p->frame_where : &p->where;
    if (from == &p->where)
        n = 1;
    if (d->frame_cap - d->nplaces < n) {
        uint64_t cap = (uint64_t)d->frame_cap * 2 + n;
        struct fc_provenance *grown =
            cap <= UINT32_MAX ? realloc(d->frame_where, cap * sizeof *grown) : NULL;
        if (!grown) {
            fc_count(r->cnt, FC_CNT_IPFRAG_PLACES_LOST);
            return;
        }
        d->frame_where = grown;
        d->frame_cap = (uint32_t)cap;
    }
    memcpy(d->frame_where + d->nplaces, from, n * sizeof *from);
    d->nplaces += n;
}

/* Accounts for a fragment that contributed (stored or duplicate). */
static void add_frame(struct fc_ip_reasm *r, struct datagram *d, const struct frag *f,
                      const struct fc_packet *p)
{
    add_frame_places(r, d, p);
    uint32_t frames = frames_of(p);
    fc_time first = p->frames ? p->first_ts : p->ts;
    if (d->frames == 0 || first < d->first_ts) {
        d->first_ts = first;
        d->first_where = p->frames > 1 ? p->first_where : p->where;
    }
    if (d->frames == 0 || p->ts >= d->last_ts) {
        d->last_ts = p->ts;
        d->last_where = p->where;
    }
    d->frames += frames;
    d->wirelen += p->wirelen;
    if (f->last) {
        d->end_known = true;
        d->end = f->end;
    }
    if (f->end > d->max_end)
        d->max_end = f->end;
    if (f->off == 8)
        d->seen_off8 = true;
}

/* ---- Output ---- */

static struct output *get_output(struct fc_ip_reasm *r)
{
    struct output *o = r->spare;
    if (o)
        r->spare = o->next_spare;
    else if ((o = malloc(sizeof *o)))
        o->frame_where = NULL;
    if (o)
        memset(&o->pkt, 0, sizeof o->pkt);
    return o;
}

void fc_ip_reasm_release(struct fc_ip_reasm *r, struct fc_packet *out)
{
    if (!out)
        return;
    struct output *o = fc_container_of(out, struct output, pkt);
    o->next_spare = r->spare;
    r->spare = o;
}

static void fill_origin(struct output *o, struct datagram *d)
{
    struct fc_packet *p = &o->pkt;
    free(o->frame_where); /* a spare's, from its last use */
    o->frame_where = d->frame_where;
    d->frame_where = NULL;
    p->frame_where = d->frames > 1 && d->nplaces == d->frames ? o->frame_where : NULL;
    p->where = d->last_where;
    p->first_where = d->first_where;
    p->l2 = d->low.l2;
    p->tun = d->low.tun;
    p->linktype = d->low.linktype;
    p->interface = d->low.interface;
    p->frames = d->frames;
    p->first_ts = d->first_ts;
    p->wirelen = d->wirelen > UINT32_MAX ? UINT32_MAX : (uint32_t)d->wirelen;
}

/* Copies the held payload bytes [from, to) to dst (payload offset from). */
static void copy_payload(const struct datagram *d, uint8_t *dst, uint32_t from, uint32_t to)
{
    for (const struct piece *pc = d->pieces; pc && pc->off < to; pc = pc->next) {
        uint32_t s = pc->off > from ? pc->off : from;
        uint32_t e = pc->off + pc->len < to ? pc->off + pc->len : to;
        if (s < e)
            memcpy(dst + (s - from), d->buf + pc->pos + (s - pc->off), e - s);
    }
}

static void put_be16(uint8_t *b, uint32_t v)
{
    b[0] = (uint8_t)(v >> 8);
    b[1] = (uint8_t)v;
}

/* RFC 791 header checksum (RFC 1071 one's complement sum). */
static uint16_t ipv4_checksum(const uint8_t *h, uint32_t len)
{
    uint32_t sum = 0;
    for (uint32_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)h[i] << 8 | h[i + 1];
    while (sum >> 16)
        sum = (sum & 0xffffu) + (sum >> 16);
    return (uint16_t)~sum;
}

/* Writes the rebuilt header into o and returns its length. */
static uint32_t rebuild_header(const struct datagram *d, uint8_t *o)
{
    const uint8_t *h = d->buf + d->hdr_pos;
    if (d->key.version == 4) {
        memcpy(o, h, d->hdr_len);
        put_be16(o + 2, d->hdr_len + d->end);
        o[6] &= 0xc0; /* keep the reserved bit and DF; MF and offset cleared */
        o[7] = 0;
        put_be16(o + 10, 0);
        put_be16(o + 10, ipv4_checksum(o, d->hdr_len));
        return d->hdr_len;
    }
    uint32_t unfrag = d->hdr_len - IPV6_FRAG_HEADER;
    memcpy(o, h, unfrag);
    o[d->nh_rel] = h[unfrag]; /* the fragment header's next header */
    put_be16(o + 4, unfrag - IPV6_HEADER + d->end);
    return unfrag;
}

static struct fc_packet *rebuild(struct fc_ip_reasm *r, struct datagram *d, fc_time ts)
{
    struct output *o = get_output(r);
    if (!o)
        return NULL;
    uint32_t hlen = rebuild_header(d, o->data);
    copy_payload(d, o->data + hlen, 0, d->end);
    fill_origin(o, d);
    o->pkt.data = o->data;
    o->pkt.caplen = hlen + d->end;
    o->pkt.ts = ts;
    return &o->pkt;
}

/* ---- Entry points ---- */

static struct datagram *add_datagram(struct fc_ip_reasm *r, const struct datagram_key *k,
                                     uint64_t h, fc_time ts)
{
    struct datagram *d = fc_pool_get(&r->datagrams);
    if (!d)
        return NULL;
    memcpy(&d->key, k, sizeof *k);
    d->hash = h;
    d->arrival = ts;
    d->hash_next = r->buckets[h & r->mask];
    r->buckets[h & r->mask] = d;
    fc_dqueue_append(&r->pending, &d->link);
    return d;
}

/* Grows the buffer to cap (the memory was checked). */
static bool reserve(struct fc_ip_reasm *r, struct datagram *d, uint32_t cap, uint64_t extra)
{
    if (cap > d->buf_cap) {
        uint8_t *b = realloc(d->buf, cap);
        if (!b)
            return false;
        d->buf = b;
        d->buf_cap = cap;
    }
    d->mem += extra;
    r->bytes += extra;
    if (r->bytes > r->cnt->v[FC_CNT_IPFRAG_PEAK_BYTES])
        r->cnt->v[FC_CNT_IPFRAG_PEAK_BYTES] = r->bytes;
    return true;
}

static void forget(struct fc_ip_reasm *r, struct datagram *d)
{
    unhash(r, d);
    fc_dqueue_remove(&r->pending, &d->link);
    free_datagram(r, d);
}

static void give_up(struct fc_ip_reasm *r, struct datagram *d, fc_reasm_emit emit, void *arg);

/* Makes room when a limit is reached: the oldest datagram other than keep
 * (an abandoned one first) is given up early, as Linux evicts its oldest
 * fragment queues, so that a flood of fragments that never complete
 * cannot stop reassembly until they time out. False when none is left. */
static bool evict_oldest(struct fc_ip_reasm *r, const struct datagram *keep, fc_reasm_emit emit,
                         void *arg)
{
    struct fc_dqueue *q = r->abandoned.head ? &r->abandoned : &r->pending;
    struct fc_dlink *l = q->head;
    if (l && fc_container_of(l, struct datagram, link) == keep)
        l = l->next;
    if (!l)
        return false;
    struct datagram *d = fc_container_of(l, struct datagram, link);
    if (q == &r->pending)
        unhash(r, d);
    fc_dqueue_remove(q, l);
    fc_count(r->cnt, FC_CNT_IPFRAG_EVICTED);
    r->cnt->v[FC_CNT_IPFRAG_EVICTED_FRAMES] += d->frames;
    give_up(r, d, emit, arg);
    return true;
}

static enum fc_reasm_result abandon(struct fc_ip_reasm *r, struct datagram *d)
{
    unhash(r, d);
    fc_dqueue_remove(&r->pending, &d->link);
    fc_dqueue_append(&r->abandoned, &d->link);
    return pass(r, FC_CNT_IPFRAG_V6_OVERLAP_DROP);
}

enum fc_reasm_result fc_ip_reasm_packet(struct fc_ip_reasm *r, const struct fc_packet *p,
                                        struct fc_packet **out, fc_reasm_emit emit, void *arg)
{
    *out = NULL;
    fc_count(r->cnt, FC_CNT_IPFRAG_SEEN);
    if (!p->ip.fragment || (p->ip.frag_offset == 0 && !p->ip.more_fragments))
        return pass(r, FC_CNT_IPFRAG_ATOMIC);
    struct frag f;
    int why = read_frag(p, &f);
    if (why)
        return pass(r, (enum fc_counter_id)why);

    struct datagram_key k;
    make_key(p, &k);
    uint64_t h = hash_key(&k);
    struct datagram *d = find(r, &k, h);
    struct datagram empty;
    const struct datagram *view = d;
    if (!d) {
        memset(&empty, 0, sizeof empty);
        view = &empty;
    }
    if (!consistent(view, &f))
        return pass(r, FC_CNT_IPFRAG_INCONSISTENT);
    if (!fits(view, &f))
        return pass(r, FC_CNT_IPFRAG_TOO_BIG);
    struct overlap o = scan(view, &f);
    if (tiny(view, &f))
        fc_count(r->cnt, FC_CNT_IPFRAG_TINY_FIRST);
    if (o.overlaps)
        fc_count(r->cnt, o.differs ? FC_CNT_IPFRAG_OVERLAP_CONFLICT : FC_CNT_IPFRAG_DUPLICATE);
    if (o.overlaps && k.version == 6 && (o.differs || o.new_bytes > 0))
        return abandon(r, d);
    if (o.new_bytes > 0 && view->stored >= FC_FRAG_MAX_PER_DATAGRAM)
        return pass(r, FC_CNT_IPFRAG_TOO_MANY);

    bool new_low = !view->has_low || f.off < view->low_off;
    uint32_t cap;
    uint64_t extra = mem_needed(r, view, &f, &o, new_low, frames_of(p), &cap);
    while (r->bytes + extra > r->lim.max_bytes) {
        if (!evict_oldest(r, d, emit, arg))
            return pass(r, FC_CNT_IPFRAG_MEMCAP);
        extra = mem_needed(r, view, &f, &o, new_low, frames_of(p), &cap);
    }
    while (!d && !(d = add_datagram(r, &k, h, p->ts))) {
        if (!evict_oldest(r, NULL, emit, arg))
            return pass(r, FC_CNT_IPFRAG_MEMCAP);
    }
    if (!reserve(r, d, cap, extra)) {
        if (d->frames == 0)
            forget(r, d);
        return pass(r, FC_CNT_IPFRAG_MEMCAP);
    }
    if (o.new_bytes > 0)
        d->stored++;
    insert(r, d, &f);
    if (new_low)
        set_low(d, &f, p);
    add_frame(r, d, &f, p);
    if (!d->end_known || d->covered != d->end)
        return FC_REASM_HELD;
    *out = rebuild(r, d, p->ts);
    if (!*out)
        return FC_REASM_HELD; /* out of memory: given up at its timeout */
    forget(r, d);
    fc_count(r->cnt, FC_CNT_IPFRAG_REASSEMBLED);
    return FC_REASM_COMPLETE;
}

/* Emits one given-up datagram as its lowest-offset fragment. */
static void give_up(struct fc_ip_reasm *r, struct datagram *d, fc_reasm_emit emit, void *arg)
{
    struct output *o = get_output(r);
    if (o) {
        memcpy(o->data, d->buf + d->hdr_pos, d->hdr_len);
        copy_payload(d, o->data + d->hdr_len, d->low_off, d->low_off + d->low_len);
        fill_origin(o, d);
        o->pkt.data = o->data;
        o->pkt.caplen = d->hdr_len + d->low_len;
        o->pkt.ts = d->last_ts;
        emit(arg, &o->pkt);
        fc_ip_reasm_release(r, &o->pkt);
    }
    free_datagram(r, d);
}

static void expire(struct fc_ip_reasm *r, bool all, fc_time now, fc_reasm_emit emit, void *arg)
{
    struct fc_dlink *l;
    while ((l = r->abandoned.head)) {
        struct datagram *d = fc_container_of(l, struct datagram, link);
        fc_dqueue_remove(&r->abandoned, l);
        give_up(r, d, emit, arg);
    }
    while ((l = r->pending.head)) {
        struct datagram *d = fc_container_of(l, struct datagram, link);
        if (!all && now - d->arrival < r->lim.timeout)
            break;
        unhash(r, d);
        fc_dqueue_remove(&r->pending, l);
        fc_count(r->cnt, FC_CNT_IPFRAG_TIMEOUT);
        r->cnt->v[FC_CNT_IPFRAG_TIMEOUT_FRAMES] += d->frames;
        give_up(r, d, emit, arg);
    }
}

void fc_ip_reasm_expire(struct fc_ip_reasm *r, fc_time now, fc_reasm_emit emit, void *arg)
{
    expire(r, false, now, emit, arg);
}

void fc_ip_reasm_flush(struct fc_ip_reasm *r, fc_reasm_emit emit, void *arg)
{
    expire(r, true, 0, emit, arg);
}
