/*
 * The capture readers on files written byte by byte: both pcap byte orders
 * and precisions, pcapng sections and interfaces with their own byte order,
 * link type and resolution, and damaged files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fc-test.h"
#include "formats/case-reader.h"

struct bytes {
    uint8_t b[8192];
    size_t n;
    bool big;
};

static void put8(struct bytes *x, uint8_t v)
{
    x->b[x->n++] = v;
}

static void put16(struct bytes *x, uint16_t v)
{
    put8(x, (uint8_t)(x->big ? v >> 8 : v));
    put8(x, (uint8_t)(x->big ? v : v >> 8));
}

static void put32(struct bytes *x, uint32_t v)
{
    put16(x, (uint16_t)(x->big ? v >> 16 : v));
    put16(x, (uint16_t)(x->big ? v : v >> 16));
}

static void put_data(struct bytes *x, const void *data, size_t n)
{
    memcpy(x->b + x->n, data, n);
    x->n += n;
}

static char *write_temp(const struct bytes *x)
{
    char *path = strdup("/tmp/fc-reader-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, x->b, x->n), (ssize_t)x->n);
    close(fd);
    return path;
}

struct read_result {
    char *path;
    struct fc_case *k;
    struct fc_input_info *in;
    struct fc_capture_info *ci; /* the first capture stream, or NULL */
    size_t count;
    struct fc_packet pkts[8];
    uint8_t first_bytes[8][4];
};

/* Reads a file through the whole input layer (libarchive, the readers). */
static void read_all(const struct bytes *x, struct read_result *r)
{
    memset(r, 0, sizeof *r);
    r->path = write_temp(x);
    static struct fc_diag quiet;
    r->k = fc_case_open(&r->path, 1, &quiet);
    ck_assert_ptr_nonnull(r->k);
    struct fc_packet p;
    while (fc_case_next(r->k, &p)) {
        ck_assert_uint_lt(r->count, 8);
        memcpy(r->first_bytes[r->count], p.data, p.caplen < 4 ? p.caplen : 4);
        r->pkts[r->count++] = p;
    }
    fc_case_finish(r->k);
    r->in = fc_case_input(r->k, 0);
    r->ci = r->in->ncaptures ? r->in->captures[0] : NULL;
}

static void done(struct read_result *r)
{
    fc_case_free(r->k);
    unlink(r->path);
    free(r->path);
}

static void pcap_header(struct bytes *x, uint32_t magic, uint32_t linktype)
{
    put32(x, magic);
    put16(x, 2);
    put16(x, 4);
    put32(x, 0);
    put32(x, 0);
    put32(x, 65535);
    put32(x, linktype);
}

static void pcap_record(struct bytes *x, uint32_t sec, uint32_t frac, uint32_t caplen,
                        uint32_t len, uint8_t fill)
{
    put32(x, sec);
    put32(x, frac);
    put32(x, caplen);
    put32(x, len);
    for (uint32_t i = 0; i < caplen; i++)
        put8(x, fill);
}

START_TEST(pcap_both_orders_and_precisions)
{
    const struct {
        bool big;
        uint32_t magic;
        fc_time expected_ts;
    } cases[] = {
        { false, 0xa1b2c3d4u, INT64_C(1704164645) * FC_NS_PER_SEC + 123456000 },
        { true, 0xa1b2c3d4u, INT64_C(1704164645) * FC_NS_PER_SEC + 123456000 },
        { false, 0xa1b23c4du, INT64_C(1704164645) * FC_NS_PER_SEC + 123456 },
        { true, 0xa1b23c4du, INT64_C(1704164645) * FC_NS_PER_SEC + 123456 },
    };
    for (size_t i = 0; i < 4; i++) {
        struct bytes x = { .big = cases[i].big };
        pcap_header(&x, cases[i].magic, 1);
        pcap_record(&x, 1704164645u, 123456u, 60, 70, 0xaa);
        pcap_record(&x, 1704164646u, 0, 42, 42, 0xbb);
        struct read_result r;
        read_all(&x, &r);
        ck_assert_uint_eq(r.count, 2);
        ck_assert_str_eq(r.ci->format, "pcap");
        ck_assert_int_eq(r.pkts[0].ts, cases[i].expected_ts);
        ck_assert_uint_eq(r.pkts[0].caplen, 60);
        ck_assert_uint_eq(r.pkts[0].wirelen, 70);
        ck_assert_uint_eq(r.pkts[0].linktype, 1);
        ck_assert_uint_eq(r.pkts[0].where.number, 1);
        ck_assert_uint_eq(r.pkts[0].where.offset, 24);
        ck_assert_uint_eq(r.pkts[1].where.offset, 24 + 16 + 60);
        ck_assert_uint_eq(r.first_bytes[1][0], 0xbb);
        ck_assert_uint_eq(r.ci->log.warnings + r.ci->log.errors, 0);
        done(&r);
    }
}
END_TEST

