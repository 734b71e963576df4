/* The SMB section of the flow record, fields in smb-fields.def. */
#ifndef FC_FORMATS_SMB_FIELDS_H
#define FC_FORMATS_SMB_FIELDS_H

#include "core/smb-info.h"
#include "formats/section.h"

enum fc_smb_field_id {
#define FC_SMB_FIELD(name, source, ipfix) FC_SMBF_##name,
#include "formats/smb-fields.def"
#undef FC_SMB_FIELD
    FC_SMB_FIELD_COUNT
};

_Static_assert(FC_SMB_FIELD_COUNT <= FC_SECTION_MAX_FIELDS, "the section's fields fit");

extern const struct fc_section fc_section_smb;

#endif
