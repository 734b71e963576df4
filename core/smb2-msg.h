/*
 * SMB2/SMB3 messages (MS-SMB2) as they cross TCP: the 4-byte framing of
 * direct TCP and NetBIOS sessions (MS-SMB2 2.1; RFC 1002 4.3.1, whose
 * 17-bit length MS-SMB2 widens to 24 bits), the 64-byte SMB2 header
 * (2.2.1) with compounded messages (3.2.4.1.4), and the bodies flowcase
 * reports: NEGOTIATE (2.2.3, 2.2.4), SESSION_SETUP (2.2.5, 2.2.6) with the
 * NTLMSSP AUTHENTICATE message inside its security blob (MS-NLMP 2.2.1.3),
 * TREE_CONNECT (2.2.9, 2.2.10), CREATE (2.2.13, 2.2.14), CLOSE (2.2.15,
 * 2.2.16) and SET_INFO (2.2.39) of FileDispositionInformation and
 * FileRenameInformation (MS-FSCC 2.4.11, 2.4.42).
 *
 * Parsers take one message from its SMB2 header (the bodies' offsets count
 * from there) and fill a plain struct whose names are spans of UTF-16LE
 * bytes inside the message; fc_smb2_utf8 converts them. Nothing is
 * allocated. A message cut short (the stream reader keeps only the head
 * of a message over its cap) gives FC_SMB2_TRUNCATED.
 */
#ifndef FC_CORE_SMB2_MSG_H
#define FC_CORE_SMB2_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cursor.h"

#define FC_SMB2_HEADER_LEN 64

/* The first four bytes of a message (MS-SMB2 2.2.1, 2.2.41, 2.2.42; MS-SMB
 * 2.2.3.1), read as a little-endian 32-bit number. */
#define FC_SMB2_PROTO 0x424d53feu       /* 0xFE 'S' 'M' 'B' */
#define FC_SMB2_TRANSFORM 0x424d53fdu   /* 0xFD 'S' 'M' 'B': encrypted */
#define FC_SMB2_COMPRESSED 0x424d53fcu  /* 0xFC 'S' 'M' 'B' */
#define FC_SMB1_PROTO 0x424d53ffu       /* 0xFF 'S' 'M' 'B' */

enum fc_smb2_command {
    FC_SMB2_NEGOTIATE = 0,
    FC_SMB2_SESSION_SETUP = 1,
    FC_SMB2_LOGOFF = 2,
    FC_SMB2_TREE_CONNECT = 3,
    FC_SMB2_TREE_DISCONNECT = 4,
    FC_SMB2_CREATE = 5,
    FC_SMB2_CLOSE = 6,
    FC_SMB2_READ = 8,
    FC_SMB2_WRITE = 9,
    FC_SMB2_SET_INFO = 17,
};

#define FC_SMB2_FLAGS_RESPONSE 0x00000001u
#define FC_SMB2_FLAGS_ASYNC 0x00000002u
#define FC_SMB2_FLAGS_RELATED 0x00000004u

/* NT status values the dissector acts on (MS-ERREF 2.3.1). */
#define FC_NT_STATUS_SUCCESS 0x00000000u
#define FC_NT_STATUS_PENDING 0x00000103u
#define FC_NT_STATUS_MORE_PROCESSING_REQUIRED 0xc0000016u

enum fc_smb2_status {
    FC_SMB2_OK = 0,
    FC_SMB2_TRUNCATED = -1, /* the bytes end before the message or a field does */
    FC_SMB2_MALFORMED = -2, /* a bad protocol id, structure size or offset */
    FC_SMB2_ABSENT = -3,    /* no NTLMSSP AUTHENTICATE in the blob */
};

struct fc_smb2_header {
    uint32_t status; /* NT status (responses; ChannelSequence in requests) */
    uint16_t command;
    uint16_t credit_charge;
    uint32_t flags;
    uint32_t next_command; /* offset of the next compounded message, 0 for none */
    uint64_t message_id;
    uint64_t async_id; /* when FC_SMB2_FLAGS_ASYNC */
    uint32_t tree_id;  /* else this */
    uint64_t session_id;
};

static inline bool fc_smb2_is_response(const struct fc_smb2_header *h)
{
    return (h->flags & FC_SMB2_FLAGS_RESPONSE) != 0;
}

/* Reads the header at msg[0..len). */
enum fc_smb2_status fc_smb2_header_parse(const uint8_t *msg, size_t len,
                                         struct fc_smb2_header *h);

/* The length of the message at msg[0..len) whose header is h: up to its
 * next compounded message, else all of len. MALFORMED when NextCommand is
 * not 8-aligned, shorter than a header or past len. */
