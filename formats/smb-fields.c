/* The SMB section: from an action to typed values and back. */
#include "formats/smb-fields.h"

#include "core/flow.h"
#include "formats/ipfix-map.h"

static const struct fc_section_field fields[FC_SMB_FIELD_COUNT] = {
#define FC_SMB_FIELD(name, source, ipfix) { #name, NULL, ipfix },
#include "formats/smb-fields.def"
#undef FC_SMB_FIELD
};

/* ---- the fields that are not plain texts: get_<name>, set_<name> -------- */

static void time_value(struct fc_value *v, fc_time t)
{
    if (t != FC_TIME_UNKNOWN) {
        v->kind = FC_VALUE_TIME;
        v->ns = t;
    }
}

static fc_time time_of(const struct fc_value *v)
{
    return v->kind == FC_VALUE_TIME ? v->ns : FC_TIME_UNKNOWN;
}

static void set_string(struct fc_value *v, const char *s)
{
    if (s) {
        v->kind = FC_VALUE_STRING;
        v->s = s;
    }
}

static const char *string_of(const struct fc_value *v)
{
    return v->kind == FC_VALUE_STRING ? v->s : "";
}

#define GET(name) FC_ITEM_GET(struct fc_smb_item, it, name)
#define SET(name) FC_ITEM_SET(struct fc_smb_item, it, name)

GET(time) { time_value(v, it->ts); }
SET(time) { it->ts = time_of(v); }

GET(action) { set_string(v, fc_smb_action_name(it->action)); }
SET(action) { (void)fc_smb_action_parse(string_of(v), &it->action); }

GET(version)
{
    if (it->version) {
        v->kind = FC_VALUE_UINT;
        v->u = it->version;
    }
}
SET(version) { it->version = v->kind == FC_VALUE_UINT ? (uint8_t)v->u : 0; }

GET(share_type) { set_string(v, fc_smb_share_type_name(it->share_type)); }
SET(share_type) { (void)fc_smb_share_type_parse(string_of(v), &it->share_type); }

GET(size)
{
    if (it->has_size) {
        v->kind = FC_VALUE_UINT;
        v->u = it->size;
    }
}
SET(size)
{
    it->has_size = v->kind == FC_VALUE_UINT;
    it->size = v->u;
}

GET(modified) { time_value(v, it->modified); }
SET(modified) { it->modified = time_of(v); }

/* ---- the table ------------------------------------------------------------ */

static const struct fc_arena_source sources[FC_SMB_FIELD_COUNT] = {
#define SOURCE_TEXT(which) { FC_SMB_##which, NULL, NULL } FC_ITEM_DROP
#define SOURCE_OWN FC_ARENA_OWN
#define FC_SMB_FIELD(name, source, ipfix) [FC_SMBF_##name] = SOURCE_##source(name),
#include "formats/smb-fields.def"
#undef FC_SMB_FIELD
};

static void smb_values(const void *item, struct fc_value *v)
{
    const struct fc_smb_item *it = item;
    fc_arena_item_values(sources, FC_SMB_FIELD_COUNT, it, &it->arena, it->text, v);
}

static bool smb_from_values(void *item, const struct fc_value *v)
{
    struct fc_smb_item *it = item;
    it->modified = FC_TIME_UNKNOWN;
    return fc_arena_item_from_values(sources, FC_SMB_FIELD_COUNT, it, &it->arena, it->text, v);
}

static void free_smb(void *item)
{
    fc_smb_item_free(item);
}

const struct fc_section fc_section_smb = {
    .name = "smb",
    .csv_name = "smb.csv",
    .items_name = "SMB actions",
    .id = FC_SECTION_SMB,
    .nfields = FC_SMB_FIELD_COUNT,
    .fields = fields,
    .truncated_field = -1,
    .item_size = sizeof(struct fc_smb_item),
    .values = smb_values,
    .from_values = smb_from_values,
    .free_item = free_smb,
};