START_TEST(pcap_cut_in_a_packet_keeps_what_came_before)
{
    struct bytes x = { 0 };
    pcap_header(&x, 0xa1b2c3d4u, 1);
    pcap_record(&x, 1, 0, 60, 60, 1);
    pcap_record(&x, 2, 0, 60, 60, 2);
    x.n -= 30;
    struct read_result r;
    read_all(&x, &r);
    ck_assert_uint_eq(r.count, 1);
    ck_assert_uint_eq(r.ci->log.errors, 1);
    ck_assert_uint_eq(r.ci->log.messages[0].packet, 2);
    ck_assert_uint_eq(r.ci->log.messages[0].offset, 24 + 76);
    ck_assert_ptr_nonnull(strstr(r.ci->log.messages[0].text, "cut short"));
    done(&r);
}
END_TEST

START_TEST(pcap_huge_caplen_stops_the_file)
{
    struct bytes x = { 0 };
    pcap_header(&x, 0xa1b2c3d4u, 1);
    pcap_record(&x, 1, 0, 60, 60, 1);
    put32(&x, 2);
    put32(&x, 0);
    put32(&x, 300000);
    put32(&x, 300000);
    pcap_record(&x, 3, 0, 60, 60, 3);
    struct read_result r;
    read_all(&x, &r);
    ck_assert_uint_eq(r.count, 1);
    ck_assert_uint_eq(r.ci->log.errors, 1);
    ck_assert_uint_eq(r.ci->log.messages[0].packet, 2);
    ck_assert_ptr_nonnull(strstr(r.ci->log.messages[0].text, "300000"));
    done(&r);
}
END_TEST

START_TEST(pcap_caplen_above_snaplen_is_kept_and_reported)
{
    struct bytes x = { 0 };
    pcap_header(&x, 0xa1b2c3d4u, 1);
    x.b[16] = 200; /* snaplen 200 */
    x.b[17] = 0;
    pcap_record(&x, 1, 0, 300, 300, 1);
    pcap_record(&x, 2, 0, 60, 60, 2);
    struct read_result r;
    read_all(&x, &r);
    ck_assert_uint_eq(r.count, 2);
    ck_assert_uint_eq(r.pkts[0].caplen, 300);
    ck_assert_uint_eq(r.ci->log.warnings, 1);
    ck_assert_uint_eq(r.ci->log.messages[0].packet, 1);
    done(&r);
}
END_TEST

static void block_begin(struct bytes *x, uint32_t type, size_t *start)
{
    *start = x->n;
    put32(x, type);
    put32(x, 0); /* patched by block_end */
}

static void block_end(struct bytes *x, size_t start)
{
    while (x->n % 4)
        put8(x, 0);
    uint32_t total = (uint32_t)(x->n - start + 4);
    put32(x, total);
    size_t save = x->n;
    x->n = start + 4;
    put32(x, total);
    x->n = save;
}

static void shb(struct bytes *x)
{
    size_t s;
    block_begin(x, 0x0a0d0d0a, &s);
    put32(x, 0x1a2b3c4d);
    put16(x, 1);
    put16(x, 0);
    put32(x, 0xffffffff);
    put32(x, 0xffffffff);
    put16(x, 1); /* opt_comment */
    put16(x, 5);
    put_data(x, "hello\0\0\0", 8);
    put32(x, 0);
    block_end(x, s);
}

static void idb(struct bytes *x, uint16_t linktype, int tsresol, int64_t tsoffset)
{
    size_t s;
    block_begin(x, 1, &s);
    put16(x, linktype);
    put16(x, 0);
    put32(x, 0);
    if (tsresol >= 0) {
        put16(x, 9);
        put16(x, 1);
        put_data(x, (uint8_t[4]){ (uint8_t)tsresol }, 4);
    }
    if (tsoffset) {
        put16(x, 14);
        put16(x, 8);
        put32(x, x->big ? (uint32_t)((uint64_t)tsoffset >> 32) : (uint32_t)tsoffset);
        put32(x, x->big ? (uint32_t)tsoffset : (uint32_t)((uint64_t)tsoffset >> 32));
    }
    put32(x, 0);
    block_end(x, s);
}

