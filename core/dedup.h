/*
 * Duplicate suppression (--dedup) for overlapping captures: two taps, or a
 * host capturing on a bridge and on its ports, record the same packet
 * twice. A packet whose IP datagram (TTL/hop limit and IPv4 checksum
 * masked, so a copy seen one router further still matches) was already
 * seen less than `window` of packet time ago is dropped and counted.
 * Memory is bounded: the oldest entries give way when the table is full.
 */
#ifndef FC_DEDUP_H
#define FC_DEDUP_H

#include "core/packet.h"

struct fc_dedup;

struct fc_dedup *fc_dedup_create(fc_time window);
void fc_dedup_destroy(struct fc_dedup *d);

/* True when p (already decoded as IP) repeats a packet seen within the
 * window; otherwise remembers it. */
bool fc_dedup_seen(struct fc_dedup *d, const struct fc_packet *p);

#endif
