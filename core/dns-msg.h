/*
 * DNS messages (RFC 1035 4.1) parsed into a header, the first question and
 * one callback per resource record whose data is rendered as master-file
 * text (RFC 1035 5.1). Shared by DNS over UDP and TCP, mDNS (RFC 6762) and
 * LLMNR (RFC 4795): the input is one message, without TCP's 2-byte length.
 *
 * Names (RFC 1035 4.1.4) are given in presentation form without the
 * trailing dot, as Zeek and Suricata log them; the root is ".". Inside a
 * label '.' and '\' are escaped as "\." and "\\", and bytes outside
 * 0x21-0x7e (space included, so that a name never holds a space) as \DDD
 * in decimal (RFC 4343 2.1). Letter case is kept.
 *
 * Compression pointers must point strictly backwards: before the start of
 * the run of labels that holds the pointer, so that every jump lands lower
 * than the last and no loop can form; at most FC_DNS_MAX_JUMPS are
 * followed. A bad name is one with a pointer forward, to itself, past the
 * end of the message or over the jump cap, a label type other than 00 or
 * 11 (RFC 6891 retired the extended types), or more than 255 octets in wire
 * form (RFC 1035 2.3.4). Each bad name adds one to bad_names and is given
 * as the labels read before the fault (possibly ""). The message goes on:
 * a record's own bytes always end at its first pointer or root label,
 * whatever the pointer leads to. Only an unknown label type read from the
 * record's own bytes (not behind a pointer) leaves its end unknown: the
 * message is then MALFORMED.
 *
 * Record data (fc_dns_rr.data) per type:
 *   A                "192.0.2.1"
 *   AAAA             "2001:db8::1" (inet_ntop: RFC 5952, lowercase)
 *   NS CNAME PTR DNAME  a name
 *   MX               "10 mail.example.com"
 *   SOA              "mname rname serial refresh retry expire minimum"
 *   SRV              "priority weight port target" (RFC 2782)
 *   TXT SPF HINFO    each character-string in double quotes, joined by
 *                    spaces; inside, '"' and '\' are escaped with '\' and
 *                    bytes outside 0x20-0x7e as \DDD
 *   SVCB HTTPS       "priority target key=value ..." (RFC 9460 2.1), keys in
 *                    wire order: mandatory=alpn,port  alpn=h2,h3
 *                    no-default-alpn  port=443  ipv4hint=a,b  ech=<base64>
 *                    ipv6hint=a,b  dohpath=... (RFC 9461)  keyNNNNN=value;
 *                    values unquoted, bytes outside 0x21-0x7e as \DDD and
 *                    '"' '\' escaped; in alpn an item's ',' and '\' get the
 *                    value-list escape first (RFC 9460 A.1: "\\," "\\\\").
 *                    An empty unknown value has no '='.
 *   anything else, OPT included, and data that does not parse as its type
 *                    (wrong length, bad name, SvcParams out of order):
 *                    RFC 3597 generic "\# <len> <HEX>" (uppercase, as BIND
 *                    prints it; "\# 0" when empty), with data_raw set.
 * Names inside data may be compressed whatever the type (mDNS compresses
 * SRV targets).
 *
 * Classes: the top bit is mDNS's QU bit in a question and cache-flush bit
 * in a record (RFC 6762 5.4, 10.2): it is split out into unicast_response
 * and cache_flush, for every message (a unicast DNS class never has it set
 * in practice; rclass | cache_flush << 15 rebuilds the wire value). OPT's
 * class is the requestor's UDP payload size and is given whole.
 *
 * LLMNR reuses the flag bits: its C flag lands in aa, its T flag in rd.
 */
