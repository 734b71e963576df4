/* core/reasm-tcp.c: in-order streams out of segments as captured. */
#include <stdio.h>
#include <string.h>

#include "core/packet.h"
#include "core/reasm-tcp.h"
#include "fc-test.h"

/* What the sink received, per direction: bytes, and "<gap N>" for holes. */
struct got {
    char text[2][65536];
    size_t len[2];
};

static void on_data(void *arg, unsigned dir, const uint8_t *p, size_t len)
{
    struct got *g = arg;
    ck_assert_uint_lt(g->len[dir] + len, sizeof g->text[dir]);
    memcpy(g->text[dir] + g->len[dir], p, len);
    g->len[dir] += len;
}

static void on_gap(void *arg, unsigned dir, uint64_t len)
{
    struct got *g = arg;
    g->len[dir] += (size_t)snprintf(g->text[dir] + g->len[dir], sizeof g->text[dir] - g->len[dir],
                                    "<gap %llu>", (unsigned long long)len);
}

static struct fc_counters cnt;
static struct fc_reasm reasm;
static struct fc_stream stream;
static struct got got;
static const struct fc_stream_sink sink = { on_data, on_gap, &got };

static void setup_caps(uint32_t flow_cap, uint64_t memcap)
{
    memset(&cnt, 0, sizeof cnt);
    memset(&stream, 0, sizeof stream);
    memset(&got, 0, sizeof got);
    struct fc_reasm_config cfg = { flow_cap, memcap };
    fc_reasm_init(&reasm, &cfg, &cnt);
}

static void setup(void)
{
    setup_caps(1u << 20, 1u << 24);
}

static void teardown(void)
{
    fc_stream_release(&reasm, &stream);
    ck_assert_uint_eq(reasm.used, 0); /* every byte charged was refunded */
    fc_reasm_destroy(&reasm);
}

/* A segment of direction 0 at ISN 1000 + off carrying `text`. */
static void seg(uint32_t off, const char *text)
{
    fc_stream_segment(&reasm, &stream, 0, 1000 + off, 0, (const uint8_t *)text,
                      (uint32_t)strlen(text), (uint32_t)strlen(text), &sink);
}

static void syn(void)
{
    fc_stream_segment(&reasm, &stream, 0, 999, FC_TCP_SYN, NULL, 0, 0, &sink);
}

static void expect(const char *want)
{
    got.text[0][got.len[0]] = '\0';
    ck_assert_str_eq(got.text[0], want);
}

START_TEST(in_order_segments_pass_through)
{
    syn();
    seg(0, "GET / HT");
    seg(8, "TP/1.1\r\n");
    expect("GET / HTTP/1.1\r\n");
    ck_assert_uint_eq(cnt.v[FC_CNT_REASM_HELD], 0);
    ck_assert_uint_eq(reasm.used, FC_REASM_RECENT); /* only the ring */
}
END_TEST

START_TEST(out_of_order_segments_are_held_then_delivered)
{
    syn();
    seg(8, "TP/1.1\r\n");
    expect("");
    seg(4, "/ HT");
    expect("");
    seg(0, "GET ");
    expect("GET / HTTP/1.1\r\n");
    ck_assert_uint_eq(cnt.v[FC_CNT_REASM_HELD], 2);
    ck_assert_uint_eq(cnt.v[FC_CNT_REASM_GAPS], 0);
}
END_TEST

START_TEST(request_split_byte_by_byte_in_reverse)
{
    const char *req = "GET /stream_live/x HTTP/1.1\r\nHost: www.rockmax.cz\r\n\r\n";
    uint32_t n = (uint32_t)strlen(req);
    syn();
    for (uint32_t i = n; i-- > 1;) {
        char one[2] = { req[i], 0 };
        seg(i, one);
    }
    expect("");
    seg(0, "G");
    expect(req);
    ck_assert_uint_eq(cnt.v[FC_CNT_REASM_HELD], n - 1);
}
END_TEST

START_TEST(retransmission_with_same_bytes_is_an_overlap)
{
    syn();
    seg(0, "abcdef");
    seg(0, "abcdef");
    seg(3, "defgh");
    expect("abcdefgh");
    ck_assert_uint_eq(cnt.v[FC_CNT_REASM_OVERLAPS], 2);
    ck_assert_uint_eq(cnt.v[FC_CNT_REASM_OVERLAP_DIFFERS], 0);
}
END_TEST

START_TEST(retransmission_with_other_bytes_keeps_the_first)
{
    syn();
    seg(0, "abcdef");
    seg(4, "XYgh"); /* "ef" again, but different */
    expect("abcdefgh");
    ck_assert_uint_eq(cnt.v[FC_CNT_REASM_OVERLAPS], 1);
    ck_assert_uint_eq(cnt.v[FC_CNT_REASM_OVERLAP_DIFFERS], 1);
}
END_TEST

