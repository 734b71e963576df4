/* The decoders, layer by layer, on packets built byte by byte. */
#include <arpa/inet.h>
#include <string.h>

#include "core/decode.h"
#include "fc-test.h"
#include "packet-builder.h"

static struct fc_counters cnt;

static void reset(void)
{
    memset(&cnt, 0, sizeof cnt);
}

static void assert_ip(const struct fc_packet *p, int family, const char *src, const char *dst)
{
    uint8_t a[16] = { 0 }, b[16] = { 0 };
    inet_pton(family, src, a);
    inet_pton(family, dst, b);
    ck_assert_mem_eq(p->ip.src, a, 16);
    ck_assert_mem_eq(p->ip.dst, b, 16);
}

/* Ethernet, IPv4 192.0.2.1 -> 198.51.100.1, a bare TCP ACK from port 1 to
 * 2 and `payload` zero bytes, lengths filled in. */
static void small_tcp_frame(struct pb *b, size_t payload)
{
    pb_init(b);
    pb_ether(b, 1, 2, 0x0800);
    pb_ipv4(b, "192.0.2.1", "198.51.100.1", 6, 64);
    pb_tcp(b, 1, 2, 0, 0, FC_TCP_ACK, 100);
    pb_zeros(b, payload);
    pb_ip_end(b);
}

START_TEST(ethernet_ipv4_tcp_with_options)
{
    reset();
    struct pb b;
    pb_init(&b);
    pb_ether(&b, 1, 2, 0x0800);
    pb_ipv4(&b, "192.0.2.1", "198.51.100.1", 6, 61);
    pb_tcp_syn(&b, 40000, 80, 1000, 0, FC_TCP_SYN, 64240, 1460, 7);
    pb_ip_end(&b);
    struct fc_packet p = pb_packet(&b, 0, 1);
    ck_assert_int_eq(fc_decode_packet(&cnt, &p), FC_VERDICT_IP);
    assert_ip(&p, AF_INET, "192.0.2.1", "198.51.100.1");
    ck_assert_uint_eq(p.ip.version, 4);
    ck_assert_uint_eq(p.ip.ttl, 61);
    ck_assert_uint_eq(p.ip.total_len, 20 + 32);
    ck_assert(p.l2.has_src_mac && p.l2.src_mac[5] == 1 && p.l2.dst_mac[5] == 2);
    ck_assert(p.l4.has_ports && p.l4.has_tcp_header);
    ck_assert_uint_eq(p.l4.sport, 40000);
    ck_assert_uint_eq(p.l4.dport, 80);
    ck_assert_uint_eq(p.l4.tcp_flags, FC_TCP_SYN);
    ck_assert_uint_eq(p.l4.window, 64240);
    ck_assert(p.l4.has_mss && p.l4.mss == 1460);
    ck_assert(p.l4.has_wscale && p.l4.wscale == 7);
    ck_assert(p.l4.sack_ok);
    ck_assert_uint_eq(p.l4.payload_len, 0);
}
END_TEST

START_TEST(stacked_vlan_tags)
{
    reset();
    struct pb b;
    pb_init(&b);
    pb_ether(&b, 1, 2, 0x88a8);
    pb_vlan(&b, 100, 0x8100);
    pb_vlan(&b, 200, 0x8100);
    pb_vlan(&b, 300, 0x0800);
    pb_ipv4(&b, "192.0.2.1", "198.51.100.1", 17, 64);
    pb_udp(&b, 1000, 53, 10);
    pb_ip_end(&b);
    struct fc_packet p = pb_packet(&b, 0, 1);
    ck_assert_int_eq(fc_decode_packet(&cnt, &p), FC_VERDICT_IP);
    ck_assert_uint_eq(p.l2.vlan_tags, 3);
    ck_assert_uint_eq(p.l2.vlan[0], 100);
    ck_assert_uint_eq(p.l2.vlan[1], 200);
    ck_assert_uint_eq(cnt.v[FC_CNT_VLAN_BEYOND_KEY], 1);
    ck_assert_uint_eq(p.l4.dport, 53);
    ck_assert_uint_eq(p.l4.payload_len, 10);
}
END_TEST

