/*
 * One DHCPv4 or DHCPv6 message parsed into a plain struct, for the DHCP
 * dissector (which handles UDP 67/68 and 546/547 and hands over one UDP
 * payload).
 *
 * DHCPv4: the BOOTP header (RFC 2131 2, RFC 951), then after the magic
 * cookie the options (RFC 2132), with pad and end (RFC 2132 3.1-3.2),
 * option overload 52 (RFC 2132 9.3: options also in the 'file' and then
 * the 'sname' field), and long options split into several instances of
 * one code, which are joined in order (RFC 3396 5: options field, then file,
 * then sname). The client FQDN option 81 (RFC 4702) is decoded from DNS
 * wire format when its E flag is set, taken as ASCII otherwise.
 *
 * DHCPv6 (RFC 8415 8-9, 21): the message type, transaction id and
 * options; Relay-forw and Relay-repl are unwrapped through their Relay
 * Message option down to the client/server message, whose options fill
 * the struct. Identity associations (IA_NA, IA_TA, IA_PD) with their
 * addresses and prefixes, the client and server DUIDs, the client FQDN
 * option 39 (RFC 4704), Vendor Class 16, the Option Request option 6,
 * Elapsed Time and Status Code are read.
 *
 * Texts are NUL-terminated and printable: every byte outside 0x20-0x7e,
 * and '\', is written as "\xHH" (two lowercase hex digits), so no text
 * holds a control byte or a NUL and the escaping can be undone. Trailing
 * NULs of a DHCPv4 text option (a C terminator many clients send) are left
 * out before that. Texts, lists and hex strings have fixed caps; what does
 * not fit is counted in `text_dropped` or the list's `dropped`.
 *
 * An option whose contents do not fit its definition (a wrong length, a
 * bad label) is counted in `bad_options` and otherwise ignored. The struct
 * is always consistent (texts terminated, counts within caps) and holds
 * what the bytes before any fault gave, so a dissector can still log it
 * when the status is not FC_DHCP_OK.
 */
#ifndef FC_CORE_DHCP_MSG_H
#define FC_CORE_DHCP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/capped-list.h"

enum fc_dhcp_status {
    FC_DHCP_OK = 0,
    FC_DHCP_TRUNCATED = -1, /* the bytes end before the message does */
    FC_DHCP_MALFORMED = -2, /* lengths inside the message disagree, or a
                             * DHCPv4 op is neither request nor reply */
    FC_DHCP_TOO_DEEP = -3,  /* DHCPv6 relays nested past FC_DHCP6_MAX_RELAYS */
};

/* One DHCP text: a DNS name is at most 255 bytes (RFC 1035 2.3.4), and so
 * is a DHCPv4 option; escapes take room too. */
#define FC_DHCP_TEXT_LEN 255

/* ---------------------------------------------------------------- DHCPv4 */

#define FC_DHCP4_BOOTREQUEST 1
#define FC_DHCP4_BOOTREPLY 2

/* Option 53 values (RFC 2132 9.6, RFC 3203, RFC 4388, RFC 6926, RFC 7724). */
#define FC_DHCP4_DISCOVER 1
#define FC_DHCP4_OFFER 2
#define FC_DHCP4_REQUEST 3
#define FC_DHCP4_DECLINE 4
#define FC_DHCP4_ACK 5
#define FC_DHCP4_NAK 6
#define FC_DHCP4_RELEASE 7
#define FC_DHCP4_INFORM 8

/* RFC 4702 2.1 flags of option 81. */
#define FC_DHCP4_FQDN_S 0x01
#define FC_DHCP4_FQDN_O 0x02
#define FC_DHCP4_FQDN_E 0x04 /* the name is in DNS wire format */
#define FC_DHCP4_FQDN_N 0x08

/* Caps: a joined option keeps at most 255 bytes (one instance's worth;
 * the longest real parameter request lists have about 60 codes); the
 * option codes of a message, pad and end left out, up to 64. */
#define FC_DHCP4_VALUE_MAX 255
#define FC_DHCP4_MAX_OPTIONS 64
#define FC_DHCP4_CLIENT_ID_HEX (2 * FC_DHCP4_VALUE_MAX + 1)
/* "1,3,6,...": up to 4 characters a code. */
#define FC_DHCP4_PRL_TEXT (4 * FC_DHCP4_VALUE_MAX + 1)

struct fc_dhcp4 {
    /* BOOTP header (RFC 2131 2). Addresses and numbers in host order:
     * 128.2.6.189 is 0x800206bd. */
    uint8_t op; /* FC_DHCP4_BOOTREQUEST or FC_DHCP4_BOOTREPLY */
    uint8_t htype, hlen, hops;
    uint32_t xid;
    uint16_t secs, flags;
    uint32_t ciaddr, yiaddr, siaddr, giaddr;
    uint8_t chaddr[16];
    char client_mac[18]; /* "90:b1:1c:99:49:29" when htype 1 and hlen 6 */