START_TEST(held_bytes_win_over_a_later_copy)
{
    syn();
    seg(4, "EFGH");     /* held first */
    seg(0, "abcdXXXXij"); /* covers the held bytes with other ones */
    expect("abcdEFGHij");
    ck_assert_uint_eq(cnt.v[FC_CNT_REASM_OVERLAP_DIFFERS], 1);
    /* Two out-of-order copies overlapping each other. */
    seg(20, "uvw");
    seg(18, "stUVWxyz");
    seg(10, "klmnopqr");
    expect("abcdEFGHijklmnopqrstuvwxyz");
    ck_assert_uint_eq(cnt.v[FC_CNT_REASM_OVERLAP_DIFFERS], 2);
}
END_TEST

START_TEST(hole_skipped_when_acknowledged)
{
    syn();
    seg(0, "abc");
    seg(10, "xyz");
    expect("abc");
    fc_stream_ack(&reasm, &stream, 0, 1000 + 5, &sink); /* part of the hole */
    expect("abc<gap 2>");
    fc_stream_ack(&reasm, &stream, 0, 1000 + 13, &sink);
    expect("abc<gap 2><gap 5>xyz");
    ck_assert_uint_eq(cnt.v[FC_CNT_REASM_GAPS], 2);
    ck_assert_uint_eq(cnt.v[FC_CNT_REASM_GAP_BYTES], 7);
    /* A later copy of bytes in the hole is old data now. */
    seg(3, "defghij");
    expect("abc<gap 2><gap 5>xyz");
    /* An ACK beyond what was seen: the bytes after xyz were missed too. */
    fc_stream_ack(&reasm, &stream, 0, 1000 + 20, &sink);
    expect("abc<gap 2><gap 5>xyz<gap 7>");
    /* A wild ACK is not believed. */
    fc_stream_ack(&reasm, &stream, 0, 1000 + 20 + (1u << 31) - 1, &sink);
    ck_assert_uint_eq(cnt.v[FC_CNT_REASM_BAD_ACK], 1);
}
END_TEST

START_TEST(holes_skipped_at_the_end)
{
    syn();
    seg(0, "ab");
    seg(5, "fg");
    seg(9, "jk");
    fc_stream_flush(&reasm, &stream, &sink);
    expect("ab<gap 3>fg<gap 2>jk");
}
END_TEST

START_TEST(flow_cap_forces_the_hole)
{
    setup_caps(8, 1u << 24);
    syn();
    seg(0, "ab");
    seg(10, "klmno"); /* held: 5 bytes */
    seg(20, "uvwxy"); /* 10 would exceed 8: skip the holes now */
    expect("ab<gap 8>klmno<gap 5>uvwxy");
    ck_assert_uint_eq(cnt.v[FC_CNT_REASM_FLOW_CAP], 1);
}
END_TEST

START_TEST(memcap_forces_the_hole)
{
    setup_caps(1u << 20, 3); /* no room for a ring nor a held segment */
    syn();
    seg(0, "ab");
    seg(4, "efgh");
    expect("ab<gap 2>efgh");
    ck_assert_uint_eq(cnt.v[FC_CNT_REASM_MEMCAP], 1);
    seg(0, "ZZ"); /* cannot be compared without the ring: an overlap only */
    ck_assert_uint_eq(cnt.v[FC_CNT_REASM_OVERLAPS], 1);
    ck_assert_uint_eq(cnt.v[FC_CNT_REASM_OVERLAP_DIFFERS], 0);
}
END_TEST

START_TEST(sequence_numbers_wrap)
{
    fc_stream_segment(&reasm, &stream, 0, 0xfffffffdu, FC_TCP_SYN, NULL, 0, 0, &sink);
    fc_stream_segment(&reasm, &stream, 0, 0x00000001u, 0, (const uint8_t *)"def", 3, 3, &sink);
    fc_stream_segment(&reasm, &stream, 0, 0xfffffffeu, 0, (const uint8_t *)"abcd", 4, 4, &sink);
    expect("abcdef");
    ck_assert_uint_eq(cnt.v[FC_CNT_REASM_OVERLAPS], 1);
}
END_TEST

START_TEST(snaplen_cut_payload_is_a_gap)
{
    syn();
    fc_stream_segment(&reasm, &stream, 0, 1000, 0, (const uint8_t *)"abc", 3, 10, &sink);
    seg(10, "klm");
    expect("abc<gap 7>klm");
}
END_TEST

START_TEST(nothing_after_the_fin)
{
    syn();
    fc_stream_segment(&reasm, &stream, 0, 1000, FC_TCP_FIN, (const uint8_t *)"bye", 3, 3, &sink);
    seg(3, "junk");
    fc_stream_ack(&reasm, &stream, 0, 1004, &sink); /* acknowledges the FIN */
    expect("bye");
    ck_assert_uint_eq(cnt.v[FC_CNT_REASM_GAPS], 0);
}
END_TEST

START_TEST(picked_up_mid_stream_and_both_directions)
{
    seg(500, "HTTP/1.1 ");
    fc_stream_segment(&reasm, &stream, 1, 77, 0, (const uint8_t *)"GET", 3, 3, &sink);
    seg(509, "200 OK");
    expect("HTTP/1.1 200 OK");
    got.text[1][got.len[1]] = '\0';
    ck_assert_str_eq(got.text[1], "GET");
}
END_TEST