START_TEST(mpls_stack_then_ipv4)
{
    reset();
    struct pb b;
    pb_init(&b);
    pb_ether(&b, 1, 2, 0x8847);
    pb_be32(&b, 16u << 12 | 64);          /* label 16, not bottom */
    pb_be32(&b, 17u << 12 | 0x100 | 64);  /* label 17, bottom of stack */
    pb_ipv4(&b, "10.0.0.1", "10.0.0.2", 17, 64);
    pb_udp(&b, 5000, 5001, 4);
    pb_ip_end(&b);
    struct fc_packet p = pb_packet(&b, 0, 1);
    ck_assert_int_eq(fc_decode_packet(&cnt, &p), FC_VERDICT_IP);
    ck_assert_uint_eq(p.l2.mpls_labels, 2);
    ck_assert_uint_eq(p.l4.sport, 5000);
}
END_TEST

START_TEST(pppoe_session_ipv6)
{
    reset();
    struct pb b;
    pb_init(&b);
    pb_ether(&b, 1, 2, 0x8864);
    pb_u8(&b, 0x11);
    pb_u8(&b, 0);
    pb_be16(&b, 0x1234);
    pb_be16(&b, 2 + 40 + 8);
    pb_be16(&b, 0x0057);
    pb_ipv6(&b, "2001:db8::1", "2001:db8::2", 17, 64);
    pb_udp(&b, 546, 547, 0);
    pb_ip_end(&b);
    struct fc_packet p = pb_packet(&b, 0, 1);
    ck_assert_int_eq(fc_decode_packet(&cnt, &p), FC_VERDICT_IP);
    ck_assert(p.l2.pppoe);
    assert_ip(&p, AF_INET6, "2001:db8::1", "2001:db8::2");
    ck_assert_uint_eq(p.ip.total_len, 48);
    ck_assert_uint_eq(p.l4.dport, 547);
}
END_TEST

START_TEST(arp_is_not_ip)
{
    reset();
    struct pb b;
    pb_init(&b);
    pb_ether(&b, 1, 2, 0x0806);
    pb_zeros(&b, 28);
    struct fc_packet p = pb_packet(&b, 0, 1);
    ck_assert_int_eq(fc_decode_packet(&cnt, &p), FC_VERDICT_NOT_IP);
    ck_assert_uint_eq(cnt.v[FC_CNT_ETH_OTHER_TYPE], 1);
    ck_assert_uint_eq(cnt.ethertypes.used, 1);
    ck_assert_uint_eq(cnt.ethertypes.key[0], 0x0806);
}
END_TEST

START_TEST(padding_does_not_count_as_ip_bytes)
{
    reset();
    struct pb b;
    small_tcp_frame(&b, 0);
    pb_zeros(&b, 6); /* Ethernet minimum-size padding */
    struct fc_packet p = pb_packet(&b, 0, 1);
    ck_assert_int_eq(fc_decode_packet(&cnt, &p), FC_VERDICT_IP);
    ck_assert_uint_eq(p.ip.total_len, 40);
    ck_assert_uint_eq(p.wirelen, 60);
    ck_assert_uint_eq(p.l4.payload_len, 0);
}
END_TEST

START_TEST(zero_total_length_uses_captured_bytes)
{
    reset();
    struct pb b;
    small_tcp_frame(&b, 100);
    b.buf[14 + 2] = b.buf[14 + 3] = 0; /* IPv4 total length 0 */
    struct fc_packet p = pb_packet(&b, 0, 1);
    ck_assert_int_eq(fc_decode_packet(&cnt, &p), FC_VERDICT_IP);
    ck_assert_uint_eq(p.ip.total_len, 140);
    ck_assert_uint_eq(p.l4.payload_len, 100);
    ck_assert_uint_eq(cnt.v[FC_CNT_IPV4_ZERO_TOTAL_LEN], 1);
}
END_TEST

