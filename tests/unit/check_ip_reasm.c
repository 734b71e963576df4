/*
 * core/ip-reasm.c: fragments crafted here byte by byte (IPv4 with a plain
 * 20-byte header, IPv6 with a hop-by-hop header before the fragment
 * header), decoded by the real decoders, fed in every order, duplicated,
 * overlapping, incomplete, hostile; the rebuilt datagrams are compared
 * byte for byte with the datagram the fragments were cut from (built
 * independently here, its IPv4 checksum verified by summing the header to
 * 0xffff). Then two corpus captures, checked against tshark 4.0.17's
 * reassembly.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/decode.h"
#include "core/ip-reasm.h"
#include "fc-test.h"

#define LINKTYPE_RAW 101
#define PAYLOAD 40 /* datagram payload used by most tests */
#define SEC FC_NS_PER_SEC

static const uint8_t v4_src[4] = { 192, 0, 2, 1 };
static const uint8_t v4_dst[4] = { 198, 51, 100, 2 };
static const uint8_t v6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t v6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

/* The datagram payload: byte i of datagram `seed`. */
static uint8_t pay(unsigned seed, unsigned i)
{
    return (uint8_t)(i * 7u + seed * 13u + 3u);
}

struct raw {
    uint8_t b[2048];
    uint32_t len;
};

static void be16(uint8_t *b, uint32_t v)
{
    b[0] = (uint8_t)(v >> 8);
    b[1] = (uint8_t)v;
}

/* IPv4 fragment: 20-byte header, payload bytes [off, off+len) of datagram
 * `seed` (or `fill` bytes when fill >= 0). */
static struct raw v4frag(uint16_t id, uint8_t proto, unsigned seed, uint32_t off, uint32_t len,
                         int more, int fill)
{
    struct raw r;
    memset(&r, 0, sizeof r);
    r.b[0] = 0x45;
    be16(r.b + 2, 20 + len);
    be16(r.b + 4, id);
    be16(r.b + 6, (more ? 0x2000u : 0) | (off / 8));
    r.b[8] = 64;
    r.b[9] = proto;
    be16(r.b + 10, 0xbeef); /* not checked by the decoder; must be recomputed */
    memcpy(r.b + 12, v4_src, 4);
    memcpy(r.b + 16, v4_dst, 4);
    for (uint32_t i = 0; i < len; i++)
        r.b[20 + i] = fill >= 0 ? (uint8_t)fill : pay(seed, off + i);
    r.len = 20 + len;
    return r;
}

/* IPv6 fragment: header (next header 0), hop-by-hop (next 44, PadN), the
 * fragment header (next 17), payload bytes [off, off+len). */
static struct raw v6frag(uint32_t id, unsigned seed, uint32_t off, uint32_t len, int more,
                         int fill)
{
    struct raw r;
    memset(&r, 0, sizeof r);
    r.b[0] = 0x60;
    be16(r.b + 4, 8 + 8 + len);
    r.b[6] = 0;  /* hop-by-hop */
    r.b[7] = 64;
    memcpy(r.b + 8, v6_src, 16);
    memcpy(r.b + 24, v6_dst, 16);
    r.b[40] = 44; /* fragment */
    r.b[41] = 0;
    r.b[42] = 1;  /* PadN, 4 bytes */
    r.b[43] = 4;
    r.b[48] = 17; /* UDP */
    be16(r.b + 50, off | (more ? 1u : 0));
    r.b[52] = (uint8_t)(id >> 24);
    r.b[53] = (uint8_t)(id >> 16);
    r.b[54] = (uint8_t)(id >> 8);
    r.b[55] = (uint8_t)id;
    for (uint32_t i = 0; i < len; i++)
        r.b[56 + i] = fill >= 0 ? (uint8_t)fill : pay(seed, off + i);
    r.len = 56 + len;
    return r;
}

/* The whole datagrams the fragments above are cut from. */
static uint32_t v4whole(uint8_t *b, uint16_t id, uint8_t proto, unsigned seed, uint32_t len)
{
    struct raw r = v4frag(id, proto, seed, 0, len, 0, -1);
    memcpy(b, r.b, r.len);
    be16(b + 10, 0);
    return r.len;
}

static uint32_t v6whole(uint8_t *b, unsigned seed, uint32_t len)
{
    memset(b, 0, 48);
    b[0] = 0x60;
    be16(b + 4, 8 + len);
    b[6] = 0;
    b[7] = 64;
    memcpy(b + 8, v6_src, 16);
    memcpy(b + 24, v6_dst, 16);
    b[40] = 17; /* the hop-by-hop header now names UDP */
    b[42] = 1;
    b[43] = 4;
    for (uint32_t i = 0; i < len; i++)
        b[48 + i] = pay(seed, i);
    return 48 + len;
}

/* Independent check of an IPv4 header checksum: the one's complement sum
 * of all its 16-bit words, checksum included, is 0xffff. */
static int v4_checksum_ok(const uint8_t *h, unsigned hlen)
{
    unsigned long sum = 0;
    for (unsigned i = 0; i < hlen; i += 2)
        sum += (unsigned long)(h[i] * 256u + h[i + 1]);
    while (sum > 0xffff)
        sum = (sum >> 16) + (sum & 0xffff);
    return sum == 0xffff;
}

static struct fc_counters cnt;

static struct fc_ip_reasm *make(uint64_t bytes, uint32_t datagrams)
{
    memset(&cnt, 0, sizeof cnt);
    struct fc_reasm_limits lim = { bytes, datagrams, 30 * SEC };
    struct fc_ip_reasm *r = fc_ip_reasm_create(&lim, &cnt);
    ck_assert_ptr_nonnull(r);
    return r;
}

