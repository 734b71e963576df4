/*
 * Duplicate suppression: see dedup.h. Each IP datagram is reduced to a
 * 128-bit digest kept for `window` of packet time.
 */
#include "core/dedup.h"

#include <stdlib.h>
#include <string.h>

#include "core/digest-set.h"

#define DEDUP_ENTRIES (1u << 20) /* packets remembered at most: ~1 s at a million packets/s */

struct fc_dedup {
    fc_time window;
    struct fc_digest_set *seen;
};

struct fc_dedup *fc_dedup_create(fc_time window)
{
    struct fc_dedup *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->window = window;
    d->seen = fc_digest_set_create(DEDUP_ENTRIES);
    if (!d->seen) {
        free(d);
        return NULL;
    }
    return d;
}

void fc_dedup_destroy(struct fc_dedup *d)
{
    if (!d)
        return;
    fc_digest_set_destroy(d->seen);
    free(d);
}

static void mix(struct fc_digest *d, uint64_t w)
{
    d->a = (d->a ^ w) * 0x9e3779b97f4a7c15u;
    d->a ^= d->a >> 29;
    d->b = (d->b + w) * 0xbf58476d1ce4e5b9u;
    d->b ^= d->b >> 31;
}

/* Hashes bytes eight at a time (the tail zero-padded). */
static void mix_bytes(struct fc_digest *d, const uint8_t *b, size_t n)
{
    for (; n >= 8; b += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, b, 8);
        mix(d, w);
    }
    uint64_t w = 0;
    memcpy(&w, b, n);
    mix(d, w);
}

/* Two independent 64-bit hashes of the datagram as captured, with the
 * fields a router changes (TTL or hop limit, IPv4 checksum) zeroed. */
static struct fc_digest digest_of(const struct fc_packet *p)
{
    uint32_t off = p->ip.l3_off;
    uint32_t n = p->caplen > off ? p->caplen - off : 0;
    const uint8_t *b = p->data + off;
    uint8_t head[12];
    uint32_t h = n < sizeof head ? n : sizeof head;
    memcpy(head, b, h);
    if (p->ip.version == 4 && h == sizeof head)
        head[8] = head[10] = head[11] = 0;
    else if (p->ip.version == 6 && h > 7)
        head[7] = 0;
    struct fc_digest d = { 0x243f6a8885a308d3u ^ n, 0x13198a2e03707344u ^ p->ip.total_len };
    mix_bytes(&d, head, h);
    mix_bytes(&d, b + h, n - h);
    return d;
}

bool fc_dedup_seen(struct fc_dedup *d, const struct fc_packet *p)
{
    fc_digest_set_expire(d->seen, p->ts - d->window);
    struct fc_digest k = digest_of(p);
    if (fc_digest_set_contains(d->seen, k))
        return true;
    fc_digest_set_insert(d->seen, k, p->ts);
    return false;
}
