/*
 * HTTP/1.x (RFC 9112 message syntax, RFC 9110 semantics): requests paired
 * with responses first in, first out per connection (keep-alive and
 * pipelining), bodies by Content-Length, chunked coding or connection
 * close, skipped without being buffered.
 *
 * Body rules (RFC 9112 6.3): a response to HEAD, an 1xx, 204 or 304 has
 * none; a 2xx to CONNECT, or a 101, turns the connection into a tunnel that
 * is no longer parsed; chunked wins over Content-Length; a response with
 * neither runs to the end of the connection; a request with neither has no
 * body. Interim 1xx responses (100-continue) are noted on the transaction
 * they precede.
 *
 * Holes: inside a body of known length the parser stays in step; anywhere
 * else it loses its place and resynchronises on the next line that is a
 * request line (client) or a status line (server), as Zeek and Suricata do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "core/dissect.h"
#include "core/http-tx.h"
#include "core/limits.h"
#include "core/useragent.h"

enum phase {
    START,       /* expecting a request or status line (empty lines skipped) */
    HEADERS,     /* header lines until an empty one */
    BODY,        /* `remaining` body bytes */
    CHUNK_SIZE,  /* a chunk-size line */
    CHUNK_DATA,  /* `remaining` chunk bytes */
    CHUNK_END,   /* the CRLF after a chunk */
    TRAILERS,    /* trailer lines after the last chunk */
    UNTIL_CLOSE, /* body up to the end of the connection */
    LOST,        /* after a hole or garbage: looking for a start line */
    TUNNEL,      /* CONNECT or Upgrade: not HTTP any more */
};

struct side {
    enum phase phase;
    uint8_t *line; /* a line split across chunks, up to FC_HTTP_LINE_MAX */
    uint32_t line_len;
    uint32_t line_cap;
    bool line_cut;   /* the line went past the cap: the rest is dropped */
    fc_time line_ts; /* packet of the line's first byte */
    uint64_t remaining;
    int64_t tx;      /* index of the transaction being parsed, -1 none */
    int last_text;   /* text of the previous header (folding), -1 none */
    bool chunked;
    int64_t content_length;
};

struct http_state {
    int client; /* direction of the requests, -1 until known */
    struct side side[2];
    struct fc_http_tx *tx;
    uint32_t count;
    uint32_t cap;
    uint32_t next_response; /* oldest transaction waiting for its response */
    uint32_t emitted;       /* transactions the last record reported */
};

/* ------------------------------------------------------------------ probe */

static bool is_token_char(uint8_t ch)
{
    return (ch >= 'A' && ch <= 'Z') || ch == '-' || ch == '_';
}

static const char *const known_methods[] = {
    "GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE", "CONNECT", "PATCH",
    "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "SEARCH",
};

static bool is_known_method(struct fc_span m)
{
    for (size_t i = 0; i < sizeof known_methods / sizeof known_methods[0]; i++) {
        if (m.len == strlen(known_methods[i]) && memcmp(m.p, known_methods[i], m.len) == 0)
            return true;
    }
    return false;
}

/* "HTTP/d.d" */
static bool is_version(struct fc_span v)
{
    return v.len == 8 && fc_span_starts(v, "HTTP/") && v.p[5] >= '0' && v.p[5] <= '9' &&
           v.p[6] == '.' && v.p[7] >= '0' && v.p[7] <= '9';
}

static enum fc_probe probe_response(struct fc_span s)
{
    static const char prefix[] = "HTTP/d.d ";
    size_t n = s.len < sizeof prefix - 1 ? s.len : sizeof prefix - 1;
    for (size_t i = 0; i < n; i++) {
        char want = prefix[i];
        bool ok = want == 'd' ? s.p[i] >= '0' && s.p[i] <= '9' : s.p[i] == (uint8_t)want;
        if (!ok)
            return FC_PROBE_NO;
    }
    return n == sizeof prefix - 1 ? FC_PROBE_YES : FC_PROBE_MORE;
}

/* A request line: a method token, a space, and either a known method with
 * a URI that starts as HTTP URIs do, or any token on a line that ends with
 * an HTTP version. */
