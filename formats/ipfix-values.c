/* IPFIX record values: see ipfix-values.h. */
#include "formats/ipfix-values.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "core/timefmt.h"
#include "formats/section.h"
#include "formats/json-text.h"

#define MAX_LIST_DEPTH 8 /* lists inside lists: bounds recursion on hostile files */

const char *fc_ipfix_name(const struct fc_ipfix_reader *r, const struct fc_ipfix_spec *spec,
                          char *buf, size_t size)
{
    const struct fc_ipfix_ie *ie = fc_ipfix_reader_ie(r, spec->pen, spec->id);
    if (ie)
        return ie->name;
    if (spec->pen)
        snprintf(buf, size, "e%" PRIu32 "id%u", spec->pen, spec->id);
    else
        snprintf(buf, size, "ie%u", spec->id);
    return buf;
}

static uint64_t be_uint(const uint8_t *p, uint32_t len)
{
    uint64_t u = 0;
    for (uint32_t i = 0; i < len; i++)
        u = u << 8 | p[i];
    return u;
}

static json_t *hex_json(const uint8_t *p, uint32_t len)
{
    static const char digits[] = "0123456789abcdef";
    char *buf = malloc(2 * (size_t)len + 1);
    if (!buf)
        return NULL;
    for (uint32_t i = 0; i < len; i++) {
        buf[2 * i] = digits[p[i] >> 4];
        buf[2 * i + 1] = digits[p[i] & 15];
    }
    json_t *s = json_stringn(buf, 2 * (size_t)len);
    free(buf);
    return s;
}

static json_t *time_json(fc_time ns)
{
    char buf[FC_TIME_STR];
    fc_format_time(ns, buf);
    return json_string(buf);
}

static json_t *address_json(int family, const uint8_t *p)
{
    char buf[INET6_ADDRSTRLEN];
    return json_string(inet_ntop(family, p, buf, sizeof buf));
}

static json_t *uint_json(uint64_t u)
{
    if (u <= INT64_MAX)
        return json_integer((json_int_t)u);
    char buf[24];
    snprintf(buf, sizeof buf, "%" PRIu64, u);
    return json_string(buf);
}

/* Reduced-size signed integers (RFC 7011 6.2) are sign-extended. */
static json_t *int_json(const uint8_t *p, uint32_t len)
{
    uint64_t u = be_uint(p, len);
    if (len < 8 && (u >> (8 * len - 1)) & 1)
        u |= ~UINT64_C(0) << (8 * len);
    return json_integer((json_int_t)u);
}

/* float64 may be sent reduced to float32 (RFC 7011 6.2). */
static json_t *float_json(const uint8_t *p, uint32_t len)
{
    uint64_t u = be_uint(p, len);
    double d;
    if (len == 4) {
        uint32_t u32 = (uint32_t)u;
        float f;
        memcpy(&f, &u32, sizeof f);
        d = f;
    } else {
        memcpy(&d, &u, sizeof d);
    }
    /* JSON has no NaN or infinity: those stay as their bytes. */
    return isfinite(d) ? json_real(d) : hex_json(p, len);
}

static json_t *value_json(const struct fc_ipfix_reader *r, uint32_t odid,
                          const struct fc_ipfix_spec *spec, const uint8_t *p, uint32_t len,
                          unsigned depth);

/* Records of template t packed in [p, end), as an array of objects. */
static json_t *records_json(const struct fc_ipfix_reader *r, const struct fc_ipfix_template *t,
                            const uint8_t *p, const uint8_t *end, unsigned depth)
{
    if (!t) /* template never defined: the bytes as they are */
        return hex_json(p, (uint32_t)(end - p));
    json_t *a = json_array();
    static struct fc_ipfix_data d[MAX_LIST_DEPTH];
    while (p < end) {
        size_t n = fc_ipfix_split_record(t, p, end, &d[depth]);
        if (n == 0)
            break;
        json_t *o = json_object();
        for (uint16_t i = 0; i < d[depth].n; i++) {
            const struct fc_ipfix_view *v = &d[depth].views[i];
            char buf[32];
            json_object_set_new(o, fc_ipfix_name(r, v->spec, buf, sizeof buf),
                                value_json(r, t->odid, v->spec, v->data, v->len, depth + 1));
        }
        json_array_append_new(a, o);
        p += n;
    }
    return a;
}

/* RFC 6313 lists: a basicList is an array of values, a subTemplateList an
 * array of records, a subTemplateMultiList an array of {template_id,
 * records}. Unreadable parts end the list. */
