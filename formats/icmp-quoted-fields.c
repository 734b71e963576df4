/* The icmp_quoted section: from a quoted flow to typed values and back. */
#include "formats/icmp-quoted-fields.h"

#include "formats/ipfix-map.h"

static const struct fc_section_field fields[FC_ICMP_QUOTED_FIELD_COUNT] = {
#define FC_ICMP_QUOTED_FIELD(name, source, ipfix) { #name, NULL, ipfix },
#include "formats/icmp-quoted-fields.def"
#undef FC_ICMP_QUOTED_FIELD
};

#define GET(name) FC_ITEM_GET(struct fc_icmp_quoted, q, name)
#define SET(name) FC_ITEM_SET(struct fc_icmp_quoted, q, name)

GET(proto) { fc_value_uint(v, true, q->proto); }
SET(proto) { q->proto = (uint8_t)v->u; }

GET(src_port) { fc_value_uint(v, q->has_ports, q->src_port); }
SET(src_port)
{
    q->has_ports = v->kind == FC_VALUE_UINT;
    q->src_port = (uint16_t)v->u;
}

GET(dst_port) { fc_value_uint(v, q->has_ports, q->dst_port); }
SET(dst_port) { q->dst_port = (uint16_t)v->u; }

GET(messages) { fc_value_uint(v, true, q->messages); }
SET(messages) { q->messages = (uint32_t)v->u; }

GET(first_time) { fc_value_time(v, true, q->first_ts); }
SET(first_time) { q->first_ts = v->ns; }

static const struct fc_fixed_source sources[FC_ICMP_QUOTED_FIELD_COUNT] = {
#define SOURCE_TEXT(member) FC_FIXED_TEXT(struct fc_icmp_quoted, member)
#define SOURCE_OWN FC_FIXED_OWN
#define FC_ICMP_QUOTED_FIELD(name, source, ipfix) [FC_IQF_##name] = SOURCE_##source(name),
#include "formats/icmp-quoted-fields.def"
#undef FC_ICMP_QUOTED_FIELD
};

const struct fc_section fc_section_icmp_quoted = {
    .name = "icmp_quoted",
    .csv_name = "icmp_quoted.csv",
    .items_name = "flows quoted by ICMP errors",
    .id = FC_SECTION_ICMP_QUOTED,
    .nfields = FC_ICMP_QUOTED_FIELD_COUNT,
    .fields = fields,
    .truncated_field = -1,
    .item_size = sizeof(struct fc_icmp_quoted),
    .fixed = sources,
};
