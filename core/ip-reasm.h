/*
 * IPv4 and IPv6 fragment reassembly (RFC 791 section 3.2, RFC 815,
 * RFC 8200 section 4.5, RFC 5722, RFC 6946, RFC 1858, RFC 3128): rebuilds
 * a datagram from its fragments so the transport, tunnel and L7 decoders
 * see it whole.
 *
 * A datagram is identified by IP version, source, destination,
 * identification, the IPv4 protocol (RFC 791; IPv6 fragments of one
 * datagram may name different headers, RFC 8200 4.5), the VLAN ids that
 * take part in flow keys and the tunnel stack's key (two tunnels or two
 * segments may carry equal inner datagrams).
 *
 * Overlaps follow the "first" policy: bytes already held win over bytes
 * that arrive later for the same offsets (BSD-first / Linux-like in Novak's
 * "Target-Based Fragmentation Reassembly", 2005; Suricata's
 * defrag policy "first"). Overlaps with the same bytes are counted as
 * duplicates, with other bytes as conflicts (an evasion sign). IPv6 follows
 * RFC 5722: a fragment that overlaps held bytes abandons the whole
 * datagram, unless it brings nothing new and agrees with what is held (an
 * exact duplicate, which RFC 8200 4.5 lets an implementation drop). The
 * abandoned datagram's held fragments are given up (see
 * fc_ip_reasm_expire), never silently lost; its later fragments start a
 * new datagram, which times out.
 *
 * Tiny fragments (RFC 1858, RFC 3128) are counted, not refused: a first
 * fragment carrying fewer than 8 transport bytes (16 for TCP, whose flags
 * are in byte 13), or a fragment at offset 8 overlapping a longer first
 * fragment. Reassembly goes on under the "first" policy, so the first
 * fragment's bytes stand.
 *
 * A fragment that cannot be reassembled gets FC_REASM_PASS with the reason
 * counted under fragments.*; the caller counts it as a lone fragment. Such
 * fragments never change a held datagram. Reasons: cut short by the snap
 * length, no data or a non-last length not a multiple of 8, a datagram
 * past 65535 bytes, an end that disagrees with the known end (RFC 791's
 * and Linux's "corrupted" cases), FC_FRAG_MAX_PER_DATAGRAM fragments
 * already held for the datagram, or a datagram that alone exceeds the
 * memory limit. When the memory or datagram limit is reached otherwise,
 * the oldest pending datagrams are given up (emitted, counted as
 * fragments.evicted) until the new fragment fits, as Linux evicts its
 * oldest fragment queues: a flood of fragments that never complete then
 * cannot stop reassembly until it times out. Atomic fragments (offset 0 without "more fragments", RFC 6946)
 * must be processed as unfragmented: the caller does not give them; if it
 * does they are passed and counted.
 *
 * Memory: the datagram entries and their byte ranges come from pools (no
 * allocation per fragment once warm); each datagram keeps the bytes it was
 * given in one growing buffer holding every payload byte once (duplicates
 * cost nothing) plus the header of its lowest-offset fragment. The buffers'
 * allocated sizes and the range records count against max_bytes; pending
 * datagrams against max_datagrams. Rebuilt datagrams handed to the caller
 * live in separate buffers (one per datagram alive at once, reused), not
 * counted.
 *
 * Time is packet time: the caller calls fc_ip_reasm_expire(r, p->ts, ...)
 * before each fragment (a datagram older than the timeout would otherwise
 * still collect fragments) and fc_ip_reasm_flush at the end of input.
 */
#ifndef FC_IP_REASM_H
#define FC_IP_REASM_H

#include <stdint.h>

#include "core/counters.h"
#include "core/packet.h"

/* Longest packet the reassembler builds: an IPv6 header plus the largest
 * payload length (an IPv4 datagram is at most 65535 bytes). */
#define FC_IP_REASM_MAX_PACKET (40u + 65535u)

