/* Pieces shared by the IPv4 and IPv6 decoders. */
#ifndef FC_IP_COMMON_H
#define FC_IP_COMMON_H

#include "core/decode.h"

#define FC_IPPROTO_HOPOPTS 0
#define FC_IPPROTO_IPIP 4
#define FC_IPPROTO_IPV6 41
#define FC_IPPROTO_ROUTING 43
#define FC_IPPROTO_GRE 47
#define FC_IPPROTO_FRAGMENT 44
#define FC_IPPROTO_ESP 50
#define FC_IPPROTO_AH 51
#define FC_IPPROTO_NONE 59
#define FC_IPPROTO_DSTOPTS 60
#define FC_IPPROTO_MOBILITY 135
#define FC_IPPROTO_HIP 139
#define FC_IPPROTO_SHIM6 140

/* Steps over an AH header at p->ip.l4_off, so that the flow is keyed on
 * the protocol AH protects, as Wireshark and Suricata decode it. */
enum fc_verdict fc_skip_ah(struct fc_counters *cnt, struct fc_packet *p);

#endif