static enum fc_probe probe_request(struct fc_span s)
{
    size_t i = 0;
    while (i < s.len && i <= FC_HTTP_METHOD_MAX && is_token_char(s.p[i]))
        i++;
    if (i == s.len)
        return i <= FC_HTTP_METHOD_MAX ? FC_PROBE_MORE : FC_PROBE_NO;
    if (i == 0 || i > FC_HTTP_METHOD_MAX || s.p[i] != ' ')
        return FC_PROBE_NO;
    struct fc_span method = { s.p, i };
    struct fc_span rest = { s.p + i + 1, s.len - i - 1 };
    if (is_known_method(method)) {
        if (rest.len == 0)
            return FC_PROBE_MORE;
        uint8_t c = rest.p[0];
        if (c == '/' || c == '*' || fc_span_eq_ci(method, "connect"))
            return FC_PROBE_YES;
        if (rest.len < 8)
            return memcmp(rest.p, "https://", rest.len) == 0 ? FC_PROBE_MORE : FC_PROBE_NO;
        return fc_span_starts(rest, "http://") || fc_span_starts(rest, "https://") ? FC_PROBE_YES
                                                                                  : FC_PROBE_NO;
    }
    struct fc_cursor c = fc_cursor_make(s.p, s.len);
    struct fc_span line;
    if (!fc_cursor_line(&c, &line))
        return FC_PROBE_MORE;
    struct fc_span version = { line.p + (line.len >= 8 ? line.len - 8 : 0), line.len >= 8 ? 8 : 0 };
    return is_version(version) && line.len > 9 && line.p[line.len - 9] == ' ' ? FC_PROBE_YES
                                                                            : FC_PROBE_NO;
}

static enum fc_probe http_probe(const struct fc_probe_ctx *pc, const uint8_t *p, size_t len)
{
    (void)pc;
    if (len == 0)
        return FC_PROBE_MORE;
    struct fc_span s = { p, len };
    enum fc_probe response = p[0] == 'H' ? probe_response(s) : FC_PROBE_NO;
    return response != FC_PROBE_NO ? response : probe_request(s);
}

/* ------------------------------------------------------------ transactions */

/* Stores a text of the transaction in its buffer, capped at
 * FC_HTTP_VALUE_MAX bytes; the first value given counts unless `replace`. */
static void put_text(struct fc_http_tx *tx, enum fc_http_text which, struct fc_span s,
                     bool replace)
{
    if (tx->text[which] && !replace)
        return;
    if (s.len > FC_HTTP_VALUE_MAX) {
        s.len = FC_HTTP_VALUE_MAX;
        tx->truncated = true;
    }
    fc_http_tx_put_text(tx, which, s.p, s.len);
}

static void set_text(struct fc_http_tx *tx, enum fc_http_text which, struct fc_span s)
{
    put_text(tx, which, s, false);
}

static bool method_is(const struct fc_http_tx *tx, const char *method)
{
    const char *m = tx ? fc_http_text(tx, FC_HTTP_METHOD) : NULL;
    return m && strcmp(m, method) == 0;
}

/* A new transaction at the end of the list; -1 at the cap or out of memory. */
static int64_t new_tx(struct http_state *st, const struct fc_l7_ctx *ctx)
{
    if (st->count == st->cap) {
        uint32_t cap = st->cap ? st->cap * 2 : 4;
        if (st->count >= FC_HTTP_MAX_TX) {
            fc_count(ctx->cnt, FC_CNT_HTTP_TX_LIMIT);
            return -1;
        }
        struct fc_http_tx *tx = realloc(st->tx, cap * sizeof *tx);
        if (!tx)
            return -1;
        st->tx = tx;
        st->cap = cap;
    }
    struct fc_http_tx *tx = &st->tx[st->count];
    memset(tx, 0, sizeof *tx);
    tx->request_content_length = tx->response_content_length = -1;
    tx->request_ts = tx->request_end_ts = FC_TIME_UNKNOWN;
    tx->response_ts = tx->response_end_ts = FC_TIME_UNKNOWN;
    return st->count++;
}

static struct fc_http_tx *tx_of(struct http_state *st, const struct side *sd)
{
    return sd->tx >= 0 ? &st->tx[sd->tx] : NULL;
}

static bool is_client(const struct http_state *st, const struct side *sd)
{
    return sd == &st->side[st->client];
}

