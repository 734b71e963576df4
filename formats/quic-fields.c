/* The QUIC section: from a connection's start to typed values and back. */
#include "formats/quic-fields.h"

#include <stddef.h>
#include <stdio.h>

#include "formats/ipfix-map.h"

static const struct fc_section_field fields[FC_QUIC_FIELD_COUNT] = {
#define FC_QUIC_FIELD(name, source, ipfix) { #name, NULL, ipfix },
#include "formats/quic-fields.def"
#undef FC_QUIC_FIELD
};

/* A text that is known even when empty (a zero-length connection ID, an
 * empty server name): null only when `known` is false. */
static void get_known(struct fc_value *v, bool known, const char *text)
{
    if (known) {
        v->kind = FC_VALUE_STRING;
        v->s = text;
    }
}

static bool set_known(const struct fc_value *v, char *text, size_t size)
{
    if (v->kind != FC_VALUE_STRING)
        return false;
    snprintf(text, size, "%s", v->s);
    return true;
}

#define GET(name) FC_ITEM_GET(struct fc_quic_info, q, name)
#define SET(name) FC_ITEM_SET(struct fc_quic_info, q, name)

/* The client's two IDs come from the same packet: either sets the flag. */
GET(client_initial_dcid) { get_known(v, q->have_client_cids, q->client_initial_dcid); }
SET(client_initial_dcid)
{
    q->have_client_cids |=
        set_known(v, q->client_initial_dcid, sizeof q->client_initial_dcid);
}

GET(client_scid) { get_known(v, q->have_client_cids, q->client_scid); }
SET(client_scid) { q->have_client_cids |= set_known(v, q->client_scid, sizeof q->client_scid); }

GET(server_scid) { get_known(v, q->have_server_scid, q->server_scid); }
SET(server_scid) { q->have_server_scid = set_known(v, q->server_scid, sizeof q->server_scid); }

GET(sni) { get_known(v, q->tls.has_sni, q->tls.sni); }
SET(sni) { q->tls.has_sni = set_known(v, q->tls.sni, sizeof q->tls.sni); }

static const struct fc_fixed_source sources[FC_QUIC_FIELD_COUNT] = {
#define SOURCE_TEXT(member) FC_FIXED_TEXT(struct fc_quic_info, member)
#define SOURCE_OWN FC_FIXED_OWN
#define FC_QUIC_FIELD(name, source, ipfix) [FC_QF_##name] = SOURCE_##source(name),
#include "formats/quic-fields.def"
#undef FC_QUIC_FIELD
};

const struct fc_section fc_section_quic = {
    .name = "quic",
    .csv_name = "quic.csv",
    .items_name = "QUIC connection starts",
    .single = true,
    .id = FC_SECTION_QUIC,
    .nfields = FC_QUIC_FIELD_COUNT,
    .fields = fields,
    .truncated_field = -1,
    .item_size = sizeof(struct fc_quic_info),
    .fixed = sources,
};
