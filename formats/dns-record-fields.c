/* The dns_records section: from a resource record to typed values and
 * back. */
#include "formats/dns-record-fields.h"

#include <stdio.h>
#include <string.h>

#include "core/dns-msg.h"
#include "formats/ipfix-map.h"

static const struct fc_section_field fields[FC_DNS_RECORD_FIELD_COUNT] = {
#define FC_DNS_RECORD_FIELD(name, source, ipfix) { #name, NULL, ipfix },
#include "formats/dns-record-fields.def"
#undef FC_DNS_RECORD_FIELD
};

static const char *const section_names[] = {
    [FC_DNS_ANSWER] = "answer",
    [FC_DNS_AUTHORITY] = "authority",
    [FC_DNS_ADDITIONAL] = "additional",
};

#define GET(name) FC_ITEM_GET(struct fc_dns_record, r, name)
#define SET(name) FC_ITEM_SET(struct fc_dns_record, r, name)

GET(tx) { fc_value_uint(v, true, r->tx); }
SET(tx) { r->tx = (uint32_t)v->u; }

GET(section)
{
    v->kind = FC_VALUE_STRING;
    v->s = section_names[r->section];
}
SET(section)
{
    for (uint8_t i = 0; i < sizeof section_names / sizeof section_names[0]; i++) {
        if (v->kind == FC_VALUE_STRING && strcmp(v->s, section_names[i]) == 0)
            r->section = i;
    }
}

GET(type) { fc_value_uint(v, true, r->type); }
SET(type) { r->type = (uint16_t)v->u; }

GET(type_name)
{
    v->kind = FC_VALUE_STRING;
    v->s = r->type_name;
}
SET(type_name)
{
    if (v->kind == FC_VALUE_STRING)
        snprintf(r->type_name, sizeof r->type_name, "%s", v->s);
}

GET(class) { fc_value_uint(v, true, r->rclass); }
SET(class) { r->rclass = (uint16_t)v->u; }

GET(ttl) { fc_value_uint(v, true, r->ttl); }
SET(ttl) { r->ttl = (uint32_t)v->u; }

GET(data_cut) { fc_value_bool(v, true, r->cut); }
SET(data_cut) { r->cut = v->b; }

/* ---- the table ------------------------------------------------------------ */

static const struct fc_arena_source sources[FC_DNS_RECORD_FIELD_COUNT] = {
#define SOURCE_TEXT(which) { FC_DNS_RT_##which, NULL, NULL } FC_ITEM_DROP
#define SOURCE_OWN FC_ARENA_OWN
#define FC_DNS_RECORD_FIELD(name, source, ipfix) [FC_DRF_##name] = SOURCE_##source(name),
#include "formats/dns-record-fields.def"
#undef FC_DNS_RECORD_FIELD
};

const struct fc_section fc_section_dns_records = {
    .name = "dns_records",
    .csv_name = "dns_records.csv",
    .items_name = "DNS resource records",
    .id = FC_SECTION_DNS_RECORDS,
    .nfields = FC_DNS_RECORD_FIELD_COUNT,
    .fields = fields,
    .truncated_field = -1,
    .item_size = sizeof(struct fc_dns_record),
    .arena = sources,
    .arena_at = offsetof(struct fc_dns_record, arena),
    .slots_at = offsetof(struct fc_dns_record, text),
};
