/* A flow's packet list: see packet-list.h. */
#include "core/packet-list.h"

#include <stdlib.h>

#define MAX_VARINT 10

static uint64_t zigzag(int64_t v)
{
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static int64_t unzigzag(uint64_t v)
{
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static size_t put_varint(uint8_t *out, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        out[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (uint8_t)v;
    return n;
}

static bool get_varint(const uint8_t *buf, size_t len, size_t *pos, uint64_t *v)
{
    uint64_t x = 0;
    for (unsigned shift = 0, i = 0; i < MAX_VARINT && *pos < len; i++, shift += 7) {
        uint8_t b = buf[(*pos)++];
        x |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return true;
        }
    }
    return false;
}

void fc_packet_list_add(struct fc_packet_list *l, const struct fc_provenance *where,
                        unsigned dir)
{
    if (l->cap - l->len < 3 * MAX_VARINT) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        uint8_t *grown = realloc(l->buf, cap);
        if (!grown) {
            l->failed = true;
            return;
        }
        l->buf = grown;
        l->cap = cap;
    }
    bool same = l->has_last && l->last.input == where->input;
    uint64_t number0 = same ? l->last.number : 0;
    uint64_t offset0 = same ? l->last.offset : 0;
    uint64_t head = zigzag((int64_t)(where->number - number0)) << 2 | (uint64_t)!same << 1 |
                    (dir & 1);
    l->len += put_varint(l->buf + l->len, head);
    if (!same)
        l->len += put_varint(l->buf + l->len, where->input);
    l->len += put_varint(l->buf + l->len, zigzag((int64_t)(where->offset - offset0)));
    l->last = *where;
    l->has_last = true;
    l->count++;
    l->total++;
}

void fc_packet_list_reset(struct fc_packet_list *l, bool all)
{
    l->len = 0;
    l->count = 0;
    l->has_last = false;
    if (all) {
        l->total = 0;
        l->chain = 0;
        l->failed = false;
    }
}

void fc_packet_list_free(struct fc_packet_list *l)
{
    free(l->buf);
    *l = (struct fc_packet_list){ 0 };
}

bool fc_packet_list_next(const uint8_t *buf, size_t len, size_t *pos,
                         struct fc_packet_entry *last)
{
    uint64_t head, input, offset;
    size_t at = *pos;
    if (!get_varint(buf, len, &at, &head))
        return false;
    bool fresh = head & 2;
    if (fresh) {
        if (!get_varint(buf, len, &at, &input) || input > UINT32_MAX)
            return false;
        last->where = (struct fc_provenance){ .input = (uint32_t)input };
    }
    if (!get_varint(buf, len, &at, &offset))
        return false;
    last->where.number += (uint64_t)unzigzag(head >> 2);
    last->where.offset += (uint64_t)unzigzag(offset);
    last->dir = head & 1;
    *pos = at;
    return true;
}
