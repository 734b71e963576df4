/*
 * The certificates section of the flow record: one item per certificate
 * of the TLS chains a connection showed, its fields in
 * certificate-fields.def.
 */
#ifndef FC_FORMATS_CERTIFICATE_FIELDS_H
#define FC_FORMATS_CERTIFICATE_FIELDS_H

#include "core/tls-certificate.h"
#include "formats/section.h"

enum fc_cert_field_id {
#define FC_CERT_FIELD(name, source, ipfix) FC_CF_##name,
#include "formats/certificate-fields.def"
#undef FC_CERT_FIELD
    FC_CERT_FIELD_COUNT
};

_Static_assert(FC_CERT_FIELD_COUNT <= FC_SECTION_MAX_FIELDS, "the section's fields fit");

extern const struct fc_section fc_section_certificates;

#endif
