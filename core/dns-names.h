/*
 * Mnemonics of DNS numbers as the IANA registries spell them (and Zeek,
 * Suricata and dig print them): resource record types, response codes.
 */
#ifndef FC_CORE_DNS_NAMES_H
#define FC_CORE_DNS_NAMES_H

#include <stdint.h>

/* "AAAA"; an unassigned type as RFC 3597 writes it ("TYPE65280"). */
#define FC_DNS_TYPE_NAME_MAX 16
const char *fc_dns_type_name(uint16_t type, char buf[FC_DNS_TYPE_NAME_MAX]);

/* "NXDOMAIN"; an unassigned code as "RCODE<n>". rcode may be an EDNS
 * extended code (12 bits, RFC 6891 6.1.3). */
#define FC_DNS_RCODE_NAME_MAX 16
const char *fc_dns_rcode_name(uint16_t rcode, char buf[FC_DNS_RCODE_NAME_MAX]);

#endif
