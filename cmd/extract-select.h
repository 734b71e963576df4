/*
 * Which flows and which of their packets `flowcase extract` takes: by
 * flow_id, by Community ID, or by a 5-tuple (either orientation) within a
 * time window; then optionally one direction and a range of the flow's
 * packets.
 */
#ifndef FC_EXTRACT_SELECT_H
#define FC_EXTRACT_SELECT_H

#include <stdio.h>

#include "core/packet-list.h"
#include "formats/flow-index.h"

enum fc_direction {
    FC_DIRECTION_BOTH,
    FC_DIRECTION_SRC, /* packets the record's src (the initiator) sent */
    FC_DIRECTION_DST,
};

struct fc_selection {
    uint8_t (*ids)[FC_INDEX_ID_LEN]; /* --flow-id, --flow-ids */
    size_t nids;
    const char *community_id;
    bool has_tuple;
    uint8_t proto;
    uint8_t ip_version;
    uint8_t addr[2][16];
    uint16_t port[2];
    fc_time from; /* INT64_MIN: open */
    fc_time to;   /* INT64_MAX: open */
    enum fc_direction direction;
    uint64_t first_packet; /* 1-based, inclusive */
    uint64_t last_packet;
};

void fc_selection_init(struct fc_selection *s);
void fc_selection_free(struct fc_selection *s);

/* Option values; each returns 0, or -1 with a message in err. */
int fc_selection_add_id(struct fc_selection *s, const char *text, char *err, size_t errlen);
/* One flow_id per line ('#' comments and blank lines skipped). */
int fc_selection_add_ids(struct fc_selection *s, FILE *f, const char *name, char *err,
                         size_t errlen);
/* PROTO,ADDR,PORT,ADDR,PORT (PROTO: tcp, udp, icmp, icmp6, sctp or a number). */
int fc_selection_set_tuple(struct fc_selection *s, const char *text, char *err, size_t errlen);
int fc_selection_set_packets(struct fc_selection *s, const char *text, char *err, size_t errlen);
int fc_selection_set_direction(struct fc_selection *s, const char *text, char *err,
                               size_t errlen);

/* True when the flow matches --community-id or --tuple (and the window). */
bool fc_selection_matches(const struct fc_selection *s, const struct fc_index_flow *f);

/* Keeps the flow's packets the direction and range ask for, in place;
 * returns how many remain. */
uint64_t fc_selection_packets(const struct fc_selection *s, struct fc_packet_entry *e,
                              uint64_t n);

#endif
