/* The icmp section: from an ICMP flow's first message to typed values and
 * back. */
#include "formats/icmp-fields.h"

#include "formats/ipfix-map.h"

static const struct fc_section_field fields[FC_ICMP_FIELD_COUNT] = {
#define FC_ICMP_FIELD(name, source, ipfix) { #name, NULL, ipfix },
#include "formats/icmp-fields.def"
#undef FC_ICMP_FIELD
};

#define GET(name) FC_ITEM_GET(struct fc_icmp_info, i, name)
#define SET(name) FC_ITEM_SET(struct fc_icmp_info, i, name)

GET(type) { fc_value_uint(v, true, i->type); }
SET(type) { i->type = (uint8_t)v->u; }
GET(code) { fc_value_uint(v, true, i->code); }
SET(code) { i->code = (uint8_t)v->u; }

static const struct fc_fixed_source sources[FC_ICMP_FIELD_COUNT] = {
#define SOURCE_TEXT(member) FC_FIXED_TEXT(struct fc_icmp_info, member)
#define SOURCE_OWN FC_FIXED_OWN
#define FC_ICMP_FIELD(name, source, ipfix) [FC_IF_##name] = SOURCE_##source(name),
#include "formats/icmp-fields.def"
#undef FC_ICMP_FIELD
};

const struct fc_section fc_section_icmp = {
    .name = "icmp",
    .csv_name = "icmp.csv",
    .items_name = "ICMP messages",
    .single = true,
    .id = FC_SECTION_ICMP,
    .nfields = FC_ICMP_FIELD_COUNT,
    .fields = fields,
    .truncated_field = -1,
    .item_size = sizeof(struct fc_icmp_info),
    .fixed = sources,
};
