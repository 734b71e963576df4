/*
 * IPFIX file writer (RFC 5655): a sequence of IPFIX messages (RFC 7011),
 * each at most 65,535 bytes, with biflow records (RFC 5103).
 *
 *   message 1: options templates (message checksum, element types, time
 *              window, export session), RFC 5610 records describing every
 *              flowcase element, then templates and flow records
 *   message n: [a template set when a record needs a new template], data
 *              sets, and last a message checksum record (messageScope,
 *              messageMD5Checksum, MD5 over the message with it zeroed)
 *   last:      also the file's time window and export session records
 *
 * A record's template follows the fields it has (null fields are left
 * out, not invented), so a file holds a few templates, numbered in order
 * of first use. Export times are the latest flow end seen so far, in
 * seconds, never the wall clock: the same flows give the same bytes.
 * Sequence numbers count every data record before the message, options
 * records included, as RFC 7011 counts them.
 */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "core/http-tx.h"
#include "formats/section.h"
#include "formats/ipfix.h"
#include "formats/writer.h"

#define TEMPLATE_CHECKSUM 256
#define TEMPLATE_IE_TYPE 257
#define TEMPLATE_TIME_WINDOW 258
#define TEMPLATE_SESSION 259
#define FIRST_FLOW_TEMPLATE 260
#define MAX_TEMPLATES 512
#define CHECKSUM_SET (4 + 1 + 16) /* set header, messageScope, messageMD5Checksum */

#define IE_BIFLOW_DIRECTION 239
#define IE_FLOW_END_REASON 136

/* Which fields a template has: a bitset, by template kind (below); a flow
 * shape has one bit more than there are fields. */
#define SHAPE_BITS \
    (FC_FIELD_COUNT + 1 > FC_SECTION_MAX_FIELDS ? FC_FIELD_COUNT + 1 : FC_SECTION_MAX_FIELDS)
#define SHAPE_WORDS ((SHAPE_BITS + 63) / 64)
struct shape {
    uint64_t w[SHAPE_WORDS];
};

static inline void shape_set(struct shape *s, unsigned bit)
{
    s->w[bit / 64] |= UINT64_C(1) << (bit % 64);
}

static inline bool shape_has(const struct shape *s, unsigned bit)
{
    return s->w[bit / 64] >> (bit % 64) & 1;
}

struct template {
    struct shape shape;
    const struct fc_section *section;
    uint16_t id;
    uint8_t kind;
    bool sent;
};

struct ipfix_writer {
    struct fc_writer base;
    uint8_t msg[FC_IPFIX_MAX_MESSAGE];
    size_t len;
    size_t set_start; /* offset of the open data set's header, 0 when none */
    uint16_t set_id;
    uint32_t sequence;    /* data records in earlier messages */
    uint32_t msg_records; /* data records in this message */
    uint32_t export_time;
    bool started;
    bool any_flow;
    fc_time min_start;
    fc_time max_end;
    struct template templates[MAX_TEMPLATES];
    unsigned ntemplates;
    uint8_t record[FC_IPFIX_MAX_MESSAGE]; /* one encoded record */
};

/* ---- byte building ---------------------------------------------------- */

