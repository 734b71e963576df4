/* The dns section of the flow record: one item per DNS transaction,
 * fields in dns-fields.def. */
#ifndef FC_FORMATS_DNS_FIELDS_H
#define FC_FORMATS_DNS_FIELDS_H

#include "core/dns-tx.h"
#include "formats/section.h"

enum fc_dns_field_id {
#define FC_DNS_FIELD(name, source, ipfix) FC_DF_##name,
#include "formats/dns-fields.def"
#undef FC_DNS_FIELD
    FC_DNS_FIELD_COUNT
};

_Static_assert(FC_DNS_FIELD_COUNT <= FC_SECTION_MAX_FIELDS, "the section's fields fit");

extern const struct fc_section fc_section_dns;

#endif
