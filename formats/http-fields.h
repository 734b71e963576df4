/*
 * One HTTP transaction as a row of named, typed values (one per row of
 * http-fields.def), shared by the record writers and the IPFIX reader.
 */
#ifndef FC_FORMATS_HTTP_FIELDS_H
#define FC_FORMATS_HTTP_FIELDS_H

#include "core/http-tx.h"
#include "formats/value.h"

enum fc_http_field_id {
#define FC_HTTP_FIELD(name, group, source, ipfix) FC_HF_##name,
#include "formats/http-fields.def"
#undef FC_HTTP_FIELD
    FC_HTTP_FIELD_COUNT
};

struct fc_http_field {
    const char *name;
    const char *group; /* "ua", or NULL at the transaction's top level */
};

extern const struct fc_http_field fc_http_fields[FC_HTTP_FIELD_COUNT];

/* Fills v[] with the transaction's values (null where nothing applies). */
void fc_http_tx_values(const struct fc_http_tx *tx, struct fc_value v[FC_HTTP_FIELD_COUNT]);

/* The inverse: fills a zeroed transaction from values that
 * fc_http_tx_values gave (texts are copied). False when out of memory. */
bool fc_http_tx_from_values(struct fc_http_tx *tx, const struct fc_value v[FC_HTTP_FIELD_COUNT]);

#endif