/* The message of this side is complete. */
static void message_done(struct http_state *st, struct side *sd, const struct fc_l7_ctx *ctx)
{
    struct fc_http_tx *tx = tx_of(st, sd);
    if (tx) {
        if (is_client(st, sd))
            tx->request_end_ts = ctx->ts;
        else
            tx->response_end_ts = ctx->ts;
    }
    sd->phase = START;
    sd->tx = -1;
}

/* ------------------------------------------------------------ start lines */

/* RFC 9110 5.6.2 tchar: what a method may be made of. */
static bool is_tchar(uint8_t ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           (ch != 0 && strchr("!#$%&'*+-.^_`|~", ch) != NULL);
}

/* METHOD SP request-target SP HTTP-version, read as leniently as servers
 * (and Zeek) do: a line without a version is HTTP/0.9, a line whose only
 * argument is a version has an empty target, a malformed version is kept
 * as written. */
static bool parse_request_line(struct http_state *st, struct side *sd, struct fc_span line,
                               const struct fc_l7_ctx *ctx)
{
    struct fc_span rest = line;
    struct fc_span method = fc_span_split(&rest, ' ');
    for (size_t i = 0; i < method.len; i++) {
        if (!is_tchar(method.p[i]))
            return false;
    }
    if (method.len == 0 || method.len > FC_HTTP_METHOD_MAX || rest.len == 0)
        return false;
    struct fc_span uri = rest, version = { NULL, 0 };
    const uint8_t *last_space = NULL;
    for (size_t i = 0; i < rest.len; i++) {
        if (rest.p[i] == ' ')
            last_space = rest.p + i;
    }
    struct fc_span tail = last_space ? (struct fc_span){ last_space + 1,
                                                         (size_t)(rest.p + rest.len - last_space - 1) }
                                     : rest;
    if (fc_span_starts(tail, "HTTP/")) {
        version = (struct fc_span){ tail.p + 5, tail.len - 5 };
        uri = (struct fc_span){ rest.p, last_space ? (size_t)(last_space - rest.p) : 0 };
    }
    int64_t i = new_tx(st, ctx);
    sd->tx = i;
    sd->phase = HEADERS;
    sd->last_text = -1;
    sd->chunked = false;
    sd->content_length = -1;
    fc_count(ctx->cnt, FC_CNT_HTTP_REQUESTS);
    if (i < 0)
        return true;
    struct fc_http_tx *tx = &st->tx[i];
    tx->has_request = true;
    tx->request_ts = sd->line_ts;
    set_text(tx, FC_HTTP_METHOD, method);
    set_text(tx, FC_HTTP_URI, uri);
    /* Without a version the line is HTTP/0.9; clients that write such a
     * line by mistake still send headers, which are read as usual. */
    set_text(tx, FC_HTTP_VERSION, version.p ? version : (struct fc_span){ (const uint8_t *)"0.9", 3 });
    return true;
}

/* The transaction a final response answers: the oldest request still
 * waiting, or a new response-only transaction. */
static int64_t answer_of(struct http_state *st, const struct fc_l7_ctx *ctx)
{
    while (st->next_response < st->count && st->tx[st->next_response].has_response)
        st->next_response++;
    if (st->next_response < st->count)
        return st->next_response++;
    fc_count(ctx->cnt, FC_CNT_HTTP_UNMATCHED_RESPONSES);
    int64_t i = new_tx(st, ctx);
    if (i >= 0)
        st->next_response = (uint32_t)i + 1;
    return i;
}

static bool parse_status_line(struct http_state *st, struct side *sd, struct fc_span line,
                              const struct fc_l7_ctx *ctx)
{
    struct fc_span rest = line;
    struct fc_span version = fc_span_split(&rest, ' ');
    struct fc_span code = fc_span_split(&rest, ' ');
    if (!is_version(version) || code.len != 3)
        return false;
    unsigned status = 0;
    for (size_t i = 0; i < 3; i++) {
        if (code.p[i] < '0' || code.p[i] > '9')
            return false;
        status = status * 10 + (unsigned)(code.p[i] - '0');
    }
    if (status < 100)
        return false;
    fc_count(ctx->cnt, FC_CNT_HTTP_RESPONSES);
    sd->phase = HEADERS;
    sd->last_text = -1;
    sd->chunked = false;
    sd->content_length = -1;
    if (status < 200 && status != 101) {
        /* Interim: noted on the request it precedes, whose final response
         * is still to come. */
        uint32_t i = st->next_response;
        while (i < st->count && st->tx[i].has_response)
            i++;
        if (i < st->count)
            st->tx[i].info_status = (uint16_t)status;
        sd->tx = -1;
        sd->content_length = -2; /* marks an interim response: no body */
        return true;
    }
    int64_t i = answer_of(st, ctx);
    sd->tx = i;
    if (i < 0)
        return true;
    struct fc_http_tx *tx = &st->tx[i];
    tx->has_response = true;
    tx->status = (uint16_t)status;
    tx->response_ts = sd->line_ts;
    set_text(tx, FC_HTTP_RESPONSE_VERSION, (struct fc_span){ version.p + 5, 3 });
    set_text(tx, FC_HTTP_REASON, rest);
    return true;
}

