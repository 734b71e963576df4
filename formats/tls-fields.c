/* The TLS section: from a handshake to typed values and back. */
#include "formats/tls-fields.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "formats/ipfix-map.h"

static const struct fc_section_field fields[FC_TLS_FIELD_COUNT] = {
#define FC_TLS_FIELD(name, source, ipfix) { #name, NULL, ipfix },
#include "formats/tls-fields.def"
#undef FC_TLS_FIELD
};

#define GET(name) FC_ITEM_GET(struct fc_tls_info, t, name)
#define SET(name) FC_ITEM_SET(struct fc_tls_info, t, name)

GET(sni)
{
    if (t->has_sni) {
        v->kind = FC_VALUE_STRING;
        v->s = t->sni;
    }
}
SET(sni)
{
    t->has_sni = v->kind == FC_VALUE_STRING;
    if (t->has_sni)
        snprintf(t->sni, sizeof t->sni, "%s", v->s);
}

/* The hellos' times say which hellos were read. */
GET(client_hello_time) { fc_value_time(v, t->client_hello, t->client_hello_ts); }
SET(client_hello_time)
{
    t->client_hello = v->kind == FC_VALUE_TIME;
    t->client_hello_ts = v->ns;
}

GET(server_hello_time) { fc_value_time(v, t->server_hello, t->server_hello_ts); }
SET(server_hello_time)
{
    t->server_hello = v->kind == FC_VALUE_TIME;
    t->server_hello_ts = v->ns;
}

GET(handshake_time)
{
    if (t->client_hello && t->server_hello && t->server_hello_ts >= t->client_hello_ts) {
        v->kind = FC_VALUE_SECONDS;
        v->ns = t->server_hello_ts - t->client_hello_ts;
    }
}
/* Derived from the two times on reading. */
SET(handshake_time)
{
    (void)t;
    (void)v;
}

/* ---- the table ------------------------------------------------------------ */

static const struct fc_fixed_source sources[FC_TLS_FIELD_COUNT] = {
#define SOURCE_TEXT(member) FC_FIXED_TEXT(struct fc_tls_info, member)
#define SOURCE_OWN FC_FIXED_OWN
#define FC_TLS_FIELD(name, source, ipfix) [FC_TF_##name] = SOURCE_##source(name),
#include "formats/tls-fields.def"
#undef FC_TLS_FIELD
};

const struct fc_section fc_section_tls = {
    .name = "tls",
    .csv_name = "tls.csv",
    .items_name = "TLS handshakes",
    .single = true,
    .id = FC_SECTION_TLS,
    .nfields = FC_TLS_FIELD_COUNT,
    .fields = fields,
    .truncated_field = -1,
    .item_size = sizeof(struct fc_tls_info),
    .fixed = sources,
};
