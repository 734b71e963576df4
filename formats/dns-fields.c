/* The dns section: from a DNS transaction to typed values and back. The
 * header fields (id, opcode, flags, rcode) are set once either half was
 * read; the rcode and the flags only a response sets are null without
 * one. */
#include "formats/dns-fields.h"

#include <stdio.h>

#include "formats/ipfix-map.h"

static const struct fc_section_field fields[FC_DNS_FIELD_COUNT] = {
#define FC_DNS_FIELD(name, source, ipfix) { #name, NULL, ipfix },
#include "formats/dns-fields.def"
#undef FC_DNS_FIELD
};

#define GET(name) FC_ITEM_GET(struct fc_dns_tx, tx, name)
#define SET(name) FC_ITEM_SET(struct fc_dns_tx, tx, name)

GET(trans_id) { fc_value_uint(v, true, tx->id); }
SET(trans_id) { tx->id = (uint16_t)v->u; }

GET(query_time) { fc_value_time(v, tx->has_query, tx->query_ts); }
SET(query_time)
{
    tx->has_query = v->kind == FC_VALUE_TIME;
    tx->query_ts = v->ns;
}

GET(response_time) { fc_value_time(v, tx->has_response, tx->response_ts); }
SET(response_time)
{
    tx->has_response = v->kind == FC_VALUE_TIME;
    tx->response_ts = v->ns;
}

GET(rtt)
{
    bool both = tx->has_query && tx->has_response && tx->response_ts >= tx->query_ts;
    fc_value_seconds(v, both, tx->response_ts - tx->query_ts);
}
/* Derived from the two times on reading. */
SET(rtt)
{
    (void)tx;
    (void)v;
}

GET(qclass) { fc_value_uint(v, tx->has_question, tx->qclass); }
SET(qclass)
{
    tx->has_question = v->kind == FC_VALUE_UINT;
    tx->qclass = (uint16_t)v->u;
}

GET(qtype) { fc_value_uint(v, tx->has_question, tx->qtype); }
SET(qtype) { tx->qtype = (uint16_t)v->u; }

GET(qtype_name)
{
    if (tx->has_question) {
        v->kind = FC_VALUE_STRING;
        v->s = tx->qtype_name;
    }
}
SET(qtype_name)
{
    if (v->kind == FC_VALUE_STRING)
        snprintf(tx->qtype_name, sizeof tx->qtype_name, "%s", v->s);
}

GET(opcode) { fc_value_uint(v, true, tx->opcode); }
SET(opcode) { tx->opcode = (uint8_t)v->u; }

GET(rcode) { fc_value_uint(v, tx->has_response, tx->rcode); }
SET(rcode) { tx->rcode = (uint16_t)v->u; }

GET(rcode_name)
{
    if (tx->has_response) {
        v->kind = FC_VALUE_STRING;
        v->s = tx->rcode_name;
    }
}
SET(rcode_name)
{
    if (v->kind == FC_VALUE_STRING)
        snprintf(tx->rcode_name, sizeof tx->rcode_name, "%s", v->s);
}

/* A flag of the query's header (RD, CD: a response echoes them) or of the
 * response's only. */
#define QUERY_FLAG(flag)                                   \
    GET(flag) { fc_value_bool(v, true, tx->flag); }         \
    SET(flag) { tx->flag = v->b; }
#define RESPONSE_FLAG(flag)                                          \
    GET(flag) { fc_value_bool(v, tx->has_response, tx->flag); }     \
    SET(flag) { tx->flag = v->b; }
RESPONSE_FLAG(aa)
QUERY_FLAG(tc)
QUERY_FLAG(rd)
RESPONSE_FLAG(ra)
QUERY_FLAG(ad)
QUERY_FLAG(cd)

/* ---- the table ------------------------------------------------------------ */

static const struct fc_arena_source sources[FC_DNS_FIELD_COUNT] = {
#define SOURCE_QUERY(name) { 0, NULL, NULL }
#define SOURCE_OWN FC_ARENA_OWN
#define FC_DNS_FIELD(name, source, ipfix) [FC_DF_##name] = SOURCE_##source(name),
#include "formats/dns-fields.def"
#undef FC_DNS_FIELD
};

const struct fc_section fc_section_dns = {
    .name = "dns",
    .csv_name = "dns.csv",
    .items_name = "DNS transactions",
    .id = FC_SECTION_DNS,
    .nfields = FC_DNS_FIELD_COUNT,
    .fields = fields,
    .truncated_field = -1,
    .item_size = sizeof(struct fc_dns_tx),
    .arena = sources,
    .arena_at = offsetof(struct fc_dns_tx, arena),
    .slots_at = offsetof(struct fc_dns_tx, query_text),
};
