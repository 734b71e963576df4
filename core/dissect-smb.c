/*
 * SMB over TCP (direct TCP on 445, NetBIOS sessions on 139): each
 * direction's frames (core/smb2-msg.h) give SMB2/SMB3 messages, and the
 * requests paired with their responses by message id give the section's
 * items (core/smb-info.h): negotiate, session_setup (the NTLMSSP user),
 * tree_connect, open/create, delete and rename. The connection keeps its
 * sessions (user), trees (share path and type) and open files (name) so
 * each item says who did what where, as Zeek's smb_files.log does.
 *
 * An encrypted message (SMB3 transform header) ends the reading: the rest
 * of the connection is no longer followed. SMB1 is read only as far as its
 * negotiate; when the server answers it in SMB2 (multi-protocol
 * negotiation) the connection goes on in SMB2.
 */
#include <stdlib.h>
#include <string.h>

#include "core/dissect.h"
#include "core/smb-info.h"
#include "core/smb2-msg.h"

/* Items one record reports (the rest are counted in l7.smb.items_dropped);
 * requests awaiting their response; sessions, trees and open files of a
 * connection. Past a table's cap its oldest entry is forgotten. */
#define SMB_ITEMS_MAX 256
#define SMB_PENDING_MAX 64
#define SMB_SESSIONS_MAX 16
#define SMB_TREES_MAX 64
#define SMB_FILES_MAX 256

#define SMB1_NEGOTIATE 0x72
#define SMB1_FLAGS_REPLY 0x80

struct pending {
    uint64_t message_id;
    uint16_t command;
    bool delete_on_close; /* CREATE with FILE_DELETE_ON_CLOSE */
    uint8_t file_id[16];  /* CLOSE */
    uint32_t tree_id;
    uint64_t session_id;
    struct fc_smb_item item; /* what the response completes; action NONE: nothing */
};

struct session {
    uint64_t id;
    char *text[3]; /* user, domain, host */
};

struct tree {
    uint64_t session_id;
    uint32_t id;
    uint8_t share_type;
    char *path;
};

struct file {
    uint8_t id[16];
    uint64_t session_id;
    uint32_t tree_id;
    bool delete_on_close;
    char *name;
};

/* A growing array of entries up to a cap. */
#define TABLE(type) \
    struct {        \
        type *v;    \
        uint32_t n; \
        uint32_t cap; \
    }

struct smb_state {
    struct fc_smb2_stream stream[2];
    TABLE(struct fc_smb_item) items;
    TABLE(struct pending) pending;
    TABLE(struct session) sessions;
    TABLE(struct tree) trees;
    TABLE(struct file) files;
    uint32_t emitted;
    uint16_t dialect;      /* the negotiated one; 0 before */
    uint8_t last_create[16]; /* the file id of the last CREATE answered */
    bool smb1_negotiate;   /* an SMB1 NEGOTIATE awaits its answer */
    fc_time smb1_ts;
    bool stop;             /* encrypted, or SMB1: no longer followed */
};

/* Room for one more entry of a table of `size`-byte entries; false at the
 * cap or out of memory. */
static bool grow(void **v, uint32_t *cap, uint32_t n, uint32_t max, size_t size)
{
    if (n < *cap)
        return true;
    if (n >= max)
        return false;
    uint32_t want = *cap ? *cap * 2 : 4;
    if (want > max)
        want = max;
    void *p = realloc(*v, want * size);
    if (!p)
        return false;
    *v = p;
    *cap = want;
    return true;
}

#define TABLE_ROOM(t, max) grow((void **)&(t).v, &(t).cap, (t).n, (max), sizeof *(t).v)

/* Removes entry i of a table (keeping the order: the oldest is first). */
#define TABLE_REMOVE(t, i) \
    memmove(&(t).v[i], &(t).v[(i) + 1], ((t).n - (i) - 1) * sizeof *(t).v), (t).n--

/* ------------------------------------------------------------------ probe */

static bool is_smb_magic(const uint8_t *p)
{
    return (p[0] == 0xfe || p[0] == 0xff || p[0] == 0xfd || p[0] == 0xfc) && p[1] == 'S' &&
           p[2] == 'M' && p[3] == 'B';
}

