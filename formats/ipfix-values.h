/*
 * Values of IPFIX data records: as JSON (any exporter's records, named by
 * element) and as flowcase record rows (flowcase's own records, so that
 * reading an IPFIX file gives back exactly what convert wrote).
 */
#ifndef FC_IPFIX_VALUES_H
#define FC_IPFIX_VALUES_H

#include <jansson.h>

#include "formats/fields.h"
#include "formats/ipfix-reader.h"

/* The element's name, or "ie<id>" / "e<pen>id<id>" when unknown. */
const char *fc_ipfix_name(const struct fc_ipfix_reader *r, const struct fc_ipfix_spec *spec,
                          char *buf, size_t size);

/* A record of any template as a JSON object: template id, observation
 * domain, then each field by name, decoded by its type (lists included). */
json_t *fc_ipfix_record_json(const struct fc_ipfix_reader *r, const struct fc_ipfix_data *d);

/* True for a record flowcase wrote (it carries fcFlowId). */
bool fc_ipfix_is_flowcase(const struct fc_ipfix_data *d);

/* Rebuilds a flowcase record row; strings are copied into `text`, which
 * lives as long as the row is used. */
#define FC_IPFIX_ROW_TEXT (FC_IPFIX_MAX_MESSAGE + FC_FIELD_COUNT)
void fc_ipfix_to_row(const struct fc_ipfix_reader *r, const struct fc_ipfix_data *d,
                     struct fc_row *row, char text[FC_IPFIX_ROW_TEXT]);

#endif