/* Decodes raw as LINKTYPE_RAW at ts and feeds it; the fragment's record
 * number is `number`. The raw bytes are overwritten afterwards to check
 * that the reassembler copied them. */
/* Frames of the datagrams evicted to make room (fc_ip_reasm_packet's emit). */
static uint64_t evicted_frames;

static void count_evicted(void *arg, struct fc_packet *p)
{
    (void)arg;
    evicted_frames += p->frames;
}

static enum fc_reasm_result feed(struct fc_ip_reasm *r, struct raw *raw, fc_time ts,
                                 uint64_t number, struct fc_packet **out)
{
    struct fc_packet p;
    memset(&p, 0, sizeof p);
    p.data = raw->b;
    p.caplen = raw->len;
    p.wirelen = raw->len + 14;
    p.ts = ts;
    p.first_ts = ts;
    p.frames = 1;
    p.linktype = LINKTYPE_RAW;
    p.where.number = number;
    struct fc_counters dc;
    memset(&dc, 0, sizeof dc);
    enum fc_verdict v = raw->b[0] >> 4 == 6 ? fc_decode_ipv6(&dc, &p, 0, 0)
                                            : fc_decode_ipv4(&dc, &p, 0, 0);
    ck_assert_int_eq(v, FC_VERDICT_IP);
    ck_assert_msg(p.ip.fragment, "not a fragment: %u bytes", raw->len);
    enum fc_reasm_result res = fc_ip_reasm_packet(r, &p, out, count_evicted, NULL);
    memset(raw->b, 0xee, sizeof raw->b);
    return res;
}

static void expect_v4(const struct fc_packet *out, uint16_t id, unsigned seed, uint32_t len)
{
    uint8_t want[2048];
    uint32_t n = v4whole(want, id, 17, seed, len);
    ck_assert_uint_eq(out->caplen, n);
    ck_assert(v4_checksum_ok(out->data, 20));
    /* Everything but the checksum as built; the checksum checked above. */
    ck_assert_mem_eq(out->data, want, 10);
    ck_assert_mem_eq(out->data + 12, want + 12, n - 12);
    ck_assert_uint_eq(out->ip.version, 0); /* views left zeroed */
}

static void expect_v6(const struct fc_packet *out, unsigned seed, uint32_t len)
{
    uint8_t want[2048];
    uint32_t n = v6whole(want, seed, len);
    ck_assert_uint_eq(out->caplen, n);
    ck_assert_mem_eq(out->data, want, n);
}

/* Cuts datagram `seed` of PAYLOAD bytes into [0,16) [16,32) [32,40). */
static struct raw cut(int v6, unsigned i, uint32_t id)
{
    static const uint32_t off[3] = { 0, 16, 32 }, len[3] = { 16, 16, 8 };
    return v6 ? v6frag(id, 1, off[i], len[i], i < 2, -1)
              : v4frag((uint16_t)id, 17, 1, off[i], len[i], i < 2, -1);
}

static const unsigned orders[6][3] = {
    { 0, 1, 2 }, { 2, 1, 0 }, { 1, 0, 2 }, { 1, 2, 0 }, { 0, 2, 1 }, { 2, 0, 1 },
};

static void every_order(int v6)
{
    for (unsigned o = 0; o < 6; o++) {
        struct fc_ip_reasm *r = make(0, 0);
        struct fc_packet *out = NULL;
        for (unsigned k = 0; k < 3; k++) {
            unsigned i = orders[o][k];
            struct raw f = cut(v6, i, 7);
            enum fc_reasm_result res = feed(r, &f, (fc_time)(10 + k) * SEC, 100 + i, &out);
            ck_assert_int_eq(res, k < 2 ? FC_REASM_HELD : FC_REASM_COMPLETE);
        }
        if (v6)
            expect_v6(out, 1, PAYLOAD);
        else
            expect_v4(out, 7, 1, PAYLOAD);
        ck_assert_uint_eq(out->frames, 3);
        ck_assert_int_eq(out->first_ts, 10 * SEC);
        ck_assert_int_eq(out->ts, 12 * SEC);
        ck_assert_uint_eq(out->where.number, 100 + orders[o][2]); /* the completing one */
        ck_assert_uint_eq(out->first_where.number, 100 + orders[o][0]); /* the earliest */
        ck_assert_uint_eq(out->linktype, LINKTYPE_RAW);
        uint32_t hdr = v6 ? 56 : 20;
        ck_assert_uint_eq(out->wirelen, 3 * (hdr + 14) + PAYLOAD);
        ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_SEEN], 3);
        ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_REASSEMBLED], 1);
        fc_ip_reasm_release(r, out);
        fc_ip_reasm_destroy(r);
    }
}

START_TEST(v4_every_order)
{
    every_order(0);
}
END_TEST

START_TEST(v6_every_order_rewrites_next_header)
{
    every_order(1);
}
END_TEST

