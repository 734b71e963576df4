/*
 * Names of ICMP (RFC 792 and its successors) and ICMPv6 (RFC 4443 and its
 * successors) types and codes, from the IANA registries, as lower-case
 * hyphenated identifiers ("destination-unreachable", "port-unreachable").
 */
#ifndef FC_CORE_ICMP_NAMES_H
#define FC_CORE_ICMP_NAMES_H

#include <stdbool.h>
#include <stdint.h>

/* NULL when unassigned. */
const char *fc_icmp_type_name(bool v6, uint8_t type);
/* NULL when the type has no named codes or the code is unassigned. */
const char *fc_icmp_code_name(bool v6, uint8_t type, uint8_t code);
/* Error messages, which quote the packet that caused them. */
bool fc_icmp_is_error(bool v6, uint8_t type);

#endif
