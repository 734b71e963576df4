/*
 * SIP (RFC 3261) over UDP and TCP: each message's head is read
 * (core/sip-msg.h) and requests are paired with the responses that answer
 * them into transactions (core/sip-tx.h), one item each of the `sip`
 * section. Bodies (SDP, ...) are skipped without being read.
 *
 * UDP: one message per datagram (RFC 3261 18.3); a body without
 * Content-Length runs to the datagram's end. TCP: messages follow each
 * other, each body Content-Length bytes long (0 when absent); CRLF
 * keep-alives between them (RFC 5626 4.4.1) are skipped; a head is
 * buffered while it is incomplete, up to FC_SIP_HEAD_MAX bytes. A hole
 * inside a body keeps the direction in step; anywhere else, or after a
 * head over the caps, the direction is lost until a chunk of the stream
 * starts with a SIP start line again.
 *
 * Pairing: a transaction is identified by Call-ID and CSeq (number and
 * method), as the request and every response to it repeat them (RFC 3261
 * 8.2.6.2). RFC 3261 17.1.3 matches responses by the top Via's branch and
 * CSeq method instead, which tells apart the copies a forking proxy makes;
 * on one link both keys agree, and Call-ID + CSeq also pairs RFC 2543
 * peers, which have no branch. A request seen again with the same key is
 * a retransmission (the first copy is kept); a CANCEL or ACK has a CSeq
 * method of its own, so it is its own transaction (an ACK is never
 * answered). A 1xx response is provisional: its code is listed and its
 * values stand until the final response (2xx-6xx) replaces them; a later
 * copy of the final response is a retransmission.
 *
 * A record cut by the active timeout reports the transactions that are
 * over: answered by a final response, ACKs, and those older than
 * 64*T1 = 32 s (RFC 3261 17.1.1.2 Timer B: the client has given up); the
 * others wait for the next record. The flow's end reports them all.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/dissect.h"
#include "core/limits.h"
#include "core/sip-msg.h"
#include "core/sip-tx.h"

/* Transactions kept in one record at most (more are counted, not kept);
 * provisional codes listed per transaction. */
#define MAX_TX 4096u
#define MAX_PROVISIONAL 8u
/* 64*T1, T1 = 500 ms (RFC 3261 17.1.1.1). */
#define TX_TIMEOUT_NS (32LL * 1000 * 1000 * 1000)

enum phase {
    HEAD, /* at a message's start */
    BODY, /* `skip` body bytes to go */
    LOST, /* after a hole or a bad head: until a chunk starts with a start line */
};

struct side { /* TCP only */
    enum phase phase;
    uint8_t *buf; /* an incomplete head, up to FC_SIP_HEAD_MAX bytes */
    uint32_t len;
    uint32_t cap;
    uint64_t skip;
};

struct sip_state {
    struct side side[2];
    struct fc_sip_tx *tx;
    uint32_t count;
    uint32_t cap;
    uint32_t emitted; /* transactions the last record reported (at the front) */
};

/* ------------------------------------------------------------------ probe */

static bool printable_prefix(const uint8_t *p, size_t len)
{
    struct fc_cursor c = fc_cursor_make(p, len);
    while (fc_cursor_left(&c) > 0) {
        uint8_t ch = fc_get_u8(&c);
        if (ch < 0x20 || ch > 0x7e)
            return false;
    }
    return true;
}

/* A SIP start line; a stream whose first line is not complete yet may
 * still become one while it is printable. */
static enum fc_probe probe_start(const uint8_t *p, size_t len, bool stream)
{
    struct fc_cursor c = fc_cursor_make(p, len);
    struct fc_span line;
    struct fc_sip_msg m;
    if (fc_cursor_line(&c, &line))
        return fc_sip_start_line(line, &m) ? FC_PROBE_YES : FC_PROBE_NO;
    return stream && printable_prefix(p, len) ? FC_PROBE_MORE : FC_PROBE_NO;
}

static enum fc_probe sip_probe_udp(const struct fc_probe_ctx *pc, const uint8_t *p, size_t len)
{
    (void)pc;
    return probe_start(p, len, false);
}

