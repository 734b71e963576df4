/*
 * One HTTP/1.x transaction as the HTTP dissector reports it: a request and
 * the response paired with it (either may be missing from the capture).
 * Read by the record writers through formats/fields.c.
 */
#ifndef FC_CORE_HTTP_TX_H
#define FC_CORE_HTTP_TX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/packet.h"
#include "core/text-arena.h"

/* Header values kept per transaction, each a NUL-terminated copy capped
 * at FC_HTTP_VALUE_MAX bytes, all in one buffer per transaction. */
enum fc_http_text {
    FC_HTTP_METHOD,
    FC_HTTP_HOST,
    FC_HTTP_URI,
    FC_HTTP_VERSION,
    FC_HTTP_USER_AGENT,
    FC_HTTP_REFERRER,
    FC_HTTP_REQUEST_CONTENT_TYPE,
    FC_HTTP_X_FORWARDED_FOR,
    FC_HTTP_RESPONSE_VERSION,
    FC_HTTP_REASON,
    FC_HTTP_SERVER,
    FC_HTTP_LOCATION,
    FC_HTTP_RESPONSE_CONTENT_TYPE,
    /* What the User-Agent names (core/useragent.h). */
    FC_HTTP_UA_BROWSER,
    FC_HTTP_UA_BROWSER_VERSION,
    FC_HTTP_UA_OS,
    FC_HTTP_UA_OS_VERSION,
    FC_HTTP_UA_DEVICE,
    FC_HTTP_TEXT_COUNT
};

struct fc_http_tx {
    uint32_t text[FC_HTTP_TEXT_COUNT]; /* offset + 1 in `arena`; 0 when absent */
    struct fc_text_arena arena;
    bool has_request;
    bool has_response;
    bool truncated;        /* a header line or value was cut at its cap */
    bool gap;              /* bytes of this transaction were missing */
    uint16_t status;       /* final status; 0 without a response */
    uint16_t info_status;  /* last 1xx interim status, 0 when none */
    int64_t request_content_length;  /* the header's value, -1 when absent */
    int64_t response_content_length;
    uint64_t request_body_len;       /* body bytes seen (chunked: decoded) */
    uint64_t response_body_len;
    fc_time request_ts;        /* packet with the request's first byte */
    fc_time request_end_ts;    /* packet with its last byte */
    fc_time response_ts;       /* packet with the response's first byte */
    fc_time response_end_ts;   /* packet with its last byte */
};

/* Stores a copy of p[0..len) as the transaction's text `which` (replacing
 * any earlier one, whose bytes stay in the buffer). False when out of
 * memory. */
bool fc_http_tx_put_text(struct fc_http_tx *tx, enum fc_http_text which, const void *p,
                         size_t len);

/* A text of the transaction, NULL when absent. */
static inline const char *fc_http_text(const struct fc_http_tx *tx, enum fc_http_text which)
{
    return fc_text_arena_get(&tx->arena, tx->text[which]);
}

#endif
