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

static void set_time(struct fc_value *v, bool present, fc_time t)
{
    if (present) {
        v->kind = FC_VALUE_TIME;
        v->ns = t;
    }
}

#define GET(name) static void get_##name(const struct fc_tls_info *t, struct fc_value *v)
#define SET(name) static void set_##name(struct fc_tls_info *t, const struct fc_value *v)

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
GET(client_hello_time) { set_time(v, t->client_hello, t->client_hello_ts); }
SET(client_hello_time)
{
    t->client_hello = v->kind == FC_VALUE_TIME;
    t->client_hello_ts = v->ns;
}

GET(server_hello_time) { set_time(v, t->server_hello, t->server_hello_ts); }
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

typedef void (*getter_fn)(const struct fc_tls_info *, struct fc_value *);
typedef void (*setter_fn)(struct fc_tls_info *, const struct fc_value *);

/* A TEXT row is a member of struct fc_tls_info (offset, size); an OWN row
 * has functions. The DROP trick is http-fields.c's. */
static const struct {
    size_t offset;
    size_t size;
    getter_fn get;
    setter_fn set;
} sources[FC_TLS_FIELD_COUNT] = {
#define DROP(name)
#define SOURCE_TEXT(member)                                                                     \
    { offsetof(struct fc_tls_info, member), sizeof((struct fc_tls_info *)0)->member, NULL, NULL } \
    DROP
#define SOURCE_OWN(name) { 0, 0, get_##name, set_##name }
#define FC_TLS_FIELD(name, source, ipfix) [FC_TF_##name] = SOURCE_##source(name),
#include "formats/tls-fields.def"
#undef FC_TLS_FIELD
};

static void handshake_values(const void *item, struct fc_value *v)
{
    const struct fc_tls_info *t = item;
    memset(v, 0, FC_TLS_FIELD_COUNT * sizeof *v);
    for (int f = 0; f < FC_TLS_FIELD_COUNT; f++) {
        if (sources[f].get) {
            sources[f].get(t, &v[f]);
            continue;
        }
        const char *s = (const char *)t + sources[f].offset;
        if (s[0]) {
            v[f].kind = FC_VALUE_STRING;
            v[f].s = s;
        }
    }
}

static bool handshake_from_values(void *item, const struct fc_value *v)
{
    struct fc_tls_info *t = item;
    for (int f = 0; f < FC_TLS_FIELD_COUNT; f++) {
        if (sources[f].set)
            sources[f].set(t, &v[f]);
        else if (v[f].kind == FC_VALUE_STRING)
            snprintf((char *)t + sources[f].offset, sources[f].size, "%s", v[f].s);
    }
    return true;
}

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
    .values = handshake_values,
    .from_values = handshake_from_values,
};