enum fc_smb2_status fc_smb2_message_len(const struct fc_smb2_header *h, size_t len,
                                        size_t *msg_len);

/* ------------------------------------------------------------- bodies */

/* Dialects a client offers: SMB 3.1.1 clients send 5, so 16 is ample. */
#define FC_SMB2_DIALECTS_MAX 16

struct fc_smb2_negotiate_req {
    uint16_t count;
    uint32_t dropped; /* dialects past the cap */
    uint16_t dialects[FC_SMB2_DIALECTS_MAX];
};

struct fc_smb2_negotiate_resp {
    uint16_t dialect; /* DialectRevision: 0x0202, 0x0210, 0x0300, 0x0302, 0x0311, 0x02ff */
};

struct fc_smb2_session_setup_req {
    struct fc_span security; /* the GSS-API blob (SPNEGO, raw NTLMSSP or Kerberos) */
};

struct fc_smb2_session_setup_resp {
    uint16_t session_flags; /* 1 guest, 2 anonymous, 4 encrypt data */
};

struct fc_smb2_tree_connect_req {
    struct fc_span path; /* UTF-16LE "\\server\share" */
};

struct fc_smb2_tree_connect_resp {
    uint8_t share_type; /* 1 disk, 2 pipe, 3 print */
    uint32_t share_flags;
    uint32_t maximal_access;
};

#define FC_SMB2_FILE_OPEN_IF 3         /* create dispositions (2.2.13) */
#define FC_SMB2_FILE_CREATE 2
#define FC_SMB2_FILE_DELETE_ON_CLOSE 0x00001000u /* a create option */
#define FC_SMB2_FILE_CREATED 2         /* a create action (2.2.14) */

struct fc_smb2_create_req {
    uint32_t desired_access;
    uint32_t disposition;
    uint32_t options;
    struct fc_span name; /* UTF-16LE, relative to the share; empty for its root */
};

/* FILETIMEs are 100 ns ticks since 1601-01-01 (MS-DTYP 2.3.3). */
struct fc_smb2_create_resp {
    uint32_t create_action; /* 0 superseded, 1 opened, 2 created, 3 overwritten */
    uint64_t last_write;
    uint64_t end_of_file;
    uint32_t attributes;
    uint8_t file_id[16]; /* persistent and volatile parts */
};

struct fc_smb2_close_req {
    uint8_t file_id[16];
};

#define FC_SMB2_CLOSE_POSTQUERY_ATTRIB 0x0001u

struct fc_smb2_close_resp {
    uint16_t flags; /* the sizes and times are set only with POSTQUERY_ATTRIB */
    uint64_t end_of_file;
};

#define FC_SMB2_INFO_FILE 1
#define FC_FILE_RENAME_INFORMATION 10
#define FC_FILE_DISPOSITION_INFORMATION 13
#define FC_FILE_DISPOSITION_INFORMATION_EX 64

struct fc_smb2_set_info_req {
    uint8_t info_type;
    uint8_t info_class;
    uint8_t file_id[16];
    struct fc_span buffer;
};

/* An SMB2 file id of all ones: in a compounded request, the file the
 * previous message opened (3.2.4.1.4). */
bool fc_smb2_file_id_is_related(const uint8_t file_id[16]);

/* Each reads the body after the header of msg[0..len). */
enum fc_smb2_status fc_smb2_negotiate_req_parse(const uint8_t *msg, size_t len,
                                                struct fc_smb2_negotiate_req *r);
enum fc_smb2_status fc_smb2_negotiate_resp_parse(const uint8_t *msg, size_t len,
                                                 struct fc_smb2_negotiate_resp *r);
enum fc_smb2_status fc_smb2_session_setup_req_parse(const uint8_t *msg, size_t len,
                                                    struct fc_smb2_session_setup_req *r);
enum fc_smb2_status fc_smb2_session_setup_resp_parse(const uint8_t *msg, size_t len,
                                                     struct fc_smb2_session_setup_resp *r);
enum fc_smb2_status fc_smb2_tree_connect_req_parse(const uint8_t *msg, size_t len,
                                                   struct fc_smb2_tree_connect_req *r);
enum fc_smb2_status fc_smb2_tree_connect_resp_parse(const uint8_t *msg, size_t len,
                                                    struct fc_smb2_tree_connect_resp *r);
enum fc_smb2_status fc_smb2_create_req_parse(const uint8_t *msg, size_t len,
                                             struct fc_smb2_create_req *r);
enum fc_smb2_status fc_smb2_create_resp_parse(const uint8_t *msg, size_t len,
                                              struct fc_smb2_create_resp *r);
enum fc_smb2_status fc_smb2_close_req_parse(const uint8_t *msg, size_t len,
                                            struct fc_smb2_close_req *r);
