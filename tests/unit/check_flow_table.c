/*
 * Flow keying, initiator rules, timeouts, TCP close and metrics, eviction,
 * fragments, and flow ids: packets built byte by byte go through a whole
 * engine, records are collected from its sink.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "core/engine.h"
#include "fc-test.h"
#include "packet-builder.h"

#define MAX_RECORDS 256
#define SEC FC_NS_PER_SEC
#define MS (FC_NS_PER_SEC / 1000)
#define T0 (INT64_C(1704164645) * SEC) /* 2024-01-02T03:04:05Z */

static struct fc_flow_record records[MAX_RECORDS];
static size_t nrecords;
static struct fc_engine engine;
static uint64_t packet_number;

static void collect(void *arg, const struct fc_flow_record *r)
{
    (void)arg;
    ck_assert_uint_lt(nrecords, MAX_RECORDS);
    records[nrecords++] = *r;
}

static void start(uint64_t max_flows, bool vlan_in_key)
{
    struct fc_engine_config cfg = {
        .flows = {
            .max_flows = max_flows,
            .idle_timeout = 300 * SEC,
            .active_timeout = 1800 * SEC,
            .tcp_close_grace = 5 * SEC,
        },
        .vlan_in_key = vlan_in_key,
    };
    nrecords = 0;
    packet_number = 0;
    ck_assert_int_eq(fc_engine_init(&engine, &cfg, collect, NULL), 0);
}

static void finish(void)
{
    fc_engine_finish(&engine);
    fc_engine_destroy(&engine);
}

static void feed(const struct pb *b, fc_time ts)
{
    struct fc_packet p = pb_packet(b, ts, 1);
    p.where.number = ++packet_number;
    fc_engine_packet(&engine, &p);
}

/* A TCP packet between 192.0.2.1:40000 (client) and 198.51.100.1:80. */
static void tcp(bool from_client, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t payload,
                uint16_t window, fc_time ts)
{
    struct pb b;
    pb_init(&b);
    pb_ether(&b, from_client ? 1 : 2, from_client ? 2 : 1, 0x0800);
    if (from_client)
        pb_ipv4(&b, "192.0.2.1", "198.51.100.1", 6, 64);
    else
        pb_ipv4(&b, "198.51.100.1", "192.0.2.1", 6, 57);
    if (flags & FC_TCP_SYN)
        pb_tcp_syn(&b, from_client ? 40000 : 80, from_client ? 80 : 40000, seq, ack, flags,
                   window, from_client ? 1460 : 1400, from_client ? 7 : 8);
    else
        pb_tcp(&b, from_client ? 40000 : 80, from_client ? 80 : 40000, seq, ack, flags,
               window);
    pb_zeros(&b, payload);
    pb_ip_end(&b);
    feed(&b, ts);
}

static void udp(const char *src, uint16_t sport, const char *dst, uint16_t dport, int vlan,
                fc_time ts)
{
    struct pb b;
    pb_init(&b);
    pb_ether(&b, 1, 2, vlan >= 0 ? 0x8100 : 0x0800);
    if (vlan >= 0)
        pb_vlan(&b, (uint16_t)vlan, 0x0800);
    pb_ipv4(&b, src, dst, 17, 64);
    pb_udp(&b, sport, dport, 20);
    pb_ip_end(&b);
    feed(&b, ts);
}

static char *ip_text(const struct fc_flow_record *r, bool src)
{
    static char buf[2][64];
    inet_ntop(r->key.ip_version == 4 ? AF_INET : AF_INET6,
              src ? fc_record_src_addr(r) : fc_record_dst_addr(r), buf[src], sizeof buf[0]);
    return buf[src];
}

/* The whole life of a connection: handshake, data, FIN close, a trailing
 * ACK within the grace period. */
static void full_connection(void)
{
    const fc_time t = T0;
    tcp(true, FC_TCP_SYN, 1000, 0, 0, 64240, t);
    tcp(false, FC_TCP_SYN | FC_TCP_ACK, 5000, 1001, 0, 65160, t + 10 * MS);
    tcp(true, FC_TCP_ACK, 1001, 5001, 0, 502, t + 12 * MS);
    tcp(true, FC_TCP_ACK | FC_TCP_PSH, 1001, 5001, 100, 502, t + 13 * MS);
    tcp(false, FC_TCP_ACK, 5001, 1101, 1400, 510, t + 30 * MS);
    tcp(false, FC_TCP_ACK | FC_TCP_PSH, 6401, 1101, 1400, 510, t + 31 * MS);
    tcp(true, FC_TCP_ACK | FC_TCP_FIN, 1101, 7801, 0, 502, t + 40 * MS);
    tcp(false, FC_TCP_ACK | FC_TCP_FIN, 7801, 1102, 0, 510, t + 50 * MS);
    tcp(true, FC_TCP_ACK, 1102, 7802, 0, 502, t + 52 * MS);
    tcp(true, FC_TCP_ACK, 1102, 7802, 0, 502, t + 1052 * MS); /* trailing, within grace */
}

