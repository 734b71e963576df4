/*
 * Typed field values: what a flow record's fields hold between the
 * getters (or the IPFIX reader) and the writers. Text writers render them
 * with fc_value_text(); the IPFIX writer encodes them natively.
 */
#ifndef FC_VALUE_H
#define FC_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/l7-items.h"
#include "core/packet.h"

enum fc_value_kind {
    FC_VALUE_NULL,
    FC_VALUE_UINT,
    FC_VALUE_BOOL,
    FC_VALUE_STRING,
    FC_VALUE_SECONDS,   /* a duration, in ns */
    FC_VALUE_TIME,      /* an instant, ns since the epoch */
    FC_VALUE_IPV4,      /* bytes[0..3] */
    FC_VALUE_IPV6,      /* bytes[0..15] */
    FC_VALUE_MAC,       /* bytes[0..5] */
    FC_VALUE_TCP_FLAGS, /* u: the eight flag bits */
    FC_VALUE_ITEMS,     /* items[0..u) of section `section` (formats/section.h) */
};

struct fc_value {
    enum fc_value_kind kind;
    bool b;
    uint64_t u;
    fc_time ns;
    uint8_t bytes[16];
    const char *s; /* STRING: NUL-terminated, owned by whoever set it */
    const void *items;
    enum fc_section_id section;
};

/* Setters for the getters of sections: nothing (null) unless present. */
static inline void fc_value_uint(struct fc_value *v, bool present, uint64_t n)
{
    if (present) {
        v->kind = FC_VALUE_UINT;
        v->u = n;
    }
}

static inline void fc_value_time(struct fc_value *v, bool present, fc_time t)
{
    if (present) {
        v->kind = FC_VALUE_TIME;
        v->ns = t;
    }
}

static inline void fc_value_seconds(struct fc_value *v, bool present, fc_time ns)
{
    if (present) {
        v->kind = FC_VALUE_SECONDS;
        v->ns = ns;
    }
}

static inline void fc_value_bool(struct fc_value *v, bool present, bool b)
{
    if (present) {
        v->kind = FC_VALUE_BOOL;
        v->b = b;
    }
}

#define FC_VALUE_TEXT 64 /* room for any non-string value's text */

/* The value as text for STRING, TIME, IPV4, IPV6, MAC and TCP_FLAGS (buf
 * used when needed); NULL for the other kinds. */
const char *fc_value_text(const struct fc_value *v, char buf[FC_VALUE_TEXT]);

#endif
