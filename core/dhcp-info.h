/*
 * One DHCP message as the DHCP dissector reports it: the values of
 * core/dhcp-msg.h's struct fc_dhcp4 or fc_dhcp6 that a flow record shows
 * (about 4 KB of fixed arrays there), the texts present copied into one
 * per-item buffer. Read by the record writers through
 * formats/dhcp-fields.c.
 */
#ifndef FC_CORE_DHCP_INFO_H
#define FC_CORE_DHCP_INFO_H

#include <stdbool.h>
#include <stdint.h>

#include "core/packet.h"
#include "core/text-arena.h"

struct fc_dhcp4;
struct fc_dhcp6;

enum fc_dhcp_text {
    FC_DHCP_T_MSG_TYPE,     /* "DISCOVER", "SOLICIT", "unknown-message-type-N" */
    FC_DHCP_T_HOSTNAME,     /* v4 option 12 */
    FC_DHCP_T_CLIENT_FQDN,  /* v4 option 81, v6 option 39 */
    FC_DHCP_T_DOMAIN,       /* v4 option 15 */
    FC_DHCP_T_VENDOR_CLASS, /* v4 option 60, v6 option 16 */
    FC_DHCP_T_PARAM_LIST,   /* v4 option 55, v6 option 6: "1,3,6,15" */
    FC_DHCP_T_MESSAGE,      /* v4 option 56 */
    FC_DHCP_T_CLIENT_ID,    /* v4 option 61, hex */
    FC_DHCP_T_CLIENT_DUID,  /* v6 option 1, hex */
    FC_DHCP_T_SERVER_DUID,  /* v6 option 2, hex */
    FC_DHCP_T_ADDRESSES,    /* v6 IA addresses, ','-joined */
    FC_DHCP_T_PREFIXES,     /* v6 IA prefixes, ','-joined */
    FC_DHCP_T_COUNT
};

/* An IPv4 address of the message, host order, when `has`. */
struct fc_dhcp_addr4 {
    bool has;
    uint32_t addr;
};

struct fc_dhcp_item {
    uint32_t text[FC_DHCP_T_COUNT]; /* offset + 1 in `arena`; 0 when absent */
    struct fc_text_arena arena;
    fc_time ts;      /* the datagram's packet */
    uint8_t version; /* 4 or 6 */
    uint32_t xid;    /* v6: 24 bits */
    bool has_mac;
    uint8_t mac[6];  /* v4 chaddr (Ethernet), v6 from a DUID-LLT/LL */
    struct fc_dhcp_addr4 requested_addr; /* option 50 */
    struct fc_dhcp_addr4 assigned_addr;  /* yiaddr of an OFFER or ACK */
    struct fc_dhcp_addr4 client_addr;    /* ciaddr */
    struct fc_dhcp_addr4 server_id;      /* option 54 */
    bool has_lease;
    uint32_t lease_time; /* option 51, seconds */
};

/* Fill a zeroed *it from a parsed message, the texts present copied into
 * one buffer of their exact size. False when out of memory (the item then
 * holds nothing to free). */
bool fc_dhcp_item_from4(struct fc_dhcp_item *it, const struct fc_dhcp4 *m, fc_time ts);
bool fc_dhcp_item_from6(struct fc_dhcp_item *it, const struct fc_dhcp6 *m, fc_time ts);

/* A text of the item, NULL when absent. */
static inline const char *fc_dhcp_item_text(const struct fc_dhcp_item *it,
                                            enum fc_dhcp_text which)
{
    return fc_text_arena_get(&it->arena, it->text[which]);
}

void fc_dhcp_item_free(struct fc_dhcp_item *it);

#endif