/* --------------------------------------------------------------- headers */

static bool parse_length(struct fc_span v, int64_t *out)
{
    v = fc_span_trim(v);
    if (v.len == 0 || v.len > 18)
        return false;
    int64_t n = 0;
    for (size_t i = 0; i < v.len; i++) {
        if (v.p[i] < '0' || v.p[i] > '9')
            return false;
        n = n * 10 + (v.p[i] - '0');
    }
    *out = n;
    return true;
}

/* Does the comma-separated list contain `token` (case-insensitive)? */
static bool list_has(struct fc_span v, const char *token)
{
    while (v.len > 0) {
        if (fc_span_eq_ci(fc_span_trim(fc_span_split(&v, ',')), token))
            return true;
    }
    return false;
}

static void header(struct http_state *st, struct side *sd, struct fc_span line,
                   const struct fc_l7_ctx *ctx)
{
    struct fc_http_tx *tx = tx_of(st, sd);
    if (line.p[0] == ' ' || line.p[0] == '\t') { /* obsolete line folding */
        const char *old = tx && sd->last_text >= 0 ? fc_http_text(tx, sd->last_text) : NULL;
        if (old) {
            size_t n = strlen(old);
            struct fc_span more = fc_span_trim(line);
            char *joined = malloc(n + 1 + more.len);
            if (joined) {
                memcpy(joined, old, n);
                joined[n] = ' ';
                memcpy(joined + n + 1, more.p, more.len);
                put_text(tx, (enum fc_http_text)sd->last_text,
                         (struct fc_span){ (const uint8_t *)joined, n + 1 + more.len }, true);
                free(joined);
            }
        }
        return;
    }
    struct fc_span value = line;
    struct fc_span name = fc_span_split(&value, ':');
    value = fc_span_trim(value);
    sd->last_text = -1;
    bool client = is_client(st, sd);
    if (fc_span_eq_ci(name, "content-length")) {
        int64_t n;
        if (parse_length(value, &n)) {
            if (sd->content_length != -2)
                sd->content_length = n;
            if (tx)
                *(client ? &tx->request_content_length : &tx->response_content_length) = n;
        } else {
            fc_count(ctx->cnt, FC_CNT_HTTP_BAD_LENGTH);
        }
        return;
    }
    if (fc_span_eq_ci(name, "transfer-encoding")) {
        sd->chunked = list_has(value, "chunked");
        return;
    }
    static const struct {
        const char *name;
        bool client;
        enum fc_http_text text;
    } kept[] = {
        { "host", true, FC_HTTP_HOST },
        { "user-agent", true, FC_HTTP_USER_AGENT },
        { "referer", true, FC_HTTP_REFERRER },
        { "content-type", true, FC_HTTP_REQUEST_CONTENT_TYPE },
        { "x-forwarded-for", true, FC_HTTP_X_FORWARDED_FOR },
        { "server", false, FC_HTTP_SERVER },
        { "location", false, FC_HTTP_LOCATION },
        { "content-type", false, FC_HTTP_RESPONSE_CONTENT_TYPE },
    };
    for (size_t i = 0; tx && i < sizeof kept / sizeof kept[0]; i++) {
        if (kept[i].client == client && fc_span_eq_ci(name, kept[i].name)) {
            set_text(tx, kept[i].text, value);
            sd->last_text = (int)kept[i].text;
            return;
        }
    }
}

/* "a.b.c" from the parts that are known, in order, stopping at the first
 * unknown one. */
