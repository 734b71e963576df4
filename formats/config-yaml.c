/* YAML configuration through libyaml's event API: see config-yaml.h. */
#include "formats/config-yaml.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "version.h"

struct loader {
    yaml_parser_t parser;
    const char *path;
    char *err;
    size_t errlen;
};

static int fail(struct loader *l, const yaml_mark_t *mark, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct loader *l, const yaml_mark_t *mark, const char *fmt, ...)
{
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(l->err, l->errlen, "%s:%zu: %s", l->path, mark->line + 1, what);
    return -1;
}

static int next_event(struct loader *l, yaml_event_t *ev)
{
    if (yaml_parser_parse(&l->parser, ev))
        return 0;
    snprintf(l->err, l->errlen, "%s:%zu: invalid YAML: %s", l->path,
             l->parser.problem_mark.line + 1, l->parser.problem ? l->parser.problem : "?");
    return -1;
}

/* Reads the value of `inputs`: one path or a sequence of paths. */
static int load_inputs(struct loader *l, yaml_event_t *value, struct fc_options *o)
{
    /* Inputs from the file replace any given earlier. */
    while (o->ninputs)
        free(o->inputs[--o->ninputs]);
    if (value->type == YAML_SCALAR_EVENT)
        return fc_options_add_input(o, (const char *)value->data.scalar.value);
    if (value->type != YAML_SEQUENCE_START_EVENT)
        return fail(l, &value->start_mark, "key '%s': expected a list of paths", "inputs");
    for (;;) {
        yaml_event_t ev;
        if (next_event(l, &ev) != 0)
            return -1;
        int rc = 0;
        if (ev.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&ev);
            return 0;
        }
        if (ev.type != YAML_SCALAR_EVENT)
            rc = fail(l, &ev.start_mark, "key '%s': expected a list of paths", "inputs");
        else if (fc_options_add_input(o, (const char *)ev.data.scalar.value) != 0)
            rc = fail(l, &ev.start_mark, "out of memory");
        yaml_event_delete(&ev);
        if (rc)
            return rc;
    }
}

/* A plain ~, null or empty scalar: YAML's null, which unsets a string. */
static bool is_null(const yaml_event_t *ev)
{
    const char *v = (const char *)ev->data.scalar.value;
    return ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
           (strcmp(v, "~") == 0 || strcmp(v, "null") == 0 || v[0] == '\0');
}

static int load_pair(struct loader *l, const yaml_event_t *key, struct fc_options *o,
                     unsigned *seen)
{
    const char *name = (const char *)key->data.scalar.value;
    const struct fc_option *opt = fc_option_find(name);
    if (!opt)
        return fail(l, &key->start_mark, "unknown key '%s'", name);
    size_t index = (size_t)(opt - fc_options_table);
    if (*seen & (1u << index))
        return fail(l, &key->start_mark, "key '%s' given twice", name);
    *seen |= 1u << index;

    yaml_event_t value;
    if (next_event(l, &value) != 0)
        return -1;
    int rc;
    if (opt->kind == FC_OPT_INPUTS) {
        rc = load_inputs(l, &value, o);
    } else if (value.type != YAML_SCALAR_EVENT) {
        rc = fail(l, &value.start_mark, "key '%s': expected a single value", name);
    } else if (opt->kind == FC_OPT_STRING && is_null(&value)) {
        char **member = (char **)((char *)o + opt->offset);
        free(*member);
        *member = NULL;
        rc = 0;
    } else {
        char why[200];
        rc = fc_option_set(opt, o, (const char *)value.data.scalar.value, why, sizeof why);
        if (rc != 0)
            rc = fail(l, &value.start_mark, "key '%s': %s", name, why);
    }
    yaml_event_delete(&value);
    return rc;
}