#ifndef FC_CORE_DNS_MSG_H
#define FC_CORE_DNS_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FC_DNS_TYPE_A 1
#define FC_DNS_TYPE_NS 2
#define FC_DNS_TYPE_CNAME 5
#define FC_DNS_TYPE_SOA 6
#define FC_DNS_TYPE_PTR 12
#define FC_DNS_TYPE_HINFO 13
#define FC_DNS_TYPE_MX 15
#define FC_DNS_TYPE_TXT 16
#define FC_DNS_TYPE_AAAA 28
#define FC_DNS_TYPE_SRV 33
#define FC_DNS_TYPE_DNAME 39
#define FC_DNS_TYPE_OPT 41
#define FC_DNS_TYPE_SVCB 64
#define FC_DNS_TYPE_HTTPS 65
#define FC_DNS_TYPE_SPF 99

/* A name's text: at most 255 wire octets leave at most 250 label bytes
 * in 4 labels (63+63+63+61), each byte at most 4 characters (\DDD), plus
 * 3 dots and the NUL: 1004. */
#define FC_DNS_NAME_TEXT 1024
/* A record's data text, NUL included: longer data is cut (data_cut).
 * DKIM and SPF TXT records run to about 1000 characters, an HTTPS record
 * with ECH to about 500. */
#define FC_DNS_DATA_TEXT 4096
/* Records handed to the callback per message; later ones are counted in
 * rr_dropped (their owner names still checked, their data not read). */
#define FC_DNS_MAX_RRS 256
/* Compression pointers followed in one name. */
#define FC_DNS_MAX_JUMPS 128

enum fc_dns_status {
    FC_DNS_OK = 0,
    FC_DNS_TRUNCATED = -1, /* the bytes end before the sections the header
                            * counts (a capture's snap length, a cut TCP
                            * stream) */
    FC_DNS_MALFORMED = -2, /* a name's own bytes hold an unknown label type */
};

struct fc_dns_header {
    uint16_t id;
    bool qr;
    uint8_t opcode;
    bool aa, tc, rd, ra, z, ad, cd;
    uint8_t rcode; /* the header's 4 bits (OPT holds the upper 8) */
    uint16_t qdcount, ancount, nscount, arcount;
};

struct fc_dns_question {
    char name[FC_DNS_NAME_TEXT];
    uint16_t qtype;
    uint16_t qclass;       /* without the top bit */
    bool unicast_response; /* mDNS QU: the class's top bit */
};

enum fc_dns_section { FC_DNS_ANSWER, FC_DNS_AUTHORITY, FC_DNS_ADDITIONAL };

/* Texts are NUL-terminated and valid only during the callback. */
struct fc_dns_rr {
    enum fc_dns_section section;
    const char *name;
    uint16_t type;
    uint16_t rclass;  /* without the top bit, except for OPT */
    bool cache_flush; /* mDNS: the class's top bit */
    uint32_t ttl;     /* as on the wire (OPT: extended rcode, version, flags) */
    const char *data;
    size_t data_len;
    bool data_raw; /* data is RFC 3597 generic */
    bool data_cut; /* data was longer than FC_DNS_DATA_TEXT - 1 and was cut
                    * after a whole character or escape */
};

typedef void (*fc_dns_rr_fn)(void *arg, const struct fc_dns_rr *rr);

struct fc_dns_msg {
    struct fc_dns_header h;
    struct fc_dns_question q; /* the first question; others are only checked */
    bool has_question;
    /* EDNS (RFC 6891 6.1.3), from the first OPT record. */
    bool has_edns;
    uint16_t edns_udp_size;
    uint8_t edns_ext_rcode; /* upper 8 bits of the 12-bit rcode */
    uint8_t edns_version;
    bool edns_do; /* DNSSEC OK */
    uint32_t bad_names; /* see the top of this file */
    uint32_t rr_dropped; /* records past FC_DNS_MAX_RRS */
};

/* Parses one message into *m and calls fn (if not NULL) for each record
 * in wire order as it is read: a TRUNCATED message has had its complete
 * records reported. On any status, m->h is valid once len >= 12 and m->q
 * when has_question is set. Bytes after the last counted record are
 * ignored. */
enum fc_dns_status fc_dns_parse(const uint8_t *msg, size_t len, struct fc_dns_msg *m,
                                fc_dns_rr_fn fn, void *arg);

#endif
