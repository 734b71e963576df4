/* HTTP transactions as JSON: the `http` array of a flow record. */
#ifndef FC_FORMATS_HTTP_JSON_H
#define FC_FORMATS_HTTP_JSON_H

#include <jansson.h>
#include <stdint.h>

#include "core/http-tx.h"

/* An array of one object per transaction, keys always in the same order,
 * null for what does not apply; NULL when out of memory. */
json_t *fc_http_json(const struct fc_http_tx *tx, uint32_t count);

#endif