/* A session message whose first bytes are an SMB protocol id; on port 139
 * also a NetBIOS session request, which opens those connections. */
static enum fc_probe smb_probe(const struct fc_probe_ctx *pc, const uint8_t *p, size_t len)
{
    struct fc_cursor c = fc_cursor_make(p, len);
    uint8_t type = fc_get_u8(&c);
    if (c.short_read)
        return FC_PROBE_MORE;
    if (type == 0x81)
        return pc->server_port == 139 ? FC_PROBE_YES : FC_PROBE_NO;
    if (type != 0x00)
        return FC_PROBE_NO;
    fc_cursor_skip(&c, 3);
    const uint8_t *magic = fc_cursor_take(&c, 4);
    if (!magic)
        return FC_PROBE_MORE;
    return is_smb_magic(magic) ? FC_PROBE_YES : FC_PROBE_NO;
}

/* ----------------------------------------------------------------- tables */

static struct session *find_session(struct smb_state *st, uint64_t id)
{
    for (uint32_t i = 0; i < st->sessions.n; i++) {
        if (st->sessions.v[i].id == id)
            return &st->sessions.v[i];
    }
    return NULL;
}

static struct tree *find_tree(struct smb_state *st, uint64_t session_id, uint32_t id)
{
    for (uint32_t i = 0; i < st->trees.n; i++) {
        if (st->trees.v[i].session_id == session_id && st->trees.v[i].id == id)
            return &st->trees.v[i];
    }
    return NULL;
}

static struct file *find_file(struct smb_state *st, const uint8_t id[16])
{
    for (uint32_t i = 0; i < st->files.n; i++) {
        if (memcmp(st->files.v[i].id, id, 16) == 0)
            return &st->files.v[i];
    }
    return NULL;
}

static void free_session(struct session *s)
{
    for (unsigned i = 0; i < 3; i++)
        free(s->text[i]);
}

static void free_file(struct file *f) { free(f->name); }
static void free_tree(struct tree *t) { free(t->path); }

/* Makes room for one more entry, forgetting the oldest at the cap. */
#define TABLE_MAKE_ROOM(t, max, free_entry)   \
    do {                                      \
        if (!TABLE_ROOM(t, max) && (t).n) {   \
            free_entry(&(t).v[0]);            \
            TABLE_REMOVE(t, 0);               \
        }                                     \
    } while (0)

static char *dup_text(const char *s)
{
    return s ? strdup(s) : NULL;
}

static void add_session(struct smb_state *st, uint64_t id, const struct fc_smb_item *it)
{
    struct session *s = find_session(st, id);
    if (!s) {
        TABLE_MAKE_ROOM(st->sessions, SMB_SESSIONS_MAX, free_session);
        if (!TABLE_ROOM(st->sessions, SMB_SESSIONS_MAX))
            return;
        s = &st->sessions.v[st->sessions.n++];
        *s = (struct session){ .id = id };
    }
    static const enum fc_smb_text which[3] = { FC_SMB_USER, FC_SMB_DOMAIN, FC_SMB_HOST };
    for (unsigned i = 0; i < 3; i++) {
        free(s->text[i]);
        s->text[i] = dup_text(fc_smb_item_text(it, which[i]));
    }
}

static void add_tree(struct smb_state *st, uint64_t session_id, uint32_t id, uint8_t type,
                     const char *path)
{
    struct tree *t = find_tree(st, session_id, id);
    if (!t) {
        TABLE_MAKE_ROOM(st->trees, SMB_TREES_MAX, free_tree);
        if (!TABLE_ROOM(st->trees, SMB_TREES_MAX))
            return;
        t = &st->trees.v[st->trees.n++];
        *t = (struct tree){ .session_id = session_id, .id = id };
    }
    free(t->path);
    t->path = dup_text(path);
    t->share_type = type;
}

static void add_file(struct smb_state *st, const uint8_t id[16], const struct pending *pd)
{
    TABLE_MAKE_ROOM(st->files, SMB_FILES_MAX, free_file);
    if (!TABLE_ROOM(st->files, SMB_FILES_MAX))
        return;
    struct file *f = &st->files.v[st->files.n++];
    *f = (struct file){ .session_id = pd->session_id, .tree_id = pd->tree_id,
                        .delete_on_close = pd->delete_on_close,
                        .name = dup_text(fc_smb_item_text(&pd->item, FC_SMB_NAME)) };
    memcpy(f->id, id, 16);
}