enum fc_smb2_status fc_smb2_close_resp_parse(const uint8_t *msg, size_t len,
                                             struct fc_smb2_close_resp *r);
enum fc_smb2_status fc_smb2_set_info_req_parse(const uint8_t *msg, size_t len,
                                               struct fc_smb2_set_info_req *r);

/* The SET_INFO buffers: FileDispositionInformation(Ex) tells whether the
 * file is to be deleted; FileRenameInformation gives the new name (UTF-16LE,
 * a path from the share's root). */
enum fc_smb2_status fc_smb2_disposition_parse(struct fc_span buffer, uint8_t info_class,
                                              bool *delete_pending);
enum fc_smb2_status fc_smb2_rename_parse(struct fc_span buffer, struct fc_span *new_name);

/* ----------------------------------------------------------- NTLMSSP */

#define FC_NTLMSSP_NEGOTIATE_UNICODE 0x00000001u

struct fc_ntlmssp_auth {
    uint32_t flags;    /* NegotiateFlags */
    struct fc_span domain; /* UTF-16LE with NEGOTIATE_UNICODE, else OEM bytes */
    struct fc_span user;
    struct fc_span workstation;
};

/* Finds the first NTLMSSP AUTHENTICATE message ("NTLMSSP\0", type 3) in a
 * security blob (inside SPNEGO's NegTokenResp or bare) and reads its
 * names. ABSENT when there is none (Kerberos, the NEGOTIATE leg);
 * MALFORMED when a field's offset and length fall outside the message. */
enum fc_smb2_status fc_ntlmssp_auth_find(struct fc_span blob, struct fc_ntlmssp_auth *a);

/* -------------------------------------------------------------- texts */

/* Converts UTF-16LE (unicode) or 8-bit OEM text, taken as Latin-1,
 * to NUL-terminated UTF-8 in out[cap] (cap >= 1). Stops at a NUL
 * character; an unpaired surrogate becomes U+FFFD; a text that does not
 * fit is cut at a character boundary and *cut set. Returns the length. */
size_t fc_smb2_utf8(struct fc_span s, bool unicode, char *out, size_t cap, bool *cut);

/* ------------------------------------------------------ the TCP stream */

/* Framed messages buffered whole up to this size (a compound of requests
 * or responses, a directory listing); a larger one keeps only its head. */
#define FC_SMB2_MESSAGE_MAX 65536
/* The head kept of a larger message, and of every READ response and WRITE
 * request (their data are skipped without buffering): the header and the
 * fixed part of any body. */
#define FC_SMB2_HEAD_MAX 256

enum fc_smb2_stream_state {
    FC_SMB2_STREAM_FRAME,  /* reading framing and messages */
    FC_SMB2_STREAM_LOST,   /* bytes that are not the framing, or a hole */
};

struct fc_smb2_stream {
    enum fc_smb2_stream_state state;
    uint8_t frame_head[4];
    uint8_t frame_head_len;
    uint8_t frame_type;  /* 0x00 a session message; others are skipped */
    uint32_t frame_len;  /* of the frame being read */
    uint32_t frame_done; /* its bytes taken so far */
    uint32_t keep;       /* its first bytes to buffer: all, or the head */
    bool broken;         /* a hole inside the frame: skip the rest */
    uint8_t *buf;        /* the frame's kept bytes, FC_SMB2_MESSAGE_MAX at most */
    uint32_t buf_cap;
};

/* A frame's message(s): p[0..len) is the whole frame when len == frame_len,
 * else its first bytes. */
typedef void (*fc_smb2_frame_fn)(void *arg, const uint8_t *p, size_t len, uint32_t frame_len);

void fc_smb2_stream_release(struct fc_smb2_stream *s);
/* Takes the direction's next bytes and calls fn for each session message
 * frame as soon as its kept bytes are in. Returns the state. */
enum fc_smb2_stream_state fc_smb2_stream_feed(struct fc_smb2_stream *s, const uint8_t *p,
                                              size_t len, fc_smb2_frame_fn fn, void *arg);
/* What a hole in the stream cost. */
enum fc_smb2_gap {
    FC_SMB2_GAP_NONE,    /* it fell in skipped data: nothing was lost */
    FC_SMB2_GAP_MESSAGE, /* it fell in a kept frame, now dropped; the next is read */
    FC_SMB2_GAP_LOST,    /* its length is unknown or runs past the frame: the
                          * direction is lost */
};

/* A hole of len bytes (0: unknown) in the direction's stream. */
enum fc_smb2_gap fc_smb2_stream_gap(struct fc_smb2_stream *s, uint64_t len);

#endif
