/* Extract's flows, and finding them by a full scan: see extract-scan.h. */
#include "cmd/extract-scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/case-manifest.h"
#include "cmd/cli.h"
#include "cmd/pipeline.h"
#include "formats/case-reader.h"
#include "formats/sha256.h"

const char *fc_extract_flow_id(struct fc_extract_flow *f)
{
    static const char hex[] = "0123456789abcdef";
    for (unsigned i = 0; i < FC_INDEX_ID_LEN; i++) {
        f->id_text[2 * i] = hex[f->index.id[i] >> 4];
        f->id_text[2 * i + 1] = hex[f->index.id[i] & 15];
    }
    f->id_text[2 * FC_INDEX_ID_LEN] = '\0';
    return f->id_text;
}

void fc_extract_flows_free(struct fc_extract_flow *flows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(flows[i].packets);
    free(flows);
}

int fc_extract_captures_from_index(const struct fc_index *idx, json_t *manifest,
                                   struct fc_extract_captures *out, char *err, size_t errlen)
{
    uint32_t n = fc_index_ncaptures(idx);
    out->items = calloc(n + 1, sizeof *out->items);
    if (!out->items)
        return FC_EXIT_FAILURE;
    out->n = n;
    json_t *inputs = json_object_get(manifest, "inputs");
    for (uint32_t i = 0; i < n; i++) {
        const struct fc_index_capture *c = fc_index_capture(idx, i);
        long input = fc_case_manifest_input_by_path(manifest, c->path);
        json_t *mc = json_array_get(
            json_object_get(json_array_get(inputs, input < 0 ? 0 : (size_t)input), "captures"),
            c->capture);
        if (input < 0 || !mc ||
            (uint64_t)json_integer_value(json_object_get(mc, "packets")) != c->packets) {
            snprintf(err, errlen,
                     "the index does not match the manifest: its capture stream %u (%s, "
                     "stream %u, %llu packets) is not the manifest's",
                     i, c->path, c->capture + 1, (unsigned long long)c->packets);
            return FC_EXIT_DAMAGED;
        }
        struct fc_extract_capture *e = &out->items[i];
        *e = (struct fc_extract_capture){ (uint32_t)input, c->capture, NULL, c->ncontexts,
                                          !c->contexts_overflow };
        e->contexts = malloc((c->ncontexts + 1) * sizeof *e->contexts);
        if (!e->contexts)
            return FC_EXIT_FAILURE;
        if (c->ncontexts)
            memcpy(e->contexts, c->contexts, c->ncontexts * sizeof *e->contexts);
    }
    return 0;
}

void fc_extract_captures_free(struct fc_extract_captures *c)
{
    for (uint32_t i = 0; c->items && i < c->n; i++)
        free(c->items[i].contexts);
    free(c->items);
    c->items = NULL;
    c->n = 0;
}

/* ---- The scan ---- */

struct scan {
    const struct fc_selection *sel;
    struct fc_extract_flow *flows;
    size_t n;
    bool failed;
};

static bool wanted(const struct scan *s, const struct fc_index_flow *f)
{
    for (size_t i = 0; i < s->sel->nids; i++) {
        if (memcmp(s->sel->ids[i], f->id, FC_INDEX_ID_LEN) == 0)
            return true;
    }
    return !s->sel->nids && fc_selection_matches(s->sel, f);
}

/* Decodes a record's packet list (held whole: a scan does not spill). */
static struct fc_packet_entry *decode_list(const struct fc_packet_list *l, uint64_t *n)
{
    struct fc_packet_entry *e = calloc(l->count + 1, sizeof *e);
    struct fc_packet_entry last = { 0 };
    size_t pos = 0;
    uint64_t k = 0;
    while (e && k < l->count && fc_packet_list_next(l->buf, l->len, &pos, &last))
        e[k++] = last;
    *n = k;
    return e;
}

static void sink(void *arg, const struct fc_flow_record *r)
{
    struct scan *s = arg;
    struct fc_index_flow f;
    fc_index_flow_from_record(r, &f);
    if (!wanted(s, &f))
        return;
    struct fc_extract_flow *grown = realloc(s->flows, (s->n + 1) * sizeof *grown);
    if (!grown) {
        s->failed = true;
        return;
    }
    s->flows = grown;
    struct fc_extract_flow *x = &s->flows[s->n++];
    *x = (struct fc_extract_flow){ .index = f };
    x->packets = decode_list(r->packets, &x->npackets);
    s->failed |= x->packets == NULL;
}

/* The conversion's options, from its manifest. */
static int load_options(json_t *manifest, struct fc_options *o, char *err, size_t errlen)
{
    fc_options_defaults(o);
    const char *name;
    json_t *value;
    json_object_foreach(json_object_get(manifest, "options"), name, value)
    {
        const struct fc_option *opt = fc_option_find(name);
        const char *text = json_string_value(value);
        char why[256];
        if (!opt || !text || opt->kind == FC_OPT_INPUTS)
            continue;
        if (fc_option_set(opt, o, text, why, sizeof why) != 0) {
            snprintf(err, errlen, "the manifest's option %s: %s", name, why);
            return -1;
        }
    }
    o->quiet = true;
    return 0;
}