/* ------------------------------------------------------------------ items */

static void put_text(struct fc_smb_item *it, enum fc_smb_text which, const char *s)
{
    if (s)
        (void)fc_smb_item_put_text(it, which, s, strlen(s));
}

/* A UTF-16LE (or OEM) field of a message as the item's text. */
static void put_wire_text(struct fc_smb_item *it, enum fc_smb_text which, struct fc_span s,
                          bool unicode)
{
    char text[FC_SMB_TEXT_MAX + 1];
    bool cut;
    size_t n = fc_smb2_utf8(s, unicode, text, sizeof text, &cut);
    if (n)
        (void)fc_smb_item_put_text(it, which, text, n);
}

static void set_dialect(struct fc_smb_item *it, uint16_t dialect)
{
    char buf[FC_SMB_DIALECT_TEXT];
    if (dialect)
        put_text(it, FC_SMB_DIALECT, fc_smb_dialect_name(dialect, buf));
}

static void set_status(struct fc_smb_item *it, uint32_t status)
{
    char buf[FC_SMB_STATUS_TEXT];
    put_text(it, FC_SMB_STATUS, fc_smb_status_name(status, buf));
}

/* A new item of the request: what the connection knows of its session and
 * tree. */
static void item_start(struct smb_state *st, struct fc_smb_item *it, enum fc_smb_action action,
                       fc_time ts, uint64_t session_id, uint32_t tree_id)
{
    *it = (struct fc_smb_item){ .ts = ts, .modified = FC_TIME_UNKNOWN, .version = 2,
                                .action = (uint8_t)action };
    set_dialect(it, st->dialect);
    const struct session *s = find_session(st, session_id);
    if (s) {
        put_text(it, FC_SMB_USER, s->text[0]);
        put_text(it, FC_SMB_DOMAIN, s->text[1]);
        put_text(it, FC_SMB_HOST, s->text[2]);
    }
    const struct tree *t = find_tree(st, session_id, tree_id);
    if (t) {
        put_text(it, FC_SMB_PATH, t->path);
        it->share_type = t->share_type;
    }
}

/* Hands the item over to the record, or drops it past the cap (or when
 * there is nothing to report). */
static void item_done(struct smb_state *st, const struct fc_l7_ctx *ctx, struct fc_smb_item *it)
{
    if (it->action == FC_SMB_ACTION_NONE) {
        fc_smb_item_free(it);
        return;
    }
    if (!TABLE_ROOM(st->items, SMB_ITEMS_MAX)) {
        fc_count(ctx->cnt, FC_CNT_SMB_ITEMS_DROPPED);
        fc_smb_item_free(it);
        return;
    }
    st->items.v[st->items.n++] = *it;
}

/* --------------------------------------------------------------- requests */

/* A request, with the ids it inherits in a compound, and the compound's
 * CREATE whose file the later requests may name (3.2.4.1.4). */
struct request {
    const struct fc_smb2_header *h;
    const uint8_t *msg;
    size_t len;
    uint64_t session_id; /* the header's, or the compound's */
    uint32_t tree_id;
    bool has_create;
    uint64_t create_id; /* message id of the compound's CREATE */
};

/* The pending request of message id, or NULL. */
static struct pending *find_pending(struct smb_state *st, uint64_t message_id,
                                    uint16_t command)
{
    for (uint32_t i = 0; i < st->pending.n; i++) {
        if (st->pending.v[i].message_id == message_id && st->pending.v[i].command == command)
            return &st->pending.v[i];
    }
    return NULL;
}

static void free_pending(struct pending *pd) { fc_smb_item_free(&pd->item); }