static json_t *list_json(const struct fc_ipfix_reader *r, uint32_t odid, enum fc_ipfix_type type,
                         const uint8_t *p, uint32_t len, unsigned depth)
{
    struct fc_cursor c = fc_cursor_make(p, len);
    fc_get_u8(&c); /* semantic */
    if (type == FC_IPFIX_BASIC_LIST) {
        struct fc_ipfix_spec spec = { 0 };
        uint16_t id = fc_get_be16(&c);
        spec.length = fc_get_be16(&c);
        spec.id = id & 0x7fffu;
        if (id & 0x8000u)
            spec.pen = fc_get_be32(&c);
        json_t *a = json_array();
        while (!c.short_read && fc_cursor_left(&c) > 0) {
            uint32_t n = spec.length;
            if (n == FC_IPFIX_VARLEN) {
                n = fc_get_u8(&c);
                if (n == 255)
                    n = fc_get_be16(&c);
            }
            const uint8_t *e = fc_cursor_take(&c, n);
            if (!e)
                break;
            json_array_append_new(a, value_json(r, odid, &spec, e, n, depth));
        }
        return a;
    }
    if (type == FC_IPFIX_SUB_TEMPLATE_LIST) {
        uint16_t tid = fc_get_be16(&c);
        return records_json(r, fc_ipfix_reader_template(r, odid, tid), c.p, c.end, depth);
    }
    json_t *a = json_array(); /* subTemplateMultiList: (template id, length, records)* */
    while (fc_cursor_left(&c) >= 4) {
        uint16_t tid = fc_get_be16(&c);
        uint16_t n = fc_get_be16(&c);
        const uint8_t *body = n >= 4 ? fc_cursor_take(&c, n - 4u) : NULL;
        if (!body)
            break;
        json_t *part = json_object();
        json_object_set_new(part, "template_id", json_integer(tid));
        json_object_set_new(part, "records", records_json(r, fc_ipfix_reader_template(r, odid, tid),
                                                          body, body + n - 4, depth));
        json_array_append_new(a, part);
    }
    return a;
}

static json_t *value_json(const struct fc_ipfix_reader *r, uint32_t odid,
                          const struct fc_ipfix_spec *spec, const uint8_t *p, uint32_t len,
                          unsigned depth)
{
    const struct fc_ipfix_ie *ie = fc_ipfix_reader_ie(r, spec->pen, spec->id);
    if (!ie)
        return hex_json(p, len); /* unknown: the bytes as they are */
    switch (ie->type) {
    case FC_IPFIX_U8:
    case FC_IPFIX_U16:
    case FC_IPFIX_U32:
    case FC_IPFIX_U64:
        return len >= 1 && len <= 8 ? uint_json(be_uint(p, len)) : hex_json(p, len);
    case FC_IPFIX_S8:
    case FC_IPFIX_S16:
    case FC_IPFIX_S32:
    case FC_IPFIX_S64:
        return len >= 1 && len <= 8 ? int_json(p, len) : hex_json(p, len);
    case FC_IPFIX_F32:
    case FC_IPFIX_F64:
        return len == 4 || len == 8 ? float_json(p, len) : hex_json(p, len);
    case FC_IPFIX_BOOLEAN:
        return len == 1 && (p[0] == 1 || p[0] == 2) ? json_boolean(p[0] == 1) : hex_json(p, len);
    case FC_IPFIX_MAC:
        if (len == 6) {
            char buf[18];
            snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", p[0], p[1], p[2], p[3],
                     p[4], p[5]);
            return json_string(buf);
        }
        break;
    case FC_IPFIX_STRING:
        return fc_json_text((const char *)p, len);
    case FC_IPFIX_SECONDS:
        if (len == 4)
            return time_json((fc_time)be_uint(p, 4) * FC_NS_PER_SEC);
        break;
    case FC_IPFIX_MILLISECONDS:
        if (len == 8)
            return time_json((fc_time)be_uint(p, 8) * 1000000);
        break;
    case FC_IPFIX_MICROSECONDS:
    case FC_IPFIX_NANOSECONDS:
        if (len == 8)
            return time_json(fc_ipfix_ns_from_ntp(be_uint(p, 8)));
        break;
    case FC_IPFIX_IPV4:
        if (len == 4)
            return address_json(AF_INET, p);
        break;
    case FC_IPFIX_IPV6:
        if (len == 16)
            return address_json(AF_INET6, p);
        break;
    case FC_IPFIX_BASIC_LIST:
    case FC_IPFIX_SUB_TEMPLATE_LIST:
    case FC_IPFIX_SUB_TEMPLATE_MULTI_LIST:
        if (depth < MAX_LIST_DEPTH)
            return list_json(r, odid, ie->type, p, len, depth);
        break;
    case FC_IPFIX_OCTETS:
        break;
    }
    return hex_json(p, len);
}

