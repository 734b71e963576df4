/*
 * JSON lines: one compact object per record, keys in fields.def order,
 * groups as nested objects (null when they do not apply), built with
 * jansson. Durations are numbers in seconds printed with 15 significant
 * digits, which is exact to the nanosecond (see core/timefmt.h).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "formats/http-fields.h"
#include "formats/json-text.h"
#include "formats/writer.h"

#define JSON_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15))

static json_t *http_to_json(const struct fc_http_tx *tx, uint64_t count);

static json_t *value_to_json(const struct fc_value *v)
{
    char buf[FC_VALUE_TEXT];
    switch (v->kind) {
    case FC_VALUE_NULL:
        return json_null();
    case FC_VALUE_UINT:
        return json_integer((json_int_t)v->u);
    case FC_VALUE_BOOL:
        return json_boolean(v->b);
    case FC_VALUE_SECONDS:
        return json_real((double)v->ns / 1e9);
    case FC_VALUE_HTTP:
        return http_to_json(v->http, v->u);
    default: {
        const char *text = fc_value_text(v, buf);
        return fc_json_text(text, strlen(text));
    }
    }
}

/* The `http` array: one object per transaction, keys in http-fields.def
 * order. NULL when out of memory. */
static json_t *http_to_json(const struct fc_http_tx *tx, uint64_t count)
{
    json_t *a = json_array();
    struct fc_value v[FC_HTTP_FIELD_COUNT];
    for (uint64_t i = 0; a && i < count; i++) {
        json_t *o = json_object();
        fc_http_tx_values(&tx[i], v);
        /* The `ua` group is an object when the User-Agent was analysed. */
        bool ua = fc_http_text(&tx[i], FC_HTTP_UA_BROWSER) != NULL;
        json_t *group = NULL;
        for (size_t f = 0; o && f < FC_HTTP_FIELD_COUNT; f++) {
            const struct fc_http_field *hf = &fc_http_fields[f];
            json_t *into = o;
            if (hf->group && !ua) {
                if (!json_object_get(o, hf->group))
                    json_object_set_new(o, hf->group, json_null());
                continue;
            }
            if (hf->group) {
                if (!group)
                    json_object_set_new(o, hf->group, group = json_object());
                into = group;
            }
            json_t *j = value_to_json(&v[f]);
            if (!into || !j || json_object_set_new(into, hf->name, j) != 0) {
                json_decref(o);
                o = NULL;
            }
        }
        if (!o || json_array_append_new(a, o) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

/* Builds the record's object. Returns NULL when out of memory. */
static json_t *row_to_json(const struct fc_row *row)
{
    json_t *root = json_object();
    json_t *group = NULL;
    enum fc_field_group current = FC_GROUP_NONE;
    for (size_t i = 0; root && i < FC_FIELD_COUNT; i++) {
        const struct fc_field *f = &fc_fields[i];
        if (f->group != current) {
            current = f->group;
            group = NULL;
            if (current != FC_GROUP_NONE) {
                bool present = row->group_present[current];
                group = present ? json_object() : NULL;
                json_object_set_new(root, fc_group_name(current), present ? group : json_null());
            }
        }
        if (current != FC_GROUP_NONE && !group)
            continue;
        json_t *j = value_to_json(&row->v[i]);
        if (!j) {
            json_decref(root);
            return NULL;
        }
        json_object_set_new(group ? group : root, f->name, j);
    }
    return root;
}

/* Serialises into one buffer and writes it at once: json_dumpf() would
 * call fwrite() once per token. */
static int jsonl_write(struct fc_writer *w, const struct fc_row *row)
{
    json_t *obj = row_to_json(row);
    if (!obj)
        return -1;
    char buf[4096];
    char *text = buf;
    size_t n = json_dumpb(obj, buf, sizeof buf - 1, JSON_FLAGS);
    if (n >= sizeof buf - 1) {
        text = malloc(n + 1);
        if (text)
            n = json_dumpb(obj, text, n, JSON_FLAGS);
    }
    json_decref(obj);
    if (!text || n == 0)
        return -1;
    text[n++] = '\n';
    size_t written = fwrite(text, 1, n, w->out);
    if (text != buf)
        free(text);
    return written == n ? 0 : -1;
}

static const struct fc_writer_ops jsonl_ops = {
    .write = jsonl_write,
    .close = fc_writer_release,
};

struct fc_writer *fc_jsonl_writer_open(FILE *out, bool owns_out)
{
    return fc_writer_new(&jsonl_ops, out, owns_out, sizeof(struct fc_writer));
}
