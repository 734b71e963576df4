/* SMB2 messages over TCP: see smb2-msg.h. */
#include "core/smb2-msg.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- header */

enum fc_smb2_status fc_smb2_header_parse(const uint8_t *msg, size_t len,
                                         struct fc_smb2_header *h)
{
    struct fc_cursor c = fc_cursor_make(msg, len);
    uint32_t proto = fc_get_le32(&c);
    uint16_t size = fc_get_le16(&c);
    h->credit_charge = fc_get_le16(&c);
    h->status = fc_get_le32(&c);
    h->command = fc_get_le16(&c);
    fc_cursor_skip(&c, 2); /* CreditRequest/CreditResponse */
    h->flags = fc_get_le32(&c);
    h->next_command = fc_get_le32(&c);
    uint32_t lo, hi;
    lo = fc_get_le32(&c);
    hi = fc_get_le32(&c);
    h->message_id = (uint64_t)hi << 32 | lo;
    /* Async messages carry an AsyncId where the others have Reserved and
     * TreeId (2.2.1.1, 2.2.1.2). */
    lo = fc_get_le32(&c);
    hi = fc_get_le32(&c);
    h->async_id = h->flags & FC_SMB2_FLAGS_ASYNC ? (uint64_t)hi << 32 | lo : 0;
    h->tree_id = h->flags & FC_SMB2_FLAGS_ASYNC ? 0 : hi;
    lo = fc_get_le32(&c);
    hi = fc_get_le32(&c);
    h->session_id = (uint64_t)hi << 32 | lo;
    fc_cursor_skip(&c, 16); /* Signature */
    if (c.short_read)
        return len >= 4 && proto != FC_SMB2_PROTO ? FC_SMB2_MALFORMED : FC_SMB2_TRUNCATED;
    return proto == FC_SMB2_PROTO && size == FC_SMB2_HEADER_LEN ? FC_SMB2_OK
                                                                 : FC_SMB2_MALFORMED;
}

enum fc_smb2_status fc_smb2_message_len(const struct fc_smb2_header *h, size_t len,
                                        size_t *msg_len)
{
    *msg_len = len;
    if (h->next_command == 0)
        return FC_SMB2_OK;
    if (h->next_command % 8 != 0 || h->next_command < FC_SMB2_HEADER_LEN ||
        h->next_command > len)
        return FC_SMB2_MALFORMED;
    *msg_len = h->next_command;
    return FC_SMB2_OK;
}

/* ---------------------------------------------------------------- bodies */

/* A cursor at the body of msg[0..len), past a StructureSize that must be
 * `size` (its low bit tells a variable part follows, 2.2). */
static struct fc_cursor body(const uint8_t *msg, size_t len, uint16_t size,
                             enum fc_smb2_status *st)
{
    struct fc_cursor c = fc_cursor_make(msg, len);
    fc_cursor_skip(&c, FC_SMB2_HEADER_LEN);
    uint16_t got = fc_get_le16(&c);
    *st = c.short_read ? FC_SMB2_TRUNCATED : got == size ? FC_SMB2_OK : FC_SMB2_MALFORMED;
    return c;
}

/* The result of a body's fixed fields, read through c. */
static enum fc_smb2_status fixed_done(const struct fc_cursor *c, enum fc_smb2_status st)
{
    if (st != FC_SMB2_OK)
        return st;
    return c->short_read ? FC_SMB2_TRUNCATED : FC_SMB2_OK;
}

/* A variable field of the body: n bytes at offset `off` from the header.
 * An empty field may have any offset; a field must not start inside the
 * header and the body's fixed part (StructureSize without its low bit). */
static enum fc_smb2_status field(const uint8_t *msg, size_t len, uint16_t size, uint32_t off,
                                 uint32_t n, struct fc_span *out)
{
    *out = (struct fc_span){ NULL, 0 };
    if (n == 0)
        return FC_SMB2_OK;
    if (off < FC_SMB2_HEADER_LEN + (uint32_t)(size & ~1u))
        return FC_SMB2_MALFORMED;
    struct fc_cursor c = fc_cursor_make(msg, len);
    fc_cursor_skip(&c, off);
    const uint8_t *p = fc_cursor_take(&c, n);
    if (!p)
        return FC_SMB2_TRUNCATED;
    *out = (struct fc_span){ p, n };
    return FC_SMB2_OK;
}