START_TEST(ipv6_extension_chain_to_first_fragment)
{
    reset();
    struct pb b;
    pb_init(&b);
    pb_ether(&b, 1, 2, 0x86dd);
    pb_ipv6(&b, "2001:db8::1", "2001:db8::2", 0, 64);
    pb_u8(&b, 60); /* hop-by-hop, 8 bytes, next: destination options */
    pb_u8(&b, 0);
    pb_zeros(&b, 6);
    pb_u8(&b, 44); /* destination options, 16 bytes, next: fragment */
    pb_u8(&b, 1);
    pb_zeros(&b, 14);
    pb_u8(&b, 17); /* fragment header: offset 0, more fragments */
    pb_u8(&b, 0);
    pb_be16(&b, 0x0001);
    pb_be32(&b, 0xabcdef01u);
    pb_udp(&b, 53, 5353, 100);
    pb_ip_end(&b);
    struct fc_packet p = pb_packet(&b, 0, 1);
    ck_assert_int_eq(fc_decode_packet(&cnt, &p), FC_VERDICT_IP);
    ck_assert_uint_eq(p.ip.proto, 17);
    ck_assert(p.ip.fragment && p.ip.more_fragments);
    ck_assert_uint_eq(p.ip.frag_offset, 0);
    ck_assert_uint_eq(p.ip.frag_id, 0xabcdef01u);
    ck_assert(p.l4.has_ports && p.l4.sport == 53 && p.l4.dport == 5353);
    ck_assert_uint_eq(p.ip.total_len, 40 + 8 + 16 + 8 + 108);
}
END_TEST

START_TEST(ipv6_later_fragment_has_no_ports)
{
    reset();
    struct pb b;
    pb_init(&b);
    pb_ether(&b, 1, 2, 0x86dd);
    pb_ipv6(&b, "2001:db8::1", "2001:db8::2", 44, 64);
    pb_u8(&b, 17);
    pb_u8(&b, 0);
    pb_be16(&b, 1448);
    pb_be32(&b, 7);
    pb_zeros(&b, 200);
    pb_ip_end(&b);
    struct fc_packet p = pb_packet(&b, 0, 1);
    ck_assert_int_eq(fc_decode_packet(&cnt, &p), FC_VERDICT_IP);
    ck_assert(p.ip.fragment && !p.ip.more_fragments);
    ck_assert_uint_eq(p.ip.frag_offset, 1448);
    ck_assert(!p.l4.has_ports);
    ck_assert_uint_eq(p.l4.payload_len, 200);
}
END_TEST

START_TEST(ipv6_extension_past_the_end_is_malformed)
{
    reset();
    struct pb b;
    pb_init(&b);
    pb_ether(&b, 1, 2, 0x86dd);
    pb_ipv6(&b, "2001:db8::1", "2001:db8::2", 60, 64);
    pb_u8(&b, 6);
    pb_u8(&b, 20); /* claims 168 bytes */
    pb_zeros(&b, 6);
    pb_ip_end(&b);
    struct fc_packet p = pb_packet(&b, 0, 1);
    ck_assert_int_eq(fc_decode_packet(&cnt, &p), FC_VERDICT_MALFORMED);
    ck_assert_uint_eq(cnt.v[FC_CNT_IPV6_EXT_TRUNCATED], 1);
}
END_TEST

START_TEST(ipv6_header_before_no_next_header_is_the_protocol)
{
    reset();
    struct pb b;
    pb_init(&b);
    pb_ether(&b, 1, 2, 0x86dd);
    pb_ipv6(&b, "2001:db8::1", "2001:db8::2", 135, 64);
    pb_u8(&b, 59); /* mobility header: binding update, nothing after it */
    pb_u8(&b, 1);
    pb_u8(&b, 5);
    pb_zeros(&b, 13);
    pb_ip_end(&b);
    struct fc_packet p = pb_packet(&b, 0, 1);
    ck_assert_int_eq(fc_decode_packet(&cnt, &p), FC_VERDICT_IP);
    ck_assert_uint_eq(p.ip.proto, 135);
    ck_assert(!p.l4.has_ports);
}
END_TEST