json_t *fc_ipfix_record_json(const struct fc_ipfix_reader *r, const struct fc_ipfix_data *d)
{
    json_t *o = json_object();
    json_object_set_new(o, "template_id", json_integer(d->t->id));
    json_object_set_new(o, "observation_domain_id", json_integer(d->t->odid));
    for (uint16_t i = 0; i < d->n; i++) {
        const struct fc_ipfix_view *v = &d->views[i];
        char buf[32];
        json_object_set_new(o, fc_ipfix_name(r, v->spec, buf, sizeof buf),
                            value_json(r, d->t->odid, v->spec, v->data, v->len, 0));
    }
    return o;
}

/* ---- flowcase's own records --------------------------------------------- */

bool fc_ipfix_is_flowcase(const struct fc_ipfix_data *d)
{
    for (uint16_t i = 0; i < d->n; i++) {
        if (d->views[i].spec->pen == FC_IPFIX_PEN && d->views[i].spec->id == FC_IPFIX_FLOW_ID)
            return true;
    }
    return false;
}

/* The kind of value a flowcase field's element holds. */
static enum fc_value_kind kind_of(const struct fc_ipfix_spec *spec, const struct fc_ipfix_ie *ie)
{
    switch (ie->type) {
    case FC_IPFIX_STRING:
        return FC_VALUE_STRING;
    case FC_IPFIX_BOOLEAN:
        return FC_VALUE_BOOL;
    case FC_IPFIX_IPV4:
        return FC_VALUE_IPV4;
    case FC_IPFIX_IPV6:
        return FC_VALUE_IPV6;
    case FC_IPFIX_MAC:
        return FC_VALUE_MAC;
    case FC_IPFIX_NANOSECONDS:
        return FC_VALUE_TIME;
    default:
        break;
    }
    bool tcp_bits = spec->pen != FC_IPFIX_PEN && spec->id == 6; /* tcpControlBits, reverse */
    if (tcp_bits || ie->semantics == 5)
        return FC_VALUE_TCP_FLAGS;
    return ie->units == 8 ? FC_VALUE_SECONDS : FC_VALUE_UINT;
}

static const struct fc_ipfix_view *view_for(const struct fc_ipfix_data *d, enum fc_field_id f)
{
    const struct fc_ipfix_map *m = &fc_ipfix_fields[f];
    uint32_t pen;
    uint16_t id;
    for (int variant = 0; variant < 2; variant++) {
        if (!fc_ipfix_field_ie(f, variant ? FC_VALUE_IPV6 : FC_VALUE_IPV4, &pen, &id))
            return NULL;
        for (uint16_t i = 0; i < d->n; i++) {
            if (d->views[i].spec->pen == pen && d->views[i].spec->id == id)
                return &d->views[i];
        }
        if (m->place != FC_IPFIX_PLACE_ADDR)
            break;
    }
    return NULL;
}

static void decode_value(const struct fc_ipfix_view *v, enum fc_value_kind kind,
                         struct fc_value *out, char **text, const char *text_end)
{
    out->kind = kind;
    switch (kind) {
    case FC_VALUE_STRING:
        if (*text + v->len + 1 > text_end) {
            out->kind = FC_VALUE_NULL;
            return;
        }
        memcpy(*text, v->data, v->len);
        (*text)[v->len] = '\0';
        out->s = *text;
        *text += v->len + 1;
        break;
    case FC_VALUE_BOOL:
        out->b = v->len == 1 && v->data[0] == 1;
        break;
    case FC_VALUE_TIME:
        out->ns = fc_ipfix_ns_from_ntp(be_uint(v->data, v->len));
        break;
    case FC_VALUE_SECONDS:
        out->ns = (fc_time)be_uint(v->data, v->len);
        break;
    case FC_VALUE_IPV4:
    case FC_VALUE_IPV6:
    case FC_VALUE_MAC:
        memset(out->bytes, 0, sizeof out->bytes); /* a short value leaves no stale bytes */
        memcpy(out->bytes, v->data, v->len < 16 ? v->len : 16);
        break;
    default:
        out->u = be_uint(v->data, v->len < 8 ? v->len : 8);
        break;
    }
}

