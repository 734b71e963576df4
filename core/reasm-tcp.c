/* TCP stream reassembly: see reasm-tcp.h. */
#include "core/reasm-tcp.h"

#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/packet.h"

struct fc_reasm_seg {
    struct fc_reasm_seg *next;
    uint32_t seq;
    uint32_t len;
    uint8_t data[];
};

/* Sequence-space comparisons (RFC 9293 3.4: modulo 2^32). */
static bool seq_lt(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) < 0;
}
static bool seq_le(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) <= 0;
}
static uint32_t seq_min(uint32_t a, uint32_t b)
{
    return seq_lt(a, b) ? a : b;
}

void fc_reasm_init(struct fc_reasm *r, const struct fc_reasm_config *cfg,
                   struct fc_counters *cnt)
{
    memset(r, 0, sizeof *r);
    r->cfg = *cfg;
    r->cnt = cnt;
    fc_pool_init(&r->rings, FC_REASM_RECENT, 64, 0);
}

void fc_reasm_destroy(struct fc_reasm *r)
{
    fc_pool_destroy(&r->rings);
}

static bool charge(struct fc_reasm *r, uint64_t n)
{
    if (r->used + n > r->cfg.memcap)
        return false;
    r->used += n;
    return true;
}

/* Appends handed-over bytes to the ring of recent bytes, taken (once, at
 * FC_REASM_RECENT bytes) when the memcap allows. */
static void remember(struct fc_reasm *r, struct fc_stream_dir *d, const uint8_t *p, uint32_t len)
{
    if (!d->recent) {
        if (!charge(r, FC_REASM_RECENT))
            return; /* no room for a ring: overlaps with old bytes go unchecked */
        if (!(d->recent = fc_pool_take(&r->rings))) {
            r->used -= FC_REASM_RECENT;
            return;
        }
    }
    if (len > FC_REASM_RECENT) {
        p += len - FC_REASM_RECENT;
        len = FC_REASM_RECENT;
    }
    uint32_t first = FC_REASM_RECENT - d->recent_head;
    if (first > len)
        first = len;
    memcpy(d->recent + d->recent_head, p, first);
    memcpy(d->recent, p + first, len - first);
    d->recent_head = (d->recent_head + len) % FC_REASM_RECENT;
    d->recent_len = d->recent_len + len > FC_REASM_RECENT ? FC_REASM_RECENT : d->recent_len + len;
}

static void drop_ring(struct fc_reasm *r, struct fc_stream_dir *d)
{
    r->used -= FC_REASM_RECENT;
    fc_pool_put(&r->rings, d->recent);
    d->recent = NULL;
    d->recent_len = 0;
    d->recent_head = 0;
}

static void hand_over(struct fc_reasm *r, struct fc_stream_dir *d, unsigned dir,
                      const uint8_t *p, uint32_t len, const struct fc_stream_sink *sink)
{
    remember(r, d, p, len);
    d->next += len;
    sink->data(sink->arg, dir, p, len);
}

static void skip_hole(struct fc_reasm *r, struct fc_stream_dir *d, unsigned dir, uint32_t len,
                      const struct fc_stream_sink *sink)
{
    fc_count(r->cnt, FC_CNT_REASM_GAPS);
    r->cnt->v[FC_CNT_REASM_GAP_BYTES] += len;
    d->next += len;
    d->recent_len = 0; /* the ring must stay contiguous up to `next` */
    sink->gap(sink->arg, dir, len);
}

static void free_seg(struct fc_reasm *r, struct fc_stream_dir *d, struct fc_reasm_seg *seg)
{
    d->held = seg->next;
    d->held_bytes -= seg->len;
    r->used -= seg->len;
    free(seg);
}

/* Drops the bytes of held segments that `next` has passed (the stream
 * moved over them as a hole), so that every held segment starts at or
 * after `next`. */
static void drop_passed(struct fc_reasm *r, struct fc_stream_dir *d)
{
    while (d->held && seq_lt(d->held->seq, d->next)) {
        struct fc_reasm_seg *h = d->held;
        uint32_t passed = d->next - h->seq;
        if (passed >= h->len) {
            free_seg(r, d, h);
            continue;
        }
        memmove(h->data, h->data + passed, h->len - passed);
        h->seq += passed;
        h->len -= passed;
        d->held_bytes -= passed;
        r->used -= passed;
    }
}

/* Hands over the held segments that now start at `next`. */
static void drain(struct fc_reasm *r, struct fc_stream_dir *d, unsigned dir,
                  const struct fc_stream_sink *sink)
{
    drop_passed(r, d);
    while (d->held && d->held->seq == d->next) {
        struct fc_reasm_seg *seg = d->held;
        hand_over(r, d, dir, seg->data, seg->len, sink);
        free_seg(r, d, seg);
    }
}

/* Moves `next` to `target`: held segments before it are handed over, the
 * holes between them skipped as gaps. A held segment that reaches past
 * `target` is handed over whole. */
