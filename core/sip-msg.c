/* SIP message heads: see sip-msg.h. */
#include "core/sip-msg.h"

#include <string.h>

/* The Via header, kept apart: every one of its lines counts. */
#define VIA (-2)
#define NONE (-1)

/* Long names in lower case, and compact forms (RFC 3261 7.3.3, 20). */
static const struct {
    const char *name;
    char compact;
    int id;
} header_names[] = {
    { "call-id", 'i', FC_SIP_CALL_ID },
    { "cseq", 0, FC_SIP_CSEQ },
    { "from", 'f', FC_SIP_FROM },
    { "to", 't', FC_SIP_TO },
    { "contact", 'm', FC_SIP_CONTACT },
    { "content-length", 'l', FC_SIP_CONTENT_LENGTH },
    { "content-type", 'c', FC_SIP_CONTENT_TYPE },
    { "subject", 's', FC_SIP_SUBJECT },
    { "date", 0, FC_SIP_DATE },
    { "reply-to", 0, FC_SIP_REPLY_TO },
    { "user-agent", 0, FC_SIP_USER_AGENT },
    { "server", 0, FC_SIP_SERVER },
    { "warning", 0, FC_SIP_WARNING },
    { "via", 'v', VIA },
};

static int header_id(struct fc_span name)
{
    uint8_t one = name.len == 1 ? (uint8_t)(name.p[0] | 0x20) : 0;
    for (size_t i = 0; i < sizeof header_names / sizeof header_names[0]; i++) {
        if (one ? one == (uint8_t)header_names[i].compact : fc_span_eq_ci(name, header_names[i].name))
            return header_names[i].id;
    }
    return NONE;
}

static bool is_digit(uint8_t ch)
{
    return ch >= '0' && ch <= '9';
}

/* RFC 3261 25.1 token characters: what a method is made of. */
static bool is_token_char(uint8_t ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || is_digit(ch) ||
           (ch != 0 && strchr("-.!%*_+`'~", ch) != NULL);
}

/* "SIP/" 1*DIGIT "." 1*DIGIT; "SIP" in any case (RFC 3261 7.1). */
static bool is_version(struct fc_span v)
{
    if (v.len < 7 || !fc_span_eq_ci((struct fc_span){ v.p, 4 }, "sip/"))
        return false;
    size_t i = 4, digits = 0;
    while (i < v.len && is_digit(v.p[i])) {
        i++;
        digits++;
    }
    if (digits == 0 || i == v.len || v.p[i++] != '.' || i == v.len)
        return false;
    while (i < v.len && is_digit(v.p[i]))
        i++;
    return i == v.len;
}

/* SIP-Version SP Status-Code SP Reason-Phrase; a missing reason is taken
 * as empty. */
static bool status_line(struct fc_span line, struct fc_sip_msg *m)
{
    struct fc_span rest = line;
    struct fc_span version = fc_span_split(&rest, ' ');
    struct fc_span code = fc_span_split(&rest, ' ');
    if (!is_version(version) || code.len != 3)
        return false;
    unsigned status = 0;
    for (size_t i = 0; i < 3; i++) {
        if (!is_digit(code.p[i]))
            return false;
        status = status * 10 + (unsigned)(code.p[i] - '0');
    }
    if (status < 100 || status > 699)
        return false;
    m->request = false;
    m->version = version;
    m->status = (uint16_t)status;
    m->reason = rest;
    return true;
}

/* Method SP Request-URI SP SIP-Version, the URI with a scheme (every
 * RFC 3261 25.1 Request-URI has one: sip:, sips:, tel:, ...). */
static bool request_line(struct fc_span line, struct fc_sip_msg *m)
{
    struct fc_span rest = line;
    struct fc_span method = fc_span_split(&rest, ' ');
    struct fc_span uri = fc_span_split(&rest, ' ');
    if (method.len == 0 || method.len > FC_SIP_METHOD_MAX || !is_version(rest))
        return false;
    for (size_t i = 0; i < method.len; i++) {
        if (!is_token_char(method.p[i]))
            return false;
    }
    if (uri.len < 2 || !memchr(uri.p, ':', uri.len))
        return false;
    m->request = true;
    m->method = method;
    m->uri = uri;
    m->version = rest;
    return true;
}

bool fc_sip_start_line(struct fc_span line, struct fc_sip_msg *m)
{
    return status_line(line, m) || request_line(line, m);
}