static void put_be(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

struct buf {
    uint8_t *p;
    size_t len;
    size_t cap;
    bool overflow;
};

static void emit(struct buf *b, const void *data, size_t n)
{
    if (b->len + n > b->cap) {
        b->overflow = true;
        return;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
}

static void emit_be(struct buf *b, uint64_t v, unsigned n)
{
    uint8_t tmp[8];
    put_be(tmp, v, n);
    emit(b, tmp, n);
}

/* RFC 7011 7: a length of 255 or more is 255 then two bytes. */
static void emit_varlen(struct buf *b, const void *data, size_t n)
{
    if (n > FC_IPFIX_MAX_MESSAGE - 64)
        n = FC_IPFIX_MAX_MESSAGE - 64; /* cannot fit a message: cut */
    if (n < 255) {
        emit_be(b, n, 1);
    } else {
        emit_be(b, 255, 1);
        emit_be(b, n, 2);
    }
    emit(b, data, n);
}

/* A field specifier: element id (enterprise bit set when pen != 0),
 * length, and the enterprise number. */
static void emit_spec(struct buf *b, uint32_t pen, uint16_t id, uint16_t len)
{
    emit_be(b, pen ? (uint16_t)(id | 0x8000u) : id, 2);
    emit_be(b, len, 2);
    if (pen)
        emit_be(b, pen, 4);
}

/* ---- values ------------------------------------------------------------ */

static uint8_t biflow_direction(const char *initiator)
{
    /* RFC 5103: 1 initiator (the source began the flow), 0 arbitrary. */
    return strcmp(initiator, "first_packet") == 0 ? 0 : 1;
}

static uint8_t flow_end_reason(const char *reason)
{
    /* IANA flowEndReason: 1 idle timeout, 2 active timeout, 3 end of flow
     * detected, 4 forced end, 5 lack of resources. */
    static const struct {
        const char *name;
        uint8_t code;
    } codes[] = { { "idle", 1 }, { "active", 2 }, { "fin", 3 }, { "rst", 3 },
                  { "eof", 4 },  { "evicted", 5 } };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        if (strcmp(reason, codes[i].name) == 0)
            return codes[i].code;
    }
    return 0;
}

static void emit_value(struct buf *b, const struct fc_value *v, enum fc_ipfix_type type)
{
    unsigned len = fc_ipfix_type_length(type);
    switch (v->kind) {
    case FC_VALUE_STRING:
        emit_varlen(b, v->s, strlen(v->s));
        break;
    case FC_VALUE_TIME:
        emit_be(b, fc_ipfix_ntp_from_ns(v->ns), 8);
        break;
    case FC_VALUE_IPV4:
    case FC_VALUE_IPV6:
    case FC_VALUE_MAC:
        emit(b, v->bytes, len);
        break;
    case FC_VALUE_BOOL:
        emit_be(b, v->b ? 1 : 2, 1); /* RFC 7011 6.1.5 */
        break;
    case FC_VALUE_SECONDS:
        emit_be(b, (uint64_t)v->ns, len);
        break;
    default: /* UINT, TCP_FLAGS */
        emit_be(b, v->u, len);
        break;
    }
}

/* ---- messages ---------------------------------------------------------- */

static struct buf message_buf(struct ipfix_writer *w, size_t reserve)
{
    return (struct buf){ w->msg, w->len, FC_IPFIX_MAX_MESSAGE - reserve, false };
}

static void close_set(struct ipfix_writer *w)
{
    if (w->set_start) {
        put_be(w->msg + w->set_start + 2, w->len - w->set_start, 2);
        w->set_start = 0;
    }
}

static void open_data_set(struct ipfix_writer *w, uint16_t id)
{
    if (w->set_start && w->set_id == id)
        return;
    close_set(w);
    w->set_start = w->len;
    w->set_id = id;
    put_be(w->msg + w->len, id, 2);
    w->len += 4;
}

/* Ends the message: the checksum record, the header, then writes it. */
static int flush_message(struct ipfix_writer *w)
{
    close_set(w);
    uint8_t *c = w->msg + w->len;
    put_be(c, TEMPLATE_CHECKSUM, 2);
    put_be(c + 2, CHECKSUM_SET, 2);
    memset(c + 4, 0, 17); /* messageScope 0, checksum zeroed while hashed */
    w->len += CHECKSUM_SET;
    w->msg_records++;
    put_be(w->msg, FC_IPFIX_VERSION, 2);
    put_be(w->msg + 2, w->len, 2);
    put_be(w->msg + 4, w->export_time, 4);
    put_be(w->msg + 8, w->sequence, 4);
    put_be(w->msg + 12, 0, 4); /* observation domain */
    unsigned int n = 0;
    EVP_Digest(w->msg, w->len, c + 5, &n, EVP_md5(), NULL);
    size_t written = fwrite(w->msg, 1, w->len, w->base.out);
    w->sequence += w->msg_records;
    w->msg_records = 0;
    bool ok = written == w->len;
    w->len = FC_IPFIX_HEADER;
    return ok ? 0 : -1;
}

/* Room for n more bytes (and the closing checksum), flushing if needed.
 * A new message needs its data set reopened by the caller. */
static int make_room(struct ipfix_writer *w, size_t n)
{
    if (w->len + n + CHECKSUM_SET <= FC_IPFIX_MAX_MESSAGE)
        return 0;
    return flush_message(w);
}

/* ---- the first message: options templates and element types ------------ */

/* The options templates of the first message: IANA elements (id, length),
 * the first `scope` of them the scope. */
static const struct options_template {
    uint16_t id;
    uint16_t scope;
    uint16_t count;
    struct {
        uint16_t id;
        uint16_t length;
    } field[9];
} options_templates[] = {
    /* RFC 5655 message checksum: messageScope, messageMD5Checksum. */
    { TEMPLATE_CHECKSUM, 1, 2, { { 263, 1 }, { 262, 16 } } },
    /* RFC 5610 information element type: scope enterprise and element;
     * the fields in the order libfixbuf and YAF use. */
    { TEMPLATE_IE_TYPE, 2, 9,
      { { 346, 4 }, { 303, 2 }, { 339, 1 }, { 344, 1 }, { 345, 2 }, { 342, 8 }, { 343, 8 },
        { 341, FC_IPFIX_VARLEN }, { 340, FC_IPFIX_VARLEN } } },
    /* RFC 5655 file time window: sessionScope, min/max flow times. */
    { TEMPLATE_TIME_WINDOW, 1, 3, { { 267, 1 }, { 273, 8 }, { 270, 8 } } },
    /* RFC 5655 export session details, as far as a file has them. */
    { TEMPLATE_SESSION, 1, 4, { { 267, 1 }, { 214, 1 }, { 264, 4 }, { 260, 4 } } },
};

static void emit_options_templates(struct buf *b)
{
    size_t start = b->len;
    emit_be(b, FC_IPFIX_SET_OPTIONS_TEMPLATE, 2);
    emit_be(b, 0, 2);
    for (size_t t = 0; t < sizeof options_templates / sizeof options_templates[0]; t++) {
        const struct options_template *o = &options_templates[t];
        emit_be(b, o->id, 2);
        emit_be(b, o->count, 2);
        emit_be(b, o->scope, 2);
        for (uint16_t i = 0; i < o->count; i++)
            emit_spec(b, 0, o->field[i].id, o->field[i].length);
    }
    put_be(b->p + start + 2, b->len - start, 2);
}

static void emit_element_types(struct ipfix_writer *w, struct buf *b)
{
    size_t start = b->len;
    emit_be(b, TEMPLATE_IE_TYPE, 2);
    emit_be(b, 0, 2);
    for (unsigned i = 0; i < fc_ipfix_flowcase_ie_count; i++) {
        const struct fc_ipfix_ie *ie = &fc_ipfix_flowcase_ies[i];
        emit_be(b, ie->pen, 4);
        emit_be(b, ie->id, 2);
        emit_be(b, ie->type, 1);
        emit_be(b, ie->semantics, 1);
        emit_be(b, ie->units, 2);
        emit_be(b, 0, 8); /* no range */
        emit_be(b, 0, 8);
        emit_varlen(b, ie->name, strlen(ie->name));
        emit_varlen(b, ie->description, strlen(ie->description));
        w->msg_records++;
    }
    put_be(b->p + start + 2, b->len - start, 2);
}

static void start_file(struct ipfix_writer *w)
{
    w->started = true;
    w->len = FC_IPFIX_HEADER;
    struct buf b = message_buf(w, CHECKSUM_SET);
    emit_options_templates(&b);
    emit_element_types(w, &b);
    w->len = b.len; /* fits: about 2 KiB */
}

/* ---- templates ---------------------------------------------------------- */

enum template_kind {
    KIND_FLOW, /* shape: bit i field i; bit FC_FIELD_COUNT IPv6 addresses */
    KIND_ITEM, /* an item of `section`; shape: bit i its field i */
    KIND_MORE  /* a continuation record of `section`'s list: fixed */
};

static struct shape shape_of(const struct fc_row *row)
{
    struct shape shape = { { 0 } };
    for (unsigned i = 0; i < FC_FIELD_COUNT; i++) {
        if (row->v[i].kind != FC_VALUE_NULL &&
            fc_ipfix_fields[i].place != FC_IPFIX_PLACE_DERIVED)
            shape_set(&shape, i);
    }
    if (row->v[FC_F_get_src_ip].kind == FC_VALUE_IPV6)
        shape_set(&shape, FC_FIELD_COUNT);
    return shape;
}

static struct shape item_shape_of(const struct fc_value *v, unsigned n)
{
    struct shape shape = { { 0 } };
    for (unsigned i = 0; i < n; i++) {
        if (v[i].kind != FC_VALUE_NULL)
            shape_set(&shape, i);
    }
    return shape;
}

static struct template *template_for(struct ipfix_writer *w, enum template_kind kind,
                                     const struct fc_section *section, struct shape shape)
{
    for (unsigned i = 0; i < w->ntemplates; i++) {
        struct template *t = &w->templates[i];
        if (t->kind == kind && t->section == section &&
            memcmp(&t->shape, &shape, sizeof shape) == 0)
            return t;
    }
    if (w->ntemplates == MAX_TEMPLATES)
        return NULL;
    struct template *t = &w->templates[w->ntemplates];
    *t = (struct template){ shape, section, (uint16_t)(FIRST_FLOW_TEMPLATE + w->ntemplates),
                            (uint8_t)kind, false };
    w->ntemplates++;
    return t;
}

/* The element of a list's field, of an item's field i, or of a flow
 * record's field i. */
static void list_ie(const struct fc_section *s, uint32_t *pen, uint16_t *id)
{
    fc_ipfix_field_ie(fc_section_field(s), FC_VALUE_ITEMS, pen, id);
}

static void item_ie(const struct fc_section *s, unsigned i, enum fc_value_kind kind,
                    uint32_t *pen, uint16_t *id)
{
    fc_ipfix_map_ie(&s->fields[i].ipfix, kind, pen, id);
}

/* The field specifiers of a template, after its set and template headers. */
static uint16_t emit_specs(struct buf *b, const struct template *t, const struct fc_row *row)
{
    uint16_t count = 0;
    uint32_t pen;
    uint16_t id;
    if (t->kind == KIND_MORE) {
        emit_spec(b, FC_IPFIX_PEN, FC_IPFIX_FLOW_ID, FC_IPFIX_VARLEN);
        emit_spec(b, FC_IPFIX_PEN, FC_IPFIX_RECORD_SEQ, 4);
        emit_spec(b, FC_IPFIX_PEN, FC_IPFIX_LIST_FIRST_INDEX, 4);
        list_ie(t->section, &pen, &id);
        emit_spec(b, pen, id, FC_IPFIX_VARLEN);
        return 4;
    }
    unsigned n = t->kind == KIND_FLOW ? FC_FIELD_COUNT : t->section->nfields;
    for (unsigned i = 0; i < n; i++) {
        if (!shape_has(&t->shape, i))
            continue;
        if (t->kind == KIND_FLOW)
            fc_ipfix_field_ie((enum fc_field_id)i, row->v[i].kind, &pen, &id);
        else
            item_ie(t->section, i, FC_VALUE_NULL, &pen, &id);
        emit_spec(b, pen, id, fc_ipfix_type_length(fc_ipfix_ie_find(pen, id)->type));
        count++;
        if (t->kind == KIND_FLOW && fc_field_section((enum fc_field_id)i)) {
            emit_spec(b, FC_IPFIX_PEN, FC_IPFIX_LIST_COUNT, 4);
            count++;
        }
    }
    if (t->kind == KIND_FLOW) {
        emit_spec(b, 0, IE_BIFLOW_DIRECTION, 1);
        emit_spec(b, 0, IE_FLOW_END_REASON, 1);
        count += 2;
    }
    return count;
}

/* The template set for t, before the first record that uses it. */
static int send_template(struct ipfix_writer *w, struct template *t, const struct fc_row *row)
{
    if (t->sent)
        return 0;
    uint8_t spec[1024];
    struct buf b = { spec, 0, sizeof spec, false };
    emit_be(&b, FC_IPFIX_SET_TEMPLATE, 2);
    emit_be(&b, 0, 2);
    emit_be(&b, t->id, 2);
    emit_be(&b, 0, 2);
    uint16_t count = emit_specs(&b, t, row);
    put_be(spec + 2, b.len, 2);
    put_be(spec + 6, count, 2);
    if (make_room(w, b.len) != 0)
        return -1;
    close_set(w);
    memcpy(w->msg + w->len, spec, b.len);
    w->len += b.len;
    t->sent = true;
    return 0;
}

/* ---- records ------------------------------------------------------------ */

/* Room for one record: a message holding only it, in one data set. */
#define RECORD_MAX (FC_IPFIX_MAX_MESSAGE - FC_IPFIX_HEADER - 4 - CHECKSUM_SET)

/* Items per block of a list: libfixbuf (ipfixDump, YAF's tools) cannot
 * decode a block whose records take more than 64 KiB in its memory layout,
 * about 250 HTTP transactions; a list may hold several blocks of one
 * template. */
#define BLOCK_MAX 128

_Static_assert(FC_HTTP_TEXT_COUNT * (FC_IPFIX_TX_TEXT_MAX + 3) + 1024 <= RECORD_MAX,
               "a transaction with its texts cut fits in a continuation record");

static void emit_text(struct buf *b, const char *s, size_t cap)
{
    size_t n = strlen(s);
    emit_varlen(b, s, n < cap ? n : cap);
}

static void emit_item(struct buf *b, const struct fc_section *s, const struct fc_value *v,
                      const struct shape *shape, size_t text_cap)
{
    for (unsigned i = 0; i < s->nfields; i++) {
        if (!shape_has(shape, i))
            continue;
        uint32_t pen;
        uint16_t id;
        item_ie(s, i, v[i].kind, &pen, &id);
        if (v[i].kind == FC_VALUE_STRING)
            emit_text(b, v[i].s, text_cap);
        else
            emit_value(b, &v[i], fc_ipfix_ie_find(pen, id)->type);
    }
}

/* The values of item i of a list; with a text cap, the texts it would cut
 * mark the item truncated. */
static void item_values(const struct fc_section *s, const struct fc_value *list, uint64_t i,
                        size_t text_cap, struct fc_value *v)
{
    s->values((const char *)list->items + i * s->item_size, v);
    for (unsigned f = 0; text_cap != SIZE_MAX && f < s->nfields; f++) {
        if (v[f].kind == FC_VALUE_STRING && strlen(v[f].s) > text_cap && s->truncated_field >= 0)
            v[s->truncated_field].b = true;
    }
}

/* Appends an RFC 6313 subTemplateMultiList of the list's items from *next
 * on, as many as fit in b, grouped in blocks of one template each. With
 * `cut` (a record that holds nothing else, where even the first does not
 * fit) the texts are cut to FC_IPFIX_TX_TEXT_MAX bytes and the item
 * marked truncated: then it always fits. */
static int emit_items(struct ipfix_writer *w, struct buf *b, const struct fc_value *list,
                      uint64_t *next, bool cut, const struct fc_row *row)
{
    const struct fc_section *s = fc_sections[list->section];
    size_t start = b->len;
    emit_be(b, 255, 1); /* the three-byte length form, filled in below */
    emit_be(b, 0, 2);
    emit_be(b, FC_IPFIX_LIST_ORDERED, 1);
    size_t block = 0; /* offset of the open block's header, 0 when none */
    uint16_t block_id = 0;
    unsigned block_records = 0;
    size_t text_cap = SIZE_MAX;
    while (*next < list->u && !b->overflow) {
        struct fc_value v[FC_SECTION_MAX_FIELDS];
        item_values(s, list, *next, text_cap, v);
        struct shape shape = item_shape_of(v, s->nfields);
        struct template *t = template_for(w, KIND_ITEM, s, shape);
        if (!t || send_template(w, t, row) != 0)
            return -1;
        size_t mark = b->len;
        bool new_block = !block || block_id != t->id || block_records == BLOCK_MAX;
        if (new_block) {
            block_records = 0;
            if (block)
                put_be(b->p + block + 2, mark - block, 2);
            block = b->len;
            block_id = t->id;
            emit_be(b, t->id, 2);
            emit_be(b, 0, 2);
        }
        emit_item(b, s, v, &shape, text_cap);
        if (b->overflow) { /* it does not fit: it goes in the next record */
            b->len = mark;
            b->overflow = false;
            if (new_block)
                block = 0;
            if (!cut || text_cap != SIZE_MAX)
                break;
            text_cap = FC_IPFIX_TX_TEXT_MAX; /* alone in its record: cut */
            continue;
        }
        cut = false;
        text_cap = SIZE_MAX;
        block_records++;
        (*next)++;
    }
    if (block)
        put_be(b->p + block + 2, b->len - block, 2);
    put_be(b->p + start + 1, b->len - start - 3, 2);
    return 0;
}

/* Appends the record in w->record to the message, in a data set of t. */
static int put_record(struct ipfix_writer *w, const struct template *t, size_t n)
{
    if (make_room(w, n + 4) != 0)
        return -1;
    open_data_set(w, t->id);
    memcpy(w->msg + w->len, w->record, n);
    w->len += n;
    w->msg_records++;
    return 0;
}

/* Continuation records for the items of a list from `next` on, each as
 * full as a record can be. */
static int write_continuations(struct ipfix_writer *w, const struct fc_value *list,
                               uint64_t next, const struct fc_row *row)
{
    struct template *more =
        template_for(w, KIND_MORE, fc_sections[list->section], (struct shape){ { 0 } });
    while (next < list->u) {
        if (!more || send_template(w, more, row) != 0)
            return -1;
        struct buf b = { w->record, 0, RECORD_MAX, false };
        emit_value(&b, &row->v[FC_F_get_flow_id], FC_IPFIX_STRING);
        emit_be(&b, row->v[FC_F_get_seq].u, 4);
        emit_be(&b, next, 4);
        if (emit_items(w, &b, list, &next, true, row) != 0 || b.overflow ||
            put_record(w, more, b.len) != 0)
            return -1;
    }
    return 0;
}

/* The flow record: its fields, then each list with as many items as fit
 * (room kept for what follows) and its item count; the rest of each list
 * follows in continuation records. */
static int write_records(struct ipfix_writer *w, struct template *t, const struct fc_row *row)
{
    uint64_t next[FC_SECTION_COUNT] = { 0 };
    struct buf b = { w->record, 0, RECORD_MAX, false };
    for (unsigned i = 0; i < FC_FIELD_COUNT; i++) {
        if (!shape_has(&t->shape, i))
            continue;
        const struct fc_value *v = &row->v[i];
        if (v->kind != FC_VALUE_ITEMS) {
            uint32_t pen;
            uint16_t id;
            fc_ipfix_field_ie((enum fc_field_id)i, v->kind, &pen, &id);
            emit_value(&b, v, fc_ipfix_ie_find(pen, id)->type);
            continue;
        }
        /* Room for the lists after this one (header and count) and the
         * two closing fields. */
        size_t after = 2;
        for (unsigned j = i + 1; j < FC_FIELD_COUNT; j++)
            after += row->v[j].kind == FC_VALUE_ITEMS ? 8 : 0;
        b.cap = RECORD_MAX - after - 4;
        if (emit_items(w, &b, v, &next[v->section], false, row) != 0)
            return -1;
        b.cap = RECORD_MAX;
        emit_be(&b, v->u, 4);
    }
    emit_be(&b, biflow_direction(row->v[FC_F_get_initiator].s), 1);
    emit_be(&b, flow_end_reason(row->v[FC_F_get_end_reason].s), 1);
    if (b.overflow || send_template(w, t, row) != 0 || put_record(w, t, b.len) != 0)
        return -1;
    for (int i = 0; i < FC_FIELD_COUNT; i++) {
        const struct fc_value *v = &row->v[i];
        if (v->kind == FC_VALUE_ITEMS && write_continuations(w, v, next[v->section], row) != 0)
            return -1;
    }
    return 0;
}

static int ipfix_write(struct fc_writer *base, const struct fc_row *row)
{
    struct ipfix_writer *w = (struct ipfix_writer *)base;
    if (!w->started)
        start_file(w);
    struct template *t = template_for(w, KIND_FLOW, NULL, shape_of(row));
    if (!t)
        return -1; /* cannot happen with flowcase's records */
    fc_time start = row->v[FC_F_get_start].ns, end = row->v[FC_F_get_end].ns;
    if (!w->any_flow || start < w->min_start)
        w->min_start = start;
    if (!w->any_flow || end > w->max_end)
        w->max_end = end;
    w->any_flow = true;
    uint32_t end_s = (uint32_t)(end / FC_NS_PER_SEC);
    if (end_s > w->export_time)
        w->export_time = end_s;
    return write_records(w, t, row);
}

/* The last message: the file's time window and export session. */
static int finish_file(struct ipfix_writer *w)
{
    if (!w->started)
        start_file(w);
    uint8_t tail[64];
    struct buf b = { tail, 0, sizeof tail, false };
    emit_be(&b, TEMPLATE_TIME_WINDOW, 2);
    emit_be(&b, 4 + 17, 2);
    emit_be(&b, 0, 1);
    emit_be(&b, fc_ipfix_ntp_from_ns(w->any_flow ? w->min_start : 0), 8);
    emit_be(&b, fc_ipfix_ntp_from_ns(w->any_flow ? w->max_end : 0), 8);
    emit_be(&b, TEMPLATE_SESSION, 2);
    emit_be(&b, 4 + 10, 2);
    emit_be(&b, 0, 1);
    emit_be(&b, FC_IPFIX_VERSION, 1);
    emit_be(&b, w->any_flow ? (uint32_t)(w->min_start / FC_NS_PER_SEC) : 0, 4);
    emit_be(&b, w->export_time, 4);
    if (make_room(w, b.len) != 0)
        return -1;
    close_set(w);
    memcpy(w->msg + w->len, tail, b.len);
    w->len += b.len;
    w->msg_records += 2;
    return flush_message(w);
}

static int ipfix_close(struct fc_writer *base)
{
    struct ipfix_writer *w = (struct ipfix_writer *)base;
    int rc = finish_file(w);
    return fc_writer_release(base) | rc;
}

static const struct fc_writer_ops ipfix_ops = {
    .write = ipfix_write,
    .close = ipfix_close,
};

struct fc_writer *fc_ipfix_writer_open(FILE *out, bool owns_out)
{
    return fc_writer_new(&ipfix_ops, out, owns_out, sizeof(struct ipfix_writer));
}
