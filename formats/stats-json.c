/* stats.json: see stats-json.h. */
#include "formats/stats-json.h"

#include <stdio.h>
#include <string.h>

#include "core/linktypes.h"
#include "version.h"

/* Sets a counter under its dotted name, creating the nested objects. */
static void set_dotted(json_t *root, const char *name, uint64_t value)
{
    char key[96];
    json_t *obj = root;
    const char *dot;
    while ((dot = strchr(name, '.'))) {
        size_t n = (size_t)(dot - name) < sizeof key - 1 ? (size_t)(dot - name) : sizeof key - 1;
        memcpy(key, name, n);
        key[n] = '\0';
        json_t *child = json_object_get(obj, key);
        if (!child) {
            child = json_object();
            json_object_set_new(obj, key, child);
        }
        obj = child;
        name = dot + 1;
    }
    json_object_set_new(obj, name, json_integer((json_int_t)value));
}

static json_t *histogram_json(const struct fc_histogram *h, bool linktypes)
{
    struct fc_histogram sorted = *h;
    fc_histogram_sort(&sorted);
    json_t *o = json_object();
    char key[32];
    for (uint32_t i = 0; i < sorted.used; i++) {
        const char *name = key;
        if (linktypes)
            name = fc_linktype_name(sorted.key[i], key, sizeof key);
        else
            snprintf(key, sizeof key, "0x%04x", sorted.key[i]);
        json_object_set_new(o, name, json_integer((json_int_t)sorted.count[i]));
    }
    if (sorted.other)
        json_object_set_new(o, "other", json_integer((json_int_t)sorted.other));
    return o;
}

json_t *fc_stats_json(const struct fc_counters *c)
{
    json_t *root = json_object();
    json_object_set_new(root, "flowcase_version", json_string(FC_VERSION));
    json_t *counters = json_object();
    for (int i = 0; i < FC_CNT__COUNT; i++)
        set_dotted(counters, fc_counter_name((enum fc_counter_id)i), c->v[i]);
    json_object_set_new(root, "counters", counters);
    json_object_set_new(root, "linktypes", histogram_json(&c->linktypes, true));
    json_object_set_new(root, "ethertypes", histogram_json(&c->ethertypes, false));
    return root;
}

int fc_stats_write(const char *path, const struct fc_counters *c)
{
    json_t *root = fc_stats_json(c);
    FILE *f = root ? fopen(path, "w") : NULL;
    int rc = f ? json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : -1;
    if (f) {
        if (fputc('\n', f) == EOF)
            rc = -1;
        if (fclose(f) != 0)
            rc = -1;
    }
    json_decref(root);
    return rc;
}