/* The rebuilt datagram decodes as a whole UDP datagram. */
START_TEST(rebuilt_decodes_as_unfragmented)
{
    for (int v6 = 0; v6 < 2; v6++) {
        struct fc_ip_reasm *r = make(0, 0);
        struct fc_packet *out = NULL;
        for (unsigned i = 0; i < 3; i++) {
            struct raw f = cut(v6, i, 9);
            feed(r, &f, SEC, i + 1, &out);
        }
        ck_assert_ptr_nonnull(out);
        struct fc_counters dc;
        memset(&dc, 0, sizeof dc);
        ck_assert_int_eq(v6 ? fc_decode_ipv6(&dc, out, 0, 0) : fc_decode_ipv4(&dc, out, 0, 0),
                         FC_VERDICT_IP);
        ck_assert(!out->ip.fragment);
        ck_assert_uint_eq(out->ip.proto, 17);
        ck_assert_uint_eq(out->ip.l4_len, PAYLOAD);
        fc_ip_reasm_release(r, out);
        fc_ip_reasm_destroy(r);
    }
}
END_TEST

START_TEST(duplicates_count_as_frames)
{
    for (int v6 = 0; v6 < 2; v6++) {
        struct fc_ip_reasm *r = make(0, 0);
        struct fc_packet *out = NULL;
        struct raw f = cut(v6, 1, 7);
        ck_assert_int_eq(feed(r, &f, SEC, 1, &out), FC_REASM_HELD);
        f = cut(v6, 1, 7);
        ck_assert_int_eq(feed(r, &f, SEC, 2, &out), FC_REASM_HELD);
        f = cut(v6, 0, 7);
        ck_assert_int_eq(feed(r, &f, SEC, 3, &out), FC_REASM_HELD);
        f = cut(v6, 2, 7);
        ck_assert_int_eq(feed(r, &f, 2 * SEC, 4, &out), FC_REASM_COMPLETE);
        if (v6)
            expect_v6(out, 1, PAYLOAD);
        else
            expect_v4(out, 7, 1, PAYLOAD);
        ck_assert_uint_eq(out->frames, 4);
        ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_DUPLICATE], 1);
        ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_OVERLAP_CONFLICT], 0);
        ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_V6_OVERLAP_DROP], 0);
        fc_ip_reasm_release(r, out);
        fc_ip_reasm_destroy(r);
    }
}
END_TEST

/* IPv4 overlaps: [0,24) then [16,40) whose [16,24) differs: first wins. */
START_TEST(v4_overlap_first_wins)
{
    for (int conflict = 0; conflict < 2; conflict++) {
        for (int reversed = 0; reversed < 2; reversed++) {
            struct fc_ip_reasm *r = make(0, 0);
            struct fc_packet *out = NULL;
            struct raw a = v4frag(7, 17, 1, 0, 24, 1, -1);
            struct raw b = v4frag(7, 17, 1, 16, 24, 0, -1);
            uint8_t held_first[8];
            if (conflict)
                memset(b.b + 20, 0x55, 8); /* b's copy of [16,24) */
            memcpy(held_first, reversed ? b.b + 20 : a.b + 20 + 16, 8);
            ck_assert_int_eq(feed(r, reversed ? &b : &a, SEC, 1, &out), FC_REASM_HELD);
            ck_assert_int_eq(feed(r, reversed ? &a : &b, SEC, 2, &out), FC_REASM_COMPLETE);
            uint8_t want[128];
            uint32_t n = v4whole(want, 7, 17, 1, PAYLOAD);
            memcpy(want + 20 + 16, held_first, 8);
            ck_assert_uint_eq(out->caplen, n);
            ck_assert_mem_eq(out->data + 20, want + 20, PAYLOAD);
            ck_assert(v4_checksum_ok(out->data, 20));
            ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_DUPLICATE], conflict ? 0 : 1);
            ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_OVERLAP_CONFLICT], conflict ? 1 : 0);
            fc_ip_reasm_release(r, out);
            fc_ip_reasm_destroy(r);
        }
    }
}
END_TEST

struct emitted {
    unsigned n;
    uint32_t frames[8];
    uint32_t caplen[8];
    uint32_t wirelen[8];
    uint64_t number[8];
    fc_time first_ts[8];
    fc_time ts[8];
    uint8_t data[8][256];
};

static void collect(void *arg, struct fc_packet *p)
{
    struct emitted *e = arg;
    ck_assert_uint_lt(e->n, 8);
    e->frames[e->n] = p->frames;
    e->caplen[e->n] = p->caplen;
    e->wirelen[e->n] = p->wirelen;
    e->number[e->n] = p->where.number;
    e->first_ts[e->n] = p->first_ts;
    e->ts[e->n] = p->ts;
    memcpy(e->data[e->n], p->data, p->caplen < 256 ? p->caplen : 256);
    e->n++;
}

/* IPv6 overlap (RFC 5722): the datagram is abandoned, the overlapping
 * fragment passed, the held ones given up at the next expire. */
START_TEST(v6_overlap_drops_datagram)
{
    struct fc_ip_reasm *r = make(0, 0);
    struct fc_packet *out = NULL;
    struct raw f = v6frag(7, 1, 16, 16, 1, -1);
    struct raw keep = f;
    ck_assert_int_eq(feed(r, &f, 2 * SEC, 1, &out), FC_REASM_HELD);
    f = v6frag(7, 1, 8, 16, 1, -1); /* same bytes, but overlapping: still dropped */
    ck_assert_int_eq(feed(r, &f, 3 * SEC, 2, &out), FC_REASM_PASS);
    ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_V6_OVERLAP_DROP], 1);
    ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_DUPLICATE], 1);
    struct emitted e = { 0 };
    fc_ip_reasm_expire(r, 3 * SEC, collect, &e);
    ck_assert_uint_eq(e.n, 1);
    ck_assert_uint_eq(e.frames[0], 1);
    ck_assert_uint_eq(e.number[0], 1);
    ck_assert_uint_eq(e.caplen[0], keep.len);
    ck_assert_mem_eq(e.data[0], keep.b, keep.len);
    ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_TIMEOUT], 0);
    /* A later fragment of it starts a new datagram. */
    f = v6frag(7, 1, 0, 16, 1, -1);
    ck_assert_int_eq(feed(r, &f, 4 * SEC, 3, &out), FC_REASM_HELD);
    /* Conflicting exact-range copy: dropped as well. */
    f = v6frag(7, 1, 0, 16, 1, 0x11);
    ck_assert_int_eq(feed(r, &f, 4 * SEC, 4, &out), FC_REASM_PASS);
    ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_OVERLAP_CONFLICT], 1);
    ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_V6_OVERLAP_DROP], 2);
    memset(&e, 0, sizeof e);
    fc_ip_reasm_flush(r, collect, &e);
    ck_assert_uint_eq(e.n, 1);
    ck_assert_uint_eq(e.number[0], 3);
    fc_ip_reasm_destroy(r);
}
END_TEST