static enum fc_probe sip_probe_tcp(const struct fc_probe_ctx *pc, const uint8_t *p, size_t len)
{
    (void)pc;
    return len == 0 ? FC_PROBE_MORE : probe_start(p, len, true);
}

/* ------------------------------------------------------------------ texts */

/* Stores text `which` (replacing an earlier one), cut at FC_SIP_TEXT_MAX. */
static void put_text(struct fc_sip_tx *tx, enum fc_sip_text which, const char *s, size_t len,
                     bool cut)
{
    tx->truncated |= cut;
    if (!fc_text_arena_put(&tx->arena, &tx->text[which], s, len))
        tx->text[which] = 0;
}

static void put_value(struct fc_sip_tx *tx, enum fc_sip_text which, struct fc_span v)
{
    if (!v.p)
        return;
    char buf[FC_SIP_TEXT_MAX + 1];
    bool cut;
    size_t n = fc_sip_unfold(v, buf, sizeof buf, &cut);
    put_text(tx, which, buf, n, cut);
}

/* Where `;` + blanks + `name` starts in s (a parameter, any case), or NULL. */
static char *find_param(char *s, const char *name)
{
    size_t n = strlen(name);
    for (char *semi = strchr(s, ';'); semi; semi = strchr(semi + 1, ';')) {
        char *q = semi + 1;
        while (*q == ' ' || *q == '\t')
            q++;
        if (strncasecmp(q, name, n) != 0)
            continue;
        q += n;
        while (*q == ' ' || *q == '\t')
            q++;
        if (*q == '=' || *q == ';' || *q == '\0')
            return semi;
    }
    return NULL;
}

/* From without its tag, as Zeek logs it: the tag is the dialog's, not the
 * party's. */
static void put_from(struct fc_sip_tx *tx, enum fc_sip_text which, struct fc_span v)
{
    if (!v.p)
        return;
    char buf[FC_SIP_TEXT_MAX + 1];
    bool cut;
    size_t n = fc_sip_unfold(v, buf, sizeof buf, &cut);
    char *tag = find_param(buf, "tag");
    if (tag) {
        n = (size_t)(tag - buf);
        while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
            n--;
    }
    put_text(tx, which, buf, n, cut);
}

/* Appends s[0..n) to the path, comma-separated; false when it is full. */
static bool path_add(char *path, size_t *len, const char *s, size_t n)
{
    size_t need = n + (*len ? 1 : 0);
    if (*len + need > FC_SIP_TEXT_MAX)
        return false;
    if (*len)
        path[(*len)++] = ',';
    memcpy(path + *len, s, n);
    *len += n;
    return true;
}

/* One Via value's hops (comma-separated outside quotes, RFC 3261 7.3.1),
 * each without its branch and what follows, as Zeek logs them. */
static bool path_add_via(char *path, size_t *len, char *via)
{
    bool quoted = false;
    char *hop = via;
    for (char *q = via;; q++) {
        if (*q == '"')
            quoted = !quoted;
        if (*q != '\0' && (*q != ',' || quoted))
            continue;
        bool end = *q == '\0';
        *q = '\0';
        char *branch = find_param(hop, "branch");
        if (branch)
            *branch = '\0';
        struct fc_span s = fc_span_trim((struct fc_span){ (const uint8_t *)hop, strlen(hop) });
        if (s.len && !path_add(path, len, (const char *)s.p, s.len))
            return false;
        if (end)
            return true;
        hop = q + 1;
    }
}

static void put_path(struct fc_sip_tx *tx, enum fc_sip_text which, const struct fc_sip_msg *m)
{
    char path[FC_SIP_TEXT_MAX + 1];
    size_t len = 0;
    bool cut = m->vias_dropped > 0;
    for (unsigned i = 0; i < m->vias && !cut; i++) {
        char via[FC_SIP_TEXT_MAX + 1];
        fc_sip_unfold(m->via[i], via, sizeof via, &cut);
        cut |= !path_add_via(path, &len, via);
    }
    if (m->vias)
        put_text(tx, which, path, len, cut);
}

