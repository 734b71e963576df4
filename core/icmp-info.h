/*
 * What the ICMP dissector reports of an ICMP or ICMPv6 flow: the names of
 * its type and code, and for error messages the flows their quoted packets
 * belong to. Read by the record writers through formats/icmp-fields.c and
 * formats/icmp-quoted-fields.c.
 */
#ifndef FC_CORE_ICMP_INFO_H
#define FC_CORE_ICMP_INFO_H

#include <stdbool.h>
#include <stdint.h>

#include "core/packet.h"

#define FC_ICMP_NAME_MAX 48

/* The flow's first message. Names are empty when unassigned. */
struct fc_icmp_info {
    uint8_t type, code;
    char type_name[FC_ICMP_NAME_MAX];
    char code_name[FC_ICMP_NAME_MAX];
};

/* One flow the flow's error messages quote a packet of. */
struct fc_icmp_quoted {
    char src_ip[46]; /* text, as the record's addresses */
    char dst_ip[46];
    uint8_t proto;
    bool has_ports;
    uint16_t src_port; /* ICMP: type, then counterpart type or code */
    uint16_t dst_port;
    char community_id[31]; /* empty when the ports were not quoted */
    uint32_t messages;     /* error messages quoting it */
    fc_time first_ts;      /* the first of them */
};

#endif