static void advance_to(struct fc_reasm *r, struct fc_stream_dir *d, unsigned dir,
                       uint32_t target, const struct fc_stream_sink *sink)
{
    while (seq_lt(d->next, target)) {
        if (d->held && seq_lt(d->held->seq, target)) {
            if (seq_lt(d->next, d->held->seq))
                skip_hole(r, d, dir, d->held->seq - d->next, sink);
            drain(r, d, dir, sink);
        } else {
            skip_hole(r, d, dir, target - d->next, sink);
        }
    }
    drain(r, d, dir, sink);
}

/* Compares bytes [seq, seq+len), all before `next`, with the ring of
 * recent bytes; true when a byte the ring still holds differs. */
static bool differs_from_recent(const struct fc_stream_dir *d, uint32_t seq, const uint8_t *p,
                                uint32_t len)
{
    uint32_t oldest = d->next - d->recent_len;
    if (seq_lt(seq, oldest)) { /* older than the ring holds: unchecked */
        uint32_t skip = oldest - seq;
        if (skip >= len)
            return false;
        seq += skip;
        p += skip;
        len -= skip;
    }
    /* The ring's byte for sequence number `seq`, then at most two pieces. */
    uint32_t at = (d->recent_head + FC_REASM_RECENT - (d->next - seq)) % FC_REASM_RECENT;
    uint32_t first = FC_REASM_RECENT - at < len ? FC_REASM_RECENT - at : len;
    return memcmp(d->recent + at, p, first) != 0 ||
           memcmp(d->recent, p + first, len - first) != 0;
}

/* In-order data (seq == next): handed over in place. Held segments that
 * start inside it win over its bytes (first copy); the bytes they cover are
 * only compared. */
static void merge(struct fc_reasm *r, struct fc_stream_dir *d, unsigned dir, uint32_t seq,
                  const uint8_t *p, uint32_t len, const struct fc_stream_sink *sink,
                  bool *overlap, bool *differs)
{
    uint32_t end = seq + len;
    while (seq_lt(d->next, end)) {
        struct fc_reasm_seg *h = d->held;
        if (h && h->seq == d->next) {
            uint32_t both = seq_min(h->seq + h->len, end) - h->seq;
            *overlap = true;
            *differs |= memcmp(h->data, p + (h->seq - seq), both) != 0;
            hand_over(r, d, dir, h->data, h->len, sink);
            free_seg(r, d, h);
        } else {
            uint32_t stop = h ? seq_min(h->seq, end) : end;
            hand_over(r, d, dir, p + (d->next - seq), stop - d->next, sink);
        }
    }
    drain(r, d, dir, sink);
}

/* Copies the parts of [seq, seq+len) that no held segment covers into new
 * held segments (the first copy wins; covered bytes are compared). All or
 * nothing: false when the caps leave no room. */
static bool hold(struct fc_reasm *r, struct fc_stream *s, struct fc_stream_dir *d, uint32_t seq,
                 const uint8_t *p, uint32_t len, bool *overlap, bool *differs)
{
    /* First pass: what is new, and whether the covered bytes differ. */
    uint32_t fresh = 0, at = seq, end = seq + len;
    bool diff = false;
    for (struct fc_reasm_seg *h = d->held; h && seq_lt(at, end); h = h->next) {
        uint32_t h_end = h->seq + h->len;
        if (seq_le(h_end, at))
            continue;
        if (seq_lt(at, h->seq))
            fresh += seq_min(h->seq, end) - at;
        uint32_t from = seq_lt(at, h->seq) ? h->seq : at, to = seq_min(h_end, end);
        if (seq_lt(from, to))
            diff |= memcmp(h->data + (from - h->seq), p + (from - seq), to - from) != 0;
        at = h_end;
    }
    if (seq_lt(at, end))
        fresh += end - at;
    uint32_t held = s->dir[0].held_bytes + s->dir[1].held_bytes;
    if (held + (uint64_t)fresh > r->cfg.flow_cap) {
        fc_count(r->cnt, FC_CNT_REASM_FLOW_CAP);
        return false;
    }
    if (!charge(r, fresh)) {
        fc_count(r->cnt, FC_CNT_REASM_MEMCAP);
        return false;
    }
    *differs |= diff;
    *overlap |= fresh < len;
    if (fresh > 0)
        fc_count(r->cnt, FC_CNT_REASM_HELD);
    /* Second pass: insert the new pieces in order. */
    struct fc_reasm_seg **link = &d->held;
    at = seq;
    while (seq_lt(at, end)) {
        struct fc_reasm_seg *h = *link;
        if (h && seq_le(h->seq + h->len, at)) {
            link = &h->next;
            continue;
        }
        if (h && seq_le(h->seq, at)) {
            at = h->seq + h->len;
            link = &h->next;
            continue;
        }
        uint32_t stop = h ? seq_min(h->seq, end) : end;
        struct fc_reasm_seg *piece = malloc(sizeof *piece + (stop - at));
        if (!piece) { /* out of memory: refund what will not be held */
            r->used -= fresh;
            break;
        }
        fresh -= stop - at;
        piece->seq = at;
        piece->len = stop - at;
        memcpy(piece->data, p + (at - seq), piece->len);
        piece->next = h;
        *link = piece;
        d->held_bytes += piece->len;
        link = &piece->next;
        at = stop;
    }
    return true;
}