START_TEST(tcp_connection_record)
{
    start(1000, true);
    full_connection();
    finish();
    ck_assert_uint_eq(nrecords, 1);
    const struct fc_flow_record *r = &records[0];
    ck_assert_str_eq(ip_text(r, true), "192.0.2.1");
    ck_assert_str_eq(ip_text(r, false), "198.51.100.1");
    ck_assert_uint_eq(fc_record_src_port(r), 40000);
    ck_assert_uint_eq(fc_record_dst_port(r), 80);
    ck_assert_int_eq(r->initiator, FC_INITIATOR_SYN);
    ck_assert_int_eq(r->end_reason, FC_END_FIN);
    ck_assert_uint_eq(r->dir[0].packets, 6);
    ck_assert_uint_eq(r->dir[1].packets, 4);
    ck_assert_uint_eq(r->dir[0].bytes, 52 + 40 + 140 + 40 + 40 + 40);
    ck_assert_uint_eq(r->dir[1].bytes, 52 + 1440 + 1440 + 40);
    ck_assert_uint_eq(r->dir[0].payload_bytes, 100);
    ck_assert_uint_eq(r->dir[1].payload_bytes, 2800);
    ck_assert_uint_eq(r->dir[0].tcp_flags, FC_TCP_SYN | FC_TCP_ACK | FC_TCP_PSH | FC_TCP_FIN);
    ck_assert_uint_eq(r->dir[0].first_tcp_flags, FC_TCP_SYN);
    ck_assert_uint_eq(r->dir[1].first_tcp_flags, FC_TCP_SYN | FC_TCP_ACK);
    ck_assert_uint_eq(r->dir[0].ttl_min, 64);
    ck_assert_uint_eq(r->dir[1].ttl_max, 57);
    ck_assert_uint_eq(r->dir[0].syn_size, 52);
    ck_assert_uint_eq(r->dir[0].mss, 1460);
    ck_assert_uint_eq(r->dir[1].mss, 1400);
    ck_assert_uint_eq(r->dir[0].wscale, 7);
    ck_assert_uint_eq(r->dir[1].wscale, 8);
    ck_assert(r->dir[0].sack_ok && r->dir[1].sack_ok);
    ck_assert_uint_eq(r->dir[0].init_window, 64240);
    ck_assert_uint_eq(r->dir[1].init_window, 65160);
    ck_assert_int_eq(r->rtt_server, 10 * MS);
    ck_assert_int_eq(r->rtt_client, 2 * MS);
    ck_assert_uint_eq(r->dir[0].retransmits + r->dir[1].retransmits, 0);
    ck_assert_int_eq(r->first_ts, T0);
    ck_assert_int_eq(r->last_ts, T0 + 1052 * MS);
    ck_assert_uint_eq(r->first.number, 1);
    ck_assert_uint_eq(r->last.number, 10);
    ck_assert(r->dir[0].has_sender_mac && r->dir[0].sender_mac[5] == 1);
    ck_assert_uint_eq(strlen(r->flow_id), FC_FLOW_ID_HEX);
    ck_assert_uint_eq(strlen(r->community_id), FC_COMMUNITY_ID_LEN);
}
END_TEST

START_TEST(packets_after_the_grace_start_a_new_flow)
{
    start(1000, true);
    full_connection();
    tcp(true, FC_TCP_ACK, 1102, 7802, 0, 502, T0 + 10 * SEC); /* 10 s after the close */
    finish();
    ck_assert_uint_eq(nrecords, 2);
    ck_assert_int_eq(records[0].end_reason, FC_END_FIN);
    ck_assert_uint_eq(records[0].dir[0].packets + records[0].dir[1].packets, 10);
    ck_assert_int_eq(records[1].initiator, FC_INITIATOR_FIRST_PACKET);
    ck_assert_int_eq(records[1].end_reason, FC_END_EOF);
}
END_TEST

START_TEST(port_reuse_after_close_is_a_new_flow)
{
    start(1000, true);
    full_connection();
    tcp(true, FC_TCP_SYN, 90000, 0, 0, 64240, T0 + 2 * SEC); /* new ISN within the grace */
    finish();
    ck_assert_uint_eq(nrecords, 2);
    ck_assert_int_eq(records[0].end_reason, FC_END_FIN);
    ck_assert_int_eq(records[1].initiator, FC_INITIATOR_SYN);
    ck_assert_uint_eq(records[1].dir[0].packets, 1);
}
END_TEST

