/* The icmp_quoted section of the flow record: the flows an ICMP error
 * flow's messages quote, fields in icmp-quoted-fields.def. */
#ifndef FC_FORMATS_ICMP_QUOTED_FIELDS_H
#define FC_FORMATS_ICMP_QUOTED_FIELDS_H

#include "core/icmp-info.h"
#include "formats/section.h"

enum fc_icmp_quoted_field_id {
#define FC_ICMP_QUOTED_FIELD(name, source, ipfix) FC_IQF_##name,
#include "formats/icmp-quoted-fields.def"
#undef FC_ICMP_QUOTED_FIELD
    FC_ICMP_QUOTED_FIELD_COUNT
};

extern const struct fc_section fc_section_icmp_quoted;

#endif