/* ---- sections: the lists of a flow record ----------------------------------- */

static void *item_at(const struct fc_section *s, const struct fc_ipfix_items *l, uint64_t i)
{
    return (char *)l->items + i * s->item_size;
}

void fc_ipfix_lists_reset(struct fc_ipfix_lists *lists)
{
    for (int s = 0; s < FC_SECTION_COUNT; s++) {
        struct fc_ipfix_items *l = &lists->s[s];
        for (uint64_t i = 0; i < l->n; i++)
            fc_section_free_item(fc_sections[s], item_at(fc_sections[s], l, i));
        l->n = 0;
        l->expected = 0;
    }
}

void fc_ipfix_lists_free(struct fc_ipfix_lists *lists)
{
    fc_ipfix_lists_reset(lists);
    for (int s = 0; s < FC_SECTION_COUNT; s++)
        free(lists->s[s].items);
    *lists = (struct fc_ipfix_lists){ 0 };
}

bool fc_ipfix_lists_complete(const struct fc_ipfix_lists *lists)
{
    for (int s = 0; s < FC_SECTION_COUNT; s++) {
        if (lists->s[s].n < lists->s[s].expected)
            return false;
    }
    return true;
}

/* The field of section s that element (pen, id) stands for, or -1. */
static int item_field_of(const struct fc_section *s, const struct fc_ipfix_spec *spec)
{
    for (unsigned f = 0; f < s->nfields; f++) {
        uint32_t pen;
        uint16_t id;
        fc_ipfix_map_ie(&s->fields[f].ipfix, FC_VALUE_NULL, &pen, &id);
        if (pen == spec->pen && id == spec->id)
            return (int)f;
    }
    return -1;
}

static bool add_item(const struct fc_ipfix_reader *r, const struct fc_ipfix_data *d,
                     const struct fc_section *s, struct fc_ipfix_items *l)
{
    if (l->n == l->cap) {
        uint64_t cap = l->cap ? 2 * l->cap : 16;
        void *grown = realloc(l->items, cap * s->item_size);
        if (!grown)
            return false;
        l->items = grown;
        l->cap = cap;
    }
    static char text[FC_IPFIX_MAX_MESSAGE + FC_SECTION_MAX_FIELDS];
    char *next = text;
    struct fc_value v[FC_SECTION_MAX_FIELDS] = { 0 };
    for (uint16_t i = 0; i < d->n; i++) {
        const struct fc_ipfix_view *view = &d->views[i];
        int f = item_field_of(s, view->spec);
        const struct fc_ipfix_ie *ie = fc_ipfix_reader_ie(r, view->spec->pen, view->spec->id);
        if (f >= 0 && ie)
            decode_value(view, kind_of(view->spec, ie), &v[f], &next, text + sizeof text);
    }
    void *item = item_at(s, l, l->n);
    memset(item, 0, s->item_size);
    if (!fc_section_from_values(s, item, v))
        return false;
    l->n++;
    return true;
}

/* Adds the items of a subTemplateMultiList (flowcase writes it: blocks of
 * records of the section's item templates). */
static void read_items(const struct fc_ipfix_reader *r, uint32_t odid, const struct fc_section *s,
                       const struct fc_ipfix_view *list, struct fc_ipfix_items *l)
{
    static struct fc_ipfix_data d;
    struct fc_cursor c = fc_cursor_make(list->data, list->len);
    fc_get_u8(&c); /* semantic */
    while (fc_cursor_left(&c) > 0) {
        uint16_t tid = fc_get_be16(&c);
        uint16_t n = fc_get_be16(&c);
        const uint8_t *p = n >= 4 ? fc_cursor_take(&c, n - 4u) : NULL;
        const struct fc_ipfix_template *t = fc_ipfix_reader_template(r, odid, tid);
        if (!p || !t) {
            fc_ipfix_reader_problem(r, FC_DIAG_WARNING,
                                    "%s list damaged (block of template %u): its remaining "
                                    "items are lost",
                                    s->name, tid);
            return;
        }
        for (const uint8_t *end = p + n - 4; p < end;) {
            size_t used = fc_ipfix_split_record(t, p, end, &d);
            if (used == 0 || !add_item(r, &d, s, l))
                return;
            p += used;
        }
    }
}