static struct fc_span version_of(const struct fc_ua_result *r, enum fc_ua_part first,
                                 unsigned n, char *buf, size_t size)
{
    size_t len = 0;
    for (unsigned i = 0; i < n && r->part[first + i]; i++) {
        int w = snprintf(buf + len, size - len, "%s%s", i ? "." : "", r->part[first + i]);
        if (w < 0 || (size_t)w >= size - len)
            break;
        len += (size_t)w;
    }
    return (struct fc_span){ (const uint8_t *)buf, len };
}

static void put_part(struct fc_http_tx *tx, enum fc_http_text which, const char *s)
{
    if (s)
        set_text(tx, which, (struct fc_span){ (const uint8_t *)s, strlen(s) });
}

/* What the request's User-Agent names. */
static void analyse_user_agent(struct fc_http_tx *tx, const struct fc_l7_ctx *ctx)
{
    const char *ua = fc_http_text(tx, FC_HTTP_USER_AGENT);
    const struct fc_ua_result *r = ua && ctx->ua ? fc_ua_parse(ctx->ua, ua, strlen(ua)) : NULL;
    if (!r)
        return;
    char buf[4 * (FC_UA_PART_MAX + 1)];
    put_part(tx, FC_HTTP_UA_BROWSER, r->part[FC_UA_FAMILY]);
    struct fc_span v = version_of(r, FC_UA_MAJOR, 3, buf, sizeof buf);
    if (v.len)
        set_text(tx, FC_HTTP_UA_BROWSER_VERSION, v);
    put_part(tx, FC_HTTP_UA_OS, r->part[FC_UA_OS_FAMILY]);
    v = version_of(r, FC_UA_OS_MAJOR, 4, buf, sizeof buf);
    if (v.len)
        set_text(tx, FC_HTTP_UA_OS_VERSION, v);
    put_part(tx, FC_HTTP_UA_DEVICE, r->part[FC_UA_DEVICE_FAMILY]);
}

/* The empty line after the headers: what the body is. */
static void headers_done(struct http_state *st, struct side *sd, const struct fc_l7_ctx *ctx)
{
    struct fc_http_tx *tx = tx_of(st, sd);
    if (is_client(st, sd)) {
        if (tx)
            analyse_user_agent(tx, ctx);
        bool connect = method_is(tx, "CONNECT");
        if (sd->chunked) {
            sd->phase = CHUNK_SIZE;
        } else if (sd->content_length > 0 && !connect) {
            sd->phase = BODY;
            sd->remaining = (uint64_t)sd->content_length;
        } else {
            message_done(st, sd, ctx);
        }
        return;
    }
    if (sd->content_length == -2) { /* interim 1xx */
        sd->phase = START;
        return;
    }
    unsigned status = tx ? tx->status : 0;
    if (status == 101 || (method_is(tx, "CONNECT") && status / 100 == 2)) {
        message_done(st, sd, ctx);
        st->side[0].phase = st->side[1].phase = TUNNEL;
        fc_count(ctx->cnt, FC_CNT_HTTP_TUNNELS);
        return;
    }
    if (method_is(tx, "HEAD") || status == 204 || status == 304) {
        message_done(st, sd, ctx);
    } else if (sd->chunked) {
        sd->phase = CHUNK_SIZE;
    } else if (sd->content_length >= 0) {
        sd->phase = sd->content_length > 0 ? BODY : START;
        sd->remaining = (uint64_t)sd->content_length;
        if (sd->content_length == 0)
            message_done(st, sd, ctx);
    } else {
        sd->phase = UNTIL_CLOSE;
    }
}

static void chunk_size(struct http_state *st, struct side *sd, struct fc_span line,
                       const struct fc_l7_ctx *ctx)
{
    struct fc_span ext = line;
    struct fc_span hex = fc_span_trim(fc_span_split(&ext, ';'));
    uint64_t n = 0;
    bool ok = hex.len > 0 && hex.len <= 15;
    for (size_t i = 0; ok && i < hex.len; i++) {
        uint8_t ch = hex.p[i];
        unsigned d = ch >= '0' && ch <= '9'   ? ch - 48u
                     : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10u
                     : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10u
                                              : 16u;
        ok = d < 16;
        n = n * 16 + d;
    }
    if (!ok) {
        fc_count(ctx->cnt, FC_CNT_HTTP_BAD_CHUNK);
        struct fc_http_tx *tx = tx_of(st, sd);
        if (tx)
            tx->gap = true;
        sd->phase = LOST;
        return;
    }
    sd->remaining = n;
    sd->phase = n ? CHUNK_DATA : TRAILERS;
}

