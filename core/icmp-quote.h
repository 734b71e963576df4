/*
 * The packet an ICMP or ICMPv6 error message quotes (RFC 792, RFC 4443
 * 2.4(c)): its IP header and the start of its transport header, read into
 * a flow key, so that the error can be joined to the flow it reports on.
 */
#ifndef FC_CORE_ICMP_QUOTE_H
#define FC_CORE_ICMP_QUOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fc_icmp_quote {
    uint8_t ip_version; /* 4 or 6 */
    uint8_t proto;      /* after IPv6 extension headers */
    uint8_t src[16];    /* 4 bytes used for IPv4 */
    uint8_t dst[16];
    bool has_ports;     /* TCP, UDP, SCTP ports or ICMP type/code were quoted */
    uint16_t sport;     /* ICMP: Community ID mapping, as flow keys */
    uint16_t dport;
    bool one_way;
};

/* Reads the quoted packet of an error message (msg starts at the ICMP
 * type byte); false when the message is not an error or the quote is too
 * short for an IP header. */
bool fc_icmp_quote_read(bool v6, const uint8_t *msg, size_t len, struct fc_icmp_quote *q);

#endif