    bool is_dhcp;     /* the magic cookie follows the header: else plain
                       * BOOTP and nothing below is set */
    uint8_t overload; /* option 52: 1 file, 2 sname, 3 both; 0 absent */
    uint8_t msg_type; /* option 53; 0 absent */
    bool has_requested;
    uint32_t requested_addr; /* 50 */
    bool has_server_id;
    uint32_t server_id; /* 54 */
    bool has_lease;
    uint32_t lease_time; /* 51, seconds */
    bool has_hostname;
    char hostname[FC_DHCP_TEXT_LEN + 1]; /* 12 */
    bool has_fqdn;
    uint8_t fqdn_flags;                     /* 81: FC_DHCP4_FQDN_* */
    char client_fqdn[FC_DHCP_TEXT_LEN + 1]; /* 81's name, without a final dot */
    char domain[FC_DHCP_TEXT_LEN + 1];      /* 15 */
    char vendor_class[FC_DHCP_TEXT_LEN + 1]; /* 60 */
    char message[FC_DHCP_TEXT_LEN + 1];     /* 56 */
    char client_id[FC_DHCP4_CLIENT_ID_HEX]; /* 61, lowercase hex, type byte first */
    /* 55, the client's DHCP fingerprint, in wire order. */
    FC_CAPPED_LIST(uint8_t, FC_DHCP4_VALUE_MAX) prl;
    /* Codes of the options present, in wire order (a repeated code once
     * per instance), overloaded fields included. */
    FC_CAPPED_LIST(uint8_t, FC_DHCP4_MAX_OPTIONS) options;
    uint32_t text_dropped; /* bytes left out of texts and client_id */
    uint32_t bad_options;
};

/* Reads one DHCPv4/BOOTP message: the 236-byte header and at least the 4
 * first bytes of the vendor area (RFC 1542 2.1 makes the whole message 300
 * bytes at least); shorter is FC_DHCP_TRUNCATED. With the magic cookie
 * (99.130.83.99) the options follow and must end with an End option
 * (otherwise TRUNCATED: the datagram may have been cut); options in an
 * overloaded 'file' or 'sname' field that run past it are MALFORMED. */
enum fc_dhcp_status fc_dhcp4_parse(const uint8_t *p, size_t len, struct fc_dhcp4 *m);

/* Zeek's name of an option 53 value ("DISCOVER", ..., "LEASEQUERY", ...,
 * "TLS"), NULL for an unassigned one (Zeek writes
 * "unknown-message-type-N"). */
const char *fc_dhcp4_type_name(uint8_t type);

/* The parameter request list as "1,3,6,15" (the DHCP fingerprint of
 * fingerbank and Zeek's dhcp-fingerprint), "" when absent. */
void fc_dhcp4_prl_text(const struct fc_dhcp4 *m, char out[FC_DHCP4_PRL_TEXT]);

/* Dotted-quad text of a host-order address; out holds 16 bytes. */
void fc_dhcp4_addr_text(uint32_t addr, char out[16]);

/* ---------------------------------------------------------------- DHCPv6 */

/* Message types (RFC 8415 7.3 and the IANA registry). */
#define FC_DHCP6_SOLICIT 1
#define FC_DHCP6_ADVERTISE 2
#define FC_DHCP6_REQUEST 3
#define FC_DHCP6_REPLY 7
#define FC_DHCP6_RELAY_FORW 12
#define FC_DHCP6_RELAY_REPL 13

/* Option codes read (RFC 8415 21, RFC 4704). */
#define FC_DHCP6_OPT_CLIENTID 1
#define FC_DHCP6_OPT_SERVERID 2
#define FC_DHCP6_OPT_IA_NA 3
#define FC_DHCP6_OPT_IA_TA 4
#define FC_DHCP6_OPT_IAADDR 5
#define FC_DHCP6_OPT_ORO 6
#define FC_DHCP6_OPT_ELAPSED_TIME 8
#define FC_DHCP6_OPT_RELAY_MSG 9
#define FC_DHCP6_OPT_STATUS_CODE 13
#define FC_DHCP6_OPT_VENDOR_CLASS 16
#define FC_DHCP6_OPT_IA_PD 25
#define FC_DHCP6_OPT_IAPREFIX 26
#define FC_DHCP6_OPT_FQDN 39

/* Caps. A DUID is at most 130 bytes with its type (RFC 8415 11.1); real
 * clients ask for about 15 options, hold one or two IAs, and send about 10
 * options. RFC 8415 7.6 lets 8 relays nest (HOP_COUNT_LIMIT); deeper
 * nesting is refused. */
