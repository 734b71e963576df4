/*
 * The flow index (flows.index): for every flow record of a convert run,
 * where its packets are in the evidence, so that `flowcase extract` reads
 * only those. docs/extract.md describes the format; in short, all
 * integers little-endian:
 *
 *   header   "FCINDEX1" | version u32 (1) | reserved u32
 *   parts    packet lists, in the order records ended; a long flow's list
 *            is written in parts as it grows, each naming the one before:
 *              kind u8 (1: part, 2: a record's last part) |
 *              [kind 2: the record's FC_INDEX_FLOW_SIZE entry, below] |
 *              previous part's offset u64 (0: none) | entries u32 |
 *              bytes u32 | entries (core/packet-list.h)
 *   entry      flow_id 12 | packets u64 | first, last time i64 (ns) |
 *              src, dst address 16 each | src, dst port u16 |
 *              ip version u8 | protocol u8 | flags u8 (1: the list is
 *              incomplete) | reserved 1 | community_id 32 (text,
 *              NUL-padded) | reserved to 128 bytes
 *   flows    per record, sorted by flow_id: flow_id 12 | offset of its
 *            kind 2 part u64
 *   captures per capture stream (the provenance index of its packets):
 *              path length u16 | the input's path as the manifest gives
 *              it | capture u32 (its place in that input's captures) |
 *              packets u64 | contexts u32 | overflow u8 | reserved 3 |
 *              context offsets u64 each
 *   trailer  flows offset u64 | flows u64 | captures offset u64 |
 *            captures u32 | version u32 | "FCINDEXT"
 */
#ifndef FC_FLOW_INDEX_H
#define FC_FLOW_INDEX_H

#include <stdio.h>

#include "core/flow.h"
#include "core/packet-list.h"
#include "formats/diag.h"

#define FC_INDEX_FLOW_SIZE 128u
#define FC_INDEX_ID_LEN 12u /* flow_id's 96 bits */

/* What the index knows of a record: enough to select it. */
struct fc_index_flow {
    uint8_t id[FC_INDEX_ID_LEN];
    uint64_t offset;      /* of its record part in the index */
    uint64_t packets;     /* the record's packet count */
    fc_time first_ts;
    fc_time last_ts;
    uint8_t src[16];
    uint8_t dst[16];
    uint16_t sport;
    uint16_t dport;
    uint8_t ip_version;
    uint8_t proto;
    bool incomplete;      /* some places were lost at conversion (out of memory) */
    char community_id[FC_COMMUNITY_ID_LEN + 2];
};

/* One capture stream, as the index names it. */
struct fc_index_capture {
    const char *path; /* the input's, as named (what the manifest's inputs[].path says) */
    uint32_t capture; /* in that input's captures */
    uint64_t packets;
    uint64_t *contexts; /* offsets of pcapng section and interface blocks */
    uint32_t ncontexts;
    bool contexts_overflow;
};

/* flow_id text (24 hex digits) to its 12 bytes; false when it is not one. */
bool fc_index_id_parse(const char *text, uint8_t id[FC_INDEX_ID_LEN]);
void fc_index_flow_from_record(const struct fc_flow_record *r, struct fc_index_flow *out);

/* ---- Writing (convert) ---- */

struct fc_index_writer;

/* Starts the index in f (which the writer then owns). NULL: out of memory. */
struct fc_index_writer *fc_index_writer_open(FILE *f);
/* Writes the list as a part and empties it (flow-table spill). */
void fc_index_spill(struct fc_index_writer *w, struct fc_packet_list *l);
/* Writes a record's list and remembers its entry. */
void fc_index_add(struct fc_index_writer *w, const struct fc_flow_record *r);
/* Writes the flows and captures tables and the trailer, and closes the
 * file. 0, or -1 when anything failed to write (errno). */
int fc_index_writer_close(struct fc_index_writer *w, const struct fc_index_capture *captures,
                          uint32_t ncaptures);

/* ---- Reading (extract) ---- */

struct fc_index;

/* Opens and checks the index. NULL with a message in err. */
struct fc_index *fc_index_open(const char *path, char *err, size_t errlen);
void fc_index_close(struct fc_index *x);

uint64_t fc_index_nflows(const struct fc_index *x);
uint32_t fc_index_ncaptures(const struct fc_index *x);
const struct fc_index_capture *fc_index_capture(const struct fc_index *x, uint32_t i);

/* The i-th flow (in flow_id order), or the flow with that id: 0, 1 when
 * there is none, -1 when the index is damaged (message in err). */
int fc_index_flow_at(struct fc_index *x, uint64_t i, struct fc_index_flow *out, char *err,
                     size_t errlen);
int fc_index_find(struct fc_index *x, const uint8_t id[FC_INDEX_ID_LEN],
                  struct fc_index_flow *out, char *err, size_t errlen);

/* The flow's packets, in the order the flow received them: a malloc'd
 * array of *n entries, or NULL with a message in err. */
struct fc_packet_entry *fc_index_packets(struct fc_index *x, const struct fc_index_flow *f,
                                         uint64_t *n, char *err, size_t errlen);

#endif