START_TEST(missing_syn_makes_synack_receiver_the_initiator)
{
    start(1000, true);
    tcp(false, FC_TCP_SYN | FC_TCP_ACK, 5000, 1001, 0, 65160, T0);
    tcp(true, FC_TCP_ACK, 1001, 5001, 0, 502, T0 + 2 * MS);
    finish();
    ck_assert_uint_eq(nrecords, 1);
    ck_assert_int_eq(records[0].initiator, FC_INITIATOR_SYNACK);
    ck_assert_str_eq(ip_text(&records[0], true), "192.0.2.1");
    ck_assert_uint_eq(fc_record_src_port(&records[0]), 40000);
    ck_assert_int_eq(records[0].rtt_client, 2 * MS);
    ck_assert_int_eq(records[0].rtt_server, FC_TIME_UNKNOWN);
}
END_TEST

START_TEST(mid_stream_start_uses_the_first_packet)
{
    start(1000, true);
    tcp(false, FC_TCP_ACK | FC_TCP_PSH, 5000, 1001, 10, 100, T0);
    tcp(true, FC_TCP_ACK, 1001, 5010, 0, 100, T0 + MS);
    finish();
    ck_assert_int_eq(records[0].initiator, FC_INITIATOR_FIRST_PACKET);
    ck_assert_str_eq(ip_text(&records[0], true), "198.51.100.1");
    ck_assert_uint_eq(fc_record_src_port(&records[0]), 80);
}
END_TEST

START_TEST(reset_ends_the_flow)
{
    start(1000, true);
    tcp(true, FC_TCP_SYN, 1000, 0, 0, 64240, T0);
    tcp(false, FC_TCP_RST | FC_TCP_ACK, 0, 1001, 0, 0, T0 + MS);
    tcp(true, FC_TCP_ACK, 1001, 0, 0, 0, T0 + 20 * SEC); /* after the grace */
    finish();
    ck_assert_uint_eq(nrecords, 2);
    ck_assert_int_eq(records[0].end_reason, FC_END_RST);
    ck_assert_uint_eq(records[0].dir[1].zero_windows, 0); /* RST with window 0 is not one */
}
END_TEST

START_TEST(retransmissions_out_of_order_and_zero_windows)
{
    start(1000, true);
    fc_time t = T0;
    tcp(true, FC_TCP_SYN, 1000, 0, 0, 64240, t);
    tcp(false, FC_TCP_SYN | FC_TCP_ACK, 5000, 1001, 0, 65160, t + MS);
    tcp(true, FC_TCP_ACK, 1001, 5001, 0, 502, t + 2 * MS);
    tcp(true, FC_TCP_ACK, 1001, 5001, 100, 502, t + 10 * MS);  /* seg 1 */
    tcp(true, FC_TCP_ACK, 1001, 5001, 100, 502, t + 300 * MS); /* seg 1 again */
    tcp(true, FC_TCP_ACK, 1201, 5001, 100, 502, t + 400 * MS); /* seg 3 first */
    tcp(true, FC_TCP_ACK, 1101, 5001, 100, 502, t + 401 * MS); /* seg 2, 1 ms later */
    tcp(true, FC_TCP_ACK, 1101, 5001, 100, 502, t + 900 * MS); /* seg 2 again */
    tcp(false, FC_TCP_ACK, 5001, 1301, 0, 0, t + 901 * MS);    /* zero window */
    tcp(false, FC_TCP_ACK, 5001, 1301, 0, 0, t + 950 * MS);    /* zero window */
    finish();
    ck_assert_uint_eq(records[0].dir[0].retransmits, 2);
    ck_assert_uint_eq(records[0].dir[0].out_of_order, 1);
    ck_assert_uint_eq(records[0].dir[1].zero_windows, 2);
    ck_assert_uint_eq(records[0].dir[1].retransmits, 0);
}
END_TEST

START_TEST(idle_timeout_splits_flows)
{
    start(1000, true);
    udp("192.0.2.1", 5000, "198.51.100.1", 53, -1, T0);
    udp("198.51.100.1", 53, "192.0.2.1", 5000, -1, T0 + SEC);
    udp("192.0.2.1", 5000, "198.51.100.1", 53, -1, T0 + 401 * SEC);
    finish();
    ck_assert_uint_eq(nrecords, 2);
    ck_assert_int_eq(records[0].end_reason, FC_END_IDLE);
    ck_assert_uint_eq(records[0].dir[0].packets, 1);
    ck_assert_uint_eq(records[0].dir[1].packets, 1);
    ck_assert_int_eq(records[1].end_reason, FC_END_EOF);
    ck_assert_int_eq(records[1].first_ts, T0 + 401 * SEC);
    ck_assert_str_ne(records[0].flow_id, records[1].flow_id);
    ck_assert_str_eq(records[0].community_id, records[1].community_id);
}
END_TEST