#define FC_DHCP6_DUID_MAX 130
#define FC_DHCP6_DUID_HEX (2 * FC_DHCP6_DUID_MAX + 1)
#define FC_DHCP6_MAX_ORO 64
#define FC_DHCP6_MAX_OPTIONS 64
#define FC_DHCP6_MAX_IAS 8
#define FC_DHCP6_MAX_ADDRS 8
#define FC_DHCP6_MAX_PREFIXES 8
#define FC_DHCP6_MAX_RELAYS 32
#define FC_DHCP6_ADDR_TEXT 46   /* INET6_ADDRSTRLEN */
#define FC_DHCP6_PREFIX_TEXT 50 /* address, '/', up to 3 digits */
/* "23,24,...": up to 6 characters a code. */
#define FC_DHCP6_ORO_TEXT (6 * FC_DHCP6_MAX_ORO + 1)

struct fc_dhcp6_ia {
    uint16_t type; /* FC_DHCP6_OPT_IA_NA, _IA_TA or _IA_PD */
    uint32_t iaid, t1, t2; /* t1, t2: 0 for IA_TA, which has none */
};

/* An IA Address option (5) of an IA_NA or IA_TA. */
struct fc_dhcp6_addr {
    uint16_t ia_type;
    uint32_t iaid;
    uint32_t preferred, valid; /* lifetimes, seconds */
    char addr[FC_DHCP6_ADDR_TEXT]; /* "2001:db8::1" */
};

/* An IA Prefix option (26) of an IA_PD. */
struct fc_dhcp6_prefix {
    uint32_t iaid;
    uint32_t preferred, valid;
    uint8_t len;
    char prefix[FC_DHCP6_PREFIX_TEXT]; /* "2001:db8::/56" */
};

struct fc_dhcp6 {
    /* Relay headers (RFC 8415 9) around the message: relay_type is the
     * outermost one's (12 or 13; 0 and the rest empty when the message came
     * directly); hop_count, link_addr and peer_addr are the innermost
     * relay's, the one next to the client, whose peer address is the
     * client's. */
    uint8_t relay_depth;
    uint8_t relay_type;
    uint8_t hop_count;
    char link_addr[FC_DHCP6_ADDR_TEXT];
    char peer_addr[FC_DHCP6_ADDR_TEXT];

    /* The client/server message. */
    uint8_t msg_type;
    uint32_t xid; /* 24 bits */
    char client_duid[FC_DHCP6_DUID_HEX]; /* option 1, lowercase hex, type first */
    char client_mac[18]; /* from a DUID-LLT or DUID-LL of an Ethernet address */
    char server_duid[FC_DHCP6_DUID_HEX]; /* option 2 */
    bool has_elapsed;
    uint16_t elapsed; /* option 8, hundredths of a second */
    bool has_status;
    uint16_t status_code; /* option 13 at the message's level */
    bool has_fqdn;
    uint8_t fqdn_flags; /* option 39: S 0x01, O 0x02, N 0x04 */
    char fqdn[FC_DHCP_TEXT_LEN + 1]; /* without a final dot */
    bool has_vendor_class;
    uint32_t vendor_enterprise; /* option 16 */
    /* Its vendor-class-data items, joined with ',' (a ',' inside one is
     * escaped as \x2c). */
    char vendor_class[FC_DHCP_TEXT_LEN + 1];
    FC_CAPPED_LIST(uint16_t, FC_DHCP6_MAX_ORO) oro; /* option 6, wire order */
    /* Codes of the message's options in wire order (not those inside
     * IAs). */
    FC_CAPPED_LIST(uint16_t, FC_DHCP6_MAX_OPTIONS) options;
    FC_CAPPED_LIST(struct fc_dhcp6_ia, FC_DHCP6_MAX_IAS) ias;
    FC_CAPPED_LIST(struct fc_dhcp6_addr, FC_DHCP6_MAX_ADDRS) addrs;
    FC_CAPPED_LIST(struct fc_dhcp6_prefix, FC_DHCP6_MAX_PREFIXES) prefixes;
    uint32_t text_dropped; /* bytes left out of texts and DUIDs */
    uint32_t bad_options;
};

/* Reads one DHCPv6 message (a UDP payload). An option running past the
 * payload is TRUNCATED; one running past the option around it (an IA, a
 * Relay Message) is MALFORMED, and so is a relay without a Relay Message
 * option. The first copy of a repeated option is kept. */
enum fc_dhcp_status fc_dhcp6_parse(const uint8_t *p, size_t len, struct fc_dhcp6 *m);

/* IANA's name of a message type ("SOLICIT", ..., "RELAY-FORW",
 * "RELAY-REPL", "LEASEQUERY", ..., "ADDR-REG-REPLY"), NULL for an
 * unassigned one. */
const char *fc_dhcp6_type_name(uint8_t type);

/* The option request list as "23,24,25" (fingerbank's DHCPv6
 * fingerprint), "" when absent. */
void fc_dhcp6_oro_text(const struct fc_dhcp6 *m, char out[FC_DHCP6_ORO_TEXT]);

#endif
