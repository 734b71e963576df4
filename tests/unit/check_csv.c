/* formats/csv-writer.c: RFC 4180 quoting. */
#include <stdio.h>
#include <stdlib.h>

#include "fc-test.h"
#include "formats/csv.h"

static char *cell(const char *text)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    fc_csv_put_text(f, text);
    fclose(f);
    return buf;
}

START_TEST(plain_text_is_not_quoted)
{
    char *c = cell("192.0.2.1");
    ck_assert_str_eq(c, "192.0.2.1");
    free(c);
    c = cell("");
    ck_assert_str_eq(c, "");
    free(c);
}
END_TEST

START_TEST(separators_and_quotes_are_quoted)
{
    const char *in[] = { "a,b", "say \"hi\"", "line\nbreak", "cr\rhere", "\"" };
    const char *out[] = { "\"a,b\"", "\"say \"\"hi\"\"\"", "\"line\nbreak\"", "\"cr\rhere\"",
                          "\"\"\"\"" };
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        char *c = cell(in[i]);
        ck_assert_str_eq(c, out[i]);
        free(c);
    }
}
END_TEST

Suite *make_csv_suite(void)
{
    Suite *s = suite_create("csv");
    TCase *tc = tcase_create("quoting");
    tcase_add_test(tc, plain_text_is_not_quoted);
    tcase_add_test(tc, separators_and_quotes_are_quoted);
    suite_add_tcase(s, tc);
    return s;
}
