/* The SIP section: from a transaction to typed values and back. */
#include "formats/sip-fields.h"

#include "formats/ipfix-map.h"

static const struct fc_section_field fields[FC_SIP_FIELD_COUNT] = {
#define FC_SIP_FIELD(name, source, ipfix) { #name, NULL, ipfix },
#include "formats/sip-fields.def"
#undef FC_SIP_FIELD
};

/* ---- the fields that are not plain texts: get_<name>, set_<name> -------- */

#define GET(name) FC_ITEM_GET(struct fc_sip_tx, tx, name)
#define SET(name) FC_ITEM_SET(struct fc_sip_tx, tx, name)

/* Status and the response body length are there when a response was
 * read; read back, they tell it was. `final` follows from the status. */
GET(status_code) { fc_value_uint(v, tx->has_response, tx->status); }
SET(status_code)
{
    tx->has_response = v->kind == FC_VALUE_UINT;
    tx->status = (uint16_t)v->u;
    tx->final = tx->status >= 200;
}

GET(request_body_len) { fc_value_uint(v, tx->has_request, tx->request_body_len); }
SET(request_body_len)
{
    tx->has_request = v->kind == FC_VALUE_UINT;
    tx->request_body_len = v->u;
}

GET(response_body_len) { fc_value_uint(v, tx->has_response, tx->response_body_len); }
SET(response_body_len) { tx->response_body_len = v->u; }

GET(request_time) { fc_item_set_time(v, tx->request_ts); }
SET(request_time) { tx->request_ts = fc_item_time(v); }

GET(response_time) { fc_item_set_time(v, tx->response_ts); }
SET(response_time) { tx->response_ts = fc_item_time(v); }

GET(truncated)
{
    v->kind = FC_VALUE_BOOL;
    v->b = tx->truncated;
}
SET(truncated) { tx->truncated = v->b; }

/* ---- the table ------------------------------------------------------------ */

static const struct fc_arena_source sources[FC_SIP_FIELD_COUNT] = {
#define SOURCE_TEXT(which) { FC_SIP_T_##which, NULL, NULL } FC_ITEM_DROP
#define SOURCE_OWN FC_ARENA_OWN
#define FC_SIP_FIELD(name, source, ipfix) [FC_SIPF_##name] = SOURCE_##source(name),
#include "formats/sip-fields.def"
#undef FC_SIP_FIELD
};

const struct fc_section fc_section_sip = {
    .name = "sip",
    .csv_name = "sip.csv",
    .items_name = "SIP transactions",
    .id = FC_SECTION_SIP,
    .nfields = FC_SIP_FIELD_COUNT,
    .fields = fields,
    .truncated_field = FC_SIPF_truncated,
    .item_size = sizeof(struct fc_sip_tx),
    .arena = sources,
    .arena_at = offsetof(struct fc_sip_tx, arena),
    .slots_at = offsetof(struct fc_sip_tx, text),
};
