/* IPFIX file reader: see ipfix-reader.h. */
#include "formats/ipfix-reader.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"

#define IE_MESSAGE_SCOPE 263
#define IE_MESSAGE_MD5 262
#define IE_PEN 346
#define IE_ELEMENT_ID 303
#define IE_ELEMENT_TYPE 339
#define IE_ELEMENT_SEMANTICS 344
#define IE_ELEMENT_UNITS 345
#define IE_ELEMENT_NAME 341
#define IE_ELEMENT_DESCRIPTION 340
#define MAX_DOMAINS 64

struct learned {
    struct fc_ipfix_ie ie;
    char *name;
    char *description;
};

struct domain {
    uint32_t odid;
    uint32_t next_sequence;
};

struct fc_ipfix_reader {
    const char *path;
    struct fc_diag *diag;
    struct fc_diag_log *log;
    fc_ipfix_record_fn fn;
    void *arg;
    struct fc_ipfix_template *templates;
    size_t ntemplates;
    struct learned *learned;
    size_t nlearned;
    struct domain domains[MAX_DOMAINS];
    unsigned ndomains;
    /* The message being read. */
    uint8_t msg[FC_IPFIX_MAX_MESSAGE];
    size_t msg_len;
    uint64_t msg_offset;
    uint32_t odid;
    uint32_t records; /* data records seen in the message */
    bool checksummed;  /* a message checksum template was defined (RFC 5655) */
    bool checksum_seen; /* the message held its checksum record */
    bool flowcase;      /* the file describes or holds flowcase records */
    struct fc_ipfix_data data;
};

