/* The HTTP section: from a transaction to typed values and back. */
#include "formats/http-fields.h"


#include "core/flow.h"
#include "formats/ipfix-map.h"

#define GROUP_NONE NULL
#define GROUP_UA "ua"
static const struct fc_section_field fields[FC_HTTP_FIELD_COUNT] = {
#define FC_HTTP_FIELD(name, group, source, ipfix) { #name, GROUP_##group, ipfix },
#include "formats/http-fields.def"
#undef FC_HTTP_FIELD
};

/* ---- the fields that are not plain texts: get_<name>, set_<name> -------- */

static int64_t length_of(const struct fc_value *v)
{
    return v->kind == FC_VALUE_UINT ? (int64_t)v->u : -1;
}

#define GET(name) FC_ITEM_GET(struct fc_http_tx, tx, name)
#define SET(name) FC_ITEM_SET(struct fc_http_tx, tx, name)

GET(request_content_length)
{
    fc_value_uint(v, tx->request_content_length >= 0, (uint64_t)tx->request_content_length);
}
SET(request_content_length) { tx->request_content_length = length_of(v); }

GET(request_body_len) { fc_value_uint(v, tx->has_request, tx->request_body_len); }
SET(request_body_len)
{
    tx->has_request = v->kind == FC_VALUE_UINT;
    tx->request_body_len = v->u;
}

GET(status) { fc_value_uint(v, tx->has_response, tx->status); }
SET(status)
{
    tx->has_response = v->kind == FC_VALUE_UINT;
    tx->status = (uint16_t)v->u;
}

GET(info_status) { fc_value_uint(v, tx->info_status != 0, tx->info_status); }
SET(info_status) { tx->info_status = (uint16_t)v->u; }

GET(response_content_length)
{
    fc_value_uint(v, tx->response_content_length >= 0, (uint64_t)tx->response_content_length);
}
SET(response_content_length) { tx->response_content_length = length_of(v); }

GET(response_body_len) { fc_value_uint(v, tx->has_response, tx->response_body_len); }
SET(response_body_len) { tx->response_body_len = v->u; }

GET(request_time) { fc_item_set_time(v, tx->request_ts); }
SET(request_time) { tx->request_ts = fc_item_time(v); }

GET(response_time) { fc_item_set_time(v, tx->response_ts); }
SET(response_time) { tx->response_ts = fc_item_time(v); }

/* From the packet that completed the request to the one that started the
 * response: the server's time to answer. */
GET(srt)
{
    if (tx->request_end_ts != FC_TIME_UNKNOWN && tx->response_ts != FC_TIME_UNKNOWN &&
        tx->response_ts >= tx->request_end_ts) {
        v->kind = FC_VALUE_SECONDS;
        v->ns = tx->response_ts - tx->request_end_ts;
    }
}
/* Only the end of the request that gives the same SRT can be rebuilt
 * (response_time is set first: it comes earlier in the table). */
SET(srt)
{
    tx->request_end_ts = v->kind == FC_VALUE_SECONDS && tx->response_ts != FC_TIME_UNKNOWN
                             ? tx->response_ts - v->ns
                             : FC_TIME_UNKNOWN;
}

GET(truncated)
{
    v->kind = FC_VALUE_BOOL;
    v->b = tx->truncated;
}
SET(truncated) { tx->truncated = v->b; }

GET(gap)
{
    v->kind = FC_VALUE_BOOL;
    v->b = tx->gap;
}
SET(gap) { tx->gap = v->b; }

/* ---- the table ------------------------------------------------------------ */

static const struct fc_arena_source sources[FC_HTTP_FIELD_COUNT] = {
#define SOURCE_TEXT(which) { FC_HTTP_##which, NULL, NULL } FC_ITEM_DROP
#define SOURCE_OWN FC_ARENA_OWN
#define FC_HTTP_FIELD(name, group, source, ipfix) [FC_HF_##name] = SOURCE_##source(name),
#include "formats/http-fields.def"
#undef FC_HTTP_FIELD
};

const struct fc_section fc_section_http = {
    .name = "http",
    .csv_name = "http.csv",
    .items_name = "HTTP transactions",
    .id = FC_SECTION_HTTP,
    .nfields = FC_HTTP_FIELD_COUNT,
    .fields = fields,
    .truncated_field = FC_HF_truncated,
    .item_size = sizeof(struct fc_http_tx),
    .arena = sources,
    .arena_at = offsetof(struct fc_http_tx, arena),
    .slots_at = offsetof(struct fc_http_tx, text),
};