/* Two of three fragments: nothing before the timeout, then one packet
 * standing for both, as the lowest-offset fragment's bytes. */
START_TEST(incomplete_given_up)
{
    for (int v6 = 0; v6 < 2; v6++) {
        for (int by_flush = 0; by_flush < 2; by_flush++) {
            struct fc_ip_reasm *r = make(0, 0);
            struct fc_packet *out = NULL;
            struct raw f2 = cut(v6, 2, 7);
            struct raw f1 = cut(v6, 1, 7);
            struct raw low = f1;
            ck_assert_int_eq(feed(r, &f2, 100 * SEC, 5, &out), FC_REASM_HELD);
            ck_assert_int_eq(feed(r, &f1, 101 * SEC, 6, &out), FC_REASM_HELD);
            /* An unrelated datagram that arrives later. */
            struct raw g = v4frag(8, 17, 2, 0, 16, 1, -1);
            ck_assert_int_eq(feed(r, &g, 120 * SEC, 7, &out), FC_REASM_HELD);
            struct emitted e = { 0 };
            fc_ip_reasm_expire(r, 129 * SEC, collect, &e);
            ck_assert_uint_eq(e.n, 0);
            if (by_flush)
                fc_ip_reasm_flush(r, collect, &e);
            else
                fc_ip_reasm_expire(r, 130 * SEC, collect, &e);
            ck_assert_uint_eq(e.n, by_flush ? 2 : 1);
            ck_assert_uint_eq(e.frames[0], 2);
            ck_assert_uint_eq(e.number[0], 6);
            ck_assert_int_eq(e.first_ts[0], 100 * SEC);
            ck_assert_int_eq(e.ts[0], 101 * SEC);
            ck_assert_uint_eq(e.wirelen[0], f1.len + f2.len + 28);
            ck_assert_uint_eq(e.caplen[0], low.len);
            ck_assert_mem_eq(e.data[0], low.b, low.len);
            if (by_flush)
                ck_assert_uint_eq(e.number[1], 7);
            ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_TIMEOUT], by_flush ? 2 : 1);
            ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_TIMEOUT_FRAMES], by_flush ? 3 : 2);
            fc_ip_reasm_destroy(r);
        }
    }
}
END_TEST

START_TEST(tiny_first_fragment_counted)
{
    struct fc_ip_reasm *r = make(0, 0);
    struct fc_packet *out = NULL;
    /* TCP with 8 bytes in the first fragment: the flags are in the next. */
    struct raw f = v4frag(7, 6, 1, 0, 8, 1, -1);
    ck_assert_int_eq(feed(r, &f, SEC, 1, &out), FC_REASM_HELD);
    ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_TINY_FIRST], 1);
    f = v4frag(7, 6, 1, 8, 32, 0, -1);
    ck_assert_int_eq(feed(r, &f, SEC, 2, &out), FC_REASM_COMPLETE);
    fc_ip_reasm_release(r, out);
    ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_TINY_FIRST], 1);
    /* UDP with 8 bytes: not tiny. */
    f = v4frag(8, 17, 1, 0, 8, 1, -1);
    ck_assert_int_eq(feed(r, &f, SEC, 3, &out), FC_REASM_HELD);
    ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_TINY_FIRST], 1);
    /* RFC 3128: offset 8 rewriting a longer first fragment; first wins. */
    f = v4frag(9, 6, 1, 0, 24, 1, -1);
    ck_assert_int_eq(feed(r, &f, SEC, 4, &out), FC_REASM_HELD);
    f = v4frag(9, 6, 1, 8, 32, 0, 0x02);
    ck_assert_int_eq(feed(r, &f, SEC, 5, &out), FC_REASM_COMPLETE);
    ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_TINY_FIRST], 2);
    ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_OVERLAP_CONFLICT], 1);
    uint8_t want[128];
    v4whole(want, 9, 6, 1, 24);
    ck_assert_uint_eq(out->caplen, 60);
    ck_assert_mem_eq(out->data + 20, want + 20, 24);
    ck_assert_uint_eq(out->data[20 + 24], 0x02);
    fc_ip_reasm_release(r, out);
    fc_ip_reasm_destroy(r);
}
END_TEST