START_TEST(bad_ipv4_headers_are_malformed)
{
    reset();
    struct pb b;
    small_tcp_frame(&b, 0);
    b.buf[14] = 0x43; /* IHL 3 */
    struct fc_packet p = pb_packet(&b, 0, 1);
    ck_assert_int_eq(fc_decode_packet(&cnt, &p), FC_VERDICT_MALFORMED);
    ck_assert_uint_eq(cnt.v[FC_CNT_IPV4_BAD_HLEN], 1);
    b.buf[14] = 0x55; /* version 5 */
    ck_assert_int_eq(fc_decode_packet(&cnt, &p), FC_VERDICT_MALFORMED);
    ck_assert_uint_eq(cnt.v[FC_CNT_IPV4_BAD_VERSION], 1);
    p.caplen = 14 + 12; /* cut inside the IP header */
    b.buf[14] = 0x45;
    ck_assert_int_eq(fc_decode_packet(&cnt, &p), FC_VERDICT_MALFORMED);
    ck_assert_uint_eq(cnt.v[FC_CNT_IPV4_TOO_SHORT], 1);
}
END_TEST

START_TEST(snaplen_cut_tcp_keeps_ports)
{
    reset();
    struct pb b;
    pb_init(&b);
    pb_ether(&b, 1, 2, 0x0800);
    pb_ipv4(&b, "192.0.2.1", "198.51.100.1", 6, 64);
    pb_tcp(&b, 40000, 443, 5, 6, FC_TCP_ACK | FC_TCP_PSH, 100);
    pb_zeros(&b, 500);
    pb_ip_end(&b);
    struct fc_packet p = pb_packet(&b, 0, 1);
    p.caplen = 14 + 20 + 8; /* ports and sequence number only */
    ck_assert_int_eq(fc_decode_packet(&cnt, &p), FC_VERDICT_IP);
    ck_assert(p.l4.has_ports && !p.l4.has_tcp_header);
    ck_assert_uint_eq(p.l4.dport, 443);
    ck_assert_uint_eq(p.ip.total_len, 540);
    ck_assert_uint_eq(cnt.v[FC_CNT_TCP_HDR_TRUNCATED], 1);
    ck_assert_uint_eq(cnt.v[FC_CNT_PKT_SNAP_TRUNCATED], 1);
    p.caplen = 14 + 20 + 2; /* not even both ports */
    ck_assert_int_eq(fc_decode_packet(&cnt, &p), FC_VERDICT_IP);
    ck_assert(!p.l4.has_ports);
    ck_assert_uint_eq(cnt.v[FC_CNT_TCP_TOO_SHORT], 1);
}
END_TEST

START_TEST(bad_tcp_data_offset_is_counted)
{
    reset();
    struct pb b;
    small_tcp_frame(&b, 0);
    b.buf[14 + 20 + 12] = 3 << 4;
    struct fc_packet p = pb_packet(&b, 0, 1);
    ck_assert_int_eq(fc_decode_packet(&cnt, &p), FC_VERDICT_IP);
    ck_assert(p.l4.has_ports && !p.l4.has_tcp_header);
    ck_assert_uint_eq(cnt.v[FC_CNT_TCP_BAD_DOFF], 1);
}
END_TEST

