/* core/dns-waiting.c: queries waiting for their response, by id. */
#include <check.h>

#include "core/dns-waiting.h"
#include "fc-test.h"

static bool any(void *arg, uint64_t n)
{
    (void)arg;
    (void)n;
    return true;
}

static bool equals(void *arg, uint64_t n)
{
    return n == *(const uint64_t *)arg;
}

START_TEST(oldest_first_per_id)
{
    struct fc_dns_waiting w = { 0 };
    ck_assert_int_eq(fc_dns_waiting_add(&w, 7, 10), FC_DNS_WAITING_ADDED);
    ck_assert_int_eq(fc_dns_waiting_add(&w, 9, 11), FC_DNS_WAITING_ADDED);
    ck_assert_int_eq(fc_dns_waiting_add(&w, 7, 12), FC_DNS_WAITING_ADDED);
    ck_assert_uint_eq(fc_dns_waiting_take(&w, 7, 0, any, NULL), 10);
    ck_assert_uint_eq(fc_dns_waiting_take(&w, 7, 0, any, NULL), 12);
    ck_assert_uint_eq(fc_dns_waiting_take(&w, 7, 0, any, NULL), UINT64_MAX);
    ck_assert_uint_eq(fc_dns_waiting_take(&w, 8, 0, any, NULL), UINT64_MAX);
    ck_assert_uint_eq(fc_dns_waiting_take(&w, 9, 0, any, NULL), 11);
    fc_dns_waiting_free(&w);
}
END_TEST

/* A query whose question does not match stays waiting for its own answer. */
START_TEST(match_skips_others)
{
    struct fc_dns_waiting w = { 0 };
    for (uint64_t n = 0; n < 3; n++)
        fc_dns_waiting_add(&w, 1, n);
    uint64_t want = 1;
    ck_assert_uint_eq(fc_dns_waiting_take(&w, 1, 0, equals, &want), 1);
    ck_assert_uint_eq(fc_dns_waiting_take(&w, 1, 0, any, NULL), 0);
    ck_assert_uint_eq(fc_dns_waiting_take(&w, 1, 0, any, NULL), 2);
    fc_dns_waiting_free(&w);
}
END_TEST

START_TEST(reported_queries_are_forgotten)
{
    struct fc_dns_waiting w = { 0 };
    fc_dns_waiting_add(&w, 5, 3);
    fc_dns_waiting_add(&w, 5, 4);
    ck_assert_uint_eq(fc_dns_waiting_take(&w, 5, 4, any, NULL), 4);
    ck_assert_uint_eq(fc_dns_waiting_take(&w, 5, 0, any, NULL), UINT64_MAX);
    fc_dns_waiting_free(&w);
}
END_TEST

/* A flood of one id keeps the latest FC_DNS_WAITING_PER_ID. */
START_TEST(per_id_cap)
{
    struct fc_dns_waiting w = { 0 };
    unsigned forgot = 0;
    for (uint64_t n = 0; n < 100000; n++)
        forgot += fc_dns_waiting_add(&w, 42, n) == FC_DNS_WAITING_FORGOT_OLDEST;
    ck_assert_uint_eq(forgot, 100000 - FC_DNS_WAITING_PER_ID);
    for (uint64_t n = 100000 - FC_DNS_WAITING_PER_ID; n < 100000; n++)
        ck_assert_uint_eq(fc_dns_waiting_take(&w, 42, 0, any, NULL), n);
    ck_assert_uint_eq(fc_dns_waiting_take(&w, 42, 0, any, NULL), UINT64_MAX);
    fc_dns_waiting_free(&w);
}
END_TEST

/* Every id at once: the table grows and finds them all again. */
START_TEST(every_id)
{
    struct fc_dns_waiting w = { 0 };
    for (uint32_t id = 0; id < 65536; id++)
        ck_assert_int_eq(fc_dns_waiting_add(&w, (uint16_t)id, 1000000 + id), FC_DNS_WAITING_ADDED);
    ck_assert_uint_eq(w.used, 65536);
    ck_assert_uint_eq(w.cap, 131072);
    for (uint32_t id = 65535;; id -= 7) {
        ck_assert_uint_eq(fc_dns_waiting_take(&w, (uint16_t)id, 0, any, NULL), 1000000 + id);
        if (id < 7)
            break;
    }
    fc_dns_waiting_free(&w);
    ck_assert_ptr_null(w.slots);
}
END_TEST

Suite *make_dns_waiting_suite(void)
{
    Suite *s = suite_create("dns_waiting");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, oldest_first_per_id);
    tcase_add_test(tc, match_skips_others);
    tcase_add_test(tc, reported_queries_are_forgotten);
    tcase_add_test(tc, per_id_cap);
    tcase_add_test(tc, every_id);
    suite_add_tcase(s, tc);
    return s;
}
