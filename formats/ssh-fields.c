/* The SSH section: from a connection's start to typed values and back. */
#include "formats/ssh-fields.h"

#include "formats/ipfix-map.h"

static const struct fc_section_field fields[FC_SSH_FIELD_COUNT] = {
#define FC_SSH_FIELD(name, source, ipfix) { #name, NULL, ipfix },
#include "formats/ssh-fields.def"
#undef FC_SSH_FIELD
};

#define GET(name) FC_ITEM_GET(struct fc_ssh_info, s, name)
#define SET(name) FC_ITEM_SET(struct fc_ssh_info, s, name)

GET(version)
{
    if (s->version) {
        v->kind = FC_VALUE_UINT;
        v->u = s->version;
    }
}
SET(version) { s->version = (uint8_t)v->u; }

static const struct fc_fixed_source sources[FC_SSH_FIELD_COUNT] = {
#define SOURCE_TEXT(member) FC_FIXED_TEXT(struct fc_ssh_info, member)
#define SOURCE_OWN FC_FIXED_OWN
#define FC_SSH_FIELD(name, source, ipfix) [FC_SSF_##name] = SOURCE_##source(name),
#include "formats/ssh-fields.def"
#undef FC_SSH_FIELD
};

const struct fc_section fc_section_ssh = {
    .name = "ssh",
    .csv_name = "ssh.csv",
    .items_name = "SSH connection starts",
    .single = true,
    .id = FC_SECTION_SSH,
    .nfields = FC_SSH_FIELD_COUNT,
    .fields = fields,
    .truncated_field = -1,
    .item_size = sizeof(struct fc_ssh_info),
    .fixed = sources,
};
