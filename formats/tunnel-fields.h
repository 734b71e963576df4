/* The tunnel section of the flow record, fields in tunnel-fields.def. */
#ifndef FC_FORMATS_TUNNEL_FIELDS_H
#define FC_FORMATS_TUNNEL_FIELDS_H

#include "core/tunnel-info.h"
#include "formats/section.h"

enum fc_tunnel_field_id {
#define FC_TUNNEL_FIELD(name, source, ipfix) FC_TUF_##name,
#include "formats/tunnel-fields.def"
#undef FC_TUNNEL_FIELD
    FC_TUNNEL_FIELD_COUNT
};

extern const struct fc_section fc_section_tunnel;

#endif
