/* The dns_records section of the flow record: the resource records of the
 * flow's DNS responses, fields in dns-record-fields.def. */
#ifndef FC_FORMATS_DNS_RECORD_FIELDS_H
#define FC_FORMATS_DNS_RECORD_FIELDS_H

#include "core/dns-tx.h"
#include "formats/section.h"

enum fc_dns_record_field_id {
#define FC_DNS_RECORD_FIELD(name, source, ipfix) FC_DRF_##name,
#include "formats/dns-record-fields.def"
#undef FC_DNS_RECORD_FIELD
    FC_DNS_RECORD_FIELD_COUNT
};

_Static_assert(FC_DNS_RECORD_FIELD_COUNT <= FC_SECTION_MAX_FIELDS, "the section's fields fit");

extern const struct fc_section fc_section_dns_records;

#endif
