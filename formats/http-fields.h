/*
 * One HTTP transaction as a row of named, typed values (one per row of
 * http-fields.def), shared by the JSON lines and CSV writers.
 */
#ifndef FC_FORMATS_HTTP_FIELDS_H
#define FC_FORMATS_HTTP_FIELDS_H

#include "core/http-tx.h"
#include "formats/value.h"

enum fc_http_field_id {
#define FC_HTTP_FIELD(name, getter) FC_HF_##getter,
#include "formats/http-fields.def"
#undef FC_HTTP_FIELD
    FC_HTTP_FIELD_COUNT
};

extern const char *const fc_http_field_names[FC_HTTP_FIELD_COUNT];

/* Fills v[] with the transaction's values (null where nothing applies). */
void fc_http_tx_values(const struct fc_http_tx *tx, struct fc_value v[FC_HTTP_FIELD_COUNT]);

#endif
