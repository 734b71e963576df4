/* The SIP section of the flow record: one item per transaction, its
 * fields in sip-fields.def. */
#ifndef FC_FORMATS_SIP_FIELDS_H
#define FC_FORMATS_SIP_FIELDS_H

#include "core/sip-tx.h"
#include "formats/section.h"

enum fc_sip_field_id {
#define FC_SIP_FIELD(name, source, ipfix) FC_SIPF_##name,
#include "formats/sip-fields.def"
#undef FC_SIP_FIELD
    FC_SIP_FIELD_COUNT
};

_Static_assert(FC_SIP_FIELD_COUNT <= FC_SECTION_MAX_FIELDS, "the section's fields fit");

extern const struct fc_section fc_section_sip;

#endif
