/* The icmp section of the flow record, fields in icmp-fields.def. */
#ifndef FC_FORMATS_ICMP_FIELDS_H
#define FC_FORMATS_ICMP_FIELDS_H

#include "core/icmp-info.h"
#include "formats/section.h"

enum fc_icmp_field_id {
#define FC_ICMP_FIELD(name, source, ipfix) FC_IF_##name,
#include "formats/icmp-fields.def"
#undef FC_ICMP_FIELD
    FC_ICMP_FIELD_COUNT
};

extern const struct fc_section fc_section_icmp;

#endif