static void epb(struct bytes *x, uint32_t iface, uint64_t units, uint32_t caplen, uint8_t fill)
{
    size_t s;
    block_begin(x, 6, &s);
    put32(x, iface);
    put32(x, (uint32_t)(units >> 32));
    put32(x, (uint32_t)units);
    put32(x, caplen);
    put32(x, caplen + 10);
    for (uint32_t i = 0; i < caplen; i++)
        put8(x, fill);
    block_end(x, s);
}

START_TEST(pcapng_sections_interfaces_and_resolutions)
{
    struct bytes x = { 0 };
    /* Section 1, little-endian: Ethernet in microseconds, RAW in nanoseconds. */
    shb(&x);
    idb(&x, 1, -1, 0);
    idb(&x, 101, 9, 0);
    epb(&x, 0, UINT64_C(1704164645123456), 60, 0x11);
    epb(&x, 1, UINT64_C(1704164645123456789), 40, 0x45);
    /* A block of an unknown type, skipped. */
    size_t s;
    block_begin(&x, 0x0bad, &s);
    put32(&x, 1234);
    block_end(&x, s);
    /* Section 2, big-endian: one interface at 2^-20 s with an offset of 100 s. */
    x.big = true;
    shb(&x);
    idb(&x, 113, 0x80 | 20, 100);
    epb(&x, 0, (UINT64_C(1704164645) << 20) | (1u << 19), 50, 0x22); /* .5 s */
    struct read_result r;
    read_all(&x, &r);
    ck_assert_str_eq(r.ci->format, "pcapng");
    ck_assert_uint_eq(r.count, 3);
    ck_assert_uint_eq(r.ci->log.warnings + r.ci->log.errors, 0);
    ck_assert_uint_eq(r.pkts[0].linktype, 1);
    ck_assert_int_eq(r.pkts[0].ts, INT64_C(1704164645123456000));
    ck_assert_uint_eq(r.pkts[1].linktype, 101);
    ck_assert_uint_eq(r.pkts[1].interface, 1);
    ck_assert_int_eq(r.pkts[1].ts, INT64_C(1704164645123456789));
    ck_assert_uint_eq(r.first_bytes[1][0], 0x45);
    ck_assert_uint_eq(r.pkts[2].linktype, 113);
    ck_assert_int_eq(r.pkts[2].ts, INT64_C(1704164745500000000));
    ck_assert_uint_eq(r.pkts[2].caplen, 50);
    ck_assert_uint_eq(r.pkts[2].wirelen, 60);
    ck_assert_uint_eq(r.pkts[2].where.number, 3);
    ck_assert_uint_eq(r.ci->nlinktypes, 3);
    done(&r);
}
END_TEST

START_TEST(pcapng_bad_block_length_stops_with_offset)
{
    struct bytes x = { 0 };
    shb(&x);
    idb(&x, 1, -1, 0);
    epb(&x, 0, 1, 60, 1);
    size_t bad = x.n;
    epb(&x, 0, 2, 60, 2);
    x.b[bad + 4] = 0x4d; /* total length 0x4d: not a multiple of 4 */
    struct read_result r;
    read_all(&x, &r);
    ck_assert_uint_eq(r.count, 1);
    ck_assert_uint_eq(r.ci->log.errors, 1);
    ck_assert_uint_eq(r.ci->log.messages[0].offset, bad);
    done(&r);
}
END_TEST

START_TEST(pcapng_unknown_interface_skips_the_packet)
{
    struct bytes x = { 0 };
    shb(&x);
    idb(&x, 1, -1, 0);
    epb(&x, 3, 1, 60, 1);
    epb(&x, 0, 2, 60, 2);
    struct read_result r;
    read_all(&x, &r);
    ck_assert_uint_eq(r.count, 1);
    ck_assert_uint_eq(r.pkts[0].where.number, 2); /* the skipped packet keeps number 1 */
    ck_assert_uint_eq(r.ci->log.warnings, 1);
    ck_assert_uint_eq(r.ci->log.messages[0].packet, 1);
    done(&r);
}
END_TEST