START_TEST(ring_keeps_the_latest_bytes_for_comparison)
{
    syn();
    char block[1001];
    for (uint32_t i = 0; i < 40; i++) { /* 40 kB: far more than the ring holds */
        memset(block, 'a' + (int)(i % 26), 1000);
        block[1000] = 0;
        fc_stream_segment(&reasm, &stream, 0, 1000 + i * 1000, 0, (const uint8_t *)block, 1000,
                          1000, &sink);
    }
    ck_assert_ptr_nonnull(stream.dir[0].recent);
    ck_assert_uint_eq(stream.dir[0].recent_len, FC_REASM_RECENT);
    /* the last segment again, changed: detected */
    memset(block, 'a' + 39 % 26, 1000);
    block[500] = '!';
    fc_stream_segment(&reasm, &stream, 0, 1000 + 39 * 1000, 0, (const uint8_t *)block, 1000, 1000,
                      &sink);
    ck_assert_uint_eq(cnt.v[FC_CNT_REASM_OVERLAP_DIFFERS], 1);
    /* a segment older than the ring holds: cannot be checked */
    fc_stream_segment(&reasm, &stream, 0, 1000, 0, (const uint8_t *)"zzz", 3, 3, &sink);
    ck_assert_uint_eq(cnt.v[FC_CNT_REASM_OVERLAP_DIFFERS], 1);
    /* the last 3500 bytes again, unchanged: they wrap around the ring's end */
    char tail[3500];
    for (uint32_t k = 0; k < sizeof tail; k++)
        tail[k] = (char)('a' + (int)(((40000 - 3500 + k) / 1000) % 26));
    fc_stream_segment(&reasm, &stream, 0, 1000 + 40000 - 3500, 0, (const uint8_t *)tail,
                      sizeof tail, sizeof tail, &sink);
    ck_assert_uint_eq(cnt.v[FC_CNT_REASM_OVERLAP_DIFFERS], 1);
    tail[3400] = '!'; /* and changed near the end: detected across the wrap */
    fc_stream_segment(&reasm, &stream, 0, 1000 + 40000 - 3500, 0, (const uint8_t *)tail,
                      sizeof tail, sizeof tail, &sink);
    ck_assert_uint_eq(cnt.v[FC_CNT_REASM_OVERLAP_DIFFERS], 2);
    ck_assert_uint_eq(got.len[0], 40000);
}
END_TEST

START_TEST(ring_let_go_once_everything_is_acknowledged)
{
    syn();
    seg(0, "abcdef");
    fc_stream_ack(&reasm, &stream, 0, 1004, &sink); /* part acknowledged: kept */
    ck_assert_ptr_nonnull(stream.dir[0].recent);
    seg(4, "XY"); /* unacknowledged bytes resent changed: detected */
    ck_assert_uint_eq(cnt.v[FC_CNT_REASM_OVERLAP_DIFFERS], 1);
    fc_stream_ack(&reasm, &stream, 0, 1006, &sink); /* all acknowledged: let go */
    ck_assert_ptr_null(stream.dir[0].recent);
    ck_assert_uint_eq(reasm.used, 0);
    seg(0, "ZZZZZZ"); /* acknowledged bytes resent: an overlap, unchecked */
    ck_assert_uint_eq(cnt.v[FC_CNT_REASM_OVERLAPS], 2);
    ck_assert_uint_eq(cnt.v[FC_CNT_REASM_OVERLAP_DIFFERS], 1);
    seg(6, "gh"); /* new data takes a ring again */
    ck_assert_ptr_nonnull(stream.dir[0].recent);
    expect("abcdefgh");
}
END_TEST

Suite *make_reasm_suite(void)
{
    Suite *s = suite_create("reasm");
    TCase *tc = tcase_create("tcp");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, in_order_segments_pass_through);
    tcase_add_test(tc, ring_let_go_once_everything_is_acknowledged);
    tcase_add_test(tc, out_of_order_segments_are_held_then_delivered);
    tcase_add_test(tc, request_split_byte_by_byte_in_reverse);
    tcase_add_test(tc, retransmission_with_same_bytes_is_an_overlap);
    tcase_add_test(tc, retransmission_with_other_bytes_keeps_the_first);
    tcase_add_test(tc, held_bytes_win_over_a_later_copy);
    tcase_add_test(tc, hole_skipped_when_acknowledged);
    tcase_add_test(tc, holes_skipped_at_the_end);
    tcase_add_test(tc, flow_cap_forces_the_hole);
    tcase_add_test(tc, memcap_forces_the_hole);
    tcase_add_test(tc, sequence_numbers_wrap);
    tcase_add_test(tc, snaplen_cut_payload_is_a_gap);
    tcase_add_test(tc, nothing_after_the_fin);
    tcase_add_test(tc, picked_up_mid_stream_and_both_directions);
    tcase_add_test(tc, ring_keeps_the_latest_bytes_for_comparison);
    suite_add_tcase(s, tc);
    return s;
}