/* Stream start, document start, then the root mapping's pairs. */
static int load_document(struct loader *l, struct fc_options *o)
{
    _Static_assert(sizeof(unsigned) * 8 >= 16, "seen-key mask too small");
    unsigned seen = 0;
    bool in_mapping = false;
    for (;;) {
        yaml_event_t ev;
        if (next_event(l, &ev) != 0)
            return -1;
        int rc = 0;
        bool done = false;
        switch (ev.type) {
        case YAML_STREAM_START_EVENT:
        case YAML_DOCUMENT_START_EVENT:
        case YAML_DOCUMENT_END_EVENT:
            break;
        case YAML_STREAM_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            done = true;
            break;
        case YAML_MAPPING_START_EVENT:
            if (in_mapping)
                rc = fail(l, &ev.start_mark, "nested mappings are not options");
            in_mapping = true;
            break;
        case YAML_SCALAR_EVENT:
            if (!in_mapping)
                rc = fail(l, &ev.start_mark, "expected a mapping of option: value");
            else
                rc = load_pair(l, &ev, o, &seen);
            break;
        default:
            rc = fail(l, &ev.start_mark, "expected a mapping of option: value");
            break;
        }
        yaml_event_delete(&ev);
        if (rc || done)
            return rc;
    }
}

int fc_config_load(const char *path, struct fc_options *o, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct loader l = { .path = path, .err = err, .errlen = errlen };
    yaml_parser_initialize(&l.parser);
    yaml_parser_set_input_file(&l.parser, f);
    int rc = load_document(&l, o);
    yaml_parser_delete(&l.parser);
    fclose(f);
    return rc;
}

static int emit(yaml_emitter_t *e, yaml_event_t *ev)
{
    return yaml_emitter_emit(e, ev) ? 0 : -1;
}

static int emit_scalar(yaml_emitter_t *e, const char *s)
{
    yaml_event_t ev;
    yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s), 1, 1,
                                 YAML_ANY_SCALAR_STYLE);
    return emit(e, &ev);
}

static int emit_options(yaml_emitter_t *e, const struct fc_options *o)
{
    yaml_event_t ev;
    int rc = 0;
    for (size_t i = 0; i < fc_options_count && rc == 0; i++) {
        const struct fc_option *opt = &fc_options_table[i];
        char buf[64];
        rc = emit_scalar(e, opt->name);
        if (rc)
            break;
        if (opt->kind == FC_OPT_INPUTS) {
            yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
            rc = emit(e, &ev);
            for (size_t k = 0; k < o->ninputs && rc == 0; k++)
                rc = emit_scalar(e, o->inputs[k]);
            yaml_sequence_end_event_initialize(&ev);
            rc = rc ? rc : emit(e, &ev);
            continue;
        }
        const char *text = fc_option_text(opt, o, buf, sizeof buf);
        if (text) {
            rc = emit_scalar(e, text);
        } else {
            yaml_scalar_event_initialize(&ev, NULL, (yaml_char_t *)YAML_NULL_TAG,
                                         (yaml_char_t *)"~", 1, 1, 0, YAML_PLAIN_SCALAR_STYLE);
            rc = emit(e, &ev);
        }
    }
    return rc;
}

int fc_config_print(FILE *out, const struct fc_options *o)
{
    fprintf(out, "# flowcase %s: effective configuration (usable with --config)\n", FC_VERSION);
    yaml_emitter_t e;
    yaml_event_t ev;
    yaml_emitter_initialize(&e);
    yaml_emitter_set_output_file(&e, out);
    yaml_emitter_set_unicode(&e, 1);
    yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
    int rc = emit(&e, &ev);
    yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
    rc = rc ? rc : emit(&e, &ev);
    yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
    rc = rc ? rc : emit(&e, &ev);
    rc = rc ? rc : emit_options(&e, o);
    yaml_mapping_end_event_initialize(&ev);
    rc = rc ? rc : emit(&e, &ev);
    yaml_document_end_event_initialize(&ev, 1);
    rc = rc ? rc : emit(&e, &ev);
    yaml_stream_end_event_initialize(&ev);
    rc = rc ? rc : emit(&e, &ev);
    yaml_emitter_delete(&e);
    return rc;
}