/* The fixed fields' result, then the variable field's. */
static enum fc_smb2_status fixed_then_field(const struct fc_cursor *c, enum fc_smb2_status st,
                                            const uint8_t *msg, size_t len, uint16_t size,
                                            uint32_t off, uint32_t n, struct fc_span *out)
{
    st = fixed_done(c, st);
    return st == FC_SMB2_OK ? field(msg, len, size, off, n, out) : st;
}

static uint64_t get_le64(struct fc_cursor *c)
{
    uint32_t lo = fc_get_le32(c);
    return (uint64_t)fc_get_le32(c) << 32 | lo;
}

enum fc_smb2_status fc_smb2_negotiate_req_parse(const uint8_t *msg, size_t len,
                                                struct fc_smb2_negotiate_req *r)
{
    enum fc_smb2_status st;
    struct fc_cursor c = body(msg, len, 36, &st);
    r->count = fc_get_le16(&c);
    r->dropped = 0;
    fc_cursor_skip(&c, 2 + 2 + 4 + 16 + 8); /* SecurityMode .. ClientStartTime */
    for (unsigned i = 0; i < r->count; i++) {
        uint16_t d = fc_get_le16(&c);
        if (i < FC_SMB2_DIALECTS_MAX)
            r->dialects[i] = d;
        else
            r->dropped++;
    }
    if (r->count > FC_SMB2_DIALECTS_MAX)
        r->count = FC_SMB2_DIALECTS_MAX;
    return fixed_done(&c, st);
}

enum fc_smb2_status fc_smb2_negotiate_resp_parse(const uint8_t *msg, size_t len,
                                                 struct fc_smb2_negotiate_resp *r)
{
    enum fc_smb2_status st;
    struct fc_cursor c = body(msg, len, 65, &st);
    fc_cursor_skip(&c, 2); /* SecurityMode */
    r->dialect = fc_get_le16(&c);
    fc_cursor_skip(&c, 2 + 16 + 4 + 4 + 4 + 4 + 8 + 8); /* .. ServerStartTime */
    uint16_t off = fc_get_le16(&c);
    uint16_t n = fc_get_le16(&c);
    fc_cursor_skip(&c, 4); /* NegotiateContextOffset */
    struct fc_span blob;
    return fixed_then_field(&c, st, msg, len, 65, off, n, &blob);
}

enum fc_smb2_status fc_smb2_session_setup_req_parse(const uint8_t *msg, size_t len,
                                                    struct fc_smb2_session_setup_req *r)
{
    enum fc_smb2_status st;
    struct fc_cursor c = body(msg, len, 25, &st);
    fc_cursor_skip(&c, 1 + 1 + 4 + 4); /* Flags, SecurityMode, Capabilities, Channel */
    uint16_t off = fc_get_le16(&c);
    uint16_t n = fc_get_le16(&c);
    fc_cursor_skip(&c, 8); /* PreviousSessionId */
    return fixed_then_field(&c, st, msg, len, 25, off, n, &r->security);
}

enum fc_smb2_status fc_smb2_session_setup_resp_parse(const uint8_t *msg, size_t len,
                                                     struct fc_smb2_session_setup_resp *r)
{
    enum fc_smb2_status st;
    struct fc_cursor c = body(msg, len, 9, &st);
    r->session_flags = fc_get_le16(&c);
    uint16_t off = fc_get_le16(&c);
    uint16_t n = fc_get_le16(&c);
    struct fc_span blob;
    return fixed_then_field(&c, st, msg, len, 9, off, n, &blob);
}

enum fc_smb2_status fc_smb2_tree_connect_req_parse(const uint8_t *msg, size_t len,
                                                   struct fc_smb2_tree_connect_req *r)
{
    enum fc_smb2_status st;
    struct fc_cursor c = body(msg, len, 9, &st);
    fc_cursor_skip(&c, 2); /* Flags (Reserved before 3.1.1) */
    uint16_t off = fc_get_le16(&c);
    uint16_t n = fc_get_le16(&c);
    return fixed_then_field(&c, st, msg, len, 9, off, n, &r->path);
}