START_TEST(limits_evict_the_oldest)
{
    /* 650 bytes: two datagrams (a 256-byte buffer, a piece, a frame's
     * place: 304 bytes each) fit; the third, even with a buffer of just
     * its size (84 bytes), does not, and evicts the oldest. */
    struct fc_ip_reasm *r = make(650, 0);
    struct fc_packet *out = NULL;
    struct raw f;
    evicted_frames = 0;
    for (uint16_t id = 1; id <= 3; id++) {
        f = v4frag(id, 17, 1, 0, 16, 1, -1);
        ck_assert_int_eq(feed(r, &f, SEC, id, &out), FC_REASM_HELD);
    }
    ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_EVICTED], 1);
    ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_EVICTED_FRAMES], 1);
    ck_assert_uint_eq(evicted_frames, 1);
    ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_MEMCAP], 0);
    ck_assert_uint_gt(cnt.v[FC_CNT_IPFRAG_PEAK_BYTES], 0);
    ck_assert_uint_le(cnt.v[FC_CNT_IPFRAG_PEAK_BYTES], 650);
    /* The newest completes. */
    f = v4frag(3, 17, 1, 16, 24, 0, -1);
    ck_assert_int_eq(feed(r, &f, SEC, 4, &out), FC_REASM_COMPLETE);
    expect_v4(out, 3, 1, PAYLOAD);
    fc_ip_reasm_release(r, out);
    fc_ip_reasm_destroy(r);

    /* A datagram alone larger than the limit is passed: nothing to evict. */
    r = make(30, 0);
    f = v4frag(1, 17, 1, 0, 16, 1, -1);
    ck_assert_int_eq(feed(r, &f, SEC, 1, &out), FC_REASM_PASS);
    ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_MEMCAP], 1);
    fc_ip_reasm_destroy(r);

    /* The datagram limit evicts the same way. */
    r = make(0, 2);
    for (uint16_t id = 1; id <= 3; id++) {
        struct raw g = v6frag(id, 1, 0, 16, 1, -1);
        ck_assert_int_eq(feed(r, &g, SEC, id, &out), FC_REASM_HELD);
    }
    ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_EVICTED], 1);
    fc_ip_reasm_destroy(r);
}
END_TEST

/* fr with 40 bytes of NOP options inserted (IHL 15). */
static struct raw with_options(struct raw fr)
{
    struct raw o = fr;
    o.b[0] = 0x4f;
    be16(o.b + 2, fr.len + 40);
    memset(o.b + 20, 0x01, 40);
    memcpy(o.b + 60, fr.b + 20, fr.len - 20);
    o.len = fr.len + 40;
    return o;
}

START_TEST(too_big_passed)
{
    struct fc_ip_reasm *r = make(0, 0);
    struct fc_packet *out = NULL;
    struct raw f = v4frag(7, 17, 1, 65000, 536, 0, -1); /* payload ends at 65536 */
    ck_assert_int_eq(feed(r, &f, SEC, 1, &out), FC_REASM_PASS);
    f = v4frag(7, 17, 1, 65000, 516, 0, -1); /* 65516 + its 20-byte header */
    ck_assert_int_eq(feed(r, &f, SEC, 2, &out), FC_REASM_PASS);
    ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_TOO_BIG], 2);
    f = v4frag(7, 17, 1, 65000, 512, 0, -1); /* 65512 + 20: fits */
    ck_assert_int_eq(feed(r, &f, SEC, 3, &out), FC_REASM_HELD);
    /* but a first fragment with a 60-byte header would make 65572. */
    f = with_options(v4frag(7, 17, 1, 0, 16, 1, -1));
    ck_assert_int_eq(feed(r, &f, SEC, 4, &out), FC_REASM_PASS);
    ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_TOO_BIG], 3);
    /* The other way round: the long first fragment held, then the far one. */
    f = with_options(v4frag(8, 17, 1, 0, 16, 1, -1));
    ck_assert_int_eq(feed(r, &f, SEC, 5, &out), FC_REASM_HELD);
    f = v4frag(8, 17, 1, 65000, 512, 0, -1);
    ck_assert_int_eq(feed(r, &f, SEC, 6, &out), FC_REASM_PASS);
    ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_TOO_BIG], 4);
    struct raw g = v6frag(7, 1, 65528, 8, 0, -1); /* 65536 */
    ck_assert_int_eq(feed(r, &g, SEC, 7, &out), FC_REASM_PASS);
    /* IPv6: the 8 bytes of hop-by-hop count in the payload length too. */
    g = v6frag(8, 1, 65520, 8, 0, -1);
    ck_assert_int_eq(feed(r, &g, SEC, 8, &out), FC_REASM_PASS);
    g = v6frag(8, 1, 65512, 16, 0, -1);
    ck_assert_int_eq(feed(r, &g, SEC, 9, &out), FC_REASM_PASS);
    g = v6frag(8, 1, 65512, 8, 0, -1); /* 65520 + 8 */
    ck_assert_int_eq(feed(r, &g, SEC, 10, &out), FC_REASM_HELD);
    ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_TOO_BIG], 7);
    fc_ip_reasm_destroy(r);
}
END_TEST

