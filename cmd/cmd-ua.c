/*
 * flowcase ua: what User-Agent strings name (browser, OS, device), by
 * uap-core's patterns, one JSON object per string: the same analysis as
 * the `ua` of HTTP transactions, with every part uap-core defines.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cli.h"
#include "cmd/commands.h"
#include "core/useragent.h"
#include "formats/json-text.h"
#include "formats/uap-yaml.h"

#define JSON_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER)

static void usage(FILE *out)
{
    fprintf(out, "usage: flowcase ua [--ua-regexes FILE] [STRING...]\n\n"
                 "Prints what each User-Agent string names, by uap-core's patterns (default\n"
                 "%s), as JSON lines; without STRING, reads one string per line\n"
                 "from standard input.\n\n"
                 "exit status: 0 success; 1 output failed; 2 usage error or unreadable patterns.\n",
            FC_UAP_DEFAULT_REGEXES);
}

/* The output's nested objects and their keys, in order. */
static const struct {
    const char *section;
    const char *key;
    enum fc_ua_part part;
} layout[] = {
    { "browser", "family", FC_UA_FAMILY },       { "browser", "major", FC_UA_MAJOR },
    { "browser", "minor", FC_UA_MINOR },         { "browser", "patch", FC_UA_PATCH },
    { "os", "family", FC_UA_OS_FAMILY },         { "os", "major", FC_UA_OS_MAJOR },
    { "os", "minor", FC_UA_OS_MINOR },           { "os", "patch", FC_UA_OS_PATCH },
    { "os", "patch_minor", FC_UA_OS_PATCH_MINOR }, { "device", "family", FC_UA_DEVICE_FAMILY },
    { "device", "brand", FC_UA_DEVICE_BRAND },   { "device", "model", FC_UA_DEVICE_MODEL },
};

static int print_one(struct fc_ua_db *db, const char *ua, size_t len)
{
    const struct fc_ua_result *r = fc_ua_parse(db, ua, len);
    if (!r)
        return -1;
    json_t *o = json_object();
    json_object_set_new(o, "user_agent", fc_json_text(ua, len));
    for (size_t i = 0; i < sizeof layout / sizeof layout[0]; i++) {
        json_t *section = json_object_get(o, layout[i].section);
        if (!section)
            json_object_set_new(o, layout[i].section, section = json_object());
        const char *v = r->part[layout[i].part];
        json_object_set_new(section, layout[i].key, v ? fc_json_text(v, strlen(v)) : json_null());
    }
    int rc = json_dumpf(o, stdout, JSON_FLAGS) == 0 && fputc('\n', stdout) != EOF ? 0 : -1;
    json_decref(o);
    return rc;
}

int fc_cmd_ua(int argc, char **argv)
{
    static const struct option longs[] = {
        { "ua-regexes", required_argument, NULL, 'r' },
        { "help", no_argument, NULL, 'h' },
        { 0 },
    };
    const char *path = FC_UAP_DEFAULT_REGEXES;
    optind = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout);
            return FC_EXIT_OK;
        }
        if (c != 'r') {
            usage(stderr);
            return FC_EXIT_USAGE;
        }
        path = optarg;
    }
    char err[512];
    struct fc_ua_rules rules;
    struct fc_ua_db *db = fc_uap_load(path, &rules, err, sizeof err) == 0
                              ? fc_ua_db_open(&rules, err, sizeof err)
                              : NULL;
    if (!db) {
        fprintf(stderr, "flowcase ua: %s\n", err);
        return FC_EXIT_USAGE;
    }
    int rc = 0;
    for (int i = optind; i < argc && rc == 0; i++)
        rc = print_one(db, argv[i], strlen(argv[i]));
    if (optind == argc) {
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        while (rc == 0 && (n = getline(&line, &cap, stdin)) >= 0) {
            while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
                n--;
            rc = print_one(db, line, (size_t)n);
        }
        free(line);
    }
    fc_ua_db_close(db);
    if (fflush(stdout) != 0)
        rc = -1;
    return rc == 0 ? FC_EXIT_OK : FC_EXIT_FAILURE;
}
