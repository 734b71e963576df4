/*
 * The HTTP section of the flow record: one item per transaction, its
 * fields in http-fields.def.
 */
#ifndef FC_FORMATS_HTTP_FIELDS_H
#define FC_FORMATS_HTTP_FIELDS_H

#include "core/http-tx.h"
#include "formats/section.h"

enum fc_http_field_id {
#define FC_HTTP_FIELD(name, group, source, ipfix) FC_HF_##name,
#include "formats/http-fields.def"
#undef FC_HTTP_FIELD
    FC_HTTP_FIELD_COUNT
};

_Static_assert(FC_HTTP_FIELD_COUNT <= FC_SECTION_MAX_FIELDS, "the section's fields fit");

extern const struct fc_section fc_section_http;

#endif
