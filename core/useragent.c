/* User-agent analysis: see useragent.h. */
#include "core/useragent.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"

struct compiled {
    pcre2_code *re;
    const struct fc_ua_pattern *pattern;
};

/* One cached analysis: the string and its parts, in one allocation. */
struct entry {
    uint64_t hash;
    char *text; /* the string (len bytes), then the parts, NUL-terminated */
    size_t len;
    struct fc_ua_result result;
};

/* A part being built: at most FC_UA_PART_MAX bytes. */
struct part {
    char text[FC_UA_PART_MAX + 1];
    size_t len;
    bool set;
};

struct fc_ua_db {
    struct fc_ua_rules rules;
    struct compiled *list[FC_UA_LISTS];
    pcre2_match_data *match;
    struct entry *cache; /* open addressing, FC_UA_CACHE slots */
    size_t cached;
    uint64_t parsed;
    uint64_t hits;
    struct part parts[FC_UA_PARTS]; /* the analysis being built */
};

void fc_ua_rules_free(struct fc_ua_rules *rules)
{
    for (int w = 0; w < FC_UA_LISTS; w++) {
        for (size_t i = 0; i < rules->count[w]; i++) {
            free(rules->list[w][i].regex);
            for (int r = 0; r < FC_UA_REPLACEMENTS; r++)
                free(rules->list[w][i].replacement[r]);
        }
        free(rules->list[w]);
    }
    memset(rules, 0, sizeof *rules);
}

static int compile_list(struct fc_ua_db *db, enum fc_ua_list w, char *err, size_t errlen)
{
    size_t n = db->rules.count[w];
    db->list[w] = calloc(n ? n : 1, sizeof *db->list[w]);
    if (!db->list[w])
        return -1;
    for (size_t i = 0; i < n; i++) {
        const struct fc_ua_pattern *p = &db->rules.list[w][i];
        int code;
        PCRE2_SIZE at;
        pcre2_code *re = pcre2_compile((PCRE2_SPTR)p->regex, PCRE2_ZERO_TERMINATED,
                                       p->caseless ? PCRE2_CASELESS : 0, &code, &at, NULL);
        if (!re) {
            PCRE2_UCHAR msg[120];
            pcre2_get_error_message(code, msg, sizeof msg);
            snprintf(err, errlen, "pattern %zu of list %d (%s): %s at offset %zu", i + 1, w,
                     p->regex, (const char *)msg, (size_t)at);
            return -1;
        }
        pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* falls back to the interpreter */
        db->list[w][i] = (struct compiled){ re, p };
    }
    return 0;
}

