/*
 * SIP messages (RFC 3261 7): the head of one request or response parsed
 * into its start line and the header fields the SIP dissector reports,
 * shared by SIP over UDP (one message per datagram) and TCP (messages one
 * after the other, framed by Content-Length, RFC 3261 18.3).
 *
 * The head is the start line, the header lines and the empty line that
 * ends them. Before the start line, empty lines are skipped (RFC 3261 7.5,
 * and the CRLF keep-alives of RFC 5626 4.4.1). Lines end with CRLF or a
 * bare LF. A header line that starts with a space or tab continues the one
 * before (folding, RFC 3261 7.3.1): a value is given as the raw span that
 * may hold such folds, and fc_sip_unfold() copies it with each fold
 * replaced by one space. Header names are matched without regard to case,
 * in their long or compact form (RFC 3261 7.3.3, 20). A header line
 * without a colon is counted in bad_lines and otherwise ignored.
 *
 * Bounds: a line longer than FC_SIP_LINE_MAX bytes, or a head longer than
 * FC_SIP_HEAD_MAX bytes, makes the message FC_SIP_TOO_LONG, whether or not
 * its end is within the bytes given (so a stream reader never buffers more
 * than FC_SIP_HEAD_MAX bytes waiting for it). The body is not read: the
 * parser only says where it ends.
 *
 * Every read of the bytes goes through core/cursor.h.
 */
#ifndef FC_CORE_SIP_MSG_H
#define FC_CORE_SIP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cursor.h"

/* Caps. A line of 8 KiB holds any header a common stack writes (Kamailio
 * and Asterisk cut at 4 KiB); a head of 64 KiB is the largest UDP
 * datagram. Via lines past FC_SIP_VIA_MAX are counted, not kept (a
 * request crosses a few proxies). Methods are tokens of at most
 * FC_SIP_METHOD_MAX characters (RFC 4475 3.1.1.2 uses one of 42). */
#define FC_SIP_LINE_MAX 8192u
#define FC_SIP_HEAD_MAX 65535u
#define FC_SIP_VIA_MAX 16u
#define FC_SIP_METHOD_MAX 64u

/* The header fields read, the first of each kept (Via: every one). */
enum fc_sip_header {
    FC_SIP_CALL_ID,        /* Call-ID, i */
    FC_SIP_CSEQ,           /* CSeq */
    FC_SIP_FROM,           /* From, f */
    FC_SIP_TO,             /* To, t */
    FC_SIP_CONTACT,        /* Contact, m */
    FC_SIP_CONTENT_LENGTH, /* Content-Length, l */
    FC_SIP_CONTENT_TYPE,   /* Content-Type, c */
    FC_SIP_SUBJECT,        /* Subject, s */
    FC_SIP_DATE,           /* Date */
    FC_SIP_REPLY_TO,       /* Reply-To */
    FC_SIP_USER_AGENT,     /* User-Agent */
    FC_SIP_SERVER,         /* Server */
    FC_SIP_WARNING,        /* Warning */
    FC_SIP_HEADER_COUNT
};

enum fc_sip_status {
    FC_SIP_OK,
    FC_SIP_TRUNCATED, /* the head does not end within the bytes given */
    FC_SIP_BAD,       /* the first line is not a SIP request or status line */
    FC_SIP_TOO_LONG,  /* a line over FC_SIP_LINE_MAX, or a head over FC_SIP_HEAD_MAX */
};

struct fc_sip_msg {
    bool request;
    /* Request line: Method SP Request-URI SP SIP-Version. */
    struct fc_span method;
    struct fc_span uri;
    /* Status line: SIP-Version SP Status-Code SP Reason-Phrase. */
    uint16_t status;
    struct fc_span reason;
    struct fc_span version; /* "SIP/2.0" */
    /* Each header's first value, trimmed, folds kept; {NULL, 0} when absent. */
    struct fc_span header[FC_SIP_HEADER_COUNT];
    struct fc_span via[FC_SIP_VIA_MAX]; /* every Via line's value, in order */
    uint8_t vias;
    uint32_t vias_dropped; /* Via lines past FC_SIP_VIA_MAX */
    uint32_t bad_lines;    /* header lines without a colon */
    /* Content-Length's value; -1 when absent or not a number
     * (bad_length then tells which). */
    int64_t content_length;
    bool bad_length;
    size_t head_len; /* bytes of the head: skipped empty lines, start line,
                      * headers and the empty line */
    /* Body bytes within the bytes given: Content-Length's worth (fewer when
     * they are not all there: body_cut), or all the rest without it. */
    size_t body_len;
    bool body_cut;
};

/* Parses the head of the message that starts p[0..len). */
enum fc_sip_status fc_sip_parse(const uint8_t *p, size_t len, struct fc_sip_msg *m);

/* Is `line` (without its line end) a SIP request or status line? Fills
 * the start-line part of *m when it is. */
bool fc_sip_start_line(struct fc_span line, struct fc_sip_msg *m);

/* Copies value v into out (cap > 0 bytes, NUL-terminated), each fold (a
 * line end and the spaces and tabs around it) replaced by one space.
 * Returns the length written; *cut (may be NULL) tells whether the value
 * did not fit. */
size_t fc_sip_unfold(struct fc_span v, char *out, size_t cap, bool *cut);

#endif