/* The next line of the head, checked against the caps. */
static enum fc_sip_status next_line(struct fc_cursor *c, const uint8_t *start, struct fc_span *line)
{
    size_t before = (size_t)(c->p - start);
    if (!fc_cursor_line(c, line)) {
        size_t left = fc_cursor_left(c);
        bool over = left > FC_SIP_LINE_MAX || before + left > FC_SIP_HEAD_MAX;
        return over ? FC_SIP_TOO_LONG : FC_SIP_TRUNCATED;
    }
    bool over = line->len > FC_SIP_LINE_MAX || (size_t)(c->p - start) > FC_SIP_HEAD_MAX;
    return over ? FC_SIP_TOO_LONG : FC_SIP_OK;
}

/* A folded line: the value it continues now runs to its end. */
static void extend(struct fc_span *value, struct fc_span line)
{
    value->len = (size_t)(line.p + line.len - value->p);
    *value = fc_span_trim(*value);
}

static void header_line(struct fc_sip_msg *m, struct fc_span line, struct fc_span **last)
{
    if (line.p[0] == ' ' || line.p[0] == '\t') {
        if (*last)
            extend(*last, line);
        return;
    }
    *last = NULL;
    struct fc_span value = line;
    struct fc_span name = fc_span_split(&value, ':');
    if (name.len == line.len) {
        m->bad_lines++;
        return;
    }
    /* HCOLON allows spaces and tabs before the colon. */
    int id = header_id(fc_span_trim(name));
    value = fc_span_trim(value);
    if (id == VIA) {
        if (m->vias < FC_SIP_VIA_MAX)
            *last = &m->via[m->vias++];
        else
            m->vias_dropped++;
    } else if (id != NONE && !m->header[id].p) {
        *last = &m->header[id];
    }
    if (*last)
        **last = value;
}

static void read_length(struct fc_sip_msg *m)
{
    if (!m->header[FC_SIP_CONTENT_LENGTH].p)
        return;
    char text[24];
    bool cut;
    size_t n = fc_sip_unfold(m->header[FC_SIP_CONTENT_LENGTH], text, sizeof text, &cut);
    int64_t v = 0;
    bool ok = n > 0 && n <= 18 && !cut;
    for (size_t i = 0; ok && i < n; i++) {
        ok = is_digit((uint8_t)text[i]);
        v = v * 10 + (text[i] - '0');
    }
    if (ok)
        m->content_length = v;
    else
        m->bad_length = true;
}

enum fc_sip_status fc_sip_parse(const uint8_t *p, size_t len, struct fc_sip_msg *m)
{
    memset(m, 0, sizeof *m);
    m->content_length = -1;
    struct fc_cursor c = fc_cursor_make(p, len);
    struct fc_span line;
    enum fc_sip_status st;
    do { /* empty lines before the start line */
        if ((st = next_line(&c, p, &line)) != FC_SIP_OK)
            return st;
    } while (line.len == 0);
    if (!fc_sip_start_line(line, m))
        return FC_SIP_BAD;
    struct fc_span *last = NULL;
    for (;;) {
        if ((st = next_line(&c, p, &line)) != FC_SIP_OK)
            return st;
        if (line.len == 0)
            break;
        header_line(m, line, &last);
    }
    read_length(m);
    m->head_len = (size_t)(c.p - p);
    size_t rest = fc_cursor_left(&c);
    m->body_len = rest;
    if (m->content_length >= 0 && (uint64_t)m->content_length <= rest)
        m->body_len = (size_t)m->content_length;
    m->body_cut = m->content_length >= 0 && (uint64_t)m->content_length > rest;
    return FC_SIP_OK;
}

static void put(char *out, size_t cap, size_t *n, bool *over, char ch)
{
    if (*n + 1 >= cap)
        *over = true;
    else
        out[(*n)++] = ch;
}

size_t fc_sip_unfold(struct fc_span v, char *out, size_t cap, bool *cut)
{
    size_t n = 0;
    bool over = false, fold = false;
    struct fc_cursor c = fc_cursor_make(v.p, v.len);
    while (fc_cursor_left(&c) > 0 && !over) {
        uint8_t ch = fc_get_u8(&c);
        bool blank = ch == ' ' || ch == '\t';
        if (ch == '\r' || ch == '\n' || (fold && blank)) {
            fold = true;
            continue;
        }
        if (fold) { /* the blanks around a line end become one space */
            while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t'))
                n--;
            if (n > 0)
                put(out, cap, &n, &over, ' ');
            fold = false;
        }
        put(out, cap, &n, &over, (char)ch);
    }
    out[n] = '\0';
    if (cut)
        *cut = over;
    return n;
}