/* ----------------------------------------------------------- transactions */

static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

/* Call-ID, CSeq number and CSeq method, blanks in CSeq ignored. */
static uint64_t key_of(const struct fc_sip_msg *m)
{
    char id[FC_SIP_TEXT_MAX + 1], cseq[FC_SIP_TEXT_MAX + 1];
    size_t n = fc_sip_unfold(m->header[FC_SIP_CALL_ID], id, sizeof id, NULL);
    uint64_t h = fnv1a(14695981039346656037ull, id, n + 1);
    fc_sip_unfold(m->header[FC_SIP_CSEQ], cseq, sizeof cseq, NULL);
    for (const char *q = cseq; *q; q++) {
        if (*q != ' ' && *q != '\t')
            h = fnv1a(h, q, 1);
    }
    return h;
}

static struct fc_sip_tx *find_tx(struct sip_state *st, uint64_t key)
{
    for (uint32_t i = st->count; i-- > 0;) {
        if (st->tx[i].key == key)
            return &st->tx[i];
    }
    return NULL;
}

static struct fc_sip_tx *new_tx(struct sip_state *st, const struct fc_l7_ctx *ctx, uint64_t key)
{
    if (st->count >= MAX_TX) {
        fc_count(ctx->cnt, FC_CNT_SIP_TX_LIMIT);
        return NULL;
    }
    if (st->count == st->cap) {
        uint32_t cap = st->cap ? st->cap * 2 : 4;
        struct fc_sip_tx *tx = realloc(st->tx, cap * sizeof *tx);
        if (!tx)
            return NULL;
        st->tx = tx;
        st->cap = cap;
    }
    struct fc_sip_tx *tx = &st->tx[st->count++];
    memset(tx, 0, sizeof *tx);
    tx->key = key;
    tx->request_ts = tx->response_ts = FC_TIME_UNKNOWN;
    return tx;
}

static void put_ids(struct fc_sip_tx *tx, const struct fc_sip_msg *m)
{
    if (!tx->text[FC_SIP_T_CALL_ID])
        put_value(tx, FC_SIP_T_CALL_ID, m->header[FC_SIP_CALL_ID]);
    if (!tx->text[FC_SIP_T_CSEQ])
        put_value(tx, FC_SIP_T_CSEQ, m->header[FC_SIP_CSEQ]);
}

static void request(struct sip_state *st, const struct fc_l7_ctx *ctx,
                    const struct fc_sip_msg *m, uint64_t body_len)
{
    fc_count(ctx->cnt, FC_CNT_SIP_REQUESTS);
    uint64_t key = key_of(m);
    struct fc_sip_tx *tx = find_tx(st, key);
    if (tx && tx->has_request) {
        fc_count(ctx->cnt, FC_CNT_SIP_RETRANSMISSIONS);
        return;
    }
    if (!tx && !(tx = new_tx(st, ctx, key)))
        return;
    tx->has_request = true;
    tx->request_ts = ctx->ts;
    tx->request_body_len = body_len;
    put_value(tx, FC_SIP_T_METHOD, m->method);
    put_value(tx, FC_SIP_T_URI, m->uri);
    put_value(tx, FC_SIP_T_DATE, m->header[FC_SIP_DATE]);
    put_from(tx, FC_SIP_T_REQUEST_FROM, m->header[FC_SIP_FROM]);
    put_value(tx, FC_SIP_T_REQUEST_TO, m->header[FC_SIP_TO]);
    put_value(tx, FC_SIP_T_REPLY_TO, m->header[FC_SIP_REPLY_TO]);
    put_value(tx, FC_SIP_T_SUBJECT, m->header[FC_SIP_SUBJECT]);
    put_path(tx, FC_SIP_T_REQUEST_PATH, m);
    put_value(tx, FC_SIP_T_USER_AGENT, m->header[FC_SIP_USER_AGENT]);
    put_ids(tx, m);
}

/* Lists a 1xx code; false when it repeats the last one listed (a
 * retransmission) or the list is full (the transaction is then marked
 * truncated). */