struct fc_reasm_limits {
    uint64_t max_bytes;      /* fragment bytes held, all datagrams together
                              * (buffer sizes and range records; 0: default) */
    uint32_t max_datagrams;  /* datagrams pending at once (0: default) */
    fc_time timeout;         /* given up this long (packet time) after its first
                              * fragment arrived (0: default) */
};
/* Defaults: FC_DEFAULT_FRAG_MEMCAP, FC_DEFAULT_FRAG_DATAGRAMS and
 * FC_DEFAULT_FRAG_TIMEOUT_S in core/limits.h. */

struct fc_ip_reasm;

/* NULL when out of memory. cnt receives the fragments.* counters. */
struct fc_ip_reasm *fc_ip_reasm_create(const struct fc_reasm_limits *lim,
                                       struct fc_counters *cnt);
/* Frees everything, held datagrams included (without emitting them: flush
 * first) and rebuilt datagrams not released. */
void fc_ip_reasm_destroy(struct fc_ip_reasm *r);

/* Receives a datagram given up: see fc_ip_reasm_expire. */
typedef void (*fc_reasm_emit)(void *arg, struct fc_packet *p);

enum fc_reasm_result {
    FC_REASM_HELD,     /* kept; nothing to do now */
    FC_REASM_COMPLETE, /* *out is the rebuilt datagram */
    FC_REASM_PASS,     /* not reassembled (counted why): the caller treats p as a lone fragment */
};

/*
 * p: a decoded packet with p->ip.fragment set (and not atomic). The
 * fragment's bytes are copied (p may be reused after the call). Datagrams
 * evicted to make room go to emit(arg, ...) first, each as
 * fc_ip_reasm_expire gives up a datagram; this emit must not call back
 * into the reassembler.
 *
 * On COMPLETE, *out is a packet owned by the reassembler, valid until
 * fc_ip_reasm_release(r, *out); several may be alive at once (a datagram
 * carried inside another reassembled datagram, e.g. inner fragments of a
 * tunnel). Its data is a contiguous IP packet from offset 0:
 *   IPv4: the offset-0 fragment's header (options kept) with the total
 *   length set, MF and the offset cleared, the checksum recomputed;
 *   IPv6: the offset-0 fragment's unfragmentable part (IPv6 header and the
 *   extension headers before the fragment header) with the fragment header
 *   removed, the next-header byte that named it (frag_nh_off) set to the
 *   fragment header's next header, the payload length set;
 * followed by the reassembled payload. caplen is its length; wirelen the
 * sum of the fragments' wirelen; frames the sum of their frames (every
 * fragment that contributed, duplicates included); first_ts the earliest
 * fragment's first_ts and first_where; ts and where the completing
 * fragment's (the latest to arrive); l2, tun,
 * linktype and interface those of the offset-0 fragment (the first one to
 * arrive). The ip and l4 views are zeroed: the caller decodes data.
 */
enum fc_reasm_result fc_ip_reasm_packet(struct fc_ip_reasm *r, const struct fc_packet *p,
                                        struct fc_packet **out, fc_reasm_emit emit, void *arg);
void fc_ip_reasm_release(struct fc_ip_reasm *r, struct fc_packet *out);

/*
 * Gives up the datagrams abandoned by an IPv6 overlap since the last call,
 * then those whose timeout passed at packet time `now` (flush: all of
 * them), each in order of first arrival. For each, emit() gets ONE packet
 * standing for all its held fragments: data/caplen = the held fragment
 * with the lowest offset (the first to arrive among equal offsets) as raw
 * IP bytes from offset 0, header as captured and payload as held (for
 * IPv4, bytes of conflicting overlaps are those held first), so the caller
 * re-decodes it as an IP packet that is still a fragment; frames = the
 * fragments held (sum of their frames); first_ts = the earliest, ts = the
 * latest, with first_where and where their provenance; wirelen = the sum
 * of their wirelen; l2, tun, linktype and
 * interface = those of the lowest-offset fragment. The packet is valid
 * during the call only. The datagram is unlinked before emit() runs, so
 * emit() may call fc_ip_reasm_packet.
 */
void fc_ip_reasm_expire(struct fc_ip_reasm *r, fc_time now, fc_reasm_emit emit, void *arg);
void fc_ip_reasm_flush(struct fc_ip_reasm *r, fc_reasm_emit emit, void *arg);

#endif
