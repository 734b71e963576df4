/*
 * Sections of the flow record: the lists of items the L7 dissectors
 * report (core/l7-items.h), such as the HTTP transactions. A section is
 * described once — its items' fields with their names, groups and IPFIX
 * elements, and how to turn an item into values and back — and every
 * writer renders it from that: JSON lines as an array of objects, CSV as
 * a file of its own (one row per item), IPFIX as a list in the record.
 */
#ifndef FC_FORMATS_SECTION_H
#define FC_FORMATS_SECTION_H

#include <stddef.h>

#include "core/flow.h"
#include "core/l7-items.h"
#include "formats/ipfix.h"

#define FC_SECTION_MAX_FIELDS 64

struct fc_fixed_source;
struct fc_arena_source;

struct fc_section_field {
    const char *name;
    const char *group; /* a nested object ("ua"), or NULL */
    struct fc_ipfix_map ipfix;
};

struct fc_section {
    const char *name;     /* the record's JSON key */
    const char *csv_name; /* its CSV file */
    const char *items_name; /* what its items are, for messages */
    bool single; /* at most one item: JSON writes it as an object (or null) */
    enum fc_section_id id;
    unsigned nfields;
    const struct fc_section_field *fields;
    int truncated_field; /* the field an IPFIX writer sets when it cuts texts, or -1 */
    size_t item_size;
    /* How an item becomes values and back: a table of sources, one per
     * field (below: `fixed` for items whose texts are char arrays, or
     * `arena` with the offsets of the item's text arena and slots), or
     * functions. Use fc_section_values() and its siblings. */
    const struct fc_fixed_source *fixed;
    const struct fc_arena_source *arena;
    size_t arena_at; /* offsetof the item's struct fc_text_arena */
    size_t slots_at; /* offsetof its uint32_t text slots */
    /* The item's values, one per field (null where nothing applies). */
    void (*values)(const void *item, struct fc_value *v);
    /* The inverse, into a zeroed item; false when out of memory. */
    bool (*from_values)(void *item, const struct fc_value *v);
    /* Frees what an item filled by from_values holds; NULL when nothing. */
    void (*free_item)(void *item);
};

/* The values of an item of s, one per field (null where nothing applies). */
void fc_section_values(const struct fc_section *s, const void *item, struct fc_value *v);
/* The inverse, into a zeroed item; false when out of memory (the item
 * then holds nothing to free). */
bool fc_section_from_values(const struct fc_section *s, void *item, const struct fc_value *v);
/* Frees what an item filled by fc_section_from_values holds. */
void fc_section_free_item(const struct fc_section *s, void *item);

extern const struct fc_section *const fc_sections[FC_SECTION_COUNT];

/* ---- helpers for a section's values functions ----------------------------
 * A section's .def lists each field's source: a text slot or member of the
 * item, or OWN, a get_<name> and set_<name> in the section's file, taking
 * the item as `type *var` (each a typed function behind the untyped one). */
#define FC_ITEM_GET(type, var, name)                                                       \
    static void get_##name##_of(const type *var, struct fc_value *v);                       \
    static void get_##name(const void *item, struct fc_value *v) { get_##name##_of(item, v); } \
    static void get_##name##_of(const type *var, struct fc_value *v)
#define FC_ITEM_SET(type, var, name)                                                       \
    static void set_##name##_of(type *var, const struct fc_value *v);                       \
    static void set_##name(void *item, const struct fc_value *v) { set_##name##_of(item, v); } \
    static void set_##name##_of(type *var, const struct fc_value *v)
/* A time unless unknown (FC_TIME_UNKNOWN), and back. */
static inline void fc_item_set_time(struct fc_value *v, fc_time t)
{
    if (t != FC_TIME_UNKNOWN) {
        v->kind = FC_VALUE_TIME;
        v->ns = t;
    }
}
static inline fc_time fc_item_time(const struct fc_value *v)
{
    return v->kind == FC_VALUE_TIME ? v->ns : FC_TIME_UNKNOWN;
}
/* Drops a TEXT row's trailing (name) when the .def's source column is
 * pasted: a file defines SOURCE_TEXT(x) as { ... } FC_ITEM_DROP. */
#define FC_ITEM_DROP(name)

/* Items that keep their texts in a text arena (core/text-arena.h). */
struct fc_text_arena;

struct fc_arena_source {
    int text; /* the item's text slot, or -1: get and set */
    void (*get)(const void *item, struct fc_value *v);
    void (*set)(void *item, const struct fc_value *v);
};
#define FC_ARENA_OWN(name) { -1, get_##name, set_##name }

/* The values of an item (slots and arena are its texts'), one per field. */
void fc_arena_item_values(const struct fc_arena_source *src, unsigned n, const void *item,
                          const struct fc_text_arena *arena, const uint32_t *slots,
                          struct fc_value *v);
/* The inverse, into a zeroed item; false when out of memory. */
bool fc_arena_item_from_values(const struct fc_arena_source *src, unsigned n, void *item,
                               struct fc_text_arena *arena, uint32_t *slots,
                               const struct fc_value *v);
/* Items whose texts are NUL-terminated char arrays of their own (empty:
 * null); a text read back longer than its array is cut. */
struct fc_fixed_source {
    size_t offset; /* of a text member, when size > 0 */
    size_t size;
    void (*get)(const void *item, struct fc_value *v); /* else these */
    void (*set)(void *item, const struct fc_value *v);
};
#define FC_FIXED_TEXT(type, member) \
    { offsetof(type, member), sizeof((type *)0)->member, NULL, NULL } FC_ITEM_DROP
#define FC_FIXED_OWN(name) { 0, 0, get_##name, set_##name }

void fc_fixed_item_values(const struct fc_fixed_source *src, unsigned n, const void *item,
                          struct fc_value *v);
void fc_fixed_item_from_values(const struct fc_fixed_source *src, unsigned n, void *item,
                               const struct fc_value *v);

/* The section fields are the last of fields.def, in the order of
 * enum fc_section_id: a flow record's lists come after its plain fields. */
#define FC_FIRST_SECTION_FIELD FC_F_get_http
_Static_assert(FC_FIRST_SECTION_FIELD + FC_SECTION_COUNT == FC_FIELD_COUNT,
               "the section fields end fields.def");

/* The section a flow record field holds, NULL for the other fields. */
const struct fc_section *fc_field_section(enum fc_field_id f);
/* The flow record field that holds section s. */
enum fc_field_id fc_section_field(const struct fc_section *s);

#endif