enum fc_smb2_status fc_smb2_tree_connect_resp_parse(const uint8_t *msg, size_t len,
                                                    struct fc_smb2_tree_connect_resp *r)
{
    enum fc_smb2_status st;
    struct fc_cursor c = body(msg, len, 16, &st);
    r->share_type = fc_get_u8(&c);
    fc_cursor_skip(&c, 1);
    r->share_flags = fc_get_le32(&c);
    fc_cursor_skip(&c, 4); /* Capabilities */
    r->maximal_access = fc_get_le32(&c);
    return fixed_done(&c, st);
}

enum fc_smb2_status fc_smb2_create_req_parse(const uint8_t *msg, size_t len,
                                             struct fc_smb2_create_req *r)
{
    enum fc_smb2_status st;
    struct fc_cursor c = body(msg, len, 57, &st);
    fc_cursor_skip(&c, 1 + 1 + 4 + 8 + 8); /* .. Reserved */
    r->desired_access = fc_get_le32(&c);
    fc_cursor_skip(&c, 4 + 4); /* FileAttributes, ShareAccess */
    r->disposition = fc_get_le32(&c);
    r->options = fc_get_le32(&c);
    uint16_t name_off = fc_get_le16(&c);
    uint16_t name_len = fc_get_le16(&c);
    uint32_t ctx_off = fc_get_le32(&c);
    uint32_t ctx_len = fc_get_le32(&c);
    if ((st = fixed_done(&c, st)) != FC_SMB2_OK)
        return st;
    struct fc_span contexts;
    if ((st = field(msg, len, 57, name_off, name_len, &r->name)) != FC_SMB2_OK)
        return st;
    return field(msg, len, 57, ctx_off, ctx_len, &contexts);
}

enum fc_smb2_status fc_smb2_create_resp_parse(const uint8_t *msg, size_t len,
                                              struct fc_smb2_create_resp *r)
{
    enum fc_smb2_status st;
    struct fc_cursor c = body(msg, len, 89, &st);
    fc_cursor_skip(&c, 1 + 1); /* OplockLevel, Flags */
    r->create_action = fc_get_le32(&c);
    fc_cursor_skip(&c, 8 + 8); /* CreationTime, LastAccessTime */
    r->last_write = get_le64(&c);
    fc_cursor_skip(&c, 8 + 8); /* ChangeTime, AllocationSize */
    r->end_of_file = get_le64(&c);
    r->attributes = fc_get_le32(&c);
    fc_cursor_skip(&c, 4);
    fc_get_bytes(&c, r->file_id, sizeof r->file_id);
    uint32_t ctx_off = fc_get_le32(&c);
    uint32_t ctx_len = fc_get_le32(&c);
    struct fc_span contexts;
    return fixed_then_field(&c, st, msg, len, 89, ctx_off, ctx_len, &contexts);
}

enum fc_smb2_status fc_smb2_close_req_parse(const uint8_t *msg, size_t len,
                                            struct fc_smb2_close_req *r)
{
    enum fc_smb2_status st;
    struct fc_cursor c = body(msg, len, 24, &st);
    fc_cursor_skip(&c, 2 + 4); /* Flags, Reserved */
    fc_get_bytes(&c, r->file_id, sizeof r->file_id);
    return fixed_done(&c, st);
}

enum fc_smb2_status fc_smb2_close_resp_parse(const uint8_t *msg, size_t len,
                                             struct fc_smb2_close_resp *r)
{
    enum fc_smb2_status st;
    struct fc_cursor c = body(msg, len, 60, &st);
    r->flags = fc_get_le16(&c);
    fc_cursor_skip(&c, 4 + 8 * 5); /* Reserved, four times, AllocationSize */
    r->end_of_file = get_le64(&c);
    fc_cursor_skip(&c, 4); /* FileAttributes */
    return fixed_done(&c, st);
}

enum fc_smb2_status fc_smb2_set_info_req_parse(const uint8_t *msg, size_t len,
                                               struct fc_smb2_set_info_req *r)
{
    enum fc_smb2_status st;
    struct fc_cursor c = body(msg, len, 33, &st);
    r->info_type = fc_get_u8(&c);
    r->info_class = fc_get_u8(&c);
    uint32_t n = fc_get_le32(&c);
    uint16_t off = fc_get_le16(&c);
    fc_cursor_skip(&c, 2 + 4); /* Reserved, AdditionalInformation */
    fc_get_bytes(&c, r->file_id, sizeof r->file_id);
    return fixed_then_field(&c, st, msg, len, 33, off, n, &r->buffer);
}

