/*
 * core/community-id.c and the ICMP port mapping, against values that
 * Arkime wrote in its test baselines (tests/data/corpus, .arkime.json files)
 * and, where Arkime strays from the specification, tshark's.
 */
#include <arpa/inet.h>

#include "core/community-id.h"
#include "core/decode.h"
#include "fc-test.h"

struct vector {
    const char *src;
    const char *dst;
    uint8_t proto;
    uint16_t sport; /* ICMP: type */
    uint16_t dport; /* ICMP: code */
    const char *expected;
};

static const struct vector vectors[] = {
    /* encap/sll-gtpu-iphone (inner) and app/ssh2, dns/dns-wiresharkrepo */
    { "172.17.96.143", "172.17.96.77", 6, 59221, 4000, "1:edLn61HrOoPJoKGLwmvOMdlNXWI=" },
    { "192.168.170.8", "192.168.170.20", 17, 32795, 53, "1:PIDOtGFIHUsiDppmnIxS0PK/t7Y=" },
    { "fd00:183:1:1:1886:9040:8605:32b8", "fd01::183", 6, 5060, 5060,
      "1:LfVtLs2VX3xOzzzdeOeVLCh7SOw=" },
    { "fd00:183:1:1:1886:9040:8605:32b8", "fd01::183", 17, 5060, 5060,
      "1:IJBdyTHm5HjzP+ZbQJKTvVS/E74=" },
    /* ICMP echo request, and the reply of another session: one id per pair */
    { "192.168.177.160", "10.64.11.49", 1, 8, 0, "1:u15ZSE/zwPPH+PdNHE0LOby1NF0=" },
    { "47.245.159.156", "92.104.109.0", 1, 8, 0, "1:yz8cAvyz8bjFgU4IVBUues5SuoQ=" },
    { "92.104.109.0", "47.245.159.156", 1, 0, 0, "1:yz8cAvyz8bjFgU4IVBUues5SuoQ=" },
    /* ICMP port unreachable: one-way, never reordered */
    { "192.168.3.129", "192.168.168.1", 1, 3, 3, "1:lB4egS/Qun/GwHeSFBDGvr1G/IU=" },
    /* ICMPv6 echo, router advertisement (paired), unreachable and MLDv2 (one-way) */
    { "2001:db8:0:1::1", "2001:db8:0:1::2", 58, 128, 0, "1:aLXS5HDS8xDo2lZExi+nBysy2SI=" },
    { "fe80::18f:54ea:5196:2546", "fe80::fd00:183:1:1", 58, 134, 0,
      "1:FqYeaO+Hxs1BIIB9o8cVa0q5VNs=" },
    /* Arkime writes 1:R7F0MUT6ZV1iG5f3xJ0Pro45tts= here: it reorders the
     * endpoints of this one-way type, which the spec forbids. tshark 4.0
     * (--enable-protocol communityid) gives the spec's value, checked here. */
    { "fd01::183", "fd00:183:1:1:1886:9040:8605:32b8", 58, 1, 4,
      "1:CXtmN8Yw3oFXpioo9GnBsqn9GEc=" },
    { "fe80::45:f337:32b9:ac9b", "ff02::16", 58, 143, 0, "1:d7cy7xMNX0/8Mwn5xmwtmFSTQ/k=" },
};

START_TEST(matches_arkime)
{
    const struct vector *v = &vectors[_i];
    uint8_t src[16], dst[16];
    bool v6 = strchr(v->src, ':') != NULL;
    ck_assert_int_eq(inet_pton(v6 ? AF_INET6 : AF_INET, v->src, src), 1);
    ck_assert_int_eq(inet_pton(v6 ? AF_INET6 : AF_INET, v->dst, dst), 1);
    struct fc_community_tuple t = {
        .src = src, .dst = dst, .addr_len = v6 ? 16 : 4, .proto = v->proto,
        .has_ports = true, .sport = v->sport, .dport = v->dport,
    };
    if (v->proto == 1 || v->proto == 58)
        fc_icmp_ports(v->proto == 58, (uint8_t)v->sport, (uint8_t)v->dport, &t.sport, &t.dport,
                      &t.one_way);
    char out[31];
    fc_community_id(&t, 0, out);
    ck_assert_str_eq(out, v->expected);
}
END_TEST

START_TEST(icmp_pairs_map_to_counterparts)
{
    uint16_t s, d;
    bool one_way;
    fc_icmp_ports(false, 8, 0, &s, &d, &one_way);
    ck_assert(s == 8 && d == 0 && !one_way);
    fc_icmp_ports(false, 0, 0, &s, &d, &one_way);
    ck_assert(s == 0 && d == 8 && !one_way);
    fc_icmp_ports(false, 13, 0, &s, &d, &one_way);
    ck_assert(s == 13 && d == 14 && !one_way);
    fc_icmp_ports(false, 11, 1, &s, &d, &one_way);
    ck_assert(s == 11 && d == 1 && one_way);
    fc_icmp_ports(true, 135, 0, &s, &d, &one_way);
    ck_assert(s == 135 && d == 136 && !one_way);
    fc_icmp_ports(true, 129, 0, &s, &d, &one_way);
    ck_assert(s == 129 && d == 128 && !one_way);
    fc_icmp_ports(true, 2, 0, &s, &d, &one_way);
    ck_assert(s == 2 && d == 0 && one_way);
}
END_TEST

START_TEST(protocols_without_ports_hash_addresses_only)
{
    uint8_t a[4] = { 192, 0, 2, 1 }, b[4] = { 198, 51, 100, 1 };
    struct fc_community_tuple t = { .src = b, .dst = a, .addr_len = 4, .proto = 47 };
    char one[31], two[31];
    fc_community_id(&t, 0, one);
    t.src = a;
    t.dst = b;
    fc_community_id(&t, 0, two);
    ck_assert_str_eq(one, two); /* ordered the same way either direction */
    ck_assert_uint_eq(strlen(one), 30);
}
END_TEST

Suite *make_community_id_suite(void)
{
    Suite *s = suite_create("community_id");
    TCase *tc = tcase_create("vectors");
    tcase_add_loop_test(tc, matches_arkime, 0, (int)(sizeof vectors / sizeof vectors[0]));
    tcase_add_test(tc, icmp_pairs_map_to_counterparts);
    tcase_add_test(tc, protocols_without_ports_hash_addresses_only);
    suite_add_tcase(s, tc);
    return s;
}