/* One complete line of this side. */
static void line(struct http_state *st, struct side *sd, struct fc_span ln,
                 const struct fc_l7_ctx *ctx)
{
    bool client = is_client(st, sd);
    switch (sd->phase) {
    case START:
    case LOST:
        if (ln.len == 0 && sd->phase == START)
            return; /* empty lines between messages are tolerated */
        if (sd->line_cut)
            return;
        if (client ? parse_request_line(st, sd, ln, ctx) : parse_status_line(st, sd, ln, ctx))
            return;
        if (sd->phase == START) {
            fc_count(ctx->cnt, FC_CNT_HTTP_LOST_SYNC);
            sd->phase = LOST;
        }
        return;
    case HEADERS:
        if (ln.len == 0)
            headers_done(st, sd, ctx);
        else
            header(st, sd, ln, ctx);
        return;
    case CHUNK_SIZE:
        chunk_size(st, sd, ln, ctx);
        return;
    case CHUNK_END:
        sd->phase = CHUNK_SIZE;
        return;
    case TRAILERS:
        if (ln.len == 0)
            message_done(st, sd, ctx);
        return;
    default:
        return;
    }
}

/* Body bytes of the current message (or a hole in it); returns how many
 * of `len` belong to it. */
static uint64_t body(struct http_state *st, struct side *sd, uint64_t len,
                     const struct fc_l7_ctx *ctx)
{
    uint64_t take = len;
    if (sd->phase != UNTIL_CLOSE && sd->remaining < take)
        take = sd->remaining;
    struct fc_http_tx *tx = tx_of(st, sd);
    if (tx)
        *(is_client(st, sd) ? &tx->request_body_len : &tx->response_body_len) += take;
    if (sd->phase == UNTIL_CLOSE)
        return take;
    sd->remaining -= take;
    if (sd->remaining == 0) {
        if (sd->phase == CHUNK_DATA)
            sd->phase = CHUNK_END;
        else
            message_done(st, sd, ctx);
    }
    return take;
}

/* Adds bytes to the pending line, up to the cap. */
static void append_line(struct side *sd, const uint8_t *p, size_t n, const struct fc_l7_ctx *ctx)
{
    if (sd->line_len + n > FC_HTTP_LINE_MAX) {
        if (!sd->line_cut)
            fc_count(ctx->cnt, FC_CNT_HTTP_LINE_TOO_LONG);
        sd->line_cut = true;
        n = FC_HTTP_LINE_MAX - sd->line_len;
    }
    if (sd->line_len + n > sd->line_cap) {
        uint32_t cap = sd->line_cap ? sd->line_cap : 256;
        while (cap < sd->line_len + n)
            cap *= 2;
        uint8_t *b = realloc(sd->line, cap);
        if (!b) {
            sd->line_cut = true;
            return;
        }
        sd->line = b;
        sd->line_cap = cap;
    }
    memcpy(sd->line + sd->line_len, p, n);
    sd->line_len += (uint32_t)n;
}

static void http_data(void *state, const struct fc_l7_ctx *ctx, unsigned dir, const uint8_t *p,
                      size_t len)
{
    struct http_state *st = state;
    if (st->client < 0) {
        struct fc_span s = { p, len };
        st->client = probe_response(s) == FC_PROBE_YES ? (int)!dir : (int)dir;
    }
    struct side *sd = &st->side[dir];
    struct fc_cursor c = fc_cursor_make(p, len);
    while (fc_cursor_left(&c) > 0 && sd->phase != TUNNEL) {
        if (sd->phase == BODY || sd->phase == CHUNK_DATA || sd->phase == UNTIL_CLOSE) {
            fc_cursor_skip(&c, (size_t)body(st, sd, fc_cursor_left(&c), ctx));
            continue;
        }
        if (sd->line_len == 0 && !sd->line_cut)
            sd->line_ts = ctx->ts;
        struct fc_span ln;
        const uint8_t *from = c.p;
        if (!fc_cursor_line(&c, &ln)) { /* the line goes on in the next chunk */
            append_line(sd, c.p, fc_cursor_left(&c), ctx);
            return;
        }
        if (sd->line_len > 0 || sd->line_cut) {
            append_line(sd, from, (size_t)(c.p - from), ctx);
            struct fc_cursor whole = fc_cursor_make(sd->line, sd->line_len);
            if (!fc_cursor_line(&whole, &ln)) /* cut at the cap: no LF kept */
                ln = (struct fc_span){ sd->line, sd->line_len };
        }
        line(st, sd, ln, ctx);
        if (sd->line_cut && (sd->phase == HEADERS || sd->phase == START)) {
            struct fc_http_tx *tx = tx_of(st, sd);
            if (tx)
                tx->truncated = true;
        }
        sd->line_len = 0;
        sd->line_cut = false;
    }
}

