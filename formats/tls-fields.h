/* The TLS section of the flow record: the handshake, fields in tls-fields.def. */
#ifndef FC_FORMATS_TLS_FIELDS_H
#define FC_FORMATS_TLS_FIELDS_H

#include "core/tls-info.h"
#include "formats/section.h"

enum fc_tls_field_id {
#define FC_TLS_FIELD(name, source, ipfix) FC_TF_##name,
#include "formats/tls-fields.def"
#undef FC_TLS_FIELD
    FC_TLS_FIELD_COUNT
};

_Static_assert(FC_TLS_FIELD_COUNT <= FC_SECTION_MAX_FIELDS, "the section's fields fit");

extern const struct fc_section fc_section_tls;

#endif
