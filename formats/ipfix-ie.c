/* IPFIX element tables and the field map: see ipfix.h. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "formats/ipfix-map.h"

static const struct fc_ipfix_ie iana[] = {
#define FC_IANA(id, name, type) { 0, id, #name, FC_IPFIX_##type, 0, 0, NULL },
#include "formats/ipfix-iana.def"
#undef FC_IANA
};

const struct fc_ipfix_ie fc_ipfix_flowcase_ies[] = {
#define FC_IE(id, name, type, semantics, units, description)                                   \
    { FC_IPFIX_PEN, id, #name, FC_IPFIX_##type, semantics, units, description },
#include "formats/ipfix-flowcase.def"
#undef FC_IE
};

const unsigned fc_ipfix_flowcase_ie_count =
    sizeof fc_ipfix_flowcase_ies / sizeof fc_ipfix_flowcase_ies[0];

/* RFC 5103 reverse elements: "reverse" + the IANA name, capitalised. */
static struct fc_ipfix_ie reverse[sizeof iana / sizeof iana[0]];
static char reverse_names[sizeof iana / sizeof iana[0]][64];

/* Both tables are in order of id (the generator writes them so; a unit
 * test checks): a binary search. */
static const struct fc_ipfix_ie *find_in(const struct fc_ipfix_ie *table, unsigned n,
                                         uint16_t id)
{
    unsigned lo = 0, hi = n;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (table[mid].id == id)
            return &table[mid];
        if (table[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static const struct fc_ipfix_ie *find_reverse(uint16_t id)
{
    const struct fc_ipfix_ie *fwd = find_in(iana, sizeof iana / sizeof iana[0], id);
    if (!fwd)
        return NULL;
    size_t i = (size_t)(fwd - iana);
    if (!reverse[i].name) {
        snprintf(reverse_names[i], sizeof reverse_names[i], "reverse%c%s",
                 toupper((unsigned char)fwd->name[0]), fwd->name + 1);
        reverse[i] = *fwd;
        reverse[i].pen = FC_IPFIX_REVERSE_PEN;
        reverse[i].name = reverse_names[i];
    }
    return &reverse[i];
}

const struct fc_ipfix_ie *fc_ipfix_ie_find(uint32_t pen, uint16_t id)
{
    if (pen == 0)
        return find_in(iana, sizeof iana / sizeof iana[0], id);
    if (pen == FC_IPFIX_PEN)
        return find_in(fc_ipfix_flowcase_ies, fc_ipfix_flowcase_ie_count, id);
    if (pen == FC_IPFIX_REVERSE_PEN)
        return find_reverse(id);
    return NULL;
}

uint16_t fc_ipfix_type_length(enum fc_ipfix_type type)
{
    switch (type) {
    case FC_IPFIX_U8:
    case FC_IPFIX_S8:
    case FC_IPFIX_BOOLEAN:
        return 1;
    case FC_IPFIX_U16:
    case FC_IPFIX_S16:
        return 2;
    case FC_IPFIX_U32:
    case FC_IPFIX_S32:
    case FC_IPFIX_F32:
    case FC_IPFIX_SECONDS:
    case FC_IPFIX_IPV4:
        return 4;
    case FC_IPFIX_U64:
    case FC_IPFIX_S64:
    case FC_IPFIX_F64:
    case FC_IPFIX_MILLISECONDS:
    case FC_IPFIX_MICROSECONDS:
    case FC_IPFIX_NANOSECONDS:
        return 8;
    case FC_IPFIX_MAC:
        return 6;
    case FC_IPFIX_IPV6:
        return 16;
    default:
        return FC_IPFIX_VARLEN;
    }
}


const struct fc_ipfix_map fc_ipfix_fields[FC_FIELD_COUNT] = {
#define FC_FIELD(name, group, getter, ipfix) [FC_F_##getter] = ipfix,
#include "formats/fields.def"
#undef FC_FIELD
};

bool fc_ipfix_field_ie(enum fc_field_id f, enum fc_value_kind kind, uint32_t *pen,
                       uint16_t *id)
{
    return fc_ipfix_map_ie(&fc_ipfix_fields[f], kind, pen, id);
}

bool fc_ipfix_map_ie(const struct fc_ipfix_map *m, enum fc_value_kind kind, uint32_t *pen,
                     uint16_t *id)
{
    *id = m->id;
    switch (m->place) {
    case FC_IPFIX_PLACE_IANA:
        *pen = 0;
        return true;
    case FC_IPFIX_PLACE_REVERSE:
        *pen = FC_IPFIX_REVERSE_PEN;
        return true;
    case FC_IPFIX_PLACE_ADDR:
        *pen = 0;
        *id = kind == FC_VALUE_IPV6 ? m->id_v6 : m->id;
        return true;
    case FC_IPFIX_PLACE_FLOWCASE:
        *pen = FC_IPFIX_PEN;
        return true;
    case FC_IPFIX_PLACE_DERIVED:
        break;
    }
    return false;
}

/* NTP era 0 began in 1900; RFC 7011 encodes these times without an era,
 * so a seconds field below 2^31 is read as era 1 (2036 onwards). */
#define NTP_UNIX_OFFSET INT64_C(2208988800)

uint64_t fc_ipfix_ntp_from_ns(fc_time ns)
{
    int64_t secs = ns / FC_NS_PER_SEC;
    int64_t frac_ns = ns % FC_NS_PER_SEC;
    if (frac_ns < 0) {
        frac_ns += FC_NS_PER_SEC;
        secs--;
    }
    uint64_t ntp_secs = (uint64_t)(secs + NTP_UNIX_OFFSET) & 0xffffffffu;
    /* Rounded to the nearest 2^-32 s: 0.23 ns steps, so reading back by
     * rounding gives the nanoseconds exactly (and 999999999 ns stays below
     * 2^32, so the seconds never carry). */
    uint64_t frac = (((uint64_t)frac_ns << 32) + FC_NS_PER_SEC / 2) / FC_NS_PER_SEC;
    return ntp_secs << 32 | frac;
}

fc_time fc_ipfix_ns_from_ntp(uint64_t ntp)
{
    int64_t secs = (int64_t)(ntp >> 32);
    if (secs < INT64_C(0x80000000))
        secs += INT64_C(0x100000000); /* era 1 */
    uint64_t frac_ns = ((ntp & 0xffffffffu) * FC_NS_PER_SEC + (UINT64_C(1) << 31)) >> 32;
    return (secs - NTP_UNIX_OFFSET) * FC_NS_PER_SEC + (fc_time)frac_ns;
}
