/* manifest.json: see manifest.h. */
#include "formats/manifest.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/linktypes.h"
#include "core/timefmt.h"
#include "formats/json-text.h"
#include "formats/path.h"
#include "formats/sha256.h"
#include "version.h"

fc_time fc_manifest_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (fc_time)ts.tv_sec * FC_NS_PER_SEC + ts.tv_nsec;
}

static json_t *text(const char *s)
{
    return s ? fc_json_text(s, strlen(s)) : json_null();
}

static json_t *time_json(fc_time t)
{
    char buf[FC_TIME_STR];
    fc_format_time(t, buf);
    return json_string(buf);
}

static json_t *hash_json(bool has, const uint8_t digest[FC_SHA256_LEN])
{
    if (!has)
        return json_null();
    char hex[FC_SHA256_HEX];
    fc_sha256_hex(digest, hex);
    return json_string(hex);
}

static const char *level_name(enum fc_diag_level level)
{
    return level == FC_DIAG_ERROR ? "error" : level == FC_DIAG_WARNING ? "warning" : "notice";
}

/* Adds the counts and messages of a log to an object. */
static void add_log(json_t *o, const struct fc_diag_log *log)
{
    json_object_set_new(o, "errors", json_integer(log->errors));
    json_object_set_new(o, "warnings", json_integer(log->warnings));
    json_object_set_new(o, "notices", json_integer(log->notices));
    json_t *msgs = json_array();
    for (unsigned i = 0; i < log->nmessages; i++) {
        const struct fc_diag_message *m = &log->messages[i];
        json_t *jm = json_object();
        json_object_set_new(jm, "level", json_string(level_name(m->level)));
        json_object_set_new(jm, "packet", m->packet ? json_integer((json_int_t)m->packet)
                                                    : json_null());
        json_object_set_new(jm, "offset", json_integer((json_int_t)m->offset));
        json_object_set_new(jm, "message", text(m->text));
        json_array_append_new(msgs, jm);
    }
    json_object_set_new(o, "messages", msgs);
}

static json_t *capture_json(const struct fc_capture_info *ci)
{
    json_t *o = json_object();
    json_object_set_new(o, "member", text(ci->member));
    json_object_set_new(o, "compression", text(ci->compression));
    json_object_set_new(o, "member_size", ci->has_member_hash
                                              ? json_integer((json_int_t)ci->member_size)
                                              : json_null());
    json_object_set_new(o, "member_sha256", hash_json(ci->has_member_hash, ci->member_sha256));
    json_object_set_new(o, "capture_size", ci->has_capture_hash
                                               ? json_integer((json_int_t)ci->capture_size)
                                               : json_null());
    json_object_set_new(o, "capture_sha256", hash_json(ci->has_capture_hash, ci->capture_sha256));
    json_object_set_new(o, "format", text(ci->format));
    json_object_set_new(o, "skipped", json_boolean(ci->skipped));
    json_object_set_new(o, "packets", json_integer((json_int_t)ci->packets));
    json_object_set_new(o, "first_packet_time", ci->packets ? time_json(ci->first_ts) : json_null());
    json_object_set_new(o, "last_packet_time", ci->packets ? time_json(ci->last_ts) : json_null());
    json_t *lts = json_array();
    char buf[32];
    for (unsigned i = 0; i < ci->nlinktypes; i++)
        json_array_append_new(lts, json_string(fc_linktype_name(ci->linktypes[i], buf, sizeof buf)));
    json_object_set_new(o, "linktypes", lts);
    json_object_set_new(o, "interface_drops", json_integer((json_int_t)ci->if_drops));
    json_object_set_new(o, "out_of_order", json_integer((json_int_t)ci->out_of_order));
    add_log(o, &ci->log);
    return o;
}

json_t *fc_manifest_input_json(const struct fc_input_info *in)
{
    json_t *o = json_object();
    json_object_set_new(o, "path", text(in->path));
    char resolved[PATH_MAX];
    json_object_set_new(o, "absolute_path", realpath(in->path, resolved) ? text(resolved)
                                                                         : json_null());
    json_object_set_new(o, "named", json_boolean(in->named));
    json_object_set_new(o, "size", json_integer((json_int_t)in->size));
    json_object_set_new(o, "modified", in->has_mtime ? time_json(in->mtime) : json_null());
    json_object_set_new(o, "sha256", hash_json(in->hashed, in->sha256));
    json_object_set_new(o, "container", text(in->container));
    json_object_set_new(o, "compression", text(in->compression));
    add_log(o, &in->log);
    json_t *caps = json_array();
    for (size_t i = 0; i < in->ncaptures; i++)
        json_array_append_new(caps, capture_json(in->captures[i]));
    json_object_set_new(o, "captures", caps);
    return o;
}

