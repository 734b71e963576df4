/*
 * IPFIX (RFC 7011) definitions shared by the file writer and reader:
 * information element types, the element tables, and where each flow
 * record field goes.
 */
#ifndef FC_IPFIX_H
#define FC_IPFIX_H

#include <stdbool.h>
#include <stdint.h>

#include "formats/fields.h"

#define FC_IPFIX_VERSION 10
#define FC_IPFIX_HEADER 16
#define FC_IPFIX_MAX_MESSAGE 65535
#define FC_IPFIX_VARLEN 65535
#define FC_IPFIX_SET_TEMPLATE 2
#define FC_IPFIX_SET_OPTIONS_TEMPLATE 3
#define FC_IPFIX_FIRST_DATA_SET 256
/* RFC 5103: reverse elements of IANA elements. */
#define FC_IPFIX_REVERSE_PEN 29305u
/* flowcase's own elements. flowcase has no private enterprise number of
 * its own yet, so it uses the one RFC 5612 reserves for documentation;
 * every element is described in the file itself (RFC 5610). */
#define FC_IPFIX_PEN 32473u
/* fcFlowId: the element that marks a flowcase flow record. */
#define FC_IPFIX_FLOW_ID 1
#define FC_IPFIX_RECORD_SEQ 2
/* A section of a flow record (the HTTP transactions, ...): a
 * subTemplateMultiList of item records, with fcListItemCount after it;
 * what does not fit follows in continuation records (fcFlowId,
 * fcRecordSeq, fcListFirstIndex, the list). */
#define FC_IPFIX_LIST_COUNT 28
#define FC_IPFIX_LIST_FIRST_INDEX 29
/* A transaction too big for a record of its own (its texts are capped at
 * FC_HTTP_VALUE_MAX each, which can add up to more than a message) has
 * them cut to this and is marked truncated. */
#define FC_IPFIX_TX_TEXT_MAX 3072
/* RFC 6313 list semantic "ordered". */
#define FC_IPFIX_LIST_ORDERED 4

/* RFC 7012 abstract data types, numbered as RFC 5610 encodes them. */
enum fc_ipfix_type {
    FC_IPFIX_OCTETS = 0,
    FC_IPFIX_U8 = 1,
    FC_IPFIX_U16 = 2,
    FC_IPFIX_U32 = 3,
    FC_IPFIX_U64 = 4,
    FC_IPFIX_S8 = 5,
    FC_IPFIX_S16 = 6,
    FC_IPFIX_S32 = 7,
    FC_IPFIX_S64 = 8,
    FC_IPFIX_F32 = 9,
    FC_IPFIX_F64 = 10,
    FC_IPFIX_BOOLEAN = 11,
    FC_IPFIX_MAC = 12,
    FC_IPFIX_STRING = 13,
    FC_IPFIX_SECONDS = 14,
    FC_IPFIX_MILLISECONDS = 15,
    FC_IPFIX_MICROSECONDS = 16,
    FC_IPFIX_NANOSECONDS = 17,
    FC_IPFIX_IPV4 = 18,
    FC_IPFIX_IPV6 = 19,
    FC_IPFIX_BASIC_LIST = 20,
    FC_IPFIX_SUB_TEMPLATE_LIST = 21,
    FC_IPFIX_SUB_TEMPLATE_MULTI_LIST = 22,
};

struct fc_ipfix_ie {
    uint32_t pen; /* 0 for IANA */
    uint16_t id;
    const char *name;
    enum fc_ipfix_type type;
    uint8_t semantics;
    uint16_t units;
    const char *description;
};

/* The element (pen, id) if flowcase knows it, reverse elements included;
 * NULL otherwise. */
const struct fc_ipfix_ie *fc_ipfix_ie_find(uint32_t pen, uint16_t id);

/* flowcase's own elements, for the RFC 5610 records and the registry. */
extern const struct fc_ipfix_ie fc_ipfix_flowcase_ies[];
extern const unsigned fc_ipfix_flowcase_ie_count;

/* The encoded length of a type, or FC_IPFIX_VARLEN. */
uint16_t fc_ipfix_type_length(enum fc_ipfix_type type);

/* Where a flow record field goes (fields.def's ipfix column). */
enum fc_ipfix_place {
    FC_IPFIX_PLACE_IANA,
    FC_IPFIX_PLACE_REVERSE,
    FC_IPFIX_PLACE_ADDR,
    FC_IPFIX_PLACE_FLOWCASE,
    FC_IPFIX_PLACE_DERIVED,
};

struct fc_ipfix_map {
    enum fc_ipfix_place place;
    uint16_t id;    /* the element; for ADDR the IPv4 one */
    uint16_t id_v6; /* ADDR: the IPv6 element */
};

extern const struct fc_ipfix_map fc_ipfix_fields[FC_FIELD_COUNT];

/* The element a value is written as (pen and id), by its map entry or its
 * flow record field; false for a derived field. */
bool fc_ipfix_map_ie(const struct fc_ipfix_map *m, enum fc_value_kind kind, uint32_t *pen,
                     uint16_t *id);
bool fc_ipfix_field_ie(enum fc_field_id f, enum fc_value_kind kind, uint32_t *pen,
                       uint16_t *id);

/* NTP-format timestamps (dateTimeMicro/Nanoseconds, RFC 7011 6.1.9). */
uint64_t fc_ipfix_ntp_from_ns(fc_time ns);
fc_time fc_ipfix_ns_from_ntp(uint64_t ntp);

#endif
