/*
 * TCP stream reassembly: turns one connection's segments, as captured (out
 * of order, retransmitted, overlapping, with holes), into two in-order byte
 * streams for the L7 dissectors.
 *
 * - In-order data is handed over in place, without a copy; only segments
 *   that arrive ahead of a hole are copied and held.
 * - Overlaps: the first copy of a byte wins (as Suricata's default policy
 *   and Wireshark's reassembly). A later copy whose bytes differ from the
 *   first is counted (reasm.overlap_differs): the two ends may not have
 *   seen the same data, which an investigator needs to know.
 * - Holes: bytes the capture missed are skipped and reported to the sink
 *   as a gap of so many bytes once they cannot come any more: the other
 *   side acknowledged past them, a cap forced them, or the flow ended.
 * - Bounds: held bytes per connection (flow_cap) and held plus recent bytes
 *   over all connections (memcap). Going over forces the hole as a gap,
 *   counted; nothing fails.
 *
 * References: RFC 9293 (sequence space), Suricata's stream-tcp-reassemble.c
 * (depth and memcap accounting), Zeek's TCP_Reassembler (gap reporting).
 */
#ifndef FC_CORE_REASM_TCP_H
#define FC_CORE_REASM_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/counters.h"
#include "core/pool.h"

struct fc_reasm_config {
    uint32_t flow_cap; /* bytes held per connection (both directions) */
    uint64_t memcap;   /* bytes held by all connections together */
};

/* Shared by every stream of one engine. */
struct fc_reasm {
    struct fc_reasm_config cfg;
    uint64_t used; /* bytes charged to the memcap */
    struct fc_counters *cnt;
    struct fc_pool rings; /* FC_REASM_RECENT-byte rings, reused */
};

/* Where a stream's bytes go: `data` with the next bytes of direction
 * `dir`, `gap` when `len` bytes of it are missing. */
struct fc_stream_sink {
    void (*data)(void *arg, unsigned dir, const uint8_t *p, size_t len);
    void (*gap)(void *arg, unsigned dir, uint64_t len);
    void *arg;
};

struct fc_reasm_seg;

struct fc_stream_dir {
    bool started;
    bool fin;
    uint32_t next;    /* sequence number of the next byte to hand over */
    uint32_t fin_seq; /* sequence number the FIN occupies */
    struct fc_reasm_seg *held; /* ahead of `next`, sorted, not overlapping */
    uint32_t held_bytes;
    /* The last bytes handed over (up to FC_REASM_RECENT), to compare a
     * retransmission with: recent_len bytes ending at `next`; let go when
     * the other side has acknowledged them all. */
    uint8_t *recent; /* FC_REASM_RECENT bytes, NULL until taken */
    uint32_t recent_len;
    uint32_t recent_head; /* where the next byte goes in the ring */
};

/* One connection; zeroed to start. dir 0 is the initiator's stream. */
struct fc_stream {
    struct fc_stream_dir dir[2];
};

void fc_reasm_init(struct fc_reasm *r, const struct fc_reasm_config *cfg,
                   struct fc_counters *cnt);
void fc_reasm_destroy(struct fc_reasm *r);

/* One segment of direction `dir`: its sequence number, flags (FC_TCP_*),
 * the captured payload bytes and the payload length the headers state
 * (larger when the capture cut the packet: the rest is a gap). */
void fc_stream_segment(struct fc_reasm *r, struct fc_stream *s, unsigned dir, uint32_t seq,
                       uint8_t flags, const uint8_t *data, uint32_t captured, uint32_t len,
                       const struct fc_stream_sink *sink);

/* The other side acknowledged direction `dir` up to `ack`: bytes before it
 * that were not captured will never come. */
void fc_stream_ack(struct fc_reasm *r, struct fc_stream *s, unsigned dir, uint32_t ack,
                   const struct fc_stream_sink *sink);

/* End of the connection: hands over what is held, holes as gaps. */
void fc_stream_flush(struct fc_reasm *r, struct fc_stream *s, const struct fc_stream_sink *sink);

/* Frees the stream's memory (after a flush, or to drop it). */
void fc_stream_release(struct fc_reasm *r, struct fc_stream *s);

#endif