/* Every input of the manifest, where it is now, checked by size and time
 * before the scan (by SHA-256 after it). */
static int locate_inputs(json_t *manifest, struct fc_options *o, char *err, size_t errlen)
{
    size_t i;
    json_t *in;
    json_array_foreach(json_object_get(manifest, "inputs"), i, in)
    {
        char *path = fc_case_manifest_locate(manifest, in);
        char why[1024];
        bool ok = fc_case_manifest_check(path, in, FC_CHECK_SIZE_MTIME, why, sizeof why);
        if (ok && fc_options_add_input(o, path) != 0)
            snprintf(why, sizeof why, "out of memory");
        free(path);
        if (!ok) {
            snprintf(err, errlen, "input changed or missing since the conversion: %s", why);
            return -1;
        }
    }
    return 0;
}

/* The scan read every input whole: its SHA-256 must be the manifest's. */
static int check_hashes(json_t *manifest, struct fc_case *k, char *err, size_t errlen)
{
    json_t *inputs = json_object_get(manifest, "inputs");
    for (size_t i = 0; i < fc_case_ninputs(k); i++) {
        const struct fc_input_info *in = fc_case_input(k, i);
        const char *want = json_string_value(json_object_get(json_array_get(inputs, i), "sha256"));
        char got[FC_SHA256_HEX] = "";
        if (in->hashed)
            fc_sha256_hex(in->sha256, got);
        if (!want || strcmp(want, got) != 0) {
            snprintf(err, errlen, "input changed since the conversion: %s: SHA-256 %s, the "
                     "manifest says %s", in->path, got[0] ? got : "unknown", want ? want : "none");
            return -1;
        }
    }
    return 0;
}

static int scan_captures(struct fc_case *k, struct fc_extract_captures *out)
{
    const struct fc_capture_table *t = fc_case_captures(k);
    out->items = calloc(t->n + 1, sizeof *out->items);
    if (!out->items)
        return -1;
    out->n = (uint32_t)t->n;
    for (uint32_t c = 0; c < t->n; c++) {
        const struct fc_capture_info *ci = t->items[c];
        struct fc_extract_capture *e = &out->items[c];
        size_t input, position;
        fc_case_capture_place(k, c, &input, &position);
        *e = (struct fc_extract_capture){ (uint32_t)input, (uint32_t)position, NULL,
                                          ci->ncontexts, !ci->contexts_overflow };
        e->contexts = malloc((ci->ncontexts + 1) * sizeof *e->contexts);
        if (!e->contexts)
            return -1;
        if (ci->ncontexts)
            memcpy(e->contexts, ci->contexts, ci->ncontexts * sizeof *e->contexts);
    }
    return 0;
}

int fc_extract_scan(json_t *manifest, const struct fc_selection *sel,
                    struct fc_extract_flow **flows, size_t *nflows,
                    struct fc_extract_captures *captures, char *err, size_t errlen)
{
    struct fc_options o;
    struct fc_pipeline pl = { 0 };
    struct fc_engine engine = { 0 };
    struct scan s = { .sel = sel };
    struct fc_diag quiet = { 0 };
    struct fc_case *k = NULL;
    int rc = FC_EXIT_USAGE;
    if (load_options(manifest, &o, err, errlen) != 0)
        goto out;
    rc = FC_EXIT_DAMAGED;
    if (locate_inputs(manifest, &o, err, errlen) != 0)
        goto out;
    rc = FC_EXIT_FAILURE;
    snprintf(err, errlen, "cannot set up the scan");
    if (fc_pipeline_setup(&pl, &o, "flowcase extract") != 0)
        goto out;
    struct fc_engine_config ec;
    fc_pipeline_engine_config(&pl, &o, &ec);
    ec.flows.packet_lists = true; /* whole, no spill */
    k = fc_case_open(o.inputs, o.ninputs, &quiet);
    if (!k || fc_engine_init(&engine, &ec, sink, &s) != 0)
        goto out;
    struct fc_packet p;
    while (fc_case_next(k, &p))
        fc_engine_packet(&engine, &p);
    fc_engine_finish(&engine);
    fc_case_finish(k);
    if (s.failed) {
        snprintf(err, errlen, "out of memory while scanning");
        goto out;
    }
    rc = FC_EXIT_DAMAGED;
    if (check_hashes(manifest, k, err, errlen) != 0)
        goto out;
    rc = FC_EXIT_FAILURE;
    if (scan_captures(k, captures) != 0)
        goto out;
    rc = 0;
out:
    *flows = s.flows;
    *nflows = s.n;
    fc_engine_destroy(&engine);
    fc_case_free(k);
    fc_pipeline_free(&pl);
    fc_options_free(&o);
    return rc;
}