static void http_gap(void *state, const struct fc_l7_ctx *ctx, unsigned dir, uint64_t len)
{
    struct http_state *st = state;
    if (st->client < 0)
        st->client = (int)!dir; /* the side seen from its start sets the roles */
    struct side *sd = &st->side[dir];
    struct fc_http_tx *tx = tx_of(st, sd);
    if (tx)
        tx->gap = true;
    if (sd->phase == TUNNEL)
        return;
    bool in_body = sd->phase == BODY || sd->phase == CHUNK_DATA || sd->phase == UNTIL_CLOSE;
    if (len > 0 && in_body && (sd->phase == UNTIL_CLOSE || len <= sd->remaining)) {
        body(st, sd, len, ctx); /* still in step: the hole is body bytes */
        return;
    }
    fc_count(ctx->cnt, FC_CNT_HTTP_LOST_SYNC);
    sd->phase = LOST;
    sd->tx = -1;
    sd->line_len = 0;
    sd->line_cut = false;
}

/* ----------------------------------------------------------------- output */

static void http_emit(void *state, const struct fc_l7_ctx *ctx, struct fc_flow_record *r, bool last)
{
    struct http_state *st = state;
    uint32_t n = st->count;
    if (last) {
        for (unsigned dir = 0; dir < 2; dir++) { /* a body running to the close ends here */
            struct side *sd = &st->side[dir];
            if (st->client >= 0 && sd->phase == UNTIL_CLOSE)
                message_done(st, sd, ctx);
        }
    } else {
        /* A record cut by the active timeout reports the transactions that
         * are complete; the others go on into the next record. */
        n = 0;
        while (n < st->count && st->tx[n].response_end_ts != FC_TIME_UNKNOWN &&
               (int64_t)n != st->side[0].tx && (int64_t)n != st->side[1].tx)
            n++;
    }
    r->l7[FC_SECTION_HTTP] = (struct fc_l7_items){ true, n, st->tx };
    st->emitted = n;
}

static void free_tx(struct fc_http_tx *tx)
{
    free(tx->arena.p);
}

static void http_exported(void *state)
{
    struct http_state *st = state;
    uint32_t n = st->emitted;
    if (n == 0)
        return;
    for (uint32_t i = 0; i < n; i++)
        free_tx(&st->tx[i]);
    memmove(st->tx, st->tx + n, (st->count - n) * sizeof *st->tx);
    st->count -= n;
    st->next_response = st->next_response > n ? st->next_response - n : 0;
    for (unsigned dir = 0; dir < 2; dir++) {
        if (st->side[dir].tx >= 0)
            st->side[dir].tx -= n;
    }
    st->emitted = 0;
}

static void http_release(void *state)
{
    struct http_state *st = state;
    for (uint32_t i = 0; i < st->count; i++)
        free_tx(&st->tx[i]);
    free(st->tx);
    free(st->side[0].line);
    free(st->side[1].line);
}

static void http_init(void *state)
{
    struct http_state *st = state;
    st->client = -1;
    for (unsigned dir = 0; dir < 2; dir++) {
        st->side[dir].tx = -1;
        st->side[dir].last_text = -1;
    }
}

const struct fc_dissector fc_dissector_http = {
    .name = "http",
    .proto = FC_PROTO_TCP,
    .probe = http_probe,
    .state_size = sizeof(struct http_state),
    .init = http_init,
    .data = http_data,
    .gap = http_gap,
    .emit = http_emit,
    .exported = http_exported,
    .release = http_release,
};
