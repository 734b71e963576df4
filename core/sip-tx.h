/*
 * One SIP transaction as the SIP dissector reports it (core/dissect-sip.c):
 * a request and the response that ends it, paired by Call-ID and CSeq
 * (either half may be missing from the capture). Read by the record
 * writers through formats/sip-fields.c.
 */
#ifndef FC_CORE_SIP_TX_H
#define FC_CORE_SIP_TX_H

#include <stdbool.h>
#include <stdint.h>

#include "core/packet.h"
#include "core/text-arena.h"

/* The texts of a transaction, in its arena, each capped at
 * FC_SIP_TEXT_MAX bytes (formats/sip-fields.def says what each holds). */
enum fc_sip_text {
    FC_SIP_T_METHOD,
    FC_SIP_T_URI,
    FC_SIP_T_DATE,
    FC_SIP_T_REQUEST_FROM,
    FC_SIP_T_REQUEST_TO,
    FC_SIP_T_RESPONSE_FROM,
    FC_SIP_T_RESPONSE_TO,
    FC_SIP_T_REPLY_TO,
    FC_SIP_T_CALL_ID,
    FC_SIP_T_CSEQ,
    FC_SIP_T_SUBJECT,
    FC_SIP_T_REQUEST_PATH,
    FC_SIP_T_RESPONSE_PATH,
    FC_SIP_T_USER_AGENT,
    FC_SIP_T_REASON,
    FC_SIP_T_WARNING,
    FC_SIP_T_PROVISIONAL,
    FC_SIP_T_CONTENT_TYPE,
    FC_SIP_TEXT_COUNT
};

/* A text longer than this is cut (the transaction marked truncated). */
#define FC_SIP_TEXT_MAX 2048u

struct fc_sip_tx {
    uint32_t text[FC_SIP_TEXT_COUNT]; /* offset + 1 in `arena`; 0 when absent */
    struct fc_text_arena arena;
    uint64_t key;          /* hash of Call-ID, CSeq number and method: the pairing */
    bool has_request;
    bool has_response;     /* a response was read (final or provisional) */
    bool final;            /* ... and it was final (2xx-6xx) */
    bool truncated;        /* a text was cut at its cap */
    uint16_t status;       /* the final status, else the last 1xx; 0 without */
    uint64_t request_body_len;
    uint64_t response_body_len;
    fc_time request_ts;    /* the request's first copy */
    fc_time response_ts;   /* the response whose status is reported */
};

static inline const char *fc_sip_text(const struct fc_sip_tx *tx, enum fc_sip_text which)
{
    return fc_text_arena_get(&tx->arena, tx->text[which]);
}

#endif
