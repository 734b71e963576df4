/*
 * JSON lines: one compact object per record, keys in fields.def order,
 * groups as nested objects (null when they do not apply), built with
 * jansson. Durations are numbers in seconds printed with 15 significant
 * digits, which is exact to the nanosecond (see core/timefmt.h).
 *
 * The objects are built once, keys in order, and only their values are
 * replaced from one record to the next (jansson keeps insertion order and
 * an iterator stays on its key): no key is copied or hashed per record,
 * numbers are updated in place, and a string is one copy.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "formats/section.h"
#include "formats/json-text.h"
#include "formats/writer.h"

#define JSON_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15))
#define FIRST_BUFFER 65536

/* A field's place in its object and the value object it reuses. */
struct slot {
    void *iter;
    json_t *value; /* the last integer, real or string set, kept for the next */
};

#define MAX_GROUPS 4 /* nested objects in a section's items */

/* One item's object, reused for the item at its index. */
struct item_object {
    json_t *obj;
    json_t *group[MAX_GROUPS];
    void *group_iter[MAX_GROUPS];
    const char *group_name[MAX_GROUPS];
    unsigned ngroups;
    unsigned field_group[FC_SECTION_MAX_FIELDS]; /* index + 1 in group[], 0 for none */
    struct slot slot[FC_SECTION_MAX_FIELDS];
};

/* A section's array and the objects of its items. */
struct section_json {
    json_t *array;
    struct item_object *items;
    size_t nitems;
};

struct jsonl_writer {
    struct fc_writer base;
    json_t *root;
    json_t *group[FC_GROUP_COUNT];
    void *group_iter[FC_GROUP_COUNT];
    struct slot slot[FC_FIELD_COUNT];
    struct section_json sections[FC_SECTION_COUNT];
    char *buf;
    size_t cap;
};

/* ---- values ---------------------------------------------------------------- */

/* Sets the value at s->iter of obj (one reference taken from v). */
static int put(json_t *obj, void *iter, json_t *v)
{
    return v ? json_object_iter_set_new(obj, iter, v) : -1;
}

/* A new reference to s->value made to hold text, or a new lossless string
 * for text that is not UTF-8. */
static json_t *text_value(struct slot *s, const char *text)
{
    size_t n = strlen(text);
    if (s->value && json_is_string(s->value) && json_string_setn(s->value, text, n) == 0)
        return json_incref(s->value);
    json_t *fresh = json_stringn(text, n);
    if (!fresh)
        return fc_json_text(text, n); /* not UTF-8: escaped, not kept */
    json_decref(s->value);
    s->value = fresh;
    return json_incref(fresh);
}

static json_t *number_value(struct slot *s, const struct fc_value *v)
{
    bool real = v->kind == FC_VALUE_SECONDS;
    if (!s->value || (real ? !json_is_real(s->value) : !json_is_integer(s->value))) {
        json_decref(s->value);
        s->value = real ? json_real(0) : json_integer(0);
        if (!s->value)
            return NULL;
    }
    if (real)
        json_real_set(s->value, (double)v->ns / 1e9);
    else
        json_integer_set(s->value, (json_int_t)v->u);
    return json_incref(s->value);
}

/* A new reference to the JSON for v (FC_VALUE_ITEMS excepted), NULL when
 * out of memory. */
static json_t *value_json(struct slot *s, const struct fc_value *v)
{
    char buf[FC_VALUE_TEXT];
    switch (v->kind) {
    case FC_VALUE_NULL:
        return json_null();
    case FC_VALUE_BOOL:
        return json_boolean(v->b);
    case FC_VALUE_UINT:
    case FC_VALUE_SECONDS:
        return number_value(s, v);
    default:
        return text_value(s, fc_value_text(v, buf));
    }
}

/* ---- the objects, built once --------------------------------------------- */

/* Adds key (null for now) to obj and returns its iterator. */
static void *add_key(json_t *obj, const char *key)
{
    return obj && json_object_set_new(obj, key, json_null()) == 0 ? json_object_iter_at(obj, key)
                                                                   : NULL;
}