START_TEST(active_timeout_splits_long_flows)
{
    start(1000, true);
    for (int i = 0; i <= 120; i++) /* one packet a minute for two hours */
        udp("192.0.2.1", 123, "198.51.100.1", 123, -1, T0 + i * 60 * SEC);
    finish();
    /* A record ends at the first packet more than 1800 s after its start:
     * packets 0..30 (31), 31..61, 62..92, 93..120 (28). */
    ck_assert_uint_eq(nrecords, 4);
    for (size_t i = 0; i < 3; i++) {
        ck_assert_int_eq(records[i].end_reason, FC_END_ACTIVE);
        ck_assert_uint_eq(records[i].dir[0].packets, 31);
        ck_assert_uint_eq(records[i].seq, i);
        ck_assert_int_eq(records[i].last_ts - records[i].first_ts, 1800 * SEC);
    }
    ck_assert_int_eq(records[3].end_reason, FC_END_EOF);
    ck_assert_uint_eq(records[3].dir[0].packets, 28);
    ck_assert_uint_eq(records[3].seq, 3);
    ck_assert_str_eq(ip_text(&records[3], true), "192.0.2.1");
}
END_TEST

START_TEST(full_table_evicts_the_least_recent)
{
    start(2, true);
    udp("192.0.2.1", 1, "198.51.100.1", 53, -1, T0);
    udp("192.0.2.2", 2, "198.51.100.1", 53, -1, T0 + SEC);
    udp("192.0.2.1", 1, "198.51.100.1", 53, -1, T0 + 2 * SEC); /* touches the first */
    udp("192.0.2.3", 3, "198.51.100.1", 53, -1, T0 + 3 * SEC); /* evicts the second */
    finish();
    ck_assert_uint_eq(nrecords, 3);
    ck_assert_int_eq(records[0].end_reason, FC_END_EVICTED);
    ck_assert_str_eq(ip_text(&records[0], true), "192.0.2.2");
    ck_assert_uint_eq(engine.counters.v[FC_CNT_END_EVICTED], 1);
}
END_TEST

START_TEST(vlans_are_part_of_the_key)
{
    start(1000, true);
    udp("192.0.2.1", 1, "198.51.100.1", 53, 10, T0);
    udp("192.0.2.1", 1, "198.51.100.1", 53, 20, T0 + SEC);
    finish();
    ck_assert_uint_eq(nrecords, 2);
    ck_assert_uint_eq(records[0].key.vlan[0], 10);
    ck_assert_uint_eq(records[1].key.vlan[0], 20);

    start(1000, false);
    udp("192.0.2.1", 1, "198.51.100.1", 53, 10, T0);
    udp("192.0.2.1", 1, "198.51.100.1", 53, 20, T0 + SEC);
    finish();
    ck_assert_uint_eq(nrecords, 1);
    ck_assert_uint_eq(records[0].dir[0].packets, 2);
}
END_TEST

static void icmp_echo(bool request, fc_time ts)
{
    struct pb b;
    pb_init(&b);
    pb_ether(&b, 1, 2, 0x0800);
    pb_ipv4(&b, request ? "192.0.2.1" : "198.51.100.1", request ? "198.51.100.1" : "192.0.2.1",
            1, 64);
    pb_u8(&b, request ? 8 : 0);
    pb_u8(&b, 0);
    pb_zeros(&b, 6 + 56);
    pb_ip_end(&b);
    feed(&b, ts);
}

START_TEST(icmp_echo_request_and_reply_are_one_flow)
{
    start(1000, true);
    icmp_echo(true, T0);
    icmp_echo(false, T0 + MS);
    icmp_echo(true, T0 + SEC);
    icmp_echo(false, T0 + SEC + MS);
    finish();
    ck_assert_uint_eq(nrecords, 1);
    ck_assert_uint_eq(records[0].dir[0].packets, 2);
    ck_assert_uint_eq(records[0].dir[1].packets, 2);
    ck_assert_uint_eq(fc_record_src_port(&records[0]), 8);
    ck_assert_uint_eq(fc_record_dst_port(&records[0]), 0);
    ck_assert_uint_eq(records[0].dir[0].payload_bytes, 2 * 56);
}
END_TEST