START_TEST(bad_lengths_and_inconsistent_ends)
{
    for (int v6 = 0; v6 < 2; v6++) {
        struct fc_ip_reasm *r = make(0, 0);
        struct fc_packet *out = NULL;
        struct raw f = v6 ? v6frag(7, 1, 0, 12, 1, -1) : v4frag(7, 17, 1, 0, 12, 1, -1);
        ck_assert_int_eq(feed(r, &f, SEC, 1, &out), FC_REASM_PASS); /* not 8k */
        f = v6 ? v6frag(7, 1, 16, 0, 0, -1) : v4frag(7, 17, 1, 16, 0, 0, -1);
        ck_assert_int_eq(feed(r, &f, SEC, 2, &out), FC_REASM_PASS); /* empty */
        ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_BAD_LENGTH], 2);
        /* Last fragment ends at 40. */
        f = cut(v6, 2, 7);
        ck_assert_int_eq(feed(r, &f, SEC, 3, &out), FC_REASM_HELD);
        /* Another end. */
        f = v6 ? v6frag(7, 1, 32, 16, 0, -1) : v4frag(7, 17, 1, 32, 16, 0, -1);
        ck_assert_int_eq(feed(r, &f, SEC, 4, &out), FC_REASM_PASS);
        /* Data beyond the end. */
        f = v6 ? v6frag(7, 1, 40, 8, 1, -1) : v4frag(7, 17, 1, 40, 8, 1, -1);
        ck_assert_int_eq(feed(r, &f, SEC, 5, &out), FC_REASM_PASS);
        ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_INCONSISTENT], 2);
        /* An end below data held (new datagram id 8). */
        f = v6 ? v6frag(8, 1, 16, 16, 1, -1) : v4frag(8, 17, 1, 16, 16, 1, -1);
        ck_assert_int_eq(feed(r, &f, SEC, 6, &out), FC_REASM_HELD);
        f = v6 ? v6frag(8, 1, 8, 16, 0, -1) : v4frag(8, 17, 1, 8, 16, 0, -1);
        ck_assert_int_eq(feed(r, &f, SEC, 7, &out), FC_REASM_PASS);
        ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_INCONSISTENT], 3);
        /* The datagram still completes with its real fragments. */
        for (unsigned i = 0; i < 2; i++) {
            f = cut(v6, i, 7);
            ck_assert_int_eq(feed(r, &f, SEC, 8 + i, &out), i ? FC_REASM_COMPLETE
                                                                : FC_REASM_HELD);
        }
        if (v6)
            expect_v6(out, 1, PAYLOAD);
        else
            expect_v4(out, 7, 1, PAYLOAD);
        fc_ip_reasm_release(r, out);
        fc_ip_reasm_destroy(r);
    }
}
END_TEST

/* Every capture length short of the fragment: refused by the decoder or
 * passed as truncated, never held. */
START_TEST(truncated_at_every_length)
{
    for (int v6 = 0; v6 < 2; v6++) {
        struct fc_ip_reasm *r = make(0, 0);
        struct raw whole = cut(v6, 1, 7);
        unsigned truncated = 0;
        for (uint32_t len = 0; len < whole.len; len++) {
            struct fc_packet p;
            memset(&p, 0, sizeof p);
            p.data = whole.b;
            p.caplen = len;
            p.wirelen = whole.len;
            p.frames = 1;
            struct fc_counters dc;
            memset(&dc, 0, sizeof dc);
            enum fc_verdict v = v6 ? fc_decode_ipv6(&dc, &p, 0, 0) : fc_decode_ipv4(&dc, &p, 0, 0);
            if (v != FC_VERDICT_IP || !p.ip.fragment)
                continue;
            struct fc_packet *out = NULL;
            ck_assert_int_eq(fc_ip_reasm_packet(r, &p, &out, count_evicted, NULL), FC_REASM_PASS);
            truncated++;
        }
        ck_assert_uint_gt(truncated, 0);
        ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_TRUNCATED], truncated);
        ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_PEAK_BYTES], 0);
        fc_ip_reasm_destroy(r);
    }
}
END_TEST

START_TEST(atomic_fragment_passed)
{
    struct fc_ip_reasm *r = make(0, 0);
    struct fc_packet *out = NULL;
    struct raw f = v6frag(7, 1, 0, 16, 0, -1);
    struct fc_packet p;
    memset(&p, 0, sizeof p);
    p.data = f.b;
    p.caplen = f.len;
    p.frames = 1;
    struct fc_counters dc;
    memset(&dc, 0, sizeof dc);
    ck_assert_int_eq(fc_decode_ipv6(&dc, &p, 0, 0), FC_VERDICT_IP);
    /* The decoder takes it for the whole packet it is (RFC 6946) ... */
    ck_assert(!p.ip.fragment);
    ck_assert_uint_eq(p.ip.proto, 17);
    /* ... and the reassembler, given one anyway, passes it. */
    p.ip.fragment = true;
    ck_assert_int_eq(fc_ip_reasm_packet(r, &p, &out, count_evicted, NULL), FC_REASM_PASS);
    ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_ATOMIC], 1);
    fc_ip_reasm_destroy(r);
}
END_TEST

/* Datagrams differ by VLAN and tunnel even with equal IP fields. */
START_TEST(key_separates_vlans_and_tunnels)
{
    struct fc_ip_reasm *r = make(0, 0);
    struct fc_packet *out = NULL;
    for (int which = 0; which < 3; which++) {
        struct raw f = cut(0, 0, 7);
        struct fc_packet p;
        memset(&p, 0, sizeof p);
        p.data = f.b;
        p.caplen = f.len;
        p.frames = 1;
        struct fc_counters dc;
        memset(&dc, 0, sizeof dc);
        ck_assert_int_eq(fc_decode_ipv4(&dc, &p, 0, 0), FC_VERDICT_IP);
        p.l2.vlan_tags = which == 1;
        p.l2.vlan[0] = which == 1 ? 100 : 0;
        p.tun.key = which == 2 ? 0x1234 : 0;
        ck_assert_int_eq(fc_ip_reasm_packet(r, &p, &out, count_evicted, NULL), FC_REASM_HELD);
    }
    ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_DUPLICATE], 0);
    struct emitted e = { 0 };
    fc_ip_reasm_flush(r, collect, &e);
    ck_assert_uint_eq(e.n, 3);
    fc_ip_reasm_destroy(r);
}
END_TEST

