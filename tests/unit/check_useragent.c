/* core/useragent.c and formats/uap-yaml.c: uap-core pattern semantics. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/useragent.h"
#include "fc-test.h"
#include "formats/uap-yaml.h"

static struct fc_ua_db *db;

/* A YAML file with one pattern per behaviour, loaded through fc_uap_load. */
static const char rules_yaml[] =
    "user_agent_parsers:\n"
    "  - regex: '(Namoroka|Shiretoko|Minefield)/(\\d+)\\.(\\d+)\\.(\\d+(?:pre)?)'\n"
    "    family_replacement: 'Firefox ($1)'\n"
    "  - regex: 'Fixed/(\\d+)'\n"
    "    family_replacement: 'Fixed Browser'\n"
    "    v1_replacement: '9'\n"
    "  - regex: '(Chrome)/(\\d+)\\.(\\d+)\\.(\\d+)'\n"
    "os_parsers:\n"
    "  - regex: 'Win(95|98|NT)'\n"
    "    os_replacement: 'Windows $1'\n"
    "  - regex: '(Android) (\\d+)\\.(\\d+)(?:\\.(\\d+))?'\n"
    "device_parsers:\n"
    "  - regex: '; *(PEDI)_(PLUS)_(W) Build'\n"
    "    device_replacement: 'Odys $1 $2 $3'\n"
    "    brand_replacement: 'Odys'\n"
    "    model_replacement: '$1 $2 $3'\n"
    "  - regex: 'nokia(\\w+) '\n"
    "    regex_flag: 'i'\n"
    "    device_replacement: '  Nokia $1  '\n"
    "    brand_replacement: 'Nokia'\n";

static void setup(void)
{
    char path[] = "/tmp/fc-uap-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs(rules_yaml, f);
    fclose(f);
    char err[256];
    struct fc_ua_rules rules;
    ck_assert_int_eq(fc_uap_load(path, &rules, err, sizeof err), 0);
    remove(path);
    ck_assert_uint_eq(rules.count[FC_UA_BROWSER], 3);
    ck_assert(rules.list[FC_UA_DEVICE][1].caseless);
    db = fc_ua_db_open(&rules, err, sizeof err);
    ck_assert_ptr_nonnull(db);
}

static void teardown(void)
{
    fc_ua_db_close(db);
}

static const struct fc_ua_result *parse(const char *s)
{
    const struct fc_ua_result *r = fc_ua_parse(db, s, strlen(s));
    ck_assert_ptr_nonnull(r);
    return r;
}

#define ck_part(r, p, want)                                                                    \
    do {                                                                                       \
        if (want)                                                                              \
            ck_assert_str_eq((r)->part[p], (const char *)(want));                              \
        else                                                                                   \
            ck_assert_ptr_null((r)->part[p]);                                                  \
    } while (0)

START_TEST(replacements_and_groups)
{
    /* The specification's own examples. */
    const struct fc_ua_result *r =
        parse("Mozilla/5.0 (Windows; Windows NT 5.1; rv:2.0b3pre) Gecko/20100727 Minefield/4.0.1pre");
    ck_part(r, FC_UA_FAMILY, "Firefox (Minefield)");
    ck_part(r, FC_UA_MAJOR, "4");
    ck_part(r, FC_UA_MINOR, "0");
    ck_part(r, FC_UA_PATCH, "1pre");
    ck_part(r, FC_UA_OS_FAMILY, "Other"); /* "Windows NT" is not "WinNT" */
    r = parse("Mozilla/5.0 (Windows; U; Win98; en-US; rv:1.1) Gecko/20020826");
    ck_part(r, FC_UA_OS_FAMILY, "Windows 98");
    r = parse("Mozilla/5.0 (Linux; U; Android 4.2.2; de-de; PEDI_PLUS_W Build/JDQ39)");
    ck_part(r, FC_UA_DEVICE_FAMILY, "Odys PEDI PLUS W");
    ck_part(r, FC_UA_DEVICE_BRAND, "Odys");
    ck_part(r, FC_UA_DEVICE_MODEL, "PEDI PLUS W");
    ck_part(r, FC_UA_OS_FAMILY, "Android");
    ck_part(r, FC_UA_OS_PATCH, "2");
    ck_part(r, FC_UA_OS_PATCH_MINOR, NULL);
    /* A fixed replacement; a group that did not take part is unknown. */
    r = parse("Fixed/3 (Android 7.1)");
    ck_part(r, FC_UA_FAMILY, "Fixed Browser");
    ck_part(r, FC_UA_MAJOR, "9");
    ck_part(r, FC_UA_MINOR, NULL);
    ck_part(r, FC_UA_OS_PATCH, NULL);
}
END_TEST

START_TEST(case_flag_trim_and_other)
{
    const struct fc_ua_result *r = parse("NOKIA6300 something");
    ck_part(r, FC_UA_DEVICE_FAMILY, "Nokia 6300"); /* trimmed */
    ck_part(r, FC_UA_DEVICE_MODEL, "6300");          /* model defaults to group 1 */
    ck_part(r, FC_UA_FAMILY, "Other");
    ck_part(r, FC_UA_MAJOR, NULL);
    ck_part(r, FC_UA_OS_FAMILY, "Other");
    /* Matching is case-sensitive without the flag. */
    r = parse("chrome/1.2.3");
    ck_part(r, FC_UA_FAMILY, "Other");
}
END_TEST

START_TEST(cached_per_string)
{
    uint64_t parsed, hits;
    parse("Chrome/60.0.3112 x");
    parse("Chrome/60.0.3112 x");
    const struct fc_ua_result *r = parse("Chrome/60.0.3112 x");
    ck_part(r, FC_UA_MINOR, "0");
    fc_ua_db_stats(db, &parsed, &hits);
    ck_assert_uint_eq(parsed, 1);
    ck_assert_uint_eq(hits, 2);
    /* Bytes that are not text are fine, NULs included. */
    const char odd[] = "Chrome/1.2.3\0\xff";
    r = fc_ua_parse(db, odd, sizeof odd - 1);
    ck_part(r, FC_UA_FAMILY, "Chrome");
}
END_TEST

START_TEST(bad_pattern_files_are_refused)
{
    char err[256];
    struct fc_ua_rules rules;
    ck_assert_int_eq(fc_uap_load("/nonexistent/regexes.yaml", &rules, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/regexes.yaml"));
    char path[] = "/tmp/fc-uap-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fputs("user_agent_parsers:\n  - family_replacement: 'no regex'\n", f);
    fclose(f);
    ck_assert_int_eq(fc_uap_load(path, &rules, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "without a regex"));
    f = fopen(path, "w");
    fputs("user_agent_parsers:\n  - regex: '(unclosed'\n", f);
    fclose(f);
    ck_assert_int_eq(fc_uap_load(path, &rules, err, sizeof err), 0);
    ck_assert_ptr_null(fc_ua_db_open(&rules, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "(unclosed"));
    remove(path);
}
END_TEST

Suite *make_useragent_suite(void)
{
    Suite *s = suite_create("useragent");
    TCase *tc = tcase_create("uap");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, replacements_and_groups);
    tcase_add_test(tc, case_flag_trim_and_other);
    tcase_add_test(tc, cached_per_string);
    tcase_add_test(tc, bad_pattern_files_are_refused);
    suite_add_tcase(s, tc);
    return s;
}