START_TEST(pcapng_time_beyond_range_is_reported_and_skipped)
{
    struct bytes x = { 0 };
    shb(&x);
    idb(&x, 1, -1, 0);
    epb(&x, 0, UINT64_C(1704164645000000), 60, 1);
    epb(&x, 0, UINT64_C(0x00ffffff00000000), 60, 2); /* year 4253 in microseconds */
    epb(&x, 0, UINT64_C(1704164646000000), 60, 3);
    struct read_result r;
    read_all(&x, &r);
    ck_assert_uint_eq(r.count, 2);
    ck_assert_uint_eq(r.pkts[1].where.number, 3);
    ck_assert_uint_eq(r.ci->log.warnings, 1);
    ck_assert_uint_eq(r.ci->log.messages[0].packet, 2);
    ck_assert_ptr_nonnull(strstr(r.ci->log.messages[0].text, "1677-2262"));
    done(&r);
}
END_TEST

START_TEST(not_a_capture_is_named)
{
    struct bytes text = { 0 };
    put_data(&text, "hello world\n", 12);
    struct read_result r;
    read_all(&text, &r);
    ck_assert_uint_eq(r.count, 0);
    ck_assert_uint_eq(r.ci->log.errors, 1);
    ck_assert(r.ci->skipped);
    ck_assert_ptr_null(r.ci->format);
    ck_assert_ptr_nonnull(strstr(r.ci->log.messages[0].text, "not a pcap or pcapng capture"));
    done(&r);
}
END_TEST

START_TEST(compressed_input_is_decompressed_and_hashed)
{
    struct bytes x = { 0 };
    pcap_header(&x, 0xa1b2c3d4u, 1);
    pcap_record(&x, 1, 0, 60, 60, 1);
    char *plain = write_temp(&x);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "gzip -n -c %s", plain);
    FILE *gz = popen(cmd, "r");
    struct bytes z = { 0 };
    z.n = fread(z.b, 1, sizeof z.b, gz);
    pclose(gz);
    struct read_result r;
    read_all(&z, &r);
    ck_assert_uint_eq(r.count, 1);
    ck_assert_str_eq(r.in->compression, "gzip");
    ck_assert_ptr_null(r.in->container);
    ck_assert_str_eq(r.ci->compression, "gzip");
    ck_assert(r.in->hashed && r.ci->has_capture_hash);
    uint8_t expect[FC_SHA256_LEN];
    uint64_t size;
    ck_assert_int_eq(fc_sha256_file(plain, expect, &size), 0);
    ck_assert_mem_eq(r.ci->capture_sha256, expect, FC_SHA256_LEN); /* the decompressed capture */
    ck_assert_uint_eq(r.ci->capture_size, size);
    ck_assert_int_eq(fc_sha256_file(r.path, expect, &size), 0);
    ck_assert_mem_eq(r.in->sha256, expect, FC_SHA256_LEN); /* the file as stored */
    ck_assert_uint_eq(r.in->size, z.n);
    done(&r);

    z.n /= 2; /* a gzip stream cut in half */
    read_all(&z, &r);
    ck_assert_uint_eq(r.count, 0);
    ck_assert_uint_eq(r.in->log.errors + (r.ci ? r.ci->log.errors : 0), 1);
    ck_assert(r.in->hashed);
    done(&r);
    unlink(plain);
    free(plain);
}
END_TEST

Suite *make_readers_suite(void)
{
    Suite *s = suite_create("readers");
    TCase *tc = tcase_create("files");
    tcase_add_test(tc, pcap_both_orders_and_precisions);
    tcase_add_test(tc, pcap_cut_in_a_packet_keeps_what_came_before);
    tcase_add_test(tc, pcap_huge_caplen_stops_the_file);
    tcase_add_test(tc, pcap_caplen_above_snaplen_is_kept_and_reported);
    tcase_add_test(tc, pcapng_sections_interfaces_and_resolutions);
    tcase_add_test(tc, pcapng_bad_block_length_stops_with_offset);
    tcase_add_test(tc, pcapng_unknown_interface_skips_the_packet);
    tcase_add_test(tc, pcapng_time_beyond_range_is_reported_and_skipped);
    tcase_add_test(tc, not_a_capture_is_named);
    tcase_add_test(tc, compressed_input_is_decompressed_and_hashed);
    suite_add_tcase(s, tc);
    return s;
}