/* emit() feeding fragments back: one completes another datagram, one
 * restarts the datagram being given up. */
struct reenter {
    struct fc_ip_reasm *r;
    unsigned calls;
    unsigned completed;
};

static void feed_back(void *arg, struct fc_packet *p)
{
    struct reenter *re = arg;
    (void)p;
    struct fc_packet *out = NULL;
    re->calls++;
    struct raw f = v4frag(9, 17, 1, 32, 8, 0, -1); /* completes datagram 9 */
    if (feed(re->r, &f, 50 * SEC, 20, &out) == FC_REASM_COMPLETE) {
        expect_v4(out, 9, 1, PAYLOAD);
        re->completed++;
        fc_ip_reasm_release(re->r, out);
    }
    f = v4frag(7, 17, 1, 0, 16, 1, -1); /* the datagram being given up, anew */
    ck_assert_int_eq(feed(re->r, &f, 50 * SEC, 21, &out), FC_REASM_HELD);
}

START_TEST(emit_may_feed_fragments)
{
    struct fc_ip_reasm *r = make(0, 0);
    struct fc_packet *out = NULL;
    struct raw f = v4frag(7, 17, 1, 16, 16, 1, -1);
    ck_assert_int_eq(feed(r, &f, 10 * SEC, 1, &out), FC_REASM_HELD);
    for (unsigned i = 0; i < 2; i++) {
        f = v4frag(9, 17, 1, i * 16, 16, 1, -1);
        ck_assert_int_eq(feed(r, &f, 30 * SEC, 2 + i, &out), FC_REASM_HELD);
    }
    struct reenter re = { r, 0, 0 };
    fc_ip_reasm_expire(r, 50 * SEC, feed_back, &re);
    ck_assert_uint_eq(re.calls, 1);
    ck_assert_uint_eq(re.completed, 1);
    ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_REASSEMBLED], 1);
    struct emitted e = { 0 };
    fc_ip_reasm_flush(r, collect, &e);
    ck_assert_uint_eq(e.n, 1);
    ck_assert_uint_eq(e.number[0], 21);
    fc_ip_reasm_destroy(r);
}
END_TEST

/* Several rebuilt datagrams alive at once. */
START_TEST(outputs_alive_together)
{
    struct fc_ip_reasm *r = make(0, 0);
    struct fc_packet *outs[4] = { 0 };
    for (unsigned d = 0; d < 4; d++) {
        for (unsigned i = 0; i < 3; i++) {
            struct raw f = cut(d & 1, i, 100 + d);
            struct fc_packet *out = NULL;
            if (feed(r, &f, SEC, i, &out) == FC_REASM_COMPLETE)
                outs[d] = out;
        }
    }
    for (unsigned d = 0; d < 4; d++) {
        ck_assert_ptr_nonnull(outs[d]);
        ck_assert_uint_eq(outs[d]->caplen, (d & 1) ? 48u + PAYLOAD : 20u + PAYLOAD);
        ck_assert_uint_eq(outs[d]->data[(d & 1) ? 48 : 20], pay(1, 0));
    }
    for (unsigned d = 0; d < 4; d++)
        fc_ip_reasm_release(r, outs[d]);
    fc_ip_reasm_destroy(r);
}
END_TEST

static void count_emitted(void *arg, struct fc_packet *p)
{
    (*(uint64_t *)arg) += p->frames;
}

/* 100k first fragments of distinct datagrams, 64 pending at most: each
 * one beyond evicts the oldest, every one is given up exactly once. */
START_TEST(flood_is_bounded)
{
    struct fc_ip_reasm *r = make(1 << 20, 64);
    uint64_t given_up = 0;
    unsigned held = 0;
    evicted_frames = 0;
    for (uint32_t i = 0; i < 100000; i++) {
        fc_time ts = (fc_time)(i / 1000) * SEC;
        fc_ip_reasm_expire(r, ts, count_emitted, &given_up);
        struct raw f = v6frag(i, 1, 0, 16, 1, -1);
        struct fc_packet *out = NULL;
        held += feed(r, &f, ts, i, &out) == FC_REASM_HELD;
    }
    fc_ip_reasm_flush(r, count_emitted, &given_up);
    ck_assert_uint_eq(held, 100000);
    ck_assert_uint_eq(given_up + evicted_frames, 100000);
    ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_EVICTED] + cnt.v[FC_CNT_IPFRAG_TIMEOUT], 100000);
    ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_EVICTED], evicted_frames);
    ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_MEMCAP], 0);
    /* The last 64 remain for the flush; 1,000 per second never reach the
     * 30 s timeout before 64 newer ones evict them. */
    ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_TIMEOUT], 64);
    ck_assert_uint_le(cnt.v[FC_CNT_IPFRAG_PEAK_BYTES], 1 << 20);
    fc_ip_reasm_destroy(r);
}
END_TEST

/* ---- Corpus captures ---- */

struct corpus_result {
    unsigned complete;
    unsigned given_up;
    uint32_t len[16]; /* reassembled payload lengths, in completion order */
    uint8_t version[16];
};

static void count_given_up(void *arg, struct fc_packet *p)
{
    (void)p;
    ((struct corpus_result *)arg)->given_up++;
}

