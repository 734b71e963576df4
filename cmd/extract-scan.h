/*
 * The flows extract works on, and how it finds them without an index: by
 * reading the case again with the conversion's own options (from its
 * manifest), keeping the packet lists of the records the selection names.
 * Slower than the index, but the same flows: the same engine, the same
 * options, the same inputs (checked by their SHA-256 as they are read).
 */
#ifndef FC_EXTRACT_SCAN_H
#define FC_EXTRACT_SCAN_H

#include <jansson.h>

#include "cmd/extract-select.h"
#include "formats/flow-index.h"

struct fc_extract_flow {
    struct fc_index_flow index;      /* identity, counts */
    struct fc_packet_entry *packets; /* from a scan; NULL when the index has them */
    uint64_t npackets;
    uint64_t selected;               /* packets kept by --direction and --packets */
    char id_text[2 * FC_INDEX_ID_LEN + 1];
};

/* One capture stream by its provenance index: where it is in the manifest,
 * and the blocks its packets depend on. */
struct fc_extract_capture {
    uint32_t input;    /* in the manifest's inputs */
    uint32_t position; /* in that input's captures */
    uint64_t *contexts;
    uint32_t ncontexts;
    bool contexts_complete;
};

struct fc_extract_captures {
    struct fc_extract_capture *items;
    uint32_t n;
};

const char *fc_extract_flow_id(struct fc_extract_flow *f);
void fc_extract_flows_free(struct fc_extract_flow *flows, size_t n);

/* The index's capture table, each stream found in the manifest (its
 * input by path, with the same packet count). Returns an exit status (0,
 * or FC_EXIT_* with a message in err). */
int fc_extract_captures_from_index(const struct fc_index *idx, json_t *manifest,
                                   struct fc_extract_captures *out, char *err, size_t errlen);
void fc_extract_captures_free(struct fc_extract_captures *c);

/* Reads the case of `manifest` again and returns the selected flows with
 * their packets, and the capture table of this reading. Returns an exit
 * status (0, or FC_EXIT_* with a message in err). */
int fc_extract_scan(json_t *manifest, const struct fc_selection *sel,
                    struct fc_extract_flow **flows, size_t *nflows,
                    struct fc_extract_captures *captures, char *err, size_t errlen);

#endif
