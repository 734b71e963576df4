/*
 * User-agent analysis with uap-core's patterns (specification 0.2 of
 * github.com/ua-parser/uap-core): the browser, OS and device a User-Agent
 * string names. Patterns are tried in order, the first match wins; PCRE2
 * with JIT matches them. Results are cached per string, so a string seen a
 * million times is analysed once.
 */
#ifndef FC_CORE_USERAGENT_H
#define FC_CORE_USERAGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum fc_ua_list { FC_UA_BROWSER, FC_UA_OS, FC_UA_DEVICE, FC_UA_LISTS };

/* The replacements a pattern may carry, by list:
 *   browser: family, v1, v2, v3
 *   OS:      os, os_v1, os_v2, os_v3, os_v4
 *   device:  device, brand, model */
#define FC_UA_REPLACEMENTS 5

struct fc_ua_pattern {
    char *regex;
    bool caseless; /* regex_flag: 'i' */
    char *replacement[FC_UA_REPLACEMENTS]; /* NULL when absent */
};

struct fc_ua_rules {
    struct fc_ua_pattern *list[FC_UA_LISTS];
    size_t count[FC_UA_LISTS];
};

void fc_ua_rules_free(struct fc_ua_rules *rules);

/* What a string names; NULL parts are unknown. A list with no matching
 * pattern gives family "Other" (uap-core's convention). */
enum fc_ua_part {
    FC_UA_FAMILY, FC_UA_MAJOR, FC_UA_MINOR, FC_UA_PATCH,
    FC_UA_OS_FAMILY, FC_UA_OS_MAJOR, FC_UA_OS_MINOR, FC_UA_OS_PATCH, FC_UA_OS_PATCH_MINOR,
    FC_UA_DEVICE_FAMILY, FC_UA_DEVICE_BRAND, FC_UA_DEVICE_MODEL,
    FC_UA_PARTS
};

struct fc_ua_result {
    const char *part[FC_UA_PARTS];
};

struct fc_ua_db;

/* Compiles the patterns (takes ownership of rules); NULL with a message
 * naming the pattern that PCRE2 refuses. */
struct fc_ua_db *fc_ua_db_open(struct fc_ua_rules *rules, char *err, size_t errlen);
void fc_ua_db_close(struct fc_ua_db *db);

/* The analysis of a string (any bytes); valid until the next call. */
const struct fc_ua_result *fc_ua_parse(struct fc_ua_db *db, const char *ua, size_t len);

/* Strings analysed and cache hits, for stats. */
void fc_ua_db_stats(const struct fc_ua_db *db, uint64_t *parsed, uint64_t *hits);

#endif
