/* The QUIC section of the flow record, fields in quic-fields.def. */
#ifndef FC_FORMATS_QUIC_FIELDS_H
#define FC_FORMATS_QUIC_FIELDS_H

#include "core/quic-info.h"
#include "formats/section.h"

enum fc_quic_field_id {
#define FC_QUIC_FIELD(name, source, ipfix) FC_QF_##name,
#include "formats/quic-fields.def"
#undef FC_QUIC_FIELD
    FC_QUIC_FIELD_COUNT
};

_Static_assert(FC_QUIC_FIELD_COUNT <= FC_SECTION_MAX_FIELDS, "the section's fields fit");

extern const struct fc_section fc_section_quic;

#endif