static struct pending *add_pending(struct smb_state *st, const struct fc_l7_ctx *ctx,
                                   const struct request *rq)
{
    if (!TABLE_ROOM(st->pending, SMB_PENDING_MAX) && st->pending.n) {
        fc_count(ctx->cnt, FC_CNT_SMB_ITEMS_DROPPED); /* a request never answered */
        free_pending(&st->pending.v[0]);
        TABLE_REMOVE(st->pending, 0);
    }
    if (!TABLE_ROOM(st->pending, SMB_PENDING_MAX))
        return NULL;
    struct pending *pd = &st->pending.v[st->pending.n++];
    *pd = (struct pending){ .message_id = rq->h->message_id, .command = rq->h->command,
                            .tree_id = rq->tree_id, .session_id = rq->session_id };
    return pd;
}

/* True when a parse went well; counts it when not. */
static bool parsed(const struct fc_l7_ctx *ctx, enum fc_smb2_status s)
{
    if (s != FC_SMB2_OK)
        fc_count(ctx->cnt, FC_CNT_SMB_BAD_MESSAGE);
    return s == FC_SMB2_OK;
}

static void session_setup_request(struct smb_state *st, const struct fc_l7_ctx *ctx,
                                  const struct request *rq)
{
    struct fc_smb2_session_setup_req r;
    enum fc_smb2_status s = fc_smb2_session_setup_req_parse(rq->msg, rq->len, &r);
    struct pending *pd = add_pending(st, ctx, rq);
    if (!pd)
        return;
    item_start(st, &pd->item, FC_SMB_ACTION_SESSION_SETUP, ctx->ts, 0, 0);
    if (!parsed(ctx, s))
        return;
    struct fc_ntlmssp_auth a;
    s = fc_ntlmssp_auth_find(r.security, &a);
    if (s == FC_SMB2_ABSENT || !parsed(ctx, s))
        return;
    bool unicode = a.flags & FC_NTLMSSP_NEGOTIATE_UNICODE;
    put_wire_text(&pd->item, FC_SMB_USER, a.user, unicode);
    put_wire_text(&pd->item, FC_SMB_DOMAIN, a.domain, unicode);
    put_wire_text(&pd->item, FC_SMB_HOST, a.workstation, unicode);
}

static void tree_connect_request(struct smb_state *st, const struct fc_l7_ctx *ctx,
                                 const struct request *rq)
{
    struct fc_smb2_tree_connect_req r;
    enum fc_smb2_status s = fc_smb2_tree_connect_req_parse(rq->msg, rq->len, &r);
    struct pending *pd = add_pending(st, ctx, rq);
    if (!pd)
        return;
    item_start(st, &pd->item, FC_SMB_ACTION_TREE_CONNECT, ctx->ts, rq->session_id, 0);
    if (parsed(ctx, s))
        put_wire_text(&pd->item, FC_SMB_PATH, r.path, true);
}

/* Zeek's name for the share's root, whose CREATE has an empty name: no
 * Windows file name holds '<' or '>'. */
#define SHARE_ROOT "<share_root>"

static void create_request(struct smb_state *st, const struct fc_l7_ctx *ctx,
                           const struct request *rq)
{
    struct fc_smb2_create_req r;
    enum fc_smb2_status s = fc_smb2_create_req_parse(rq->msg, rq->len, &r);
    if (!parsed(ctx, s))
        return;
    struct pending *pd = add_pending(st, ctx, rq);
    if (!pd)
        return;
    enum fc_smb_action action =
        r.disposition == FC_SMB2_FILE_CREATE ? FC_SMB_ACTION_CREATE : FC_SMB_ACTION_OPEN;
    item_start(st, &pd->item, action, ctx->ts, rq->session_id, rq->tree_id);
    put_wire_text(&pd->item, FC_SMB_NAME, r.name, true);
    if (!fc_smb_item_text(&pd->item, FC_SMB_NAME))
        put_text(&pd->item, FC_SMB_NAME, SHARE_ROOT);
    pd->delete_on_close = r.options & FC_SMB2_FILE_DELETE_ON_CLOSE;
}

/* The name of the file a request names by id: in a compound, all ones
 * names the file the compound's CREATE opens. */
static const char *file_name(struct smb_state *st, const uint8_t id[16],
                             const struct request *rq)
{
    if (fc_smb2_file_id_is_related(id)) {
        const struct pending *c =
            rq->has_create ? find_pending(st, rq->create_id, FC_SMB2_CREATE) : NULL;
        return c ? fc_smb_item_text(&c->item, FC_SMB_NAME) : NULL;
    }
    const struct file *f = find_file(st, id);
    return f ? f->name : NULL;
}

