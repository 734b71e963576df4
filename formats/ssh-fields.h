/* The SSH section of the flow record, fields in ssh-fields.def. */
#ifndef FC_FORMATS_SSH_FIELDS_H
#define FC_FORMATS_SSH_FIELDS_H

#include "core/ssh-info.h"
#include "formats/section.h"

enum fc_ssh_field_id {
#define FC_SSH_FIELD(name, source, ipfix) FC_SSF_##name,
#include "formats/ssh-fields.def"
#undef FC_SSH_FIELD
    FC_SSH_FIELD_COUNT
};

_Static_assert(FC_SSH_FIELD_COUNT <= FC_SECTION_MAX_FIELDS, "the section's fields fit");

extern const struct fc_section fc_section_ssh;

#endif
