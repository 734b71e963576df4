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

/* The HTTP transactions of the flow record being rebuilt. */
struct fc_ipfix_http {
    struct fc_http_tx *tx;
    uint64_t n;
    uint64_t cap;
    uint64_t expected; /* fcHttpTransactionCount: the record's and its continuations' */
};

/* Empties h (keeping its memory); fc_ipfix_http_free releases it. */
void fc_ipfix_http_reset(struct fc_ipfix_http *h);
void fc_ipfix_http_free(struct fc_ipfix_http *h);

/* Rebuilds a flowcase record row; strings are copied into `text`, which
 * lives as long as the row is used, and its HTTP transactions into h
 * (h->n < h->expected when continuation records follow). */
#define FC_IPFIX_ROW_TEXT (FC_IPFIX_MAX_MESSAGE + FC_FIELD_COUNT)
void fc_ipfix_to_row(const struct fc_ipfix_reader *r, const struct fc_ipfix_data *d,
                     struct fc_row *row, char text[FC_IPFIX_ROW_TEXT], struct fc_ipfix_http *h);

/* True for an HTTP continuation record (it carries fcHttpFirstIndex). */
bool fc_ipfix_is_http_continuation(const struct fc_ipfix_data *d);

/* Adds a continuation record's transactions to the row it continues.
 * False, with nothing added, when it is not that row's next one. */
bool fc_ipfix_http_continue(const struct fc_ipfix_reader *r, const struct fc_ipfix_data *d,
                            struct fc_row *row, struct fc_ipfix_http *h);

#endif
