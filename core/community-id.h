/*
 * Community ID v1 (https://github.com/corelight/community-id-spec): the
 * flow hash Zeek, Suricata, Arkime and others log, so records can be
 * joined across tools.
 */
#ifndef FC_COMMUNITY_ID_H
#define FC_COMMUNITY_ID_H

#include <stdbool.h>
#include <stdint.h>

struct fc_community_tuple {
    const uint8_t *src; /* 4 or 16 bytes */
    const uint8_t *dst;
    unsigned addr_len;
    uint8_t proto;
    bool has_ports; /* TCP, UDP, SCTP, ICMP and ICMPv6 hash their ports */
    uint16_t sport; /* ICMP: type */
    uint16_t dport; /* ICMP: counterpart type, or code */
    bool one_way;   /* ICMP type without a counterpart: never reordered */
};

/* Writes "1:<base64>" (30 characters and a NUL) into out. */
void fc_community_id(const struct fc_community_tuple *t, uint16_t seed, char out[31]);

#endif