static void set_items(struct fc_row *row, const struct fc_section *s,
                      const struct fc_ipfix_items *l)
{
    struct fc_value *v = &row->v[fc_section_field(s)];
    v->kind = FC_VALUE_ITEMS;
    v->section = s->id;
    v->items = l->items;
    v->u = l->n;
}

static const struct fc_ipfix_view *find_flowcase(const struct fc_ipfix_data *d, uint16_t id)
{
    for (uint16_t i = 0; i < d->n; i++) {
        if (d->views[i].spec->pen == FC_IPFIX_PEN && d->views[i].spec->id == id)
            return &d->views[i];
    }
    return NULL;
}

bool fc_ipfix_is_continuation(const struct fc_ipfix_data *d)
{
    return find_flowcase(d, FC_IPFIX_LIST_FIRST_INDEX) != NULL;
}

static bool same_text(const struct fc_ipfix_view *v, const struct fc_value *s)
{
    return v && s->kind == FC_VALUE_STRING && strlen(s->s) == v->len &&
           memcmp(s->s, v->data, v->len) == 0;
}

bool fc_ipfix_continue(const struct fc_ipfix_reader *r, const struct fc_ipfix_data *d,
                       struct fc_row *row, struct fc_ipfix_lists *lists)
{
    const struct fc_ipfix_view *seq = find_flowcase(d, FC_IPFIX_RECORD_SEQ);
    const struct fc_ipfix_view *first = find_flowcase(d, FC_IPFIX_LIST_FIRST_INDEX);
    if (!same_text(find_flowcase(d, FC_IPFIX_FLOW_ID), &row->v[FC_F_get_flow_id]) || !seq ||
        be_uint(seq->data, seq->len) != row->v[FC_F_get_seq].u || !first)
        return false;
    for (int s = 0; s < FC_SECTION_COUNT; s++) {
        const struct fc_section *sec = fc_sections[s];
        const struct fc_ipfix_view *list = view_for(d, fc_section_field(sec));
        struct fc_ipfix_items *l = &lists->s[s];
        if (!list || row->v[fc_section_field(sec)].kind != FC_VALUE_ITEMS ||
            be_uint(first->data, first->len) != l->n)
            continue;
        read_items(r, d->t->odid, sec, list, l);
        set_items(row, sec, l);
        return true;
    }
    return false;
}

void fc_ipfix_to_row(const struct fc_ipfix_reader *r, const struct fc_ipfix_data *d,
                     struct fc_row *row, char text[FC_IPFIX_ROW_TEXT],
                     struct fc_ipfix_lists *lists)
{
    char *next = text;
    fc_ipfix_lists_reset(lists);
    for (int g = 0; g < FC_GROUP_COUNT; g++)
        row->group_present[g] = g == FC_GROUP_NONE;
    for (int i = 0; i < FC_FIELD_COUNT; i++) {
        struct fc_value *v = &row->v[i];
        v->kind = FC_VALUE_NULL;
        const struct fc_ipfix_view *view = view_for(d, (enum fc_field_id)i);
        const struct fc_ipfix_ie *ie =
            view ? fc_ipfix_reader_ie(r, view->spec->pen, view->spec->id) : NULL;
        if (!ie)
            continue;
        const struct fc_section *s = fc_field_section((enum fc_field_id)i);
        if (s) { /* the list, then its item count */
            const struct fc_ipfix_view *count = view + 1;
            struct fc_ipfix_items *l = &lists->s[s->id];
            if (count < d->views + d->n && count->spec->pen == FC_IPFIX_PEN &&
                count->spec->id == FC_IPFIX_LIST_COUNT)
                l->expected = be_uint(count->data, count->len);
            read_items(r, d->t->odid, s, view, l);
            set_items(row, s, l);
            continue;
        }
        decode_value(view, kind_of(view->spec, ie), v, &next, text + FC_IPFIX_ROW_TEXT);
        if (v->kind != FC_VALUE_NULL)
            row->group_present[fc_fields[i].group] = true;
    }
    struct fc_value *start = &row->v[FC_F_get_start], *end = &row->v[FC_F_get_end];
    if (start->kind == FC_VALUE_TIME && end->kind == FC_VALUE_TIME) {
        row->v[FC_F_get_duration].kind = FC_VALUE_SECONDS;
        row->v[FC_F_get_duration].ns = end->ns - start->ns;
    }
}
