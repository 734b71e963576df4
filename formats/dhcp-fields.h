/* The DHCP section of the flow record, fields in dhcp-fields.def. */
#ifndef FC_FORMATS_DHCP_FIELDS_H
#define FC_FORMATS_DHCP_FIELDS_H

#include "core/dhcp-info.h"
#include "formats/section.h"

enum fc_dhcp_field_id {
#define FC_DHCP_FIELD(name, source, ipfix) FC_DF_##name,
#include "formats/dhcp-fields.def"
#undef FC_DHCP_FIELD
    FC_DHCP_FIELD_COUNT
};

_Static_assert(FC_DHCP_FIELD_COUNT <= FC_SECTION_MAX_FIELDS, "the section's fields fit");

extern const struct fc_section fc_section_dhcp;

#endif