static int build_record(struct jsonl_writer *w)
{
    w->root = json_object();
    for (int s = 0; s < FC_SECTION_COUNT; s++) {
        if (!(w->sections[s].array = json_array()))
            return -1;
    }
    enum fc_field_group current = FC_GROUP_NONE;
    for (size_t i = 0; i < FC_FIELD_COUNT; i++) {
        const struct fc_field *f = &fc_fields[i];
        json_t *into = w->root;
        if (f->group != FC_GROUP_NONE) {
            if (f->group != current) {
                w->group[f->group] = json_object();
                w->group_iter[f->group] = add_key(w->root, fc_group_name(f->group));
            }
            into = w->group[f->group];
        }
        current = f->group;
        if (!(w->slot[i].iter = add_key(into, f->name)))
            return -1;
    }
    return 0;
}

static int build_item(struct item_object *t, const struct fc_section *s)
{
    memset(t, 0, sizeof *t);
    t->obj = json_object();
    for (unsigned f = 0; f < s->nfields; f++) {
        const struct fc_section_field *sf = &s->fields[f];
        json_t *into = t->obj;
        if (sf->group) {
            unsigned g = 0;
            while (g < t->ngroups && strcmp(t->group_name[g], sf->group) != 0)
                g++;
            if (g == t->ngroups) {
                if (g == MAX_GROUPS)
                    return -1;
                t->group_name[g] = sf->group;
                t->group[g] = json_object();
                t->group_iter[g] = add_key(t->obj, sf->group);
                t->ngroups++;
            }
            t->field_group[f] = g + 1;
            into = t->group[g];
        }
        if (!(t->slot[f].iter = add_key(into, sf->name)))
            return -1;
    }
    return 0;
}

static void free_slots(struct slot *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        json_decref(s[i].value);
}

/* ---- records ---------------------------------------------------------------- */

/* The object for item i of section s, made when first needed. */
static struct item_object *item_object(struct section_json *sj, const struct fc_section *s,
                                       size_t i)
{
    if (i == sj->nitems) {
        struct item_object *grown = realloc(sj->items, (sj->nitems + 1) * sizeof *grown);
        if (!grown)
            return NULL;
        sj->items = grown;
        if (build_item(&sj->items[sj->nitems++], s) != 0)
            return NULL;
    }
    return &sj->items[i];
}

/* A group is an object when any of its values is set (the `ua` of an HTTP
 * transaction whose User-Agent was analysed), null otherwise. */
static int fill_item(struct item_object *t, const struct fc_section *s, const void *item)
{
    struct fc_value v[FC_SECTION_MAX_FIELDS];
    fc_section_values(s, item, v);
    bool set[MAX_GROUPS + 1] = { false };
    for (unsigned f = 0; f < s->nfields; f++)
        set[t->field_group[f]] |= v[f].kind != FC_VALUE_NULL;
    int rc = 0;
    for (unsigned g = 0; rc == 0 && g < t->ngroups; g++)
        rc = put(t->obj, t->group_iter[g], set[g + 1] ? json_incref(t->group[g]) : json_null());
    for (unsigned f = 0; rc == 0 && f < s->nfields; f++) {
        unsigned g = t->field_group[f];
        if (g && !set[g])
            continue;
        rc = put(g ? t->group[g - 1] : t->obj, t->slot[f].iter, value_json(&t->slot[f], &v[f]));
    }
    return rc;
}

/* A section's array: one object per item, keys in its .def order; for a
 * single-item section, that object or null. */
