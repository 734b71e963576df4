/*
 * A bounded set of 128-bit digests that forgets in arrival order: a FIFO
 * ring beside an open-addressing table, both sized once, so nothing is
 * allocated per packet. It backs duplicate suppression (forgetting by
 * time) and flow_id uniqueness (forgetting by count).
 */
#ifndef FC_DIGEST_SET_H
#define FC_DIGEST_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/packet.h"

struct fc_digest {
    uint64_t a;
    uint64_t b;
};

struct fc_digest_set;

/* Holds up to `capacity` digests (rounded up to a power of two). */
struct fc_digest_set *fc_digest_set_create(size_t capacity);
void fc_digest_set_destroy(struct fc_digest_set *s);

bool fc_digest_set_contains(const struct fc_digest_set *s, struct fc_digest d);
/* Adds d with its time; when full, the oldest digest is forgotten first. */
void fc_digest_set_insert(struct fc_digest_set *s, struct fc_digest d, fc_time ts);
/* Forgets digests inserted before `cutoff`. */
void fc_digest_set_expire(struct fc_digest_set *s, fc_time cutoff);

#endif
