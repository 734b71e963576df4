/* The tunnel section: from a flow's tunnel layer to typed values and back. */
#include "formats/tunnel-fields.h"

#include "core/decap.h"
#include "formats/ipfix-map.h"

static const struct fc_section_field fields[FC_TUNNEL_FIELD_COUNT] = {
#define FC_TUNNEL_FIELD(name, source, ipfix) { #name, NULL, ipfix },
#include "formats/tunnel-fields.def"
#undef FC_TUNNEL_FIELD
};

#define GET(name) FC_ITEM_GET(struct fc_tunnel_item, t, name)
#define SET(name) FC_ITEM_SET(struct fc_tunnel_item, t, name)

GET(type)
{
    v->kind = FC_VALUE_STRING;
    v->s = fc_tunnel_type_name(t->layer.type);
}
SET(type)
{
    int type = v->kind == FC_VALUE_STRING ? fc_tunnel_type_by_name(v->s) : -1;
    t->layer.type = type < 0 ? FC_TUNNEL_NONE : (uint8_t)type;
}

GET(proto) { fc_value_uint(v, true, t->layer.proto); }
SET(proto) { t->layer.proto = (uint8_t)v->u; }

GET(src_port) { fc_value_uint(v, t->layer.proto == FC_PROTO_UDP, t->layer.sport); }
SET(src_port) { t->layer.sport = (uint16_t)v->u; }

GET(dst_port) { fc_value_uint(v, t->layer.proto == FC_PROTO_UDP, t->layer.dport); }
SET(dst_port) { t->layer.dport = (uint16_t)v->u; }

GET(id) { fc_value_uint(v, t->layer.has_id, t->layer.id); }
SET(id)
{
    t->layer.has_id = v->kind == FC_VALUE_UINT;
    t->layer.id = (uint32_t)v->u;
}

static const struct fc_fixed_source sources[FC_TUNNEL_FIELD_COUNT] = {
#define SOURCE_TEXT(member) FC_FIXED_TEXT(struct fc_tunnel_item, member)
#define SOURCE_OWN FC_FIXED_OWN
#define FC_TUNNEL_FIELD(name, source, ipfix) [FC_TUF_##name] = SOURCE_##source(name),
#include "formats/tunnel-fields.def"
#undef FC_TUNNEL_FIELD
};

const struct fc_section fc_section_tunnel = {
    .name = "tunnel",
    .csv_name = "tunnel.csv",
    .items_name = "tunnel layers",
    .id = FC_SECTION_TUNNEL,
    .nfields = FC_TUNNEL_FIELD_COUNT,
    .fields = fields,
    .truncated_field = -1,
    .item_size = sizeof(struct fc_tunnel_item),
    .fixed = sources,
};