bool fc_smb2_file_id_is_related(const uint8_t file_id[16])
{
    static const uint8_t ones[16] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    return memcmp(file_id, ones, sizeof ones) == 0;
}

enum fc_smb2_status fc_smb2_disposition_parse(struct fc_span buffer, uint8_t info_class,
                                              bool *delete_pending)
{
    struct fc_cursor c = fc_cursor_make(buffer.p, buffer.len);
    /* FileDispositionInformationEx (MS-FSCC 2.4.12) has 32-bit flags,
     * FILE_DISPOSITION_DELETE being bit 0. */
    uint32_t v = info_class == FC_FILE_DISPOSITION_INFORMATION_EX ? fc_get_le32(&c)
                                                                  : fc_get_u8(&c);
    *delete_pending = (v & 1) != 0;
    return c.short_read ? FC_SMB2_TRUNCATED : FC_SMB2_OK;
}

enum fc_smb2_status fc_smb2_rename_parse(struct fc_span buffer, struct fc_span *new_name)
{
    /* FILE_RENAME_INFORMATION_TYPE_2 (MS-FSCC 2.4.42.2): ReplaceIfExists,
     * 7 reserved bytes, RootDirectory (8), FileNameLength (4), FileName. */
    struct fc_cursor c = fc_cursor_make(buffer.p, buffer.len);
    fc_cursor_skip(&c, 1 + 7 + 8);
    uint32_t n = fc_get_le32(&c);
    const uint8_t *p = fc_cursor_take(&c, n);
    *new_name = p ? (struct fc_span){ p, n } : (struct fc_span){ NULL, 0 };
    return c.short_read ? FC_SMB2_TRUNCATED : FC_SMB2_OK;
}

/* --------------------------------------------------------------- NTLMSSP */

static const uint8_t ntlmssp_signature[8] = { 'N', 'T', 'L', 'M', 'S', 'S', 'P', 0 };

/* The offset of the next signature in blob at or after `from`, or
 * blob.len when there is none. */
static size_t find_signature(struct fc_span blob, size_t from)
{
    while (from + sizeof ntlmssp_signature <= blob.len) {
        const uint8_t *at = memchr(blob.p + from, 'N', blob.len - from);
        if (!at)
            break;
        size_t pos = (size_t)(at - blob.p);
        if (pos + sizeof ntlmssp_signature <= blob.len &&
            memcmp(at, ntlmssp_signature, sizeof ntlmssp_signature) == 0)
            return pos;
        from = pos + 1;
    }
    return blob.len;
}

/* An NTLMSSP security buffer field (Len, MaxLen, BufferOffset from the
 * message's start) as a span of the message msg[0..len). */
static enum fc_smb2_status ntlm_field(struct fc_cursor *c, const uint8_t *msg, size_t len,
                                      struct fc_span *out)
{
    uint16_t n = fc_get_le16(c);
    fc_cursor_skip(c, 2);
    uint32_t off = fc_get_le32(c);
    *out = (struct fc_span){ NULL, 0 };
    if (c->short_read)
        return FC_SMB2_TRUNCATED;
    if (n == 0)
        return FC_SMB2_OK;
    if (off > len || n > len - off)
        return FC_SMB2_MALFORMED;
    *out = (struct fc_span){ msg + off, n };
    return FC_SMB2_OK;
}

static enum fc_smb2_status auth_parse(const uint8_t *msg, size_t len, struct fc_ntlmssp_auth *a)
{
    struct fc_cursor c = fc_cursor_make(msg, len);
    fc_cursor_skip(&c, 8 + 4 + 8 + 8); /* Signature, MessageType, Lm/NtChallengeResponse */
    struct fc_span domain, user, workstation;
    enum fc_smb2_status st = ntlm_field(&c, msg, len, &domain);
    if (st == FC_SMB2_OK)
        st = ntlm_field(&c, msg, len, &user);
    if (st == FC_SMB2_OK)
        st = ntlm_field(&c, msg, len, &workstation);
    fc_cursor_skip(&c, 8); /* EncryptedRandomSessionKey */
    uint32_t flags = fc_get_le32(&c);
    if (st == FC_SMB2_OK && c.short_read)
        st = FC_SMB2_TRUNCATED;
    if (st != FC_SMB2_OK)
        return st;
    *a = (struct fc_ntlmssp_auth){ flags, domain, user, workstation };
    return FC_SMB2_OK;
}

