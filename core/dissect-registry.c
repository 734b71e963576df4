/*
 * The dissectors, in detection order: the one table to extend when a
 * protocol is added (core/dissect-<proto>.c).
 */
#include "core/dissect.h"

extern const struct fc_dissector fc_dissector_dns_tcp;
extern const struct fc_dissector fc_dissector_dns_udp;
extern const struct fc_dissector fc_dissector_dhcp;
extern const struct fc_dissector fc_dissector_dhcpv6;
extern const struct fc_dissector fc_dissector_dtls;
extern const struct fc_dissector fc_dissector_http;
extern const struct fc_dissector fc_dissector_icmp;
extern const struct fc_dissector fc_dissector_icmp6;
extern const struct fc_dissector fc_dissector_quic;
extern const struct fc_dissector fc_dissector_smb;
extern const struct fc_dissector fc_dissector_sip_tcp;
extern const struct fc_dissector fc_dissector_sip_udp;
extern const struct fc_dissector fc_dissector_ssh;
extern const struct fc_dissector fc_dissector_starttls;
extern const struct fc_dissector fc_dissector_tls;

const struct fc_dissector *const fc_dissectors[] = {
    &fc_dissector_http,
    &fc_dissector_tls,
    &fc_dissector_ssh,
    &fc_dissector_starttls,
    &fc_dissector_dns_tcp,
    &fc_dissector_dns_udp,
    &fc_dissector_icmp,
    &fc_dissector_icmp6,
    &fc_dissector_dhcp,
    &fc_dissector_dhcpv6,
    &fc_dissector_quic,
    &fc_dissector_dtls,
    &fc_dissector_smb,
    &fc_dissector_sip_tcp,
    &fc_dissector_sip_udp,
};

const unsigned fc_dissector_count = sizeof fc_dissectors / sizeof fc_dissectors[0];

/* core/l7.c keeps one bit per row in a uint32_t. */
_Static_assert(sizeof fc_dissectors / sizeof fc_dissectors[0] < 32, "too many dissectors");
