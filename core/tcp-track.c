/* TCP sequence and handshake analysis: see tcp-track.h. */
#include "core/tcp-track.h"

#include <string.h>

/* Serial-number comparison (RFC 1982) for 32-bit sequence numbers. */
static bool seq_lt(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) < 0;
}

void fc_tcp_track_init(struct fc_tcp_track *t)
{
    memset(t, 0, sizeof *t);
    t->syn_ts = t->synack_ts = t->ack_ts = FC_TIME_UNKNOWN;
}

void fc_tcp_track_continue(struct fc_tcp_track *t)
{
    t->syn_ts = t->synack_ts = t->ack_ts = FC_TIME_UNKNOWN;
}

static void note_syn_options(struct fc_flow_dir *d, const struct fc_packet *p)
{
    if (d->has_syn)
        return;
    d->has_syn = true;
    d->syn_size = p->ip.total_len;
    d->init_window = p->l4.window;
    d->has_mss = p->l4.has_mss;
    d->mss = p->l4.mss;
    d->has_wscale = p->l4.has_wscale;
    d->wscale = p->l4.wscale;
    d->sack_ok = p->l4.sack_ok;
}

static void note_handshake(struct fc_tcp_track *t, unsigned dir, const struct fc_packet *p)
{
    uint8_t flags = p->l4.tcp_flags & (FC_TCP_SYN | FC_TCP_ACK | FC_TCP_RST);
    if (flags == FC_TCP_SYN && dir == 0 && t->synack_ts == FC_TIME_UNKNOWN) {
        t->syn_ts = p->ts; /* the last SYN before the SYN-ACK: earlier ones were lost */
    } else if (flags == (FC_TCP_SYN | FC_TCP_ACK) && dir == 1 &&
               t->synack_ts == FC_TIME_UNKNOWN) {
        t->synack_ts = p->ts;
        t->synack_seq = p->l4.seq;
    } else if (flags == FC_TCP_ACK && dir == 0 && t->synack_ts != FC_TIME_UNKNOWN &&
               t->ack_ts == FC_TIME_UNKNOWN && p->l4.ack == t->synack_seq + 1) {
        t->ack_ts = p->ts;
    }
}

/* Classifies a segment against the highest sequence seen in its
 * direction. Sequence space already seen is a retransmission, unless it
 * comes within FC_TCP_OOO_WINDOW_NS of the segment that advanced past it:
 * then it was reordered on the way (Wireshark's heuristic). */
static void note_sequence(struct fc_tcp_dir_track *s, struct fc_flow_dir *d,
                          const struct fc_packet *p)
{
    uint8_t flags = p->l4.tcp_flags;
    uint32_t len = p->l4.payload_len + ((flags & FC_TCP_SYN) != 0) + ((flags & FC_TCP_FIN) != 0);
    if (flags & FC_TCP_RST)
        return;
    uint32_t seq = p->l4.seq;
    uint32_t end = seq + len;
    if (!s->seq_known) {
        s->seq_known = true;
        s->next_seq = end;
        s->next_seq_ts = p->ts;
        return;
    }
    if (len == 0)
        return;
    if (seq_lt(seq, s->next_seq)) {
        if (p->ts - s->next_seq_ts < FC_TCP_OOO_WINDOW_NS && end != s->next_seq)
            d->out_of_order++;
        else
            d->retransmits++;
    }
    if (seq_lt(s->next_seq, end)) {
        s->next_seq = end;
        s->next_seq_ts = p->ts;
    }
}

enum fc_tcp_event fc_tcp_track_packet(struct fc_tcp_track *t, struct fc_flow_record *r,
                                      unsigned dir, const struct fc_packet *p)
{
    if (!p->l4.has_tcp_header)
        return FC_TCP_EVENT_NONE;
    struct fc_flow_dir *d = &r->dir[dir];
    struct fc_tcp_dir_track *s = &t->dir[dir];
    uint8_t flags = p->l4.tcp_flags;

    if (flags & FC_TCP_SYN) {
        note_syn_options(d, p);
        if (!s->has_isn) {
            s->has_isn = true;
            s->isn = p->l4.seq;
        }
    }
    note_handshake(t, dir, p);
    note_sequence(s, d, p);
    if (p->l4.window == 0 && !(flags & (FC_TCP_SYN | FC_TCP_FIN | FC_TCP_RST)))
        d->zero_windows++;

    if (flags & FC_TCP_RST)
        return FC_TCP_EVENT_RST;
    if (flags & FC_TCP_FIN) {
        bool already = s->fin && t->dir[!dir].fin;
        s->fin = true;
        if (!already && t->dir[!dir].fin)
            return FC_TCP_EVENT_FIN;
    }
    return FC_TCP_EVENT_NONE;
}

bool fc_tcp_track_is_new_syn(const struct fc_tcp_track *t, unsigned dir,
                             const struct fc_packet *p)
{
    if (!p->l4.has_tcp_header || (p->l4.tcp_flags & (FC_TCP_SYN | FC_TCP_ACK)) != FC_TCP_SYN)
        return false;
    const struct fc_tcp_dir_track *s = &t->dir[dir];
    return !s->has_isn || s->isn != p->l4.seq;
}

void fc_tcp_track_rtt(const struct fc_tcp_track *t, struct fc_flow_record *r)
{
    r->rtt_server = FC_TIME_UNKNOWN;
    r->rtt_client = FC_TIME_UNKNOWN;
    if (t->syn_ts != FC_TIME_UNKNOWN && t->synack_ts != FC_TIME_UNKNOWN &&
        t->synack_ts >= t->syn_ts)
        r->rtt_server = t->synack_ts - t->syn_ts;
    if (t->synack_ts != FC_TIME_UNKNOWN && t->ack_ts != FC_TIME_UNKNOWN &&
        t->ack_ts >= t->synack_ts)
        r->rtt_client = t->ack_ts - t->synack_ts;
}