static void close_request(struct smb_state *st, const struct fc_l7_ctx *ctx,
                          const struct request *rq)
{
    struct fc_smb2_close_req r;
    enum fc_smb2_status s = fc_smb2_close_req_parse(rq->msg, rq->len, &r);
    if (!parsed(ctx, s))
        return;
    struct pending *pd = add_pending(st, ctx, rq);
    if (pd)
        memcpy(pd->file_id, r.file_id, 16);
}

static void set_info_request(struct smb_state *st, const struct fc_l7_ctx *ctx,
                             const struct request *rq)
{
    struct fc_smb2_set_info_req r;
    enum fc_smb2_status s = fc_smb2_set_info_req_parse(rq->msg, rq->len, &r);
    if (!parsed(ctx, s))
        return;
    if (r.info_type != FC_SMB2_INFO_FILE)
        return;
    bool rename = r.info_class == FC_FILE_RENAME_INFORMATION;
    bool del = false;
    struct fc_span new_name = { NULL, 0 };
    if (rename)
        s = fc_smb2_rename_parse(r.buffer, &new_name);
    else if (r.info_class == FC_FILE_DISPOSITION_INFORMATION ||
             r.info_class == FC_FILE_DISPOSITION_INFORMATION_EX)
        s = fc_smb2_disposition_parse(r.buffer, r.info_class, &del);
    if (!parsed(ctx, s))
        return;
    if (!rename && !del)
        return;
    struct pending *pd = add_pending(st, ctx, rq);
    if (!pd)
        return;
    item_start(st, &pd->item, rename ? FC_SMB_ACTION_RENAME : FC_SMB_ACTION_DELETE, ctx->ts,
               rq->session_id, rq->tree_id);
    put_text(&pd->item, FC_SMB_NAME, file_name(st, r.file_id, rq));
    if (rename)
        put_wire_text(&pd->item, FC_SMB_NEW_NAME, new_name, true);
    memcpy(pd->file_id, r.file_id, 16);
}

static void request(struct smb_state *st, const struct fc_l7_ctx *ctx, const struct request *rq)
{
    struct pending *pd;
    switch (rq->h->command) {
    case FC_SMB2_NEGOTIATE:
        if ((pd = add_pending(st, ctx, rq)))
            item_start(st, &pd->item, FC_SMB_ACTION_NEGOTIATE, ctx->ts, 0, 0);
        break;
    case FC_SMB2_SESSION_SETUP:
        session_setup_request(st, ctx, rq);
        break;
    case FC_SMB2_TREE_CONNECT:
        tree_connect_request(st, ctx, rq);
        break;
    case FC_SMB2_CREATE:
        create_request(st, ctx, rq);
        break;
    case FC_SMB2_CLOSE:
        close_request(st, ctx, rq);
        break;
    case FC_SMB2_SET_INFO:
        set_info_request(st, ctx, rq);
        break;
    default:
        break;
    }
}

/* -------------------------------------------------------------- responses */

static void negotiate_response(struct smb_state *st, const struct fc_l7_ctx *ctx,
                               const uint8_t *msg, size_t len, struct pending *pd)
{
    struct fc_smb2_negotiate_resp r;
    enum fc_smb2_status s = fc_smb2_negotiate_resp_parse(msg, len, &r);
    if (!parsed(ctx, s))
        return;
    st->dialect = r.dialect;
    set_dialect(&pd->item, r.dialect);
}

static void tree_connect_response(struct smb_state *st, const struct fc_l7_ctx *ctx,
                                  const struct fc_smb2_header *h, const uint8_t *msg,
                                  size_t len, struct pending *pd)
{
    struct fc_smb2_tree_connect_resp r;
    enum fc_smb2_status s = fc_smb2_tree_connect_resp_parse(msg, len, &r);
    if (!parsed(ctx, s))
        return;
    pd->item.share_type = r.share_type;
    add_tree(st, h->session_id, h->tree_id, r.share_type,
             fc_smb_item_text(&pd->item, FC_SMB_PATH));
}