struct fc_ua_db *fc_ua_db_open(struct fc_ua_rules *rules, char *err, size_t errlen)
{
    struct fc_ua_db *db = calloc(1, sizeof *db);
    if (!db) {
        fc_ua_rules_free(rules);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    db->rules = *rules;
    memset(rules, 0, sizeof *rules);
    db->match = pcre2_match_data_create(10, NULL);
    db->cache = calloc(FC_UA_CACHE, sizeof *db->cache);
    if (!db->match || !db->cache) {
        snprintf(err, errlen, "out of memory");
        fc_ua_db_close(db);
        return NULL;
    }
    for (int w = 0; w < FC_UA_LISTS; w++) {
        if (compile_list(db, (enum fc_ua_list)w, err, errlen) != 0) {
            fc_ua_db_close(db);
            return NULL;
        }
    }
    return db;
}

static void clear_cache(struct fc_ua_db *db)
{
    for (size_t i = 0; i < FC_UA_CACHE; i++)
        free(db->cache[i].text);
    memset(db->cache, 0, FC_UA_CACHE * sizeof *db->cache);
    db->cached = 0;
}

void fc_ua_db_close(struct fc_ua_db *db)
{
    if (!db)
        return;
    for (int w = 0; w < FC_UA_LISTS; w++) {
        for (size_t i = 0; db->list[w] && i < db->rules.count[w]; i++)
            pcre2_code_free(db->list[w][i].re);
        free(db->list[w]);
    }
    if (db->cache)
        clear_cache(db);
    free(db->cache);
    pcre2_match_data_free(db->match);
    fc_ua_rules_free(&db->rules);
    free(db);
}

void fc_ua_db_stats(const struct fc_ua_db *db, uint64_t *parsed, uint64_t *hits)
{
    *parsed = db->parsed;
    *hits = db->hits;
}


static void append(struct part *out, const char *s, size_t n)
{
    if (n > FC_UA_PART_MAX - out->len)
        n = FC_UA_PART_MAX - out->len;
    memcpy(out->text + out->len, s, n);
    out->len += n;
}

/* Group g of the last match, or an empty span when it did not take part. */
static size_t group(const struct fc_ua_db *db, int rc, unsigned g, const char *ua,
                    const char **start)
{
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(db->match);
    if ((int)g >= rc || ov[2 * g] == PCRE2_UNSET) {
        *start = "";
        return 0;
    }
    *start = ua + ov[2 * g];
    return ov[2 * g + 1] - ov[2 * g];
}

/* A replacement with $1..$9 filled from the match, or group `g` when there
 * is no replacement (g == 0: nothing); trimmed, empty means unknown. */
static void fill(struct part *out, const struct fc_ua_db *db, int rc, const char *ua,
                 const char *replacement, unsigned g)
{
    out->len = 0;
    const char *s;
    if (!replacement) {
        if (g) {
            size_t n = group(db, rc, g, ua, &s);
            append(out, s, n);
        }
    } else {
        for (const char *r = replacement; *r; r++) {
            if (r[0] == '$' && r[1] >= '1' && r[1] <= '9') {
                size_t n = group(db, rc, (unsigned)(r[1] - '0'), ua, &s);
                append(out, s, n);
                r++;
            } else {
                append(out, r, 1);
            }
        }
    }
    size_t a = 0, b = out->len;
    while (a < b && (out->text[a] == ' ' || out->text[a] == '\t'))
        a++;
    while (b > a && (out->text[b - 1] == ' ' || out->text[b - 1] == '\t'))
        b--;
    memmove(out->text, out->text + a, b - a);
    out->len = b - a;
    out->text[out->len] = '\0';
    out->set = out->len > 0;
}

/* The first pattern of a list that matches: its index and pcre2 rc. */
static int first_match(struct fc_ua_db *db, enum fc_ua_list w, const char *ua, size_t len,
                       size_t *index)
{
    for (size_t i = 0; i < db->rules.count[w]; i++) {
        int rc = pcre2_match(db->list[w][i].re, (PCRE2_SPTR)ua, len, 0, 0, db->match, NULL);
        if (rc > 0) {
            *index = i;
            return rc;
        }
    }
    return 0;
}

/* Fills parts[first .. first+nparts) from the list's first matching pattern. */
static void analyse_list(struct fc_ua_db *db, enum fc_ua_list w, const char *ua, size_t len,
                         struct part *parts)
{
    size_t i;
    int rc = first_match(db, w, ua, len, &i);
    if (rc <= 0) {
        strcpy(parts[0].text, "Other");
        parts[0].len = 5;
        parts[0].set = true;
        return;
    }
    const struct fc_ua_pattern *p = db->list[w][i].pattern;
    if (w == FC_UA_DEVICE) {
        fill(&parts[0], db, rc, ua, p->replacement[0], 1); /* family */
        fill(&parts[1], db, rc, ua, p->replacement[1], 0); /* brand */
        fill(&parts[2], db, rc, ua, p->replacement[2], 1); /* model */
        return;
    }
    unsigned n = w == FC_UA_BROWSER ? 4 : 5;
    for (unsigned k = 0; k < n; k++)
        fill(&parts[k], db, rc, ua, p->replacement[k], k + 1);
}

static uint64_t hash_of(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * 1099511628211ull;
    return h;
}

/* Stores the analysis in the cache slot (one allocation for the string
 * and the parts). */
static const struct fc_ua_result *store(struct entry *e, uint64_t h, const char *ua, size_t len,
                                        const struct part *parts)
{
    size_t size = len + 1;
    for (int k = 0; k < FC_UA_PARTS; k++)
        size += parts[k].set ? parts[k].len + 1 : 0;
    char *buf = malloc(size);
    if (!buf)
        return NULL;
    memset(e, 0, sizeof *e);
    e->hash = h;
    e->text = buf;
    e->len = len;
    memcpy(buf, ua, len);
    buf[len] = '\0';
    char *at = buf + len + 1;
    for (int k = 0; k < FC_UA_PARTS; k++) {
        if (!parts[k].set)
            continue;
        memcpy(at, parts[k].text, parts[k].len + 1);
        e->result.part[k] = at;
        at += parts[k].len + 1;
    }
    return &e->result;
}

const struct fc_ua_result *fc_ua_parse(struct fc_ua_db *db, const char *ua, size_t len)
{
    uint64_t h = hash_of(ua, len);
    size_t slot = h & (FC_UA_CACHE - 1);
    while (db->cache[slot].text) {
        struct entry *e = &db->cache[slot];
        if (e->hash == h && e->len == len && memcmp(e->text, ua, len) == 0) {
            db->hits++;
            return &e->result;
        }
        slot = (slot + 1) & (FC_UA_CACHE - 1);
    }
    db->parsed++;
    struct part *parts = db->parts;
    memset(parts, 0, sizeof db->parts);
    analyse_list(db, FC_UA_BROWSER, ua, len, &parts[FC_UA_FAMILY]);
    analyse_list(db, FC_UA_OS, ua, len, &parts[FC_UA_OS_FAMILY]);
    analyse_list(db, FC_UA_DEVICE, ua, len, &parts[FC_UA_DEVICE_FAMILY]);
    if (db->cached >= FC_UA_CACHE / 2) { /* keep probes short: start over */
        clear_cache(db);
        slot = h & (FC_UA_CACHE - 1);
    }
    db->cached++;
    const struct fc_ua_result *r = store(&db->cache[slot], h, ua, len, parts);
    if (!r)
        db->cached--;
    return r;
}