static json_t *items_json(struct jsonl_writer *w, const struct fc_value *v)
{
    const struct fc_section *s = fc_sections[v->section];
    struct section_json *sj = &w->sections[v->section];
    if (s->single) {
        struct item_object *t = v->u ? item_object(sj, s, 0) : NULL;
        if (!v->u)
            return json_null();
        return t && fill_item(t, s, v->items) == 0 ? json_incref(t->obj) : NULL;
    }
    if (json_array_clear(sj->array) != 0)
        return NULL;
    for (uint64_t i = 0; i < v->u; i++) {
        struct item_object *t = item_object(sj, s, i);
        if (!t || fill_item(t, s, (const char *)v->items + i * s->item_size) != 0 ||
            json_array_append(sj->array, t->obj) != 0)
            return NULL;
    }
    return json_incref(sj->array);
}

static int fill_record(struct jsonl_writer *w, const struct fc_row *row)
{
    for (int g = FC_GROUP_NONE + 1; g < FC_GROUP_COUNT; g++) {
        json_t *v = row->group_present[g] ? json_incref(w->group[g]) : json_null();
        if (put(w->root, w->group_iter[g], v) != 0)
            return -1;
    }
    for (size_t i = 0; i < FC_FIELD_COUNT; i++) {
        enum fc_field_group g = fc_fields[i].group;
        if (g != FC_GROUP_NONE && !row->group_present[g])
            continue;
        const struct fc_value *v = &row->v[i];
        json_t *j = v->kind == FC_VALUE_ITEMS ? items_json(w, v) : value_json(&w->slot[i], v);
        if (put(g == FC_GROUP_NONE ? w->root : w->group[g], w->slot[i].iter, j) != 0)
            return -1;
    }
    return 0;
}

/* Serialises into the writer's buffer (grown when a record needs it) and
 * writes it at once: json_dumpf() would call fwrite() once per token. */
static int jsonl_write(struct fc_writer *base, const struct fc_row *row)
{
    struct jsonl_writer *w = (struct jsonl_writer *)base;
    if (fill_record(w, row) != 0)
        return -1;
    size_t n = json_dumpb(w->root, w->buf, w->cap - 1, JSON_FLAGS);
    if (n >= w->cap - 1) {
        size_t cap = w->cap;
        while (cap <= n + 1)
            cap *= 2;
        char *grown = realloc(w->buf, cap);
        if (!grown)
            return -1;
        w->buf = grown;
        w->cap = cap;
        n = json_dumpb(w->root, w->buf, w->cap - 1, JSON_FLAGS);
    }
    if (n == 0)
        return -1;
    w->buf[n++] = '\n';
    return fwrite(w->buf, 1, n, base->out) == n ? 0 : -1;
}

static int jsonl_close(struct fc_writer *base)
{
    struct jsonl_writer *w = (struct jsonl_writer *)base;
    json_decref(w->root);
    for (int g = 0; g < FC_GROUP_COUNT; g++)
        json_decref(w->group[g]);
    free_slots(w->slot, FC_FIELD_COUNT);
    for (int s = 0; s < FC_SECTION_COUNT; s++) {
        struct section_json *sj = &w->sections[s];
        json_decref(sj->array);
        for (size_t i = 0; i < sj->nitems; i++) {
            json_decref(sj->items[i].obj);
            for (unsigned g = 0; g < sj->items[i].ngroups; g++)
                json_decref(sj->items[i].group[g]);
            free_slots(sj->items[i].slot, fc_sections[s]->nfields);
        }
        free(sj->items);
    }
    free(w->buf);
    return fc_writer_release(base);
}

static const struct fc_writer_ops jsonl_ops = {
    .write = jsonl_write,
    .close = jsonl_close,
};

struct fc_writer *fc_jsonl_writer_open(FILE *out, bool owns_out)
{
    struct jsonl_writer *w = (struct jsonl_writer *)fc_writer_new(&jsonl_ops, out, owns_out,
                                                                  sizeof(struct jsonl_writer));
    if (!w)
        return NULL;
    w->cap = FIRST_BUFFER;
    w->buf = malloc(w->cap);
    if (!w->buf || build_record(w) != 0) {
        jsonl_close(&w->base);
        return NULL;
    }
    return &w->base;
}
