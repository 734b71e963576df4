/*
 * What the L7 dissectors report in a flow record, by section: a section is
 * one protocol's part of the record (the HTTP transactions, ...), a list of
 * items of that protocol's type. formats/section.h names their fields for
 * the writers.
 */
#ifndef FC_CORE_L7_ITEMS_H
#define FC_CORE_L7_ITEMS_H

#include <stdbool.h>
#include <stdint.h>

enum fc_section_id {
    FC_SECTION_HTTP, /* struct fc_http_tx (core/http-tx.h) */
    FC_SECTION_TLS,  /* struct fc_tls_info (core/tls-info.h), at most one */
    FC_SECTION_CERTIFICATES, /* struct fc_tls_certificate (core/tls-certificate.h) */
    FC_SECTION_SSH,  /* struct fc_ssh_info (core/ssh-info.h), at most one */
    FC_SECTION_DNS,  /* struct fc_dns_tx (core/dns-tx.h) */
    FC_SECTION_DNS_RECORDS, /* struct fc_dns_record (core/dns-tx.h) */
    FC_SECTION_ICMP, /* struct fc_icmp_info (core/icmp-info.h), at most one */
    FC_SECTION_ICMP_QUOTED, /* struct fc_icmp_quoted (core/icmp-info.h) */
    FC_SECTION_DHCP, /* struct fc_dhcp_item (core/dhcp-info.h) */
    FC_SECTION_QUIC, /* struct fc_quic_info (core/quic-info.h), at most one */
    FC_SECTION_SMB,  /* struct fc_smb_item (core/smb-info.h) */
    FC_SECTION_SIP,  /* struct fc_sip_tx (core/sip-tx.h) */
    FC_SECTION_TUNNEL, /* struct fc_tunnel_item (core/tunnel-info.h): not L7, the flow's tunnel layers */
    FC_SECTION_COUNT
};

struct fc_l7_items {
    bool present;      /* the section's dissector recognised the flow */
    uint32_t count;
    const void *items; /* count items, owned by the dissector's state */
};

#endif