static void read_capture(const char *name, struct corpus_result *res)
{
    char path[512];
    snprintf(path, sizeof path, "%s/corpus/encap/%s", FC_TEST_DATA, name);
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *pc = pcap_open_offline(path, err);
    ck_assert_msg(pc != NULL, "%s", err);
    struct fc_ip_reasm *r = make(0, 0);
    memset(res, 0, sizeof *res);
    struct pcap_pkthdr *h;
    const u_char *bytes;
    uint64_t number = 0;
    while (pcap_next_ex(pc, &h, &bytes) == 1) {
        struct fc_packet p;
        memset(&p, 0, sizeof p);
        p.data = bytes;
        p.caplen = h->caplen;
        p.wirelen = h->len;
        p.ts = (fc_time)h->ts.tv_sec * SEC + (fc_time)h->ts.tv_usec * 1000;
        p.linktype = (uint32_t)pcap_datalink(pc);
        p.where.number = ++number;
        struct fc_counters dc;
        memset(&dc, 0, sizeof dc);
        fc_ip_reasm_expire(r, p.ts, count_given_up, res);
        if (fc_decode_packet(&dc, &p) != FC_VERDICT_IP || !p.ip.fragment)
            continue;
        struct fc_packet *out = NULL;
        if (fc_ip_reasm_packet(r, &p, &out, count_evicted, NULL) != FC_REASM_COMPLETE)
            continue;
        ck_assert_uint_lt(res->complete, 16);
        struct fc_counters oc;
        memset(&oc, 0, sizeof oc);
        uint8_t v = out->data[0] >> 4;
        ck_assert_int_eq(v == 6 ? fc_decode_ipv6(&oc, out, 0, 0) : fc_decode_ipv4(&oc, out, 0, 0),
                         FC_VERDICT_IP);
        ck_assert(!out->ip.fragment);
        ck_assert_uint_eq(out->ip.proto, 17);
        ck_assert_uint_eq(out->ip.total_len, out->caplen);
        if (v == 4)
            ck_assert(v4_checksum_ok(out->data, 20));
        res->version[res->complete] = v;
        res->len[res->complete++] = out->ip.l4_len;
        fc_ip_reasm_release(r, out);
    }
    fc_ip_reasm_flush(r, count_given_up, res);
    fc_ip_reasm_destroy(r);
    pcap_close(pc);
}

/*
 * Reassembled payload lengths from
 *   tshark -r ipv4-fragmented-dns.pcap -T fields -e frame.number
 *          -e ip.reassembled.length -e ipv6.reassembled.length
 *          -Y 'ip.reassembled.length || ipv6.reassembled.length'
 * (tshark 4.0.17): frames 3 (IPv4 1710), 6 (IPv6 1509), 9 (IPv6 1498),
 * 12 (IPv4 1498), 17 (IPv4 1710), 39 (IPv6 1738), 42 (IPv4 1738); none
 * has extension headers before the fragment header, so the lengths are
 * the rebuilt datagrams' transport lengths.
 */
START_TEST(corpus_ipv4_fragmented_dns)
{
    static const uint32_t want_len[7] = { 1710, 1509, 1498, 1498, 1710, 1738, 1738 };
    static const uint8_t want_v[7] = { 4, 6, 6, 4, 4, 6, 4 };
    struct corpus_result res;
    read_capture("ipv4-fragmented-dns.pcap", &res);
    ck_assert_uint_eq(res.complete, 7);
    for (unsigned i = 0; i < 7; i++) {
        ck_assert_uint_eq(res.len[i], want_len[i]);
        ck_assert_uint_eq(res.version[i], want_v[i]);
    }
    ck_assert_uint_eq(res.given_up, 0);
    ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_SEEN], 14);
}
END_TEST

/*
 * The same command on ipv6-fragmented-dns.pcap: frame 8 completes a
 * 3238-byte payload from frames 6, 7, 8; frame 4 (fragment id 1, offset
 * 2896, last) has no other fragment in the file: given up at the end.
 */
START_TEST(corpus_ipv6_fragmented_dns)
{
    struct corpus_result res;
    read_capture("ipv6-fragmented-dns.pcap", &res);
    ck_assert_uint_eq(res.complete, 1);
    ck_assert_uint_eq(res.len[0], 3238);
    ck_assert_uint_eq(res.version[0], 6);
    ck_assert_uint_eq(res.given_up, 1);
    ck_assert_uint_eq(cnt.v[FC_CNT_IPFRAG_TIMEOUT_FRAMES], 1);
}
END_TEST

Suite *make_ip_reasm_suite(void)
{
    Suite *s = suite_create("ip_reasm");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, v4_every_order);
    tcase_add_test(tc, v6_every_order_rewrites_next_header);
    tcase_add_test(tc, rebuilt_decodes_as_unfragmented);
    tcase_add_test(tc, duplicates_count_as_frames);
    tcase_add_test(tc, v4_overlap_first_wins);
    tcase_add_test(tc, v6_overlap_drops_datagram);
    tcase_add_test(tc, incomplete_given_up);
    tcase_add_test(tc, tiny_first_fragment_counted);
    tcase_add_test(tc, limits_evict_the_oldest);
    tcase_add_test(tc, too_big_passed);
    tcase_add_test(tc, bad_lengths_and_inconsistent_ends);
    tcase_add_test(tc, truncated_at_every_length);
    tcase_add_test(tc, atomic_fragment_passed);
    tcase_add_test(tc, key_separates_vlans_and_tunnels);
    tcase_add_test(tc, emit_may_feed_fragments);
    tcase_add_test(tc, outputs_alive_together);
    tcase_add_test(tc, flood_is_bounded);
    tcase_add_test(tc, corpus_ipv4_fragmented_dns);
    tcase_add_test(tc, corpus_ipv6_fragmented_dns);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
