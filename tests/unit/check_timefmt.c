/* core/timefmt.c: RFC 3339 times and second values. */
#include "core/timefmt.h"
#include "fc-test.h"

START_TEST(formats_rfc3339_with_nanoseconds)
{
    char buf[FC_TIME_STR];
    fc_format_time(INT64_C(1300475167096535000), buf);
    ck_assert_str_eq(buf, "2011-03-18T19:06:07.096535000Z");
    fc_format_time(0, buf);
    ck_assert_str_eq(buf, "1970-01-01T00:00:00.000000000Z");
    fc_format_time(-1, buf);
    ck_assert_str_eq(buf, "1969-12-31T23:59:59.999999999Z");
    fc_format_time(INT64_C(951782400) * FC_NS_PER_SEC + 123456789, buf); /* leap day */
    ck_assert_str_eq(buf, "2000-02-29T00:00:00.123456789Z");
    fc_format_time(INT64_C(4102444799) * FC_NS_PER_SEC, buf);
    ck_assert_str_eq(buf, "2099-12-31T23:59:59.000000000Z");
}
END_TEST

START_TEST(seconds_are_exact_to_the_nanosecond)
{
    char buf[40];
    fc_format_seconds(123456789, buf, sizeof buf);
    ck_assert_str_eq(buf, "0.123456789");
    fc_format_seconds(INT64_C(1800) * FC_NS_PER_SEC, buf, sizeof buf);
    ck_assert_str_eq(buf, "1800.0");
    fc_format_seconds(INT64_C(999999999999999), buf, sizeof buf); /* 11.5 days - 1 ns */
    ck_assert_str_eq(buf, "999999.999999999");
    fc_format_seconds(50000, buf, sizeof buf);
    ck_assert_str_eq(buf, "5e-5");
    fc_format_seconds(0, buf, sizeof buf);
    ck_assert_str_eq(buf, "0.0");
}
END_TEST

Suite *make_timefmt_suite(void)
{
    Suite *s = suite_create("timefmt");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, formats_rfc3339_with_nanoseconds);
    tcase_add_test(tc, seconds_are_exact_to_the_nanosecond);
    suite_add_tcase(s, tc);
    return s;
}