static json_t *options_json(const struct fc_options *opt)
{
    json_t *o = json_object();
    for (size_t i = 0; i < fc_options_count; i++) {
        const struct fc_option *def = &fc_options_table[i];
        if (def->kind == FC_OPT_INPUTS)
            continue;
        char buf[64];
        json_object_set_new(o, def->name, text(fc_option_text(def, opt, buf, sizeof buf)));
    }
    return o;
}

static json_t *outputs_json(const struct fc_manifest_run *run, char *err, size_t errlen)
{
    json_t *a = json_array();
    for (size_t i = 0; i < run->noutputs; i++) {
        char *path = fc_path_join(run->output_dir, run->outputs[i]);
        uint8_t digest[FC_SHA256_LEN];
        uint64_t size = 0;
        if (!path || fc_sha256_file(path, digest, &size) != 0) {
            snprintf(err, errlen, "cannot hash %s: %s", path ? path : run->outputs[i],
                     strerror(errno));
            free(path);
            json_decref(a);
            return NULL;
        }
        free(path);
        json_t *o = json_object();
        json_object_set_new(o, "path", text(run->outputs[i]));
        json_object_set_new(o, "size", json_integer((json_int_t)size));
        json_object_set_new(o, "sha256", hash_json(true, digest));
        json_array_append_new(a, o);
    }
    return a;
}

/* The data files a run used besides its inputs (user-agent patterns). */
static json_t *databases_json(const struct fc_manifest_run *run)
{
    json_t *o = json_object();
    json_t *ua = json_null();
    uint8_t digest[FC_SHA256_LEN];
    uint64_t size = 0;
    if (run->ua_regexes && fc_sha256_file(run->ua_regexes, digest, &size) == 0) {
        ua = json_object();
        json_object_set_new(ua, "path", text(run->ua_regexes));
        json_object_set_new(ua, "size", json_integer((json_int_t)size));
        json_object_set_new(ua, "sha256", hash_json(true, digest));
    }
    json_object_set_new(o, "ua_regexes", ua);
    return o;
}

int fc_manifest_write(const struct fc_manifest_run *run, char *err, size_t errlen)
{
    json_t *outputs = outputs_json(run, err, errlen);
    if (!outputs)
        return -1;
    json_t *root = json_object();
    json_object_set_new(root, "flowcase_version", json_string(FC_VERSION));
    json_t *argv = json_array();
    for (int i = 0; i < run->argc; i++)
        json_array_append_new(argv, text(run->argv[i]));
    json_object_set_new(root, "command_line", argv);
    char cwd[PATH_MAX];
    json_object_set_new(root, "working_directory", getcwd(cwd, sizeof cwd) ? text(cwd)
                                                                           : json_null());
    json_object_set_new(root, "options", options_json(run->options));
    json_object_set_new(root, "started", time_json(run->started));
    json_object_set_new(root, "finished", time_json(run->finished));
    json_object_set_new(root, "exit_status", json_integer(run->exit_status));
    json_t *inputs = json_array();
    for (size_t i = 0; i < run->ninputs; i++)
        json_array_append_new(inputs, fc_manifest_input_json(run->inputs[i]));
    json_object_set_new(root, "inputs", inputs);
    json_object_set_new(root, "outputs", outputs);
    json_object_set_new(root, "databases", databases_json(run));

    char *path = fc_path_join(run->output_dir, "manifest.json.part");
    char *final = fc_path_join(run->output_dir, "manifest.json");
    FILE *f = path ? fopen(path, "w") : NULL;
    int rc = f && json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 &&
                     fputc('\n', f) != EOF
                 ? 0
                 : -1;
    if (f && fclose(f) != 0)
        rc = -1;
    if (rc == 0 && rename(path, final) != 0)
        rc = -1;
    if (rc != 0)
        snprintf(err, errlen, "cannot write %s: %s", final ? final : "manifest.json",
                 strerror(errno));
    free(path);
    free(final);
    json_decref(root);
    return rc;
}