START_TEST(link_types_without_ethernet)
{
    reset();
    struct pb ip;
    pb_init(&ip);
    pb_ipv4(&ip, "192.0.2.1", "198.51.100.1", 17, 64);
    pb_udp(&ip, 1, 2, 0);
    pb_ip_end(&ip);
    /* NULL with AF_INET little-endian, LOOP big-endian, SLL2, RAW 101/12/14, IPV4. */
    const struct {
        uint32_t linktype;
        uint8_t header[20];
        size_t len;
    } cases[] = {
        { 0, { 2, 0, 0, 0 }, 4 },
        { 0, { 0, 0, 0, 2 }, 4 },
        { 108, { 0, 0, 0, 2 }, 4 },
        { 276, { 0x08, 0x00, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 2, 0, 0, 0, 0, 9, 0, 0 }, 20 },
        { 113, { 0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 9, 0, 0, 0x08, 0x00 }, 16 },
        { 101, { 0 }, 0 },
        { 12, { 0 }, 0 },
        { 14, { 0 }, 0 },
        { 228, { 0 }, 0 },
        { 9, { 0xff, 0x03, 0x00, 0x21 }, 4 },
        { 9, { 0x21 }, 1 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct pb b;
        pb_init(&b);
        memcpy(b.buf, cases[i].header, cases[i].len);
        memcpy(b.buf + cases[i].len, ip.buf, ip.len);
        b.len = cases[i].len + ip.len;
        struct fc_packet p = pb_packet(&b, 0, cases[i].linktype);
        ck_assert_msg(fc_decode_packet(&cnt, &p) == FC_VERDICT_IP, "case %zu", i);
        ck_assert_uint_eq(p.l4.dport, 2);
        if (cases[i].linktype == 276 || cases[i].linktype == 113)
            ck_assert(p.l2.has_src_mac && p.l2.src_mac[5] == 9 && !p.l2.has_dst_mac);
    }
}
END_TEST

START_TEST(unknown_link_type_is_counted)
{
    reset();
    struct pb b;
    pb_init(&b);
    pb_zeros(&b, 40);
    struct fc_packet p = pb_packet(&b, 0, 147);
    ck_assert_int_eq(fc_decode_packet(&cnt, &p), FC_VERDICT_NOT_IP);
    ck_assert_uint_eq(cnt.v[FC_CNT_LINK_UNKNOWN], 1);
}
END_TEST

/* tcpdump's rule: decode at every capture length. Nothing may read past
 * caplen (the sanitizer build checks) and every prefix gets a verdict. */
START_TEST(every_prefix_of_a_deep_packet_is_safe)
{
    struct pb b;
    pb_init(&b);
    pb_ether(&b, 1, 2, 0x8100);
    pb_vlan(&b, 5, 0x8847);
    pb_be32(&b, 1u << 12 | 0x100 | 64);
    pb_ipv6(&b, "2001:db8::1", "2001:db8::2", 0, 64);
    pb_u8(&b, 51); /* hop-by-hop then AH then TCP */
    pb_u8(&b, 0);
    pb_zeros(&b, 6);
    pb_u8(&b, 6);
    pb_u8(&b, 4); /* AH: (4 + 2) * 4 = 24 bytes */
    pb_zeros(&b, 22);
    pb_tcp_syn(&b, 1, 2, 3, 4, FC_TCP_SYN, 5, 1460, 2);
    pb_ip_end(&b);
    for (size_t n = 0; n <= b.len; n++) {
        reset();
        struct pb copy = b;
        memset(copy.buf + n, 0xee, sizeof copy.buf - n); /* poison past the cut */
        struct fc_packet p = pb_packet(&copy, 0, 1);
        p.caplen = (uint32_t)n;
        enum fc_verdict v = fc_decode_packet(&cnt, &p);
        ck_assert(v == FC_VERDICT_IP || v == FC_VERDICT_NOT_IP || v == FC_VERDICT_MALFORMED);
        if (n == b.len) {
            ck_assert_int_eq(v, FC_VERDICT_IP);
            ck_assert_uint_eq(p.ip.proto, 6);
            ck_assert(p.l4.has_mss && p.l4.mss == 1460);
        }
    }
}
END_TEST

Suite *make_decode_suite(void)
{
    Suite *s = suite_create("decode");
    TCase *tc = tcase_create("layers");
    tcase_add_test(tc, ethernet_ipv4_tcp_with_options);
    tcase_add_test(tc, stacked_vlan_tags);
    tcase_add_test(tc, mpls_stack_then_ipv4);
    tcase_add_test(tc, pppoe_session_ipv6);
    tcase_add_test(tc, arp_is_not_ip);
    tcase_add_test(tc, padding_does_not_count_as_ip_bytes);
    tcase_add_test(tc, zero_total_length_uses_captured_bytes);
    tcase_add_test(tc, ipv6_extension_chain_to_first_fragment);
    tcase_add_test(tc, ipv6_later_fragment_has_no_ports);
    tcase_add_test(tc, ipv6_extension_past_the_end_is_malformed);
    tcase_add_test(tc, ipv6_header_before_no_next_header_is_the_protocol);
    tcase_add_test(tc, bad_ipv4_headers_are_malformed);
    tcase_add_test(tc, snaplen_cut_tcp_keeps_ports);
    tcase_add_test(tc, bad_tcp_data_offset_is_counted);
    tcase_add_test(tc, link_types_without_ethernet);
    tcase_add_test(tc, unknown_link_type_is_counted);
    tcase_add_test(tc, every_prefix_of_a_deep_packet_is_safe);
    suite_add_tcase(s, tc);
    return s;
}