enum fc_smb2_status fc_ntlmssp_auth_find(struct fc_span blob, struct fc_ntlmssp_auth *a)
{
    for (size_t at = find_signature(blob, 0); at < blob.len;
         at = find_signature(blob, at + 1)) {
        /* The message runs to the blob's end: SPNEGO wraps it last in
         * its token, and the fields' offsets count from its start. */
        struct fc_cursor c = fc_cursor_make(blob.p + at, blob.len - at);
        fc_cursor_skip(&c, sizeof ntlmssp_signature);
        uint32_t type = fc_get_le32(&c);
        if (c.short_read)
            return FC_SMB2_TRUNCATED;
        if (type == 3)
            return auth_parse(blob.p + at, blob.len - at, a);
    }
    return FC_SMB2_ABSENT;
}

/* ------------------------------------------------------------------ texts */

/* Appends code point cp as UTF-8 if it fits with the NUL; false when not. */
static bool put_utf8(char *out, size_t cap, size_t *at, uint32_t cp)
{
    uint8_t b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (uint8_t)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (uint8_t)(0xc0 | cp >> 6);
        b[1] = (uint8_t)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (uint8_t)(0xe0 | cp >> 12);
        b[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
        b[2] = (uint8_t)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        b[0] = (uint8_t)(0xf0 | cp >> 18);
        b[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3f));
        b[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
        b[3] = (uint8_t)(0x80 | (cp & 0x3f));
        n = 4;
    }
    if (*at + n + 1 > cap)
        return false;
    memcpy(out + *at, b, n);
    *at += n;
    return true;
}

/* The next code point of UTF-16LE text; U+FFFD for an unpaired surrogate. */
static uint32_t next_utf16(struct fc_cursor *c)
{
    uint32_t u = fc_get_le16(c);
    if (u < 0xd800 || u > 0xdfff)
        return u;
    if (u >= 0xdc00 || !fc_cursor_has(c, 2))
        return 0xfffd;
    struct fc_cursor peek = *c;
    uint32_t lo = fc_get_le16(&peek);
    if (lo < 0xdc00 || lo > 0xdfff)
        return 0xfffd;
    *c = peek;
    return 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
}

size_t fc_smb2_utf8(struct fc_span s, bool unicode, char *out, size_t cap, bool *cut)
{
    struct fc_cursor c = fc_cursor_make(s.p, s.len);
    size_t at = 0;
    *cut = false;
    /* An odd last byte of UTF-16 is no character: left out. */
    while (fc_cursor_has(&c, unicode ? 2 : 1)) {
        uint32_t cp = unicode ? next_utf16(&c) : fc_get_u8(&c);
        if (cp == 0)
            break;
        if (!put_utf8(out, cap, &at, cp)) {
            *cut = true;
            break;
        }
    }
    out[at] = '\0';
    return at;
}

/* ----------------------------------------------------------------- stream */

/* NetBIOS session service packet types (RFC 1002 4.3.1). */
#define NBSS_SESSION_MESSAGE 0x00
#define NBSS_SESSION_REQUEST 0x81
#define NBSS_KEEP_ALIVE 0x85

void fc_smb2_stream_release(struct fc_smb2_stream *s)
{
    free(s->buf);
    s->buf = NULL;
    s->buf_cap = 0;
}

/* A READ response or WRITE request alone in its frame: its data need not
 * be kept. */
static bool is_data_message(const uint8_t *p, size_t len)
{
    struct fc_smb2_header h;
    if (fc_smb2_header_parse(p, len, &h) != FC_SMB2_OK || h.next_command != 0)
        return false;
    bool response = fc_smb2_is_response(&h);
    return (h.command == FC_SMB2_READ && response) || (h.command == FC_SMB2_WRITE && !response);
}

static bool reserve(struct fc_smb2_stream *s, uint32_t n)
{
    if (n <= s->buf_cap)
        return true;
    uint8_t *p = realloc(s->buf, n);
    if (!p)
        return false;
    s->buf = p;
    s->buf_cap = n;
    return true;
}