/* FILETIME (100 ns ticks since 1601) to ns since 1970; 0 means none. */
static fc_time filetime(uint64_t ft)
{
    const uint64_t epoch = 116444736000000000ull; /* 1970-01-01 in FILETIME */
    if (ft < epoch || (ft - epoch) > INT64_MAX / 100)
        return FC_TIME_UNKNOWN;
    return (fc_time)((ft - epoch) * 100);
}

static void create_response(struct smb_state *st, const struct fc_l7_ctx *ctx,
                            const uint8_t *msg, size_t len, struct pending *pd)
{
    struct fc_smb2_create_resp r;
    enum fc_smb2_status s = fc_smb2_create_resp_parse(msg, len, &r);
    if (!parsed(ctx, s))
        return;
    struct fc_smb_item *it = &pd->item;
    it->action = r.create_action == FC_SMB2_FILE_CREATED ? FC_SMB_ACTION_CREATE
                                                         : FC_SMB_ACTION_OPEN;
    it->size = r.end_of_file;
    it->has_size = true;
    it->modified = filetime(r.last_write);
    add_file(st, r.file_id, pd);
    memcpy(st->last_create, r.file_id, 16);
}

/* A file closed: a delete-on-close open is deleted now. */
static void close_response(struct smb_state *st, struct pending *pd)
{
    struct file *f = find_file(st, pd->file_id);
    if (!f)
        return;
    if (f->delete_on_close) {
        item_start(st, &pd->item, FC_SMB_ACTION_DELETE, pd->item.ts, f->session_id, f->tree_id);
        put_text(&pd->item, FC_SMB_NAME, f->name);
    }
    free_file(f);
    TABLE_REMOVE(st->files, (uint32_t)(f - st->files.v));
}

/* A rename done: the file goes by its new name. */
static void renamed(struct smb_state *st, const struct pending *pd)
{
    struct file *f = find_file(st, pd->file_id);
    const char *name = fc_smb_item_text(&pd->item, FC_SMB_NEW_NAME);
    if (f && name) {
        free(f->name);
        f->name = strdup(name);
    }
}

static void response(struct smb_state *st, const struct fc_l7_ctx *ctx,
                     const struct fc_smb2_header *h, const uint8_t *msg, size_t len)
{
    /* An interim answer: the final one follows with the same message id. */
    if (h->status == FC_NT_STATUS_PENDING && (h->flags & FC_SMB2_FLAGS_ASYNC))
        return;
    struct pending *found = find_pending(st, h->message_id, h->command);
    if (!found) {
        /* The answer to an SMB1 NEGOTIATE naming SMB2 dialects. */
        if (h->command != FC_SMB2_NEGOTIATE || !st->smb1_negotiate)
            return;
        st->smb1_negotiate = false;
        struct request rq = { .h = h, .msg = msg, .len = len };
        if (!(found = add_pending(st, ctx, &rq)))
            return;
        item_start(st, &found->item, FC_SMB_ACTION_NEGOTIATE, st->smb1_ts, 0, 0);
    }
    struct pending pd = *found;
    TABLE_REMOVE(st->pending, (uint32_t)(found - st->pending.v));
    /* A compound's responses come in its order: a related file id is
     * the file its CREATE, answered just before, opened. */
    if (fc_smb2_file_id_is_related(pd.file_id))
        memcpy(pd.file_id, st->last_create, 16);
    set_status(&pd.item, h->status);
    bool ok = h->status == FC_NT_STATUS_SUCCESS;
    switch (h->command) {
    case FC_SMB2_NEGOTIATE:
        if (ok)
            negotiate_response(st, ctx, msg, len, &pd);
        break;
    case FC_SMB2_SESSION_SETUP:
        if (h->status == FC_NT_STATUS_MORE_PROCESSING_REQUIRED)
            pd.item.action = FC_SMB_ACTION_NONE; /* the next leg tells */
        else if (ok)
            add_session(st, h->session_id, &pd.item);
        break;
    case FC_SMB2_TREE_CONNECT:
        if (ok)
            tree_connect_response(st, ctx, h, msg, len, &pd);
        break;
    case FC_SMB2_CREATE:
        if (ok)
            create_response(st, ctx, msg, len, &pd);
        break;
    case FC_SMB2_CLOSE:
        if (ok)
            close_response(st, &pd);
        break;
    case FC_SMB2_SET_INFO:
        if (ok && pd.item.action == FC_SMB_ACTION_RENAME)
            renamed(st, &pd);
        break;
    default:
        break;
    }
    item_done(st, ctx, &pd.item);
}

