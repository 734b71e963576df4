/* The sections of the flow record: see section.h. */
#include "formats/section.h"

#include "formats/http-fields.h"
#include "formats/tls-fields.h"

const struct fc_section *const fc_sections[FC_SECTION_COUNT] = {
    [FC_SECTION_HTTP] = &fc_section_http,
    [FC_SECTION_TLS] = &fc_section_tls,
};

const struct fc_section *fc_field_section(enum fc_field_id f)
{
    return f >= FC_FIRST_SECTION_FIELD ? fc_sections[f - FC_FIRST_SECTION_FIELD] : NULL;
}

enum fc_field_id fc_section_field(const struct fc_section *s)
{
    return (enum fc_field_id)(FC_FIRST_SECTION_FIELD + s->id);
}
