/*
 * The flow record as a row of named, typed values (one per row of
 * fields.def), shared by every writer so a field is added in one place.
 */
#ifndef FC_FIELDS_H
#define FC_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/flow.h"
#include "formats/value.h"

enum fc_field_id {
#define FC_FIELD(name, group, getter, ipfix) FC_F_##getter,
#include "formats/fields.def"
#undef FC_FIELD
    FC_FIELD_COUNT
};

enum fc_field_group {
    FC_GROUP_NONE,
    FC_GROUP_FIRST_PACKET,
    FC_GROUP_LAST_PACKET,
    FC_GROUP_TCP,
    FC_GROUP_COUNT
};

struct fc_field {
    const char *name;
    enum fc_field_group group;
};

extern const struct fc_field fc_fields[FC_FIELD_COUNT];

/* One record's values. A group that does not apply (tcp for a UDP flow)
 * has all its values null and is written as a whole null. */
struct fc_row {
    struct fc_value v[FC_FIELD_COUNT];
    bool group_present[FC_GROUP_COUNT];
};

struct fc_capture_table;

/* Fills a row from a flow record; `captures` names the inputs. */
void fc_row_from_record(struct fc_row *row, const struct fc_flow_record *r,
                        const struct fc_capture_table *captures);

/* The JSON object name of a group ("tcp"), NULL for FC_GROUP_NONE. */
const char *fc_group_name(enum fc_field_group g);

/* CSV column name: "group.name" or "name". */
void fc_field_column(const struct fc_field *f, char *out, size_t size);

#endif