/* ----------------------------------------------------------------- frames */

struct frame_arg {
    struct smb_state *st;
    const struct fc_l7_ctx *ctx;
};

/* The messages of a frame holding SMB2: one, or a compound chain. */
static void smb2_frame(struct smb_state *st, const struct fc_l7_ctx *ctx, const uint8_t *p,
                       size_t len, bool whole)
{
    struct request rq = { 0 };
    for (size_t off = 0; off < len;) {
        struct fc_smb2_header h;
        enum fc_smb2_status s = fc_smb2_header_parse(p + off, len - off, &h);
        size_t msg_len;
        if (s == FC_SMB2_OK)
            s = fc_smb2_message_len(&h, len - off, &msg_len);
        if (!parsed(ctx, s))
            return;
        fc_count(ctx->cnt, FC_CNT_SMB_MESSAGES);
        bool data = h.command == FC_SMB2_READ || h.command == FC_SMB2_WRITE;
        if (!whole && !data)
            fc_count(ctx->cnt, FC_CNT_SMB_LARGE);
        /* A related request inherits its session and tree (3.2.4.1.4). */
        if (!(h.flags & FC_SMB2_FLAGS_RELATED)) {
            rq.session_id = h.session_id;
            rq.tree_id = h.tree_id;
        }
        if (fc_smb2_is_response(&h)) {
            response(st, ctx, &h, p + off, msg_len);
        } else {
            rq.h = &h;
            rq.msg = p + off;
            rq.len = msg_len;
            request(st, ctx, &rq);
            if (h.command == FC_SMB2_CREATE) {
                rq.has_create = true;
                rq.create_id = h.message_id;
            }
        }
        if (h.next_command == 0 || !whole)
            return;
        off += h.next_command;
    }
}

/* SMB1: the NEGOTIATE only (MS-SMB 2.2.3.1: protocol, command, status,
 * flags); anything else ends the reading. */
static void smb1_frame(struct smb_state *st, const struct fc_l7_ctx *ctx, const uint8_t *p,
                       size_t len)
{
    struct fc_cursor c = fc_cursor_make(p, len);
    fc_cursor_skip(&c, 4);
    uint8_t command = fc_get_u8(&c);
    uint32_t status = fc_get_le32(&c);
    uint8_t flags = fc_get_u8(&c);
    if (!parsed(ctx, c.short_read ? FC_SMB2_TRUNCATED : FC_SMB2_OK))
        return;
    fc_count(ctx->cnt, FC_CNT_SMB_SMB1);
    if (command != SMB1_NEGOTIATE) {
        st->stop = true;
        return;
    }
    if (!(flags & SMB1_FLAGS_REPLY)) {
        st->smb1_negotiate = true;
        st->smb1_ts = ctx->ts;
        return;
    }
    struct fc_smb_item it;
    item_start(st, &it, FC_SMB_ACTION_NEGOTIATE, st->smb1_negotiate ? st->smb1_ts : ctx->ts, 0,
               0);
    it.version = 1;
    set_status(&it, status);
    st->smb1_negotiate = false;
    item_done(st, ctx, &it);
    st->stop = true;
}

static void on_frame(void *arg, const uint8_t *p, size_t len, uint32_t frame_len)
{
    struct frame_arg *a = arg;
    struct smb_state *st = a->st;
    if (st->stop)
        return;
    struct fc_cursor c = fc_cursor_make(p, len);
    uint32_t proto = fc_get_le32(&c);
    if (!parsed(a->ctx, c.short_read ? FC_SMB2_TRUNCATED : FC_SMB2_OK))
        return;
    switch (proto) {
    case FC_SMB2_PROTO:
        smb2_frame(st, a->ctx, p, len, len == frame_len);
        break;
    case FC_SMB1_PROTO:
        smb1_frame(st, a->ctx, p, len);
        break;
    case FC_SMB2_TRANSFORM:
        fc_count(a->ctx->cnt, FC_CNT_SMB_ENCRYPTED);
        st->stop = true;
        break;
    case FC_SMB2_COMPRESSED:
        fc_count(a->ctx->cnt, FC_CNT_SMB_COMPRESSED);
        break;
    default:
        (void)parsed(a->ctx, FC_SMB2_MALFORMED);
        break;
    }
}