static void fragment(uint16_t offset, int more, uint16_t data, fc_time ts)
{
    struct pb b;
    pb_init(&b);
    pb_ether(&b, 1, 2, 0x0800);
    pb_ipv4_frag(&b, "192.0.2.1", "198.51.100.1", 17, 77, offset, more);
    if (offset == 0)
        pb_udp(&b, 5353, 53, (uint16_t)(data - 8));
    else
        pb_zeros(&b, data);
    pb_ip_end(&b);
    feed(&b, ts);
}

START_TEST(fragments_are_reassembled_in_any_order)
{
    start(1000, true);
    fragment(2960, 0, 100, T0);         /* last fragment arrives first */
    fragment(1480, 1, 1480, T0 + MS);   /* middle */
    fragment(0, 1, 1480, T0 + 2 * MS);  /* first, with the ports */
    finish();
    ck_assert_uint_eq(nrecords, 1);
    const struct fc_flow_record *r = &records[0];
    ck_assert_uint_eq(r->dir[0].packets, 3);
    ck_assert_uint_eq(r->dir[0].bytes, 20 + 1480 + 1480 + 100); /* the datagram's IP bytes */
    ck_assert_uint_eq(fc_record_dst_port(r), 53);
    ck_assert_int_eq(r->first_ts, T0);
    ck_assert_uint_eq(r->first.number, 1);
    ck_assert_uint_eq(engine.counters.v[FC_CNT_IPFRAG_REASSEMBLED], 1);
    ck_assert_uint_eq(engine.counters.v[FC_CNT_IPFRAG_TIMEOUT], 0);
}
END_TEST

START_TEST(fragments_without_a_first_become_an_address_flow)
{
    start(1000, true);
    fragment(1480, 0, 100, T0);
    finish();
    ck_assert_uint_eq(nrecords, 1);
    ck_assert(!records[0].key.has_ports);
    ck_assert_uint_eq(records[0].key.proto, 17);
    ck_assert_str_eq(records[0].community_id, "");
    ck_assert_uint_eq(engine.counters.v[FC_CNT_IPFRAG_TIMEOUT], 1);
}
END_TEST

START_TEST(flow_ids_are_reproducible)
{
    char first[FC_FLOW_ID_HEX + 1];
    start(1000, true);
    full_connection();
    finish();
    memcpy(first, records[0].flow_id, sizeof first);
    start(1000, true);
    full_connection();
    finish();
    ck_assert_str_eq(records[0].flow_id, first);
}
END_TEST

START_TEST(end_of_input_order_is_by_start_time)
{
    start(1000, true);
    udp("192.0.2.9", 9, "198.51.100.1", 53, -1, T0);
    udp("192.0.2.1", 1, "198.51.100.1", 53, -1, T0 + SEC);
    udp("192.0.2.9", 9, "198.51.100.1", 53, -1, T0 + 2 * SEC); /* first flow most recent */
    finish();
    ck_assert_uint_eq(nrecords, 2);
    ck_assert_str_eq(ip_text(&records[0], true), "192.0.2.9");
    ck_assert_str_eq(ip_text(&records[1], true), "192.0.2.1");
}
END_TEST

Suite *make_flow_table_suite(void)
{
    Suite *s = suite_create("flow_table");
    TCase *tc = tcase_create("flows");
    tcase_add_test(tc, tcp_connection_record);
    tcase_add_test(tc, packets_after_the_grace_start_a_new_flow);
    tcase_add_test(tc, port_reuse_after_close_is_a_new_flow);
    tcase_add_test(tc, missing_syn_makes_synack_receiver_the_initiator);
    tcase_add_test(tc, mid_stream_start_uses_the_first_packet);
    tcase_add_test(tc, reset_ends_the_flow);
    tcase_add_test(tc, retransmissions_out_of_order_and_zero_windows);
    tcase_add_test(tc, idle_timeout_splits_flows);
    tcase_add_test(tc, active_timeout_splits_long_flows);
    tcase_add_test(tc, full_table_evicts_the_least_recent);
    tcase_add_test(tc, vlans_are_part_of_the_key);
    tcase_add_test(tc, icmp_echo_request_and_reply_are_one_flow);
    tcase_add_test(tc, fragments_are_reassembled_in_any_order);
    tcase_add_test(tc, fragments_without_a_first_become_an_address_flow);
    tcase_add_test(tc, flow_ids_are_reproducible);
    tcase_add_test(tc, end_of_input_order_is_by_start_time);
    suite_add_tcase(s, tc);
    return s;
}
