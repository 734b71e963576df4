/*
 * flowcase verify DIR: re-hashes every input and output that DIR's
 * manifest.json names and says, file by file, whether it still matches.
 * Exit status 0 when all match, 1 when any file is missing or differs,
 * 2 when the manifest cannot be read.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cli.h"
#include "cmd/case-manifest.h"
#include "cmd/commands.h"
#include "formats/path.h"
#include "formats/sha256.h"

struct tally {
    unsigned ok;
    unsigned bad;
    unsigned unhashed;
};

static void usage(FILE *out)
{
    fprintf(out, "usage: flowcase verify DIR\n\n"
                 "Re-hashes the inputs and outputs named in DIR/manifest.json (written by\n"
                 "'flowcase convert -o DIR') and reports each as ok, changed or missing.\n\n"
                 "exit status: 0 all match; 1 a file is missing or changed; 2 the manifest\n"
                 "cannot be read.\n");
}

/* Compares one file with its recorded size and SHA-256. */
static void check_file(const char *kind, const char *shown, const char *path, json_t *entry,
                       struct tally *t)
{
    const char *want = json_string_value(json_object_get(entry, "sha256"));
    json_int_t want_size = json_integer_value(json_object_get(entry, "size"));
    if (!want) {
        printf("unhashed %-6s %s (it could not be read when converted)\n", kind, shown);
        t->unhashed++;
        return;
    }
    uint8_t digest[FC_SHA256_LEN];
    uint64_t size = 0;
    if (!path || fc_sha256_file(path, digest, &size) != 0) {
        printf("MISSING  %-6s %s: %s\n", kind, shown, path ? strerror(errno) : "no path");
        t->bad++;
        return;
    }
    char got[FC_SHA256_HEX];
    fc_sha256_hex(digest, got);
    if (strcmp(got, want) != 0 || (json_int_t)size != want_size) {
        printf("CHANGED  %-6s %s: sha256 %s, size %llu; the manifest says %s, size %lld\n", kind,
               shown, got, (unsigned long long)size, want, (long long)want_size);
        t->bad++;
        return;
    }
    printf("ok       %-6s %s\n", kind, shown);
    t->ok++;
}

int fc_cmd_verify(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return FC_EXIT_OK;
    }
    if (argc != 2) {
        usage(stderr);
        return FC_EXIT_USAGE;
    }
    const char *dir = argv[1];
    char err[1024];
    json_t *m = fc_case_manifest_load(dir, err, sizeof err);
    if (!m) {
        fprintf(stderr, "flowcase verify: %s\n", err);
        return FC_EXIT_USAGE;
    }
    json_t *inputs = json_object_get(m, "inputs");
    json_t *outputs = json_object_get(m, "outputs");
    struct tally t = { 0 };
    size_t i;
    json_t *entry;
    json_array_foreach(inputs, i, entry)
    {
        const char *shown = json_string_value(json_object_get(entry, "path"));
        char *path = fc_case_manifest_locate(m, entry);
        check_file("input", shown ? shown : "?", path, entry, &t);
        free(path);
    }
    json_array_foreach(outputs, i, entry)
    {
        const char *name = json_string_value(json_object_get(entry, "path"));
        char *path = name ? fc_path_join(dir, name) : NULL;
        check_file("output", name ? name : "?", path, entry, &t);
        free(path);
    }
    printf("%u ok, %u missing or changed, %u not hashed when converted\n", t.ok, t.bad,
           t.unhashed);
    json_decref(m);
    return t.bad ? FC_EXIT_FAILURE : FC_EXIT_OK;
}
