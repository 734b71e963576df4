/*
 * DNS messages: see dns-msg.h.
 *
 *   Message:  header (12) | question* | answer RR* | authority RR* |
 *             additional RR*, the counts in the header (RFC 1035 4.1.1)
 *   Question: name | type (2) | class (2)
 *   RR:       name | type (2) | class (2) | ttl (4) | rdlength (2) |
 *             rdata <rdlength>
 *   Name:     labels <len 0..63> ending in a root label (0) or a pointer
 *             (two bytes, top bits 11, 14-bit offset into the message)
 *
 * Record data is read from its own rdlength bytes only (names inside may
 * still point back into the message), so a bad record never throws the
 * rest of the message out of step.
 */
#include "core/dns-msg.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/cursor.h"

/* ------------------------------------------------------------------ text */

/* A NUL-terminated text in a fixed buffer. Pieces go in whole or not at
 * all: once one does not fit the text is cut and takes nothing more, so it
 * never ends inside an escape. */
struct text {
    char *p;
    size_t cap; /* NUL included */
    size_t len;
    bool cut;
};

static struct text text_make(char *p, size_t cap)
{
    struct text t = { p, cap, 0, false };
    p[0] = '\0';
    return t;
}

static void put(struct text *t, const char *s, size_t n)
{
    if (t->cut || t->len + n >= t->cap) {
        t->cut = true;
        return;
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
}

static void put_str(struct text *t, const char *s)
{
    put(t, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static void putf(struct text *t, const char *fmt, ...)
{
    char buf[64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    put(t, buf, (size_t)n);
}

/* One byte as \DDD when outside [lo, 0x7e], with a backslash before the
 * bytes of `special`, else as itself. */
static void put_escaped(struct text *t, uint8_t b, uint8_t lo, const char *special)
{
    if (b < lo || b > 0x7e) {
        putf(t, "\\%03u", b);
    } else if (strchr(special, b)) {
        char esc[2] = { '\\', (char)b };
        put(t, esc, 2);
    } else {
        char ch = (char)b;
        put(t, &ch, 1);
    }
}

/* Label bytes (RFC 4343 2.1); a space too is \032. */
static void put_label_byte(struct text *t, uint8_t b)
{
    put_escaped(t, b, 0x21, ".\\");
}

/* Inside a quoted character-string (RFC 1035 5.1). */
static void put_quoted_byte(struct text *t, uint8_t b)
{
    put_escaped(t, b, 0x20, "\"\\");
}

/* Inside an unquoted SvcParamValue. */
static void put_value_byte(struct text *t, uint8_t b)
{
    put_escaped(t, b, 0x21, "\"\\");
}

static void put_hex(struct text *t, const uint8_t *p, size_t n)
{
    static const char digits[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        char two[2] = { digits[p[i] >> 4], digits[p[i] & 15] };
        put(t, two, 2);
    }
}

static void put_base64(struct text *t, const uint8_t *p, size_t n)
{
    static const char digits[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        char four[4] = { digits[v >> 18], digits[v >> 12 & 63],
                         i + 1 < n ? digits[v >> 6 & 63] : '=', i + 2 < n ? digits[v & 63] : '=' };
        put(t, four, 4);
    }
}

/* ----------------------------------------------------------------- names */

struct ctx {
    const uint8_t *base; /* the whole message, for compression pointers */
    size_t len;
    struct fc_dns_msg *m;
};

enum name_res {
    NAME_OK,
    NAME_BAD,   /* counted in bad_names; the name's own bytes were read */
    NAME_SHORT, /* the name's own bytes run past the cursor's end */
    NAME_LOST,  /* counted in bad_names; an unknown label type in the
                 * name's own bytes: where they end is unknown */
};

static enum name_res bad_name(const struct ctx *x, enum name_res r)
{
    x->m->bad_names++;
    return r;
}

/* Reads the name at c, leaving c after its own bytes, and appends its text
 * to t (unless t is NULL). */
static enum name_res read_name(const struct ctx *x, struct fc_cursor *c, struct text *t)
{
    struct fc_cursor jumped;
    struct fc_cursor *rd = c; /* c, then the bytes behind the last pointer */
    size_t run = (size_t)(c->p - x->base); /* where the run of labels began */
    size_t wire = 1;                       /* the root label */
    unsigned jumps = 0;
    bool too_long = false, first = true;
    for (;;) {
        uint8_t n = fc_get_u8(rd);
        if (rd->short_read)
            break;
        if ((n & 0xc0) == 0xc0) {
            size_t target = (size_t)(n & 0x3f) << 8 | fc_get_u8(rd);
            if (rd->short_read)
                break;
            /* Past a name over 255 octets only its own end is wanted. */
            if (too_long || target >= run || ++jumps > FC_DNS_MAX_JUMPS)
                return bad_name(x, NAME_BAD);
            run = target;
            jumped = fc_cursor_make(x->base + target, x->len - target);
            rd = &jumped;
            continue;
        }
        if (n & 0xc0)
            return bad_name(x, rd == c ? NAME_LOST : NAME_BAD);
        if (n == 0)
            break;
        const uint8_t *label = fc_cursor_take(rd, n);
        if (!label)
            break;
        wire += 1u + n;
        if (wire > 255) {
            if (rd != c)
                return bad_name(x, NAME_BAD);
            too_long = true;
        }
        if (t && !too_long) {
            if (!first)
                put(t, ".", 1);
            for (uint8_t i = 0; i < n; i++)
                put_label_byte(t, label[i]);
        }
        first = false;
    }
    if (rd->short_read)
        return rd == c ? NAME_SHORT : bad_name(x, NAME_BAD);
    if (too_long)
        return bad_name(x, NAME_BAD);
    if (t && first)
        put(t, ".", 1);
    return NAME_OK;
}

/* ------------------------------------------------------------ record data */

/* Each renderer reads one record's data from rd (exactly its rdlength
 * bytes) into t; false when the data is not of its type's form. */
typedef bool (*render_fn)(const struct ctx *x, struct fc_cursor *rd, struct text *t);

static bool data_name(const struct ctx *x, struct fc_cursor *rd, struct text *t)
{
    return read_name(x, rd, t) == NAME_OK;
}

static bool render_a(const struct ctx *x, struct fc_cursor *rd, struct text *t)
{
    (void)x;
    const uint8_t *a = fc_cursor_take(rd, 4);
    if (a)
        putf(t, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
    return a != NULL;
}

static void put_ipv6(struct text *t, const uint8_t *a)
{
    char buf[INET6_ADDRSTRLEN];
    put_str(t, inet_ntop(AF_INET6, a, buf, sizeof buf));
}

static bool render_aaaa(const struct ctx *x, struct fc_cursor *rd, struct text *t)
{
    (void)x;
    const uint8_t *a = fc_cursor_take(rd, 16);
    if (a)
        put_ipv6(t, a);
    return a != NULL;
}

static bool render_mx(const struct ctx *x, struct fc_cursor *rd, struct text *t)
{
    putf(t, "%u ", fc_get_be16(rd));
    return data_name(x, rd, t);
}

static bool render_soa(const struct ctx *x, struct fc_cursor *rd, struct text *t)
{
    if (!data_name(x, rd, t))
        return false;
    put(t, " ", 1);
    if (!data_name(x, rd, t))
        return false;
    for (int i = 0; i < 5; i++) /* serial refresh retry expire minimum */
        putf(t, " %u", fc_get_be32(rd));
    return true;
}

static bool render_srv(const struct ctx *x, struct fc_cursor *rd, struct text *t)
{
    uint16_t prio = fc_get_be16(rd), weight = fc_get_be16(rd), port = fc_get_be16(rd);
    putf(t, "%u %u %u ", prio, weight, port);
    return data_name(x, rd, t);
}

/* The character-strings filling rd, quoted, joined by spaces; false
 * unless there are `want` of them (0: one or more). */
static bool put_strings(struct fc_cursor *rd, struct text *t, unsigned want)
{
    unsigned n = 0;
    while (fc_cursor_left(rd) > 0) {
        uint8_t len = fc_get_u8(rd);
        const uint8_t *s = fc_cursor_take(rd, len);
        if (!s)
            return false;
        put_str(t, n++ ? " \"" : "\"");
        for (uint8_t i = 0; i < len; i++)
            put_quoted_byte(t, s[i]);
        put(t, "\"", 1);
    }
    return want ? n == want : n > 0;
}

static bool render_txt(const struct ctx *x, struct fc_cursor *rd, struct text *t)
{
    (void)x;
    return put_strings(rd, t, 0);
}

static bool render_hinfo(const struct ctx *x, struct fc_cursor *rd, struct text *t)
{
    (void)x;
    return put_strings(rd, t, 2); /* CPU, OS */
}

/* SvcParamKeys (RFC 9460 14.3.2, RFC 9461 5). */
static const char *const svc_keys[] = {
    "mandatory", "alpn", "no-default-alpn", "port", "ipv4hint", "ech", "ipv6hint", "dohpath",
};
#define SVC_MANDATORY 0
#define SVC_ALPN 1
#define SVC_NO_DEFAULT_ALPN 2
#define SVC_PORT 3
#define SVC_IPV4HINT 4
#define SVC_ECH 5
#define SVC_IPV6HINT 6
#define SVC_DOHPATH 7
#define SVC_KNOWN (sizeof svc_keys / sizeof svc_keys[0])

static void put_svc_key(struct text *t, uint16_t key)
{
    if (key < SVC_KNOWN)
        put_str(t, svc_keys[key]);
    else
        putf(t, "key%u", key);
}

static bool svc_mandatory(struct fc_cursor *v, struct text *t)
{
    if (fc_cursor_left(v) == 0 || fc_cursor_left(v) % 2)
        return false;
    for (const char *sep = ""; fc_cursor_left(v) > 0; sep = ",") {
        put_str(t, sep);
        put_svc_key(t, fc_get_be16(v));
    }
    return true;
}

/* alpn-ids, each escaped for the value list, then for the master file
 * (RFC 9460 A.1). */
static bool svc_alpn(struct fc_cursor *v, struct text *t)
{
    if (fc_cursor_left(v) == 0)
        return false;
    for (const char *sep = ""; fc_cursor_left(v) > 0; sep = ",") {
        uint8_t len = fc_get_u8(v);
        const uint8_t *id = fc_cursor_take(v, len);
        if (!id || len == 0)
            return false;
        put_str(t, sep);
        for (uint8_t i = 0; i < len; i++) {
            if (id[i] == ',')
                put_str(t, "\\\\,");
            else if (id[i] == '\\')
                put_str(t, "\\\\\\\\");
            else
                put_value_byte(t, id[i]);
        }
    }
    return true;
}

static bool svc_port(struct fc_cursor *v, struct text *t)
{
    uint16_t port = fc_get_be16(v);
    putf(t, "%u", port);
    return !v->short_read;
}

static bool svc_ipv4hint(struct fc_cursor *v, struct text *t)
{
    if (fc_cursor_left(v) == 0 || fc_cursor_left(v) % 4)
        return false;
    for (const char *sep = ""; fc_cursor_left(v) > 0; sep = ",") {
        const uint8_t *a = fc_cursor_take(v, 4);
        putf(t, "%s%u.%u.%u.%u", sep, a[0], a[1], a[2], a[3]);
    }
    return true;
}

static bool svc_ipv6hint(struct fc_cursor *v, struct text *t)
{
    if (fc_cursor_left(v) == 0 || fc_cursor_left(v) % 16)
        return false;
    for (const char *sep = ""; fc_cursor_left(v) > 0; sep = ",") {
        put_str(t, sep);
        put_ipv6(t, fc_cursor_take(v, 16));
    }
    return true;
}

static bool svc_ech(struct fc_cursor *v, struct text *t)
{
    size_t n = fc_cursor_left(v);
    put_base64(t, fc_cursor_take(v, n), n);
    return n > 0;
}

/* dohpath and unknown keys: the bytes as an escaped string. */
static bool svc_string(struct fc_cursor *v, struct text *t)
{
    while (fc_cursor_left(v) > 0)
        put_value_byte(t, fc_get_u8(v));
    return true;
}

/* One SvcParam's "=value" (nothing for no-default-alpn and an empty
 * unknown value); false when the value is not of its key's form. */
static bool svc_value(uint16_t key, struct fc_cursor *v, struct text *t)
{
    static bool (*const values[])(struct fc_cursor *, struct text *) = {
        [SVC_MANDATORY] = svc_mandatory, [SVC_ALPN] = svc_alpn,
        [SVC_NO_DEFAULT_ALPN] = NULL,    [SVC_PORT] = svc_port,
        [SVC_IPV4HINT] = svc_ipv4hint,   [SVC_ECH] = svc_ech,
        [SVC_IPV6HINT] = svc_ipv6hint,   [SVC_DOHPATH] = svc_string,
    };
    if (key == SVC_NO_DEFAULT_ALPN)
        return fc_cursor_left(v) == 0;
    if (key >= SVC_KNOWN && fc_cursor_left(v) == 0)
        return true;
    put(t, "=", 1);
    bool ok = (key < SVC_KNOWN ? values[key] : svc_string)(v, t);
    return ok && fc_cursor_left(v) == 0 && !v->short_read;
}

/* SVCB and HTTPS (RFC 9460 2.2): priority, target, SvcParams in strictly
 * increasing key order. */
static bool render_svcb(const struct ctx *x, struct fc_cursor *rd, struct text *t)
{
    putf(t, "%u ", fc_get_be16(rd));
    if (!data_name(x, rd, t))
        return false;
    for (int32_t last = -1; fc_cursor_left(rd) > 0;) {
        uint16_t key = fc_get_be16(rd);
        uint16_t len = fc_get_be16(rd);
        const uint8_t *p = fc_cursor_take(rd, len);
        if (!p || key <= last)
            return false;
        last = key;
        struct fc_cursor v = fc_cursor_make(p, len);
        put(t, " ", 1);
        put_svc_key(t, key);
        if (!svc_value(key, &v, t))
            return false;
    }
    return true;
}

static const struct {
    uint16_t type;
    render_fn render;
} renderers[] = {
    { FC_DNS_TYPE_A, render_a },         { FC_DNS_TYPE_NS, data_name },
    { FC_DNS_TYPE_CNAME, data_name },    { FC_DNS_TYPE_SOA, render_soa },
    { FC_DNS_TYPE_PTR, data_name },      { FC_DNS_TYPE_HINFO, render_hinfo },
    { FC_DNS_TYPE_MX, render_mx },       { FC_DNS_TYPE_TXT, render_txt },
    { FC_DNS_TYPE_AAAA, render_aaaa },   { FC_DNS_TYPE_SRV, render_srv },
    { FC_DNS_TYPE_DNAME, data_name },    { FC_DNS_TYPE_SVCB, render_svcb },
    { FC_DNS_TYPE_HTTPS, render_svcb },  { FC_DNS_TYPE_SPF, render_txt },
};

static render_fn renderer(uint16_t type)
{
    for (size_t i = 0; i < sizeof renderers / sizeof renderers[0]; i++) {
        if (renderers[i].type == type)
            return renderers[i].render;
    }
    return NULL;
}

/* RFC 3597 5. */
static void render_generic(const uint8_t *p, size_t n, struct text *t)
{
    putf(t, "\\# %zu", n);
    if (n > 0) {
        put(t, " ", 1);
        put_hex(t, p, n);
    }
}

/* Fills the record's data text: its type's form when the data has it,
 * else the generic one. */
static void render_data(const struct ctx *x, const uint8_t *p, size_t n, struct fc_dns_rr *rr,
                        struct text *t)
{
    render_fn render = renderer(rr->type);
    if (render) {
        struct fc_cursor rd = fc_cursor_make(p, n);
        if (render(x, &rd, t) && !rd.short_read && fc_cursor_left(&rd) == 0)
            return;
        *t = text_make(t->p, t->cap);
    }
    rr->data_raw = true;
    render_generic(p, n, t);
}

/* ---------------------------------------------------------------- message */

/* Scratch texts of the record being reported. */
struct scratch {
    char name[FC_DNS_NAME_TEXT];
    char data[FC_DNS_DATA_TEXT];
    unsigned reported;
};

static enum fc_dns_status name_status(enum name_res r)
{
    if (r == NAME_SHORT)
        return FC_DNS_TRUNCATED;
    return r == NAME_LOST ? FC_DNS_MALFORMED : FC_DNS_OK;
}

static void read_header(struct fc_cursor *c, struct fc_dns_header *h)
{
    h->id = fc_get_be16(c);
    uint16_t f = fc_get_be16(c);
    h->qr = f >> 15;
    h->opcode = (uint8_t)(f >> 11 & 15);
    h->aa = f >> 10 & 1;
    h->tc = f >> 9 & 1;
    h->rd = f >> 8 & 1;
    h->ra = f >> 7 & 1;
    h->z = f >> 6 & 1;
    h->ad = f >> 5 & 1;
    h->cd = f >> 4 & 1;
    h->rcode = (uint8_t)(f & 15);
    h->qdcount = fc_get_be16(c);
    h->ancount = fc_get_be16(c);
    h->nscount = fc_get_be16(c);
    h->arcount = fc_get_be16(c);
}

static enum fc_dns_status read_question(const struct ctx *x, struct fc_cursor *c, bool first)
{
    struct fc_dns_question *q = &x->m->q;
    struct text t;
    if (first)
        t = text_make(q->name, sizeof q->name);
    enum fc_dns_status st = name_status(read_name(x, c, first ? &t : NULL));
    if (st != FC_DNS_OK)
        return st;
    uint16_t type = fc_get_be16(c), cls = fc_get_be16(c);
    if (c->short_read)
        return FC_DNS_TRUNCATED;
    if (first) {
        q->qtype = type;
        q->qclass = cls & 0x7fff;
        q->unicast_response = cls >> 15;
        x->m->has_question = true;
    }
    return FC_DNS_OK;
}

/* RFC 6891 6.1.3: the TTL holds the extended rcode, version and flags. */
static void read_edns(struct fc_dns_msg *m, uint16_t cls, uint32_t ttl)
{
    m->has_edns = true;
    m->edns_udp_size = cls;
    m->edns_ext_rcode = (uint8_t)(ttl >> 24);
    m->edns_version = (uint8_t)(ttl >> 16);
    m->edns_do = ttl >> 15 & 1;
}

static enum fc_dns_status read_rr(const struct ctx *x, struct fc_cursor *c,
                                  enum fc_dns_section section, fc_dns_rr_fn fn, void *arg,
                                  struct scratch *s)
{
    bool report = fn && s->reported < FC_DNS_MAX_RRS;
    struct text name = text_make(s->name, sizeof s->name);
    enum fc_dns_status st = name_status(read_name(x, c, report ? &name : NULL));
    if (st != FC_DNS_OK)
        return st;
    struct fc_dns_rr rr = { .section = section, .name = s->name };
    rr.type = fc_get_be16(c);
    uint16_t cls = fc_get_be16(c);
    rr.ttl = fc_get_be32(c);
    uint16_t rdlength = fc_get_be16(c);
    const uint8_t *rdata = fc_cursor_take(c, rdlength);
    if (c->short_read)
        return FC_DNS_TRUNCATED;
    bool opt = rr.type == FC_DNS_TYPE_OPT;
    if (opt && section == FC_DNS_ADDITIONAL && !x->m->has_edns)
        read_edns(x->m, cls, rr.ttl);
    if (!fn)
        return FC_DNS_OK;
    if (!report) {
        x->m->rr_dropped++;
        return FC_DNS_OK;
    }
    rr.rclass = opt ? cls : cls & 0x7fff;
    rr.cache_flush = !opt && cls >> 15;
    struct text data = text_make(s->data, sizeof s->data);
    render_data(x, rdata, rdlength, &rr, &data);
    rr.data = s->data;
    rr.data_len = data.len;
    rr.data_cut = data.cut;
    s->reported++;
    fn(arg, &rr);
    return FC_DNS_OK;
}

enum fc_dns_status fc_dns_parse(const uint8_t *msg, size_t len, struct fc_dns_msg *m,
                                fc_dns_rr_fn fn, void *arg)
{
    memset(m, 0, sizeof *m);
    struct fc_cursor c = fc_cursor_make(msg, len);
    if (!fc_cursor_has(&c, 12))
        return FC_DNS_TRUNCATED;
    read_header(&c, &m->h);
    struct ctx x = { msg, len, m };
    for (uint32_t i = 0; i < m->h.qdcount; i++) {
        enum fc_dns_status st = read_question(&x, &c, i == 0);
        if (st != FC_DNS_OK)
            return st;
    }
    struct scratch s;
    s.reported = 0;
    const struct {
        enum fc_dns_section section;
        uint16_t count;
    } sections[] = {
        { FC_DNS_ANSWER, m->h.ancount },
        { FC_DNS_AUTHORITY, m->h.nscount },
        { FC_DNS_ADDITIONAL, m->h.arcount },
    };
    for (size_t k = 0; k < 3; k++) {
        for (uint32_t i = 0; i < sections[k].count; i++) {
            enum fc_dns_status st = read_rr(&x, &c, sections[k].section, fn, arg, &s);
            if (st != FC_DNS_OK)
                return st;
        }
    }
    return FC_DNS_OK;
}
