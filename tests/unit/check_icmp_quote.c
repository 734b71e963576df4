/*
 * core/icmp-quote.c and core/icmp-names.c: the quoted packet of IPv4 and
 * IPv6 errors read into a flow key, every shorter prefix handled, the
 * IPv6 extension header chain bounded; names of types and codes.
 */
#include <string.h>

#include "core/icmp-names.h"
#include "core/icmp-quote.h"
#include "fc-test.h"

/* ICMP port unreachable quoting a UDP datagram 10.0.0.1:40000 -> 10.0.0.9:53. */
static const uint8_t v4_error[] = {
    3, 3, 0, 0, 0, 0, 0, 0,                                   /* ICMP header */
    0x45, 0, 0, 33, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, /* IPv4 */
    10, 0, 0, 9,
    0x9c, 0x40, 0, 53, 0, 13, 0, 0, /* UDP */
};

START_TEST(ipv4_quote_and_prefixes)
{
    struct fc_icmp_quote q;
    ck_assert(fc_icmp_quote_read(false, v4_error, sizeof v4_error, &q));
    ck_assert_uint_eq(q.ip_version, 4);
    ck_assert_uint_eq(q.proto, 17);
    ck_assert(q.has_ports);
    ck_assert_uint_eq(q.sport, 40000);
    ck_assert_uint_eq(q.dport, 53);
    ck_assert_mem_eq(q.src, "\x0a\x00\x00\x01", 4);
    ck_assert_mem_eq(q.dst, "\x0a\x00\x00\x09", 4);
    /* Shorter than ICMP + IPv4 headers: no quote; then addresses without ports. */
    for (size_t n = 0; n < sizeof v4_error; n++) {
        bool ok = fc_icmp_quote_read(false, v4_error, n, &q);
        ck_assert(ok == (n >= 28));
        ck_assert(!q.has_ports || n >= 32);
    }
    /* Not an error type: nothing read. */
    uint8_t echo[sizeof v4_error];
    memcpy(echo, v4_error, sizeof echo);
    echo[0] = 8;
    ck_assert(!fc_icmp_quote_read(false, echo, sizeof echo, &q));
}
END_TEST

START_TEST(ipv6_extension_chain_is_bounded)
{
    /* ICMPv6 time exceeded quoting IPv6 with 40 hop-by-hop headers chained. */
    uint8_t msg[8 + 40 + 40 * 8 + 8];
    memset(msg, 0, sizeof msg);
    msg[0] = 3;
    uint8_t *ip6 = msg + 8;
    ip6[0] = 0x60;
    ip6[6] = 0; /* hop-by-hop */
    for (unsigned i = 0; i < 40; i++)
        ip6[40 + i * 8] = 0; /* next: hop-by-hop again, length 0 (8 bytes) */
    struct fc_icmp_quote q;
    for (size_t n = 0; n <= sizeof msg; n++) {
        bool ok = fc_icmp_quote_read(true, msg, n, &q);
        ck_assert(ok == (n >= 48));
        ck_assert(!q.has_ports);
    }
    ck_assert_uint_eq(q.ip_version, 6);
    ck_assert_uint_eq(q.proto, 0); /* still an extension header after the cap */
}
END_TEST

START_TEST(names)
{
    ck_assert_str_eq(fc_icmp_type_name(false, 3), "destination-unreachable");
    ck_assert_str_eq(fc_icmp_code_name(false, 3, 3), "port-unreachable");
    ck_assert_str_eq(fc_icmp_code_name(false, 11, 1), "reassembly-time-exceeded");
    ck_assert_ptr_null(fc_icmp_code_name(false, 3, 16));
    ck_assert_ptr_null(fc_icmp_type_name(false, 255));
    ck_assert_str_eq(fc_icmp_type_name(true, 135), "neighbor-solicitation");
    ck_assert_str_eq(fc_icmp_code_name(true, 1, 4), "port-unreachable");
    ck_assert_ptr_null(fc_icmp_code_name(true, 128, 0));
    ck_assert(fc_icmp_is_error(true, 2));
    ck_assert(!fc_icmp_is_error(true, 128));
    ck_assert(fc_icmp_is_error(false, 11));
    ck_assert(!fc_icmp_is_error(false, 0));
}
END_TEST

Suite *make_icmp_quote_suite(void)
{
    Suite *s = suite_create("icmp_quote");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, ipv4_quote_and_prefixes);
    tcase_add_test(tc, ipv6_extension_chain_is_bounded);
    tcase_add_test(tc, names);
    suite_add_tcase(s, tc);
    return s;
}