/* ------------------------------------------------------------- interface */

static void smb_init(void *state)
{
    struct smb_state *st = state;
    for (unsigned dir = 0; dir < 2; dir++)
        st->stream[dir].state = FC_SMB2_STREAM_FRAME;
}

static void smb_data(void *state, const struct fc_l7_ctx *ctx, unsigned dir, const uint8_t *p,
                     size_t len)
{
    struct smb_state *st = state;
    struct frame_arg a = { st, ctx };
    struct fc_smb2_stream *s = &st->stream[dir];
    if (s->state == FC_SMB2_STREAM_LOST || st->stop)
        return;
    if (fc_smb2_stream_feed(s, p, len, on_frame, &a) == FC_SMB2_STREAM_LOST)
        fc_count(ctx->cnt, FC_CNT_SMB_LOST);
}

static void smb_gap(void *state, const struct fc_l7_ctx *ctx, unsigned dir, uint64_t len)
{
    struct smb_state *st = state;
    switch (fc_smb2_stream_gap(&st->stream[dir], len)) {
    case FC_SMB2_GAP_NONE:
        break;
    case FC_SMB2_GAP_MESSAGE:
        fc_count(ctx->cnt, FC_CNT_SMB_BAD_MESSAGE);
        break;
    case FC_SMB2_GAP_LOST:
        fc_count(ctx->cnt, FC_CNT_SMB_LOST);
        break;
    }
}

static bool smb_finished(void *state)
{
    struct smb_state *st = state;
    return st->stop || (st->stream[0].state == FC_SMB2_STREAM_LOST &&
                        st->stream[1].state == FC_SMB2_STREAM_LOST);
}

/* Items are reported once, in the next record; when the flow ends, the
 * requests never answered are reported too, without a status. */
static void smb_emit(void *state, const struct fc_l7_ctx *ctx, struct fc_flow_record *r,
                     bool last)
{
    struct smb_state *st = state;
    if (last) {
        for (uint32_t i = 0; i < st->pending.n; i++)
            item_done(st, ctx, &st->pending.v[i].item);
        st->pending.n = 0;
    }
    r->l7[FC_SECTION_SMB] = (struct fc_l7_items){ true, st->items.n, st->items.v };
    st->emitted = st->items.n;
}

static void smb_exported(void *state)
{
    struct smb_state *st = state;
    if (st->emitted == 0)
        return;
    for (uint32_t i = 0; i < st->emitted; i++)
        fc_smb_item_free(&st->items.v[i]);
    memmove(st->items.v, st->items.v + st->emitted,
            (st->items.n - st->emitted) * sizeof *st->items.v);
    st->items.n -= st->emitted;
    st->emitted = 0;
}

static void smb_release(void *state)
{
    struct smb_state *st = state;
    for (unsigned dir = 0; dir < 2; dir++)
        fc_smb2_stream_release(&st->stream[dir]);
    for (uint32_t i = 0; i < st->items.n; i++)
        fc_smb_item_free(&st->items.v[i]);
    for (uint32_t i = 0; i < st->pending.n; i++)
        free_pending(&st->pending.v[i]);
    for (uint32_t i = 0; i < st->sessions.n; i++)
        free_session(&st->sessions.v[i]);
    for (uint32_t i = 0; i < st->trees.n; i++)
        free_tree(&st->trees.v[i]);
    for (uint32_t i = 0; i < st->files.n; i++)
        free_file(&st->files.v[i]);
    free(st->items.v);
    free(st->pending.v);
    free(st->sessions.v);
    free(st->trees.v);
    free(st->files.v);
}

const struct fc_dissector fc_dissector_smb = {
    .name = "smb",
    .proto = FC_PROTO_TCP,
    .probe = smb_probe,
    .state_size = sizeof(struct smb_state),
    .init = smb_init,
    .data = smb_data,
    .gap = smb_gap,
    .finished = smb_finished,
    .emit = smb_emit,
    .exported = smb_exported,
    .release = smb_release,
};