/* The frame header is in: what of the frame to keep. */
static bool frame_start(struct fc_smb2_stream *s)
{
    const uint8_t *h = s->frame_head;
    s->frame_type = h[0];
    s->frame_len = (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
    s->frame_done = 0;
    s->broken = false;
    if (s->frame_type != NBSS_SESSION_MESSAGE &&
        (s->frame_type < NBSS_SESSION_REQUEST || s->frame_type > NBSS_KEEP_ALIVE))
        return false;
    s->keep = 0;
    if (s->frame_type == NBSS_SESSION_MESSAGE)
        s->keep = s->frame_len < FC_SMB2_HEAD_MAX ? s->frame_len : FC_SMB2_HEAD_MAX;
    return true;
}

/* The kept bytes reached s->keep. */
static void kept(struct fc_smb2_stream *s, fc_smb2_frame_fn fn, void *arg)
{
    if (s->keep == s->frame_len) {
        fn(arg, s->buf, s->keep, s->frame_len);
        return;
    }
    /* The head is in: keep the whole frame when it is under the cap and
     * not a data message, else hand the head over and skip the rest. */
    if (s->frame_len <= FC_SMB2_MESSAGE_MAX && !is_data_message(s->buf, s->keep) &&
        reserve(s, s->frame_len)) {
        s->keep = s->frame_len;
        return;
    }
    fn(arg, s->buf, s->keep, s->frame_len);
}

static void frame_end(struct fc_smb2_stream *s)
{
    if (s->frame_done == s->frame_len)
        s->frame_head_len = 0; /* the next frame's header comes next */
}

/* Takes up to len bytes of the current frame; returns how many. */
static size_t frame_bytes(struct fc_smb2_stream *s, const uint8_t *p, size_t len,
                          fc_smb2_frame_fn fn, void *arg)
{
    size_t take = s->frame_len - s->frame_done;
    if (take > len)
        take = len;
    if (s->frame_done < s->keep && !s->broken) {
        uint32_t want = s->keep - s->frame_done;
        uint32_t n = take < want ? (uint32_t)take : want;
        if (reserve(s, s->keep)) {
            memcpy(s->buf + s->frame_done, p, n);
            s->frame_done += n;
            if (s->frame_done == s->keep)
                kept(s, fn, arg);
            frame_end(s);
            return n;
        }
        s->broken = true; /* out of memory: the frame is skipped */
    }
    s->frame_done += (uint32_t)take;
    frame_end(s);
    return take;
}

enum fc_smb2_stream_state fc_smb2_stream_feed(struct fc_smb2_stream *s, const uint8_t *p,
                                              size_t len, fc_smb2_frame_fn fn, void *arg)
{
    while (len && s->state == FC_SMB2_STREAM_FRAME) {
        if (s->frame_head_len < sizeof s->frame_head) {
            s->frame_head[s->frame_head_len++] = p[0];
            p++;
            len--;
            if (s->frame_head_len == sizeof s->frame_head) {
                if (!frame_start(s))
                    s->state = FC_SMB2_STREAM_LOST;
                else if (s->frame_len == 0)
                    s->frame_head_len = 0;
            }
            continue;
        }
        size_t used = frame_bytes(s, p, len, fn, arg);
        p += used;
        len -= used;
    }
    if (s->state == FC_SMB2_STREAM_LOST)
        fc_smb2_stream_release(s);
    return s->state;
}

enum fc_smb2_gap fc_smb2_stream_gap(struct fc_smb2_stream *s, uint64_t len)
{
    if (s->state != FC_SMB2_STREAM_FRAME)
        return FC_SMB2_GAP_NONE;
    bool in_frame = s->frame_head_len == sizeof s->frame_head;
    if (len == 0 || !in_frame || len > s->frame_len - s->frame_done) {
        s->state = FC_SMB2_STREAM_LOST;
        fc_smb2_stream_release(s);
        return FC_SMB2_GAP_LOST;
    }
    /* Bytes past the kept part were to be skipped anyway. */
    bool hurt = s->frame_done < s->keep && !s->broken;
    s->broken |= hurt;
    s->frame_done += (uint32_t)len;
    frame_end(s);
    return hurt ? FC_SMB2_GAP_MESSAGE : FC_SMB2_GAP_NONE;
}