/* Trims the bytes before `next` (already handed over) off a segment,
 * comparing them with the recent bytes. */
static void trim_old(struct fc_stream_dir *d, uint32_t *seq,
                     const uint8_t **p, uint32_t *len, bool *overlap, bool *differs)
{
    if (!seq_lt(*seq, d->next))
        return;
    uint32_t old = d->next - *seq;
    if (old > *len)
        old = *len;
    *overlap = true;
    *differs |= d->recent_len > 0 && differs_from_recent(d, *seq, *p, old);
    *seq += old;
    *p += old;
    *len -= old;
}

static void data_segment(struct fc_reasm *r, struct fc_stream *s, unsigned dir, uint32_t seq,
                         const uint8_t *p, uint32_t len, const struct fc_stream_sink *sink)
{
    struct fc_stream_dir *d = &s->dir[dir];
    bool overlap = false, differs = false;
    trim_old(d, &seq, &p, &len, &overlap, &differs);
    if (len > 0 && seq != d->next && !hold(r, s, d, seq, p, len, &overlap, &differs)) {
        /* No room to wait for the hole: skip it now, then take the
         * segment as in-order data. */
        advance_to(r, d, dir, seq, sink);
        trim_old(d, &seq, &p, &len, &overlap, &differs);
    }
    if (len > 0 && seq == d->next)
        merge(r, d, dir, seq, p, len, sink, &overlap, &differs);
    else
        drain(r, d, dir, sink);
    if (overlap)
        fc_count(r->cnt, FC_CNT_REASM_OVERLAPS);
    if (differs)
        fc_count(r->cnt, FC_CNT_REASM_OVERLAP_DIFFERS);
}

void fc_stream_segment(struct fc_reasm *r, struct fc_stream *s, unsigned dir, uint32_t seq,
                       uint8_t flags, const uint8_t *data, uint32_t captured, uint32_t len,
                       const struct fc_stream_sink *sink)
{
    struct fc_stream_dir *d = &s->dir[dir];
    if (flags & FC_TCP_SYN) {
        seq++; /* the SYN occupies one sequence number */
        if (!d->started) {
            d->started = true;
            d->next = seq;
        }
    }
    if (!d->started) { /* picked up mid-stream: the first segment seen starts it */
        if (len == 0)
            return;
        d->started = true;
        d->next = seq;
    }
    if (d->fin && seq_lt(d->fin_seq, seq + len)) { /* nothing counts past the FIN */
        uint32_t keep = seq_lt(seq, d->fin_seq) ? d->fin_seq - seq : 0;
        captured = captured < keep ? captured : keep;
        len = keep;
    }
    if (captured > len)
        captured = len;
    if (captured > 0)
        data_segment(r, s, dir, seq, data, captured, sink);
    if (captured < len && d->next == seq + captured)
        advance_to(r, d, dir, seq + len, sink); /* the rest was cut by the snaplen */
    if ((flags & FC_TCP_FIN) && !d->fin) {
        d->fin = true;
        d->fin_seq = seq + len;
    }
}

void fc_stream_ack(struct fc_reasm *r, struct fc_stream *s, unsigned dir, uint32_t ack,
                   const struct fc_stream_sink *sink)
{
    struct fc_stream_dir *d = &s->dir[dir];
    if (!d->started)
        return;
    if (d->fin && seq_lt(d->fin_seq, ack))
        ack = d->fin_seq; /* the FIN's own sequence number is not data */
    if (ack == d->next && !d->held && d->recent) {
        drop_ring(r, d);
        return;
    }
    if (!seq_lt(d->next, ack))
        return;
    if (ack - d->next > FC_REASM_MAX_ACK_JUMP) {
        fc_count(r->cnt, FC_CNT_REASM_BAD_ACK);
        return;
    }
    advance_to(r, d, dir, ack, sink);
}

void fc_stream_flush(struct fc_reasm *r, struct fc_stream *s, const struct fc_stream_sink *sink)
{
    for (unsigned dir = 0; dir < 2; dir++) {
        struct fc_stream_dir *d = &s->dir[dir];
        while (d->held)
            advance_to(r, d, dir, d->held->seq + d->held->len, sink);
    }
}

void fc_stream_release(struct fc_reasm *r, struct fc_stream *s)
{
    for (unsigned dir = 0; dir < 2; dir++) {
        struct fc_stream_dir *d = &s->dir[dir];
        while (d->held)
            free_seg(r, d, d->held);
        if (d->recent) {
            r->used -= FC_REASM_RECENT;
            fc_pool_put(&r->rings, d->recent);
        }
        memset(d, 0, sizeof *d);
    }
}
