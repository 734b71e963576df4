/* formats/options.c and formats/config-yaml.c: values, errors, round trip. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fc-test.h"
#include "formats/config-yaml.h"

static char *write_yaml(const char *text)
{
    char *path = strdup("/tmp/fc-config-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static int load(const char *text, struct fc_options *o, char *err, size_t errlen)
{
    char *path = write_yaml(text);
    fc_options_defaults(o);
    int rc = fc_config_load(path, o, err, errlen);
    unlink(path);
    free(path);
    return rc;
}

START_TEST(loads_every_kind_of_value)
{
    struct fc_options o;
    char err[256] = "";
    int rc = load("# a case\noutput: case-42/flows\nformat: jsonl,csv\nidle_timeout: 2m\n"
                  "active_timeout: 1.5h\ntcp_close_grace: 250ms\nmax_flows: 5000\n"
                  "vlan_key: false\nfilter: tcp port 80\ninputs:\n  - a.pcap\n  - b.pcapng\n",
                  &o, err, sizeof err);
    ck_assert_msg(rc == 0, "%s", err);
    ck_assert_str_eq(o.output, "case-42/flows");
    ck_assert_str_eq(o.format, "jsonl,csv");
    ck_assert_int_eq(o.idle_timeout, 120 * FC_NS_PER_SEC);
    ck_assert_int_eq(o.active_timeout, 5400 * FC_NS_PER_SEC);
    ck_assert_int_eq(o.tcp_close_grace, 250 * 1000 * 1000);
    ck_assert_uint_eq(o.max_flows, 5000);
    ck_assert(!o.vlan_key);
    ck_assert_str_eq(o.filter, "tcp port 80");
    ck_assert_uint_eq(o.ninputs, 2);
    ck_assert_str_eq(o.inputs[1], "b.pcapng");
    char e2[64];
    ck_assert_uint_eq(fc_options_formats(&o, e2, sizeof e2), FC_FORMAT_JSONL | FC_FORMAT_CSV);
    fc_options_free(&o);
}
END_TEST

START_TEST(errors_name_the_key_and_line)
{
    struct fc_options o;
    char err[256];
    ck_assert_int_eq(load("output: x\nidel_timeout: 5\n", &o, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, ":2: unknown key 'idel_timeout'"));
    fc_options_free(&o);
    ck_assert_int_eq(load("output: x\n\nmax_flows: -3\n", &o, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, ":3: key 'max_flows': '-3' is not a positive"));
    fc_options_free(&o);
    ck_assert_int_eq(load("idle_timeout: soon\n", &o, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, ":1: key 'idle_timeout'"));
    fc_options_free(&o);
    ck_assert_int_eq(load("quiet: maybe\n", &o, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "not a boolean"));
    fc_options_free(&o);
    ck_assert_int_eq(load("output: [a, b]\n", &o, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "expected a single value"));
    fc_options_free(&o);
    ck_assert_int_eq(load("output: a\noutput: b\n", &o, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, ":2: key 'output' given twice"));
    fc_options_free(&o);
    ck_assert_int_eq(load("output: 'unterminated\n", &o, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "invalid YAML"));
    fc_options_free(&o);
}
END_TEST

START_TEST(printed_configuration_loads_back)
{
    struct fc_options o;
    char err[256];
    ck_assert_int_eq(load("output: out\nformat: csv\nidle_timeout: 90s\nquiet: true\n"
                          "inputs: [one.pcap]\n",
                          &o, err, sizeof err),
                     0);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    ck_assert_int_eq(fc_config_print(f, &o), 0);
    fclose(f);
    struct fc_options again;
    ck_assert_msg(load(text, &again, err, sizeof err) == 0, "%s\n%s", err, text);
    ck_assert_str_eq(again.output, "out");
    ck_assert_str_eq(again.format, "csv");
    ck_assert_int_eq(again.idle_timeout, 90 * FC_NS_PER_SEC);
    ck_assert(again.quiet);
    ck_assert_ptr_null(again.filter);
    ck_assert_uint_eq(again.ninputs, 1);
    ck_assert_str_eq(again.inputs[0], "one.pcap");
    free(text);
    fc_options_free(&o);
    fc_options_free(&again);
}
END_TEST

START_TEST(bad_formats_are_refused)
{
    struct fc_options o;
    fc_options_defaults(&o);
    char err[128];
    free(o.format);
    o.format = strdup("jsonl,xml");
    ck_assert_uint_eq(fc_options_formats(&o, err, sizeof err), 0);
    ck_assert_ptr_nonnull(strstr(err, "'xml'"));
    fc_options_free(&o);
}
END_TEST

Suite *make_config_suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("yaml");
    tcase_add_test(tc, loads_every_kind_of_value);
    tcase_add_test(tc, errors_name_the_key_and_line);
    tcase_add_test(tc, printed_configuration_loads_back);
    tcase_add_test(tc, bad_formats_are_refused);
    suite_add_tcase(s, tc);
    return s;
}
