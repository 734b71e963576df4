/*
 * The packets of one flow record, by their places in the evidence: what
 * the flow index stores and the extractor reads back. The list grows as
 * the flow's packets arrive, compactly encoded (about 4-6 bytes a packet),
 * one entry per captured frame (a rebuilt datagram names all its
 * fragments), in the order the flow received them.
 *
 * Entry encoding (LEB128 varints):
 *   head = number_delta << 2 | new_capture << 1 | direction
 *   [capture index, when new_capture]
 *   offset_delta
 * Deltas are from the entry before when it was in the same capture
 * stream, from 0 otherwise; both are zigzag-encoded, since the frames of
 * a datagram rebuilt from fragments that arrived out of order can go
 * backwards. A list spilled in parts (see fc_packet_list_reset) starts
 * each part afresh, so every part decodes on its own.
 */
#ifndef FC_PACKET_LIST_H
#define FC_PACKET_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/packet.h"

#define FC_PACKET_LIST_PART 65536 /* bytes a list holds before its owner spills a part */

struct fc_packet_list {
    uint8_t *buf;
    size_t len;
    size_t cap;
    uint64_t count;      /* entries in buf */
    uint64_t total;      /* entries in every part, spilled ones included */
    uint64_t chain;      /* for the owner: where its spilled parts are (0: none) */
    bool failed;         /* out of memory: entries were lost */
    bool has_last;
    struct fc_provenance last;
};

/* One packet of the list: its place and which way it went (0: from the
 * record's initiator). */
struct fc_packet_entry {
    struct fc_provenance where;
    uint8_t dir;
};

/* Appends one entry; sets l->failed when memory is out. */
void fc_packet_list_add(struct fc_packet_list *l, const struct fc_provenance *where,
                        unsigned dir);

/* Empties buf (after a part was spilled: total and chain stay) or the
 * whole list (all: for the next record). */
void fc_packet_list_reset(struct fc_packet_list *l, bool all);
void fc_packet_list_free(struct fc_packet_list *l);

/* Decodes the next entry of an encoded part at *pos; false at its end or
 * when the bytes are damaged (*pos then stops short of len). `last`
 * carries the delta state: zero it at the start of each part. */
bool fc_packet_list_next(const uint8_t *buf, size_t len, size_t *pos,
                         struct fc_packet_entry *last);

#endif
