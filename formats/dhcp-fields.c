/* The DHCP section: from a message to typed values and back. */
#include "formats/dhcp-fields.h"

#include <string.h>

#include "formats/ipfix-map.h"

static const struct fc_section_field fields[FC_DHCP_FIELD_COUNT] = {
#define FC_DHCP_FIELD(name, source, ipfix) { #name, NULL, ipfix },
#include "formats/dhcp-fields.def"
#undef FC_DHCP_FIELD
};

/* ---- the fields that are not plain texts: get_<name>, set_<name> -------- */

static void set_uint(struct fc_value *v, bool present, uint64_t n)
{
    if (present) {
        v->kind = FC_VALUE_UINT;
        v->u = n;
    }
}

static void get_addr4(struct fc_value *v, const struct fc_dhcp_addr4 *a)
{
    if (a->has) {
        v->kind = FC_VALUE_IPV4;
        for (int i = 0; i < 4; i++)
            v->bytes[i] = (uint8_t)(a->addr >> (24 - 8 * i));
    }
}

static void set_addr4(struct fc_dhcp_addr4 *a, const struct fc_value *v)
{
    a->has = v->kind == FC_VALUE_IPV4;
    a->addr = 0;
    for (int i = 0; a->has && i < 4; i++)
        a->addr = a->addr << 8 | v->bytes[i];
}

#define GET(name) FC_ITEM_GET(struct fc_dhcp_item, m, name)
#define SET(name) FC_ITEM_SET(struct fc_dhcp_item, m, name)

GET(time)
{
    v->kind = FC_VALUE_TIME;
    v->ns = m->ts;
}
SET(time) { m->ts = v->ns; }

GET(version) { set_uint(v, true, m->version); }
SET(version) { m->version = (uint8_t)v->u; }

GET(xid) { set_uint(v, true, m->xid); }
SET(xid) { m->xid = (uint32_t)v->u; }

GET(client_mac)
{
    if (m->has_mac) {
        v->kind = FC_VALUE_MAC;
        memcpy(v->bytes, m->mac, sizeof m->mac);
    }
}
SET(client_mac)
{
    m->has_mac = v->kind == FC_VALUE_MAC;
    if (m->has_mac)
        memcpy(m->mac, v->bytes, sizeof m->mac);
}

GET(requested_addr) { get_addr4(v, &m->requested_addr); }
SET(requested_addr) { set_addr4(&m->requested_addr, v); }

GET(assigned_addr) { get_addr4(v, &m->assigned_addr); }
SET(assigned_addr) { set_addr4(&m->assigned_addr, v); }

GET(client_addr) { get_addr4(v, &m->client_addr); }
SET(client_addr) { set_addr4(&m->client_addr, v); }

GET(server_id) { get_addr4(v, &m->server_id); }
SET(server_id) { set_addr4(&m->server_id, v); }

GET(lease_time) { set_uint(v, m->has_lease, m->lease_time); }
SET(lease_time)
{
    m->has_lease = v->kind == FC_VALUE_UINT;
    m->lease_time = (uint32_t)v->u;
}

/* ---- the table ------------------------------------------------------------ */

static const struct fc_arena_source sources[FC_DHCP_FIELD_COUNT] = {
#define SOURCE_TEXT(which) { FC_DHCP_T_##which, NULL, NULL } FC_ITEM_DROP
#define SOURCE_OWN FC_ARENA_OWN
#define FC_DHCP_FIELD(name, source, ipfix) [FC_DF_##name] = SOURCE_##source(name),
#include "formats/dhcp-fields.def"
#undef FC_DHCP_FIELD
};

const struct fc_section fc_section_dhcp = {
    .name = "dhcp",
    .csv_name = "dhcp.csv",
    .items_name = "DHCP messages",
    .id = FC_SECTION_DHCP,
    .nfields = FC_DHCP_FIELD_COUNT,
    .fields = fields,
    .truncated_field = -1,
    .item_size = sizeof(struct fc_dhcp_item),
    .arena = sources,
    .arena_at = offsetof(struct fc_dhcp_item, arena),
    .slots_at = offsetof(struct fc_dhcp_item, text),
};
