/* The certificates section: from a certificate to typed values and back. */
#include "formats/certificate-fields.h"

#include <string.h>

#include "formats/ipfix-map.h"

static const struct fc_section_field fields[FC_CERT_FIELD_COUNT] = {
#define FC_CERT_FIELD(name, source, ipfix) { #name, NULL, ipfix },
#include "formats/certificate-fields.def"
#undef FC_CERT_FIELD
};

/* ---- the fields that are not plain texts: get_<name>, set_<name> -------- */

static void set_uint(struct fc_value *v, bool present, uint64_t n)
{
    if (present) {
        v->kind = FC_VALUE_UINT;
        v->u = n;
    }
}

static void set_time(struct fc_value *v, bool present, fc_time t)
{
    if (present) {
        v->kind = FC_VALUE_TIME;
        v->ns = t;
    }
}

#define GET(name) FC_ITEM_GET(struct fc_tls_certificate, c, name)
#define SET(name) FC_ITEM_SET(struct fc_tls_certificate, c, name)

GET(side)
{
    v->kind = FC_VALUE_STRING;
    v->s = c->client ? "client" : "server";
}
SET(side) { c->client = v->kind == FC_VALUE_STRING && strcmp(v->s, "client") == 0; }

GET(chain_index) { set_uint(v, true, c->chain_index); }
SET(chain_index) { c->chain_index = (uint8_t)v->u; }

GET(parsed)
{
    v->kind = FC_VALUE_BOOL;
    v->b = c->parsed;
}
SET(parsed) { c->parsed = v->b; }

GET(version) { set_uint(v, c->version != 0, c->version); }
SET(version) { c->version = (uint8_t)v->u; }

GET(not_before) { set_time(v, c->has_not_before, c->not_before); }
SET(not_before)
{
    c->has_not_before = v->kind == FC_VALUE_TIME;
    c->not_before = v->ns;
}

GET(not_after) { set_time(v, c->has_not_after, c->not_after); }
SET(not_after)
{
    c->has_not_after = v->kind == FC_VALUE_TIME;
    c->not_after = v->ns;
}

GET(key_length) { set_uint(v, c->key_length != 0, c->key_length); }
SET(key_length) { c->key_length = (uint32_t)v->u; }

/* ---- the table ------------------------------------------------------------ */

static const struct fc_arena_source sources[FC_CERT_FIELD_COUNT] = {
#define SOURCE_TEXT(which) { FC_TLS_CT_##which, NULL, NULL } FC_ITEM_DROP
#define SOURCE_OWN FC_ARENA_OWN
#define FC_CERT_FIELD(name, source, ipfix) [FC_CF_##name] = SOURCE_##source(name),
#include "formats/certificate-fields.def"
#undef FC_CERT_FIELD
};

FC_ARENA_ITEM_FUNCTIONS(struct fc_tls_certificate, certificate, sources, FC_CERT_FIELD_COUNT)

static void free_certificate(void *item)
{
    fc_tls_certificate_free(item);
}

const struct fc_section fc_section_certificates = {
    .name = "certificates",
    .csv_name = "certificates.csv",
    .items_name = "TLS certificates",
    .id = FC_SECTION_CERTIFICATES,
    .nfields = FC_CERT_FIELD_COUNT,
    .fields = fields,
    .truncated_field = -1,
    .item_size = sizeof(struct fc_tls_certificate),
    .values = certificate_values,
    .from_values = certificate_from_values,
    .free_item = free_certificate,
};
