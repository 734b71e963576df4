/*
 * Values of IPFIX data records: as JSON (any exporter's records, named by
 * element) and as flowcase record rows (flowcase's own records, so that
 * reading an IPFIX file gives back exactly what convert wrote).
 */
#ifndef FC_IPFIX_VALUES_H
#define FC_IPFIX_VALUES_H

#include <jansson.h>

#include "formats/fields.h"
#include "formats/ipfix-reader.h"
#include "formats/section.h"

/* The element's name, or "ie<id>" / "e<pen>id<id>" when unknown. */
const char *fc_ipfix_name(const struct fc_ipfix_reader *r, const struct fc_ipfix_spec *spec,
                          char *buf, size_t size);

/* A record of any template as a JSON object: template id, observation
 * domain, then each field by name, decoded by its type (lists included). */
json_t *fc_ipfix_record_json(const struct fc_ipfix_reader *r, const struct fc_ipfix_data *d);

/* True for a record flowcase wrote (it carries fcFlowId). */
bool fc_ipfix_is_flowcase(const struct fc_ipfix_data *d);

/* The items of one section of the flow record being rebuilt. */
struct fc_ipfix_items {
    void *items; /* n items of the section's item_size */
    uint64_t n;
    uint64_t cap;
    uint64_t expected; /* fcListItemCount: the record's and its continuations' */
};

/* The lists of the flow record being rebuilt, by section. */
struct fc_ipfix_lists {
    struct fc_ipfix_items s[FC_SECTION_COUNT];
};

/* Empties the lists (keeping their memory); fc_ipfix_lists_free releases
 * them. */
void fc_ipfix_lists_reset(struct fc_ipfix_lists *lists);
void fc_ipfix_lists_free(struct fc_ipfix_lists *lists);
/* True when no list waits for continuation records. */
bool fc_ipfix_lists_complete(const struct fc_ipfix_lists *lists);

/* Rebuilds a flowcase record row; strings are copied into `text`, which
 * lives as long as the row is used, and its lists' items into `lists`
 * (incomplete when continuation records follow). */
#define FC_IPFIX_ROW_TEXT (FC_IPFIX_MAX_MESSAGE + FC_FIELD_COUNT)
void fc_ipfix_to_row(const struct fc_ipfix_reader *r, const struct fc_ipfix_data *d,
                     struct fc_row *row, char text[FC_IPFIX_ROW_TEXT],
                     struct fc_ipfix_lists *lists);

/* True for a continuation record (it carries fcListFirstIndex). */
bool fc_ipfix_is_continuation(const struct fc_ipfix_data *d);

/* Adds a continuation record's items to the list of the row it continues.
 * False, with nothing added, when it is not that list's next record. */
bool fc_ipfix_continue(const struct fc_ipfix_reader *r, const struct fc_ipfix_data *d,
                       struct fc_row *row, struct fc_ipfix_lists *lists);

#endif