static bool list_provisional(struct fc_sip_tx *tx, uint16_t status)
{
    const char *old = fc_sip_text(tx, FC_SIP_T_PROVISIONAL);
    size_t n = old ? strlen(old) : 0;
    char code[4] = { (char)('0' + status / 100), (char)('0' + status / 10 % 10),
                     (char)('0' + status % 10), '\0' };
    if (n >= 3 && strcmp(old + n - 3, code) == 0)
        return false;
    if (n >= MAX_PROVISIONAL * 4 - 1) {
        tx->truncated = true;
        return false;
    }
    char list[MAX_PROVISIONAL * 4];
    size_t len = 0;
    if (old) {
        memcpy(list, old, n);
        list[n] = ',';
        len = n + 1;
    }
    memcpy(list + len, code, 3);
    put_text(tx, FC_SIP_T_PROVISIONAL, list, len + 3, false);
    return true;
}

/* The response's values replace those of an earlier provisional one. */
static void fill_response(struct fc_sip_tx *tx, const struct fc_l7_ctx *ctx,
                          const struct fc_sip_msg *m, uint64_t body_len)
{
    static const enum fc_sip_text texts[] = {
        FC_SIP_T_REASON, FC_SIP_T_RESPONSE_FROM, FC_SIP_T_RESPONSE_TO, FC_SIP_T_RESPONSE_PATH,
        FC_SIP_T_WARNING, FC_SIP_T_CONTENT_TYPE,
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        tx->text[texts[i]] = 0;
    tx->has_response = true;
    tx->status = m->status;
    tx->response_ts = ctx->ts;
    tx->response_body_len = body_len;
    put_value(tx, FC_SIP_T_REASON, m->reason);
    put_from(tx, FC_SIP_T_RESPONSE_FROM, m->header[FC_SIP_FROM]);
    put_value(tx, FC_SIP_T_RESPONSE_TO, m->header[FC_SIP_TO]);
    put_path(tx, FC_SIP_T_RESPONSE_PATH, m);
    put_value(tx, FC_SIP_T_WARNING, m->header[FC_SIP_WARNING]);
    put_value(tx, FC_SIP_T_CONTENT_TYPE, m->header[FC_SIP_CONTENT_TYPE]);
    put_ids(tx, m);
}

static void response(struct sip_state *st, const struct fc_l7_ctx *ctx,
                     const struct fc_sip_msg *m, uint64_t body_len)
{
    fc_count(ctx->cnt, FC_CNT_SIP_RESPONSES);
    uint64_t key = key_of(m);
    struct fc_sip_tx *tx = find_tx(st, key);
    if (!tx) {
        fc_count(ctx->cnt, FC_CNT_SIP_UNMATCHED_RESPONSES);
        if (!(tx = new_tx(st, ctx, key)))
            return;
    }
    if (tx->final) { /* a retransmitted final response, or a late 1xx */
        fc_count(ctx->cnt, FC_CNT_SIP_RETRANSMISSIONS);
        return;
    }
    if (m->status < 200 && !list_provisional(tx, m->status))
        return;
    tx->final = m->status >= 200;
    fill_response(tx, ctx, m, body_len);
}

static void message(struct sip_state *st, const struct fc_l7_ctx *ctx,
                    const struct fc_sip_msg *m, uint64_t body_len)
{
    if (m->request)
        request(st, ctx, m, body_len);
    else
        response(st, ctx, m, body_len);
}

/* -------------------------------------------------------------------- UDP */

static bool only_line_ends(const uint8_t *p, size_t len)
{
    struct fc_cursor c = fc_cursor_make(p, len);
    while (fc_cursor_left(&c) > 0) {
        uint8_t ch = fc_get_u8(&c);
        if (ch != '\r' && ch != '\n')
            return false;
    }
    return true;
}

static void sip_udp_data(void *state, const struct fc_l7_ctx *ctx, unsigned dir,
                         const uint8_t *p, size_t len)
{
    (void)dir;
    struct fc_sip_msg m;
    if (fc_sip_parse(p, len, &m) != FC_SIP_OK) {
        if (!only_line_ends(p, len)) /* else a keep-alive */
            fc_count(ctx->cnt, FC_CNT_SIP_BAD_MESSAGES);
        return;
    }
    uint64_t body = m.content_length >= 0 ? (uint64_t)m.content_length : m.body_len;
    message(state, ctx, &m, body);
}

/* -------------------------------------------------------------------- TCP */

static void lose(struct side *sd, const struct fc_l7_ctx *ctx)
{
    if (sd->phase != LOST)
        fc_count(ctx->cnt, FC_CNT_SIP_LOST);
    sd->phase = LOST;
    sd->len = 0;
}

/* Reads the messages of p[0..len) that are whole (bodies may go on past
 * its end); returns the bytes used: the rest starts an incomplete head. */
static size_t run(struct sip_state *st, struct side *sd, const struct fc_l7_ctx *ctx,
                  const uint8_t *p, size_t len)
{
    struct fc_cursor c = fc_cursor_make(p, len);
    while (fc_cursor_left(&c) > 0) {
        size_t left = fc_cursor_left(&c);
        if (sd->phase == BODY) {
            size_t n = sd->skip < left ? (size_t)sd->skip : left;
            fc_cursor_skip(&c, n);
            if ((sd->skip -= n) == 0)
                sd->phase = HEAD;
            continue;
        }
        if (sd->phase == LOST) {
            if (probe_start(c.p, left, false) != FC_PROBE_YES)
                return len;
            sd->phase = HEAD;
        }
        struct fc_sip_msg m;
        enum fc_sip_status s = fc_sip_parse(c.p, left, &m);
        if (s == FC_SIP_TRUNCATED)
            return only_line_ends(c.p, left) ? len : len - left;
        if (s != FC_SIP_OK) {
            fc_count(ctx->cnt, FC_CNT_SIP_BAD_MESSAGES);
            lose(sd, ctx);
            return len;
        }
        uint64_t body = m.content_length >= 0 ? (uint64_t)m.content_length : 0;
        message(st, ctx, &m, body);
        fc_cursor_skip(&c, m.head_len);
        sd->skip = body;
        sd->phase = body ? BODY : HEAD;
    }
    return len;
}

static bool stash(struct side *sd, const uint8_t *p, size_t len)
{
    if (sd->len + len > FC_SIP_HEAD_MAX)
        return false;
    if (sd->len + len > sd->cap) {
        uint8_t *b = realloc(sd->buf, FC_SIP_HEAD_MAX);
        if (!b)
            return false;
        sd->buf = b;
        sd->cap = FC_SIP_HEAD_MAX;
    }
    memcpy(sd->buf + sd->len, p, len);
    sd->len += (uint32_t)len;
    return true;
}

static void sip_tcp_data(void *state, const struct fc_l7_ctx *ctx, unsigned dir,
                         const uint8_t *p, size_t len)
{
    struct sip_state *st = state;
    struct side *sd = &st->side[dir];
    while (len > 0) {
        if (sd->len == 0) {
            size_t used = run(st, sd, ctx, p, len);
            if (used < len && !stash(sd, p + used, len - used)) {
                fc_count(ctx->cnt, FC_CNT_SIP_BAD_MESSAGES);
                lose(sd, ctx);
            }
            return;
        }
        /* A head begun in an earlier chunk: add bytes until it ends. */
        size_t had = sd->len;
        size_t take = FC_SIP_HEAD_MAX - had < len ? FC_SIP_HEAD_MAX - had : len;
        struct fc_sip_msg m;
        enum fc_sip_status s = stash(sd, p, take) ? fc_sip_parse(sd->buf, sd->len, &m)
                                                  : FC_SIP_TOO_LONG;
        if (s == FC_SIP_TRUNCATED && sd->len < FC_SIP_HEAD_MAX) {
            p += take;
            len -= take;
            continue;
        }
        if (s != FC_SIP_OK) {
            fc_count(ctx->cnt, FC_CNT_SIP_BAD_MESSAGES);
            lose(sd, ctx);
            return;
        }
        /* The head ends in this chunk (it was incomplete before it): the
         * chunk goes on after the head's part of it. */
        uint64_t body = m.content_length >= 0 ? (uint64_t)m.content_length : 0;
        message(st, ctx, &m, body);
        size_t used = m.head_len - had;
        sd->len = 0;
        sd->skip = body;
        sd->phase = body ? BODY : HEAD;
        p += used;
        len -= used;
    }
}

/* Inside a body of known length the direction stays in step. */
static void sip_gap(void *state, const struct fc_l7_ctx *ctx, unsigned dir, uint64_t len)
{
    struct sip_state *st = state;
    struct side *sd = &st->side[dir];
    if (sd->phase == BODY && len > 0 && len <= sd->skip) {
        if ((sd->skip -= len) == 0)
            sd->phase = HEAD;
        return;
    }
    lose(sd, ctx);
}

/* ----------------------------------------------------------------- emit */

/* Over: nothing more will come for it (see the top of the file). */
static bool tx_over(const struct fc_sip_tx *tx, fc_time now)
{
    if (tx->final)
        return true;
    const char *method = fc_sip_text(tx, FC_SIP_T_METHOD);
    if (method && strcmp(method, "ACK") == 0)
        return true;
    fc_time first = tx->has_request ? tx->request_ts : tx->response_ts;
    return first != FC_TIME_UNKNOWN && now != FC_TIME_UNKNOWN && now - first > TX_TIMEOUT_NS;
}

/* Moves the transactions that are over to the front, in order; returns
 * how many. */
static uint32_t front_over(struct sip_state *st, fc_time now)
{
    uint32_t n = 0;
    while (n < st->count && tx_over(&st->tx[n], now))
        n++;
    if (n == st->count)
        return n;
    struct fc_sip_tx *rest = malloc((st->count - n) * sizeof *rest);
    if (!rest)
        return n;
    uint32_t kept = 0;
    for (uint32_t i = n; i < st->count; i++) {
        if (tx_over(&st->tx[i], now))
            st->tx[n++] = st->tx[i];
        else
            rest[kept++] = st->tx[i];
    }
    memcpy(st->tx + n, rest, kept * sizeof *rest);
    free(rest);
    return n;
}

static void sip_emit(void *state, const struct fc_l7_ctx *ctx, struct fc_flow_record *r,
                     bool last)
{
    struct sip_state *st = state;
    uint32_t n = last ? st->count : front_over(st, ctx->ts);
    r->l7[FC_SECTION_SIP] = (struct fc_l7_items){ true, n, st->tx };
    st->emitted = n;
}

static void sip_exported(void *state)
{
    struct sip_state *st = state;
    uint32_t n = st->emitted;
    if (n == 0)
        return;
    for (uint32_t i = 0; i < n; i++)
        free(st->tx[i].arena.p);
    memmove(st->tx, st->tx + n, (st->count - n) * sizeof *st->tx);
    st->count -= n;
    st->emitted = 0;
}

static void sip_release(void *state)
{
    struct sip_state *st = state;
    for (uint32_t i = 0; i < st->count; i++)
        free(st->tx[i].arena.p);
    free(st->tx);
    for (unsigned dir = 0; dir < 2; dir++)
        free(st->side[dir].buf);
}

/* Both are the app "sip": the same state, emit and release. */
const struct fc_dissector fc_dissector_sip_udp = {
    .name = "sip",
    .proto = FC_PROTO_UDP,
    .probe = sip_probe_udp,
    .state_size = sizeof(struct sip_state),
    .data = sip_udp_data,
    .emit = sip_emit,
    .exported = sip_exported,
    .release = sip_release,
};

const struct fc_dissector fc_dissector_sip_tcp = {
    .name = "sip",
    .proto = FC_PROTO_TCP,
    .probe = sip_probe_tcp,
    .state_size = sizeof(struct sip_state),
    .data = sip_tcp_data,
    .gap = sip_gap,
    .emit = sip_emit,
    .exported = sip_exported,
    .release = sip_release,
};
