/*
 * The flow record as named, typed values (rows of fields.def), shared by
 * every text writer so a field is added in one place.
 */
#ifndef FC_FIELDS_H
#define FC_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/flow.h"

enum fc_value_kind {
    FC_VALUE_NULL,
    FC_VALUE_UINT,
    FC_VALUE_BOOL,
    FC_VALUE_STRING,
    FC_VALUE_SECONDS, /* a duration, held in nanoseconds */
};

struct fc_value {
    enum fc_value_kind kind;
    uint64_t u;
    bool b;
    fc_time ns;
    const char *s; /* points into buf, the record, or static text */
    char buf[64];
};

struct fc_capture_table;

/* What getters need beyond the record. */
struct fc_field_ctx {
    const struct fc_capture_table *captures; /* indexed by fc_provenance.input */
};

enum fc_field_group {
    FC_GROUP_NONE,
    FC_GROUP_FIRST_PACKET,
    FC_GROUP_LAST_PACKET,
    FC_GROUP_TCP,
};

struct fc_field {
    const char *name;
    enum fc_field_group group;
    void (*get)(const struct fc_field_ctx *ctx, const struct fc_flow_record *r,
                struct fc_value *v);
};

extern const struct fc_field fc_fields[];
extern const size_t fc_field_count;

/* The JSON object name of a group ("tcp"), NULL for FC_GROUP_NONE. */
const char *fc_group_name(enum fc_field_group g);
/* False when the whole group does not apply (tcp for a UDP flow). */
bool fc_group_present(enum fc_field_group g, const struct fc_flow_record *r);

/* CSV column name: "group.name" or "name". */
void fc_field_column(const struct fc_field *f, char *out, size_t size);

#endif
