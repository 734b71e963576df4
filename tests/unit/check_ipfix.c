/* formats/ipfix-ie.c: NTP timestamps and the element tables. */
#include "formats/ipfix.h"
#include "fc-test.h"

#define UNIX_NTP_SECONDS UINT64_C(2208988800) /* 1900-01-01 to 1970-01-01 */

START_TEST(ntp_timestamps_known_values)
{
    ck_assert_uint_eq(fc_ipfix_ntp_from_ns(0), UNIX_NTP_SECONDS << 32);
    ck_assert_uint_eq(fc_ipfix_ntp_from_ns(FC_NS_PER_SEC / 2), UNIX_NTP_SECONDS << 32 | 0x80000000u);
    /* 1 ns is 4.29 units of 2^-32 s: rounded to 4. */
    ck_assert_uint_eq(fc_ipfix_ntp_from_ns(1), UNIX_NTP_SECONDS << 32 | 4u);
    ck_assert_uint_eq(fc_ipfix_ntp_from_ns(FC_NS_PER_SEC - 1), UNIX_NTP_SECONDS << 32 | 0xfffffffcu);
    /* NTP era 1 starts at 2036-02-07T06:28:16Z (RFC 7011 6.1.9 / RFC 5905). */
    fc_time era1 = INT64_C(2085978496) * FC_NS_PER_SEC;
    ck_assert_uint_eq(fc_ipfix_ntp_from_ns(era1), 0);
    ck_assert_int_eq(fc_ipfix_ns_from_ntp(0), era1);
    ck_assert_int_eq(fc_ipfix_ns_from_ntp(UINT64_C(0xffffffff) << 32), era1 - FC_NS_PER_SEC);
}
END_TEST

START_TEST(ntp_timestamps_round_trip_every_nanosecond_pattern)
{
    static const fc_time seconds[] = { 0, 1300475167, 1700000000, 2085978495, 2085978496,
                                       2147483647 };
    for (unsigned s = 0; s < sizeof seconds / sizeof seconds[0]; s++) {
        for (fc_time frac = 0; frac < FC_NS_PER_SEC; frac += 999983) /* a prime step */
            ck_assert_int_eq(fc_ipfix_ns_from_ntp(fc_ipfix_ntp_from_ns(
                                 seconds[s] * FC_NS_PER_SEC + frac)),
                             seconds[s] * FC_NS_PER_SEC + frac);
        fc_time last = seconds[s] * FC_NS_PER_SEC + FC_NS_PER_SEC - 1;
        ck_assert_int_eq(fc_ipfix_ns_from_ntp(fc_ipfix_ntp_from_ns(last)), last);
    }
}
END_TEST

START_TEST(elements_found_by_enterprise_and_id)
{
    const struct fc_ipfix_ie *ie = fc_ipfix_ie_find(0, 1);
    ck_assert_ptr_nonnull(ie);
    ck_assert_str_eq(ie->name, "octetDeltaCount");
    ck_assert_int_eq(ie->type, FC_IPFIX_U64);
    ie = fc_ipfix_ie_find(FC_IPFIX_REVERSE_PEN, 1);
    ck_assert_ptr_nonnull(ie);
    ck_assert_str_eq(ie->name, "reverseOctetDeltaCount");
    ck_assert_uint_eq(ie->pen, FC_IPFIX_REVERSE_PEN);
    ie = fc_ipfix_ie_find(0, 156);
    ck_assert_str_eq(ie->name, "flowStartNanoseconds");
    ck_assert_uint_eq(fc_ipfix_type_length(ie->type), 8);
    ie = fc_ipfix_ie_find(0, 293);
    ck_assert_str_eq(ie->name, "subTemplateMultiList");
    ck_assert_uint_eq(fc_ipfix_type_length(ie->type), FC_IPFIX_VARLEN);
    ie = fc_ipfix_ie_find(FC_IPFIX_PEN, FC_IPFIX_FLOW_ID);
    ck_assert_str_eq(ie->name, "fcFlowId");
    ck_assert_ptr_null(fc_ipfix_ie_find(0, 0));         /* reserved */
    ck_assert_ptr_null(fc_ipfix_ie_find(0, 32767));     /* unassigned */
    ck_assert_ptr_null(fc_ipfix_ie_find(9999, 1));      /* unknown enterprise */
}
END_TEST

/* The lookup is a binary search: every row of both tables must be found. */
START_TEST(every_element_found)
{
    static const uint16_t iana_ids[] = {
#define FC_IANA(id, name, type) id,
#include "formats/ipfix-iana.def"
#undef FC_IANA
    };
    for (size_t i = 0; i < sizeof iana_ids / sizeof iana_ids[0]; i++) {
        const struct fc_ipfix_ie *ie = fc_ipfix_ie_find(0, iana_ids[i]);
        ck_assert_ptr_nonnull(ie);
        ck_assert_uint_eq(ie->id, iana_ids[i]);
    }
    for (unsigned i = 0; i < fc_ipfix_flowcase_ie_count; i++)
        ck_assert_ptr_eq(fc_ipfix_ie_find(FC_IPFIX_PEN, fc_ipfix_flowcase_ies[i].id),
                         &fc_ipfix_flowcase_ies[i]);
}
END_TEST

Suite *make_ipfix_suite(void)
{
    Suite *s = suite_create("ipfix");
    TCase *tc = tcase_create("elements");
    tcase_add_test(tc, ntp_timestamps_known_values);
    tcase_add_test(tc, ntp_timestamps_round_trip_every_nanosecond_pattern);
    tcase_add_test(tc, elements_found_by_enterprise_and_id);
    tcase_add_test(tc, every_element_found);
    suite_add_tcase(s, tc);
    return s;
}
