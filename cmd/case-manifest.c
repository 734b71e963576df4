/* A conversion's manifest, read back: see case-manifest.h. */
#include "cmd/case-manifest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/timefmt.h"
#include "formats/path.h"
#include "formats/sha256.h"

json_t *fc_case_manifest_load(const char *dir, char *err, size_t errlen)
{
    char *path = fc_path_join(dir, "manifest.json");
    json_error_t jerr;
    json_t *m = path ? json_load_file(path, 0, &jerr) : NULL;
    if (!json_is_array(json_object_get(m, "inputs")) ||
        !json_is_array(json_object_get(m, "outputs"))) {
        snprintf(err, errlen, "%s: %s", path ? path : dir,
                 m ? "not a flowcase manifest" : jerr.text);
        json_decref(m);
        m = NULL;
    }
    free(path);
    return m;
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

char *fc_case_manifest_locate(json_t *manifest, json_t *input)
{
    const char *workdir = json_string_value(json_object_get(manifest, "working_directory"));
    const char *abs = json_string_value(json_object_get(input, "absolute_path"));
    const char *path = json_string_value(json_object_get(input, "path"));
    if (abs && exists(abs))
        return strdup(abs);
    if (path && path[0] != '/' && workdir) {
        char *p = fc_path_join(workdir, path);
        if (p && exists(p))
            return p;
        free(p);
    }
    return path ? strdup(path) : NULL;
}

long fc_case_manifest_input_by_path(json_t *manifest, const char *path)
{
    size_t i;
    json_t *in;
    json_array_foreach(json_object_get(manifest, "inputs"), i, in)
    {
        const char *p = json_string_value(json_object_get(in, "path"));
        if (p && strcmp(p, path) == 0)
            return (long)i;
    }
    return -1;
}

json_t *fc_case_manifest_output(json_t *manifest, const char *name)
{
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(manifest, "outputs"), i, o)
    {
        const char *p = json_string_value(json_object_get(o, "path"));
        if (p && strcmp(p, name) == 0)
            return o;
    }
    return NULL;
}

bool fc_case_manifest_check(const char *path, json_t *entry, enum fc_file_check how, char *err,
                            size_t errlen)
{
    struct stat st;
    if (!path || stat(path, &st) != 0) {
        snprintf(err, errlen, "%s: %s", path ? path : "(no path)",
                 path ? strerror(errno) : "not in the manifest");
        return false;
    }
    json_int_t want_size = json_integer_value(json_object_get(entry, "size"));
    if ((json_int_t)st.st_size != want_size) {
        snprintf(err, errlen, "%s: %lld bytes, the manifest says %lld", path,
                 (long long)st.st_size, (long long)want_size);
        return false;
    }
    if (how == FC_CHECK_SIZE_MTIME) {
        const char *want = json_string_value(json_object_get(entry, "modified"));
        char now[FC_TIME_STR];
        fc_format_time(fc_stat_mtime(&st), now);
        if (want && strcmp(want, now) != 0) {
            snprintf(err, errlen, "%s: modified %s, the manifest says %s", path, now, want);
            return false;
        }
        return true;
    }
    const char *want = json_string_value(json_object_get(entry, "sha256"));
    uint8_t digest[FC_SHA256_LEN];
    char got[FC_SHA256_HEX];
    if (!want) {
        snprintf(err, errlen, "%s: the manifest has no SHA-256 of it", path);
        return false;
    }
    if (fc_sha256_file(path, digest, NULL) != 0) {
        snprintf(err, errlen, "%s: cannot be read: %s", path, strerror(errno));
        return false;
    }
    fc_sha256_hex(digest, got);
    if (strcmp(got, want) != 0) {
        snprintf(err, errlen, "%s: SHA-256 %s, the manifest says %s", path, got, want);
        return false;
    }
    return true;
}
