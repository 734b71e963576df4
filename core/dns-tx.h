/*
 * What the DNS dissector reports: transactions (a query paired with its
 * response, or either alone) and the resource records of the responses.
 * Read by the record writers through formats/dns-fields.c and
 * formats/dns-record-fields.c.
 */
#ifndef FC_CORE_DNS_TX_H
#define FC_CORE_DNS_TX_H

#include <stdbool.h>
#include <stdint.h>

#include "core/dns-names.h"
#include "core/packet.h"
#include "core/text-arena.h"

/* One query and its response. Header values come from the response when
 * there is one (RD and CD as it echoes them), else from the query. */
struct fc_dns_tx {
    uint32_t query_text; /* the question's name: offset + 1 in arena, 0 when none */
    struct fc_text_arena arena;
    fc_time query_ts;    /* when has_query */
    fc_time response_ts; /* when has_response */
    bool has_query;
    bool has_response;
    bool has_question;
    bool aa, tc, rd, ra, ad, cd;
    uint8_t opcode;
    uint16_t id;
    uint16_t qtype, qclass;
    uint16_t rcode; /* with the EDNS extended bits */
    char qtype_name[FC_DNS_TYPE_NAME_MAX];
    char rcode_name[FC_DNS_RCODE_NAME_MAX];
};

enum fc_dns_record_text { FC_DNS_RT_NAME, FC_DNS_RT_DATA, FC_DNS_RT_COUNT };

/* One resource record of a response (the OPT pseudo-record left out). */
struct fc_dns_record {
    uint32_t text[FC_DNS_RT_COUNT]; /* offset + 1 in arena */
    struct fc_text_arena arena;
    uint32_t tx;    /* index of its transaction in the same flow record's list */
    uint32_t ttl;
    uint16_t type, rclass;
    uint8_t section; /* enum fc_dns_section (core/dns-msg.h) */
    bool cut;        /* the data text was cut at its cap */
    char type_name[FC_DNS_TYPE_NAME_MAX];
};

#endif