static void problem(struct fc_ipfix_reader *r, enum fc_diag_level level, uint64_t offset,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void problem(struct fc_ipfix_reader *r, enum fc_diag_level level, uint64_t offset,
                    const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fc_diag_vreport(r->diag, r->log, r->path, NULL, level, FC_DIAG_NO_PACKET, offset, fmt, ap);
    va_end(ap);
}

void fc_ipfix_reader_problem(const struct fc_ipfix_reader *r, enum fc_diag_level level,
                             const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fc_diag_vreport(r->diag, r->log, r->path, NULL, level, FC_DIAG_NO_PACKET, r->msg_offset, fmt,
                    ap);
    va_end(ap);
}

/* ---- elements ---------------------------------------------------------- */

const struct fc_ipfix_ie *fc_ipfix_reader_ie(const struct fc_ipfix_reader *r, uint32_t pen,
                                             uint16_t id)
{
    for (size_t i = 0; i < r->nlearned; i++) {
        if (r->learned[i].ie.pen == pen && r->learned[i].ie.id == id)
            return &r->learned[i].ie;
    }
    return fc_ipfix_ie_find(pen, id);
}

static char *view_text(const struct fc_ipfix_view *v)
{
    char *s = malloc(v->len + 1);
    if (s) {
        memcpy(s, v->data, v->len);
        s[v->len] = '\0';
    }
    return s;
}

static uint64_t view_uint(const struct fc_ipfix_view *v)
{
    uint64_t u = 0;
    for (uint32_t i = 0; i < v->len && i < 8; i++)
        u = u << 8 | v->data[i];
    return u;
}

static const struct fc_ipfix_view *find_view(const struct fc_ipfix_data *d, uint32_t pen,
                                             uint16_t id)
{
    for (uint16_t i = 0; i < d->n; i++) {
        if (d->views[i].spec->pen == pen && d->views[i].spec->id == id)
            return &d->views[i];
    }
    return NULL;
}

/* An RFC 5610 information element type record: learn the element. */
static void learn(struct fc_ipfix_reader *r, const struct fc_ipfix_data *d)
{
    const struct fc_ipfix_view *pen = find_view(d, 0, IE_PEN);
    const struct fc_ipfix_view *id = find_view(d, 0, IE_ELEMENT_ID);
    const struct fc_ipfix_view *type = find_view(d, 0, IE_ELEMENT_TYPE);
    const struct fc_ipfix_view *name = find_view(d, 0, IE_ELEMENT_NAME);
    if (!pen || !id || !type || !name)
        return;
    struct learned *grown = realloc(r->learned, (r->nlearned + 1) * sizeof *grown);
    if (!grown)
        return;
    r->learned = grown;
    struct learned *l = &r->learned[r->nlearned];
    const struct fc_ipfix_view *sem = find_view(d, 0, IE_ELEMENT_SEMANTICS);
    const struct fc_ipfix_view *units = find_view(d, 0, IE_ELEMENT_UNITS);
    const struct fc_ipfix_view *desc = find_view(d, 0, IE_ELEMENT_DESCRIPTION);
    l->name = view_text(name);
    l->description = desc ? view_text(desc) : NULL;
    l->ie = (struct fc_ipfix_ie){
        .pen = (uint32_t)view_uint(pen),
        .id = (uint16_t)view_uint(id),
        .name = l->name,
        .type = (enum fc_ipfix_type)view_uint(type),
        .semantics = sem ? (uint8_t)view_uint(sem) : 0,
        .units = units ? (uint16_t)view_uint(units) : 0,
        .description = l->description,
    };
    if (l->name) {
        r->nlearned++;
        r->flowcase |= l->ie.pen == FC_IPFIX_PEN && l->ie.id == FC_IPFIX_FLOW_ID;
    }
    else
        free(l->description);
}

/* ---- templates ------------------------------------------------------- */

const struct fc_ipfix_template *fc_ipfix_reader_template(const struct fc_ipfix_reader *r,
                                                         uint32_t odid, uint16_t id)
{
    for (size_t i = 0; i < r->ntemplates; i++) {
        if (r->templates[i].odid == odid && r->templates[i].id == id)
            return &r->templates[i];
    }
    return NULL;
}

static void withdraw(struct fc_ipfix_reader *r, uint16_t id, bool all)
{
    size_t kept = 0;
    for (size_t i = 0; i < r->ntemplates; i++) {
        struct fc_ipfix_template *t = &r->templates[i];
        if (t->odid == r->odid && (all || t->id == id))
            free(t->fields);
        else
            r->templates[kept++] = *t;
    }
    r->ntemplates = kept;
}

static bool has_field(const struct fc_ipfix_template *t, uint16_t id)
{
    for (uint16_t i = 0; i < t->count; i++) {
        if (t->fields[i].pen == 0 && t->fields[i].id == id)
            return true;
    }
    return false;
}

static bool is_checksum_template(const struct fc_ipfix_template *t)
{
    return t->scope_count && has_field(t, IE_MESSAGE_SCOPE) && has_field(t, IE_MESSAGE_MD5);
}

static void define(struct fc_ipfix_reader *r, struct fc_ipfix_template *t)
{
    withdraw(r, t->id, false); /* a redefinition replaces */
    r->checksummed |= is_checksum_template(t);
    struct fc_ipfix_template *grown =
        realloc(r->templates, (r->ntemplates + 1) * sizeof *grown);
    if (!grown) {
        free(t->fields);
        return;
    }
    r->templates = grown;
    r->templates[r->ntemplates++] = *t;
}

/* A template or options template set. Returns false when it is damaged. */
static bool read_templates(struct fc_ipfix_reader *r, struct fc_cursor *c, bool options)
{
    while (fc_cursor_left(c) >= 4) {
        struct fc_ipfix_template t = { .odid = r->odid };
        t.id = fc_get_be16(c);
        t.count = fc_get_be16(c);
        if (t.count == 0) { /* withdrawal: of one template, or all with the set's id */
            withdraw(r, t.id, t.id == FC_IPFIX_SET_TEMPLATE ||
                                  t.id == FC_IPFIX_SET_OPTIONS_TEMPLATE);
            continue;
        }
        if (options)
            t.scope_count = fc_get_be16(c);
        /* A template with more fields than a record view holds cannot be
         * split into fields: refused like a damaged one. */
        if (t.id < FC_IPFIX_FIRST_DATA_SET || t.scope_count > t.count ||
            t.count > FC_IPFIX_MAX_FIELDS) {
            if (t.id == 0 && t.count == 0)
                return true; /* padding */
            return false;
        }
        t.fields = calloc(t.count, sizeof *t.fields);
        if (!t.fields)
            return false;
        for (uint16_t i = 0; i < t.count; i++) {
            uint16_t id = fc_get_be16(c);
            t.fields[i].length = fc_get_be16(c);
            t.fields[i].id = id & 0x7fffu;
            if (id & 0x8000u)
                t.fields[i].pen = fc_get_be32(c);
        }
        if (c->short_read) {
            free(t.fields);
            return false;
        }
        define(r, &t);
    }
    return true;
}

/* ---- data records ------------------------------------------------------ */

size_t fc_ipfix_split_record(const struct fc_ipfix_template *t, const uint8_t *p,
                             const uint8_t *end, struct fc_ipfix_data *d)
{
    struct fc_cursor c = fc_cursor_make(p, (size_t)(end - p));
    d->t = t;
    d->n = 0;
    for (uint16_t i = 0; i < t->count; i++) {
        uint32_t len = t->fields[i].length;
        if (len == FC_IPFIX_VARLEN) {
            len = fc_get_u8(&c);
            if (len == 255)
                len = fc_get_be16(&c);
        }
        const uint8_t *data = fc_cursor_take(&c, len);
        if (c.short_read)
            return 0;
        d->views[d->n++] = (struct fc_ipfix_view){ &t->fields[i], data, len };
    }
    return (size_t)(c.p - p);
}

/* RFC 5655: the MD5 of the message with the checksum itself zeroed. */
static void check_checksum(struct fc_ipfix_reader *r, const struct fc_ipfix_view *sum)
{
    if (!sum || sum->len != 16)
        return;
    r->checksum_seen = true;
    size_t at = (size_t)(sum->data - r->msg);
    uint8_t copy[FC_IPFIX_MAX_MESSAGE];
    memcpy(copy, r->msg, r->msg_len);
    memset(copy + at, 0, 16);
    uint8_t digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(copy, r->msg_len, digest, &n, EVP_md5(), NULL);
    if (memcmp(digest, sum->data, 16) != 0)
        problem(r, FC_DIAG_ERROR, r->msg_offset,
                "message checksum (messageMD5Checksum) does not match: the message is "
                "damaged, its records may be wrong");
}

static void read_data(struct fc_ipfix_reader *r, struct fc_cursor *c, uint16_t set_id)
{
    const struct fc_ipfix_template *t = fc_ipfix_reader_template(r, r->odid, set_id);
    if (!t) {
        problem(r, FC_DIAG_ERROR, r->msg_offset,
                "data set for template %u, which was never defined: skipped", set_id);
        return;
    }
    bool element_types = t->scope_count && has_field(t, IE_PEN) && has_field(t, IE_ELEMENT_ID) &&
                         has_field(t, IE_ELEMENT_NAME);
    bool checksum = is_checksum_template(t);
    while (fc_cursor_left(c) > 0) {
        size_t n = fc_ipfix_split_record(t, c->p, c->end, &r->data);
        if (n == 0)
            break; /* the rest is padding, or a record cut by its set */
        fc_cursor_skip(c, n);
        r->records++;
        r->data.message_offset = r->msg_offset;
        if (element_types)
            learn(r, &r->data);
        else if (checksum)
            check_checksum(r, find_view(&r->data, 0, IE_MESSAGE_MD5));
        else
            r->fn(r->arg, r, &r->data);
    }
}

/* ---- messages ---------------------------------------------------------- */

static void check_sequence(struct fc_ipfix_reader *r, uint32_t sequence)
{
    struct domain *dom = NULL;
    for (unsigned i = 0; i < r->ndomains; i++) {
        if (r->domains[i].odid == r->odid)
            dom = &r->domains[i];
    }
    if (dom && dom->next_sequence != sequence)
        problem(r, FC_DIAG_NOTICE, r->msg_offset,
                "sequence number %u where %u was expected: records missing or repeated",
                sequence, dom->next_sequence);
    if (!dom && r->ndomains < MAX_DOMAINS) {
        dom = &r->domains[r->ndomains++];
        dom->odid = r->odid;
    }
    if (dom)
        dom->next_sequence = sequence + r->records;
}

static void read_message(struct fc_ipfix_reader *r, uint32_t sequence)
{
    struct fc_cursor c = fc_cursor_make(r->msg + FC_IPFIX_HEADER, r->msg_len - FC_IPFIX_HEADER);
    r->records = 0;
    r->checksum_seen = false;
    while (fc_cursor_left(&c) >= 4) {
        uint64_t at = r->msg_offset + (uint64_t)(c.p - r->msg);
        uint16_t id = fc_get_be16(&c);
        uint16_t len = fc_get_be16(&c);
        if (len < 4 || len - 4u > fc_cursor_left(&c)) {
            problem(r, FC_DIAG_ERROR, r->msg_offset,
                    "set at byte %llu claims %u bytes, more than its message holds: the rest "
                    "of the message is skipped",
                    (unsigned long long)at, len);
            break;
        }
        struct fc_cursor set = fc_cursor_make(c.p, len - 4u);
        fc_cursor_skip(&c, len - 4u);
        if (id == FC_IPFIX_SET_TEMPLATE || id == FC_IPFIX_SET_OPTIONS_TEMPLATE) {
            if (!read_templates(r, &set, id == FC_IPFIX_SET_OPTIONS_TEMPLATE))
                problem(r, FC_DIAG_ERROR, r->msg_offset,
                        "template set at byte %llu is damaged: its templates are skipped",
                        (unsigned long long)at);
        } else if (id >= FC_IPFIX_FIRST_DATA_SET) {
            read_data(r, &set, id);
        } else {
            problem(r, FC_DIAG_NOTICE, r->msg_offset, "set id %u is reserved: skipped", id);
        }
    }
    if (r->checksummed && !r->checksum_seen)
        problem(r, FC_DIAG_ERROR, r->msg_offset,
                "message without its checksum record although the file has message checksums: "
                "it cannot be verified, its records may be wrong");
    check_sequence(r, sequence);
}

static void free_reader(struct fc_ipfix_reader *r)
{
    for (size_t i = 0; i < r->ntemplates; i++)
        free(r->templates[i].fields);
    for (size_t i = 0; i < r->nlearned; i++) {
        free(r->learned[i].name);
        free(r->learned[i].description);
    }
    free(r->templates);
    free(r->learned);
    free(r);
}

int fc_ipfix_read_file(const char *path, struct fc_diag *diag, struct fc_diag_log *log,
                       fc_ipfix_record_fn fn, void *arg, bool *flowcase)
{
    struct fc_ipfix_reader *r = calloc(1, sizeof *r);
    FILE *f = r ? fopen(path, "rb") : NULL;
    if (!f) {
        fc_diag_report(diag, log, path, NULL, FC_DIAG_ERROR, FC_DIAG_NO_PACKET, 0,
                       "cannot open: %s", r ? strerror(errno) : "out of memory");
        free(r);
        return -1;
    }
    *r = (struct fc_ipfix_reader){ .path = path, .diag = diag, .log = log, .fn = fn, .arg = arg };
    for (;;) {
        size_t got = fread(r->msg, 1, FC_IPFIX_HEADER, f);
        if (got == 0)
            break;
        struct fc_cursor h = fc_cursor_make(r->msg, got);
        uint16_t version = fc_get_be16(&h);
        uint16_t length = fc_get_be16(&h);
        fc_cursor_skip(&h, 4); /* export time */
        uint32_t sequence = fc_get_be32(&h);
        r->odid = fc_get_be32(&h);
        if (h.short_read) {
            problem(r, FC_DIAG_ERROR, r->msg_offset, "file cut short in a message header");
            break;
        }
        if (version != FC_IPFIX_VERSION || length < FC_IPFIX_HEADER) {
            problem(r, FC_DIAG_ERROR, r->msg_offset,
                    "not an IPFIX message (version %u, length %u): reading stops", version,
                    length);
            break;
        }
        size_t body = length - FC_IPFIX_HEADER;
        got = fread(r->msg + FC_IPFIX_HEADER, 1, body, f);
        r->msg_len = FC_IPFIX_HEADER + got;
        if (got < body) {
            problem(r, FC_DIAG_ERROR, r->msg_offset,
                    "file cut short in a message: %zu of %u bytes; its complete sets are kept",
                    r->msg_len, length);
            read_message(r, sequence);
            break;
        }
        read_message(r, sequence);
        r->msg_offset += length;
    }
    fclose(f);
    if (flowcase)
        *flowcase = r->flowcase;
    free_reader(r);
    return 0;
}
