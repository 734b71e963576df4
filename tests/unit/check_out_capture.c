/*
 * formats/out-capture.c: every file written here is read back by an
 * independent reader, libpcap's pcap_fopen_offline_with_tstamp_precision()
 * (pcap, and pcapng with one link type), which must return each packet's
 * bytes, lengths and timestamp exactly; the file headers are checked
 * against the byte layouts of draft-ietf-opsawg-pcap section 4 and
 * draft-ietf-opsawg-pcapng sections 4.1-4.3 (pcapng with several link
 * types, which libpcap 1.10 does not read, is parsed here field by field).
 *
 * Timestamps are worked out by hand in the comments: e.g. 1300475167096535
 * units of 10^-6 s are 1300475167 s and 096535 us (2011-03-18T19:06:07Z).
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "formats/out-capture.h"
#include "fc-test.h"
#include "version.h"

#define HOST_BIG_ENDIAN (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)

static const uint8_t frame_a[] = {
    /* Ethernet + IPv4 header start: 20 bytes, caplen 20 of a 60-byte frame */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99,
    0xaa, 0xbb, 0x08, 0x00, 0x45, 0x00, 0x00, 0x2e, 0x12, 0x34,
};
static const uint8_t frame_b[] = { 0x45, 0x00, 0x00, 0x1d, 0xab, 0xcd, 0x00, 0x00, 0x40, 0x11, 0x00 };
static const uint8_t frame_c[] = { 0xde, 0xad, 0xbe, 0xef };

/* A written file, in memory. */
struct written {
    char *bytes;
    size_t len;
};

static struct written write_file(enum fc_out_format fmt, const struct fc_out_interface *ifs,
                                 unsigned n, const struct fc_out_packet *pkts, unsigned npkts)
{
    struct written out = { 0 };
    FILE *f = open_memstream(&out.bytes, &out.len);
    ck_assert_ptr_nonnull(f);
    struct fc_out_capture *w = fc_out_capture_open(f, fmt, ifs, n);
    ck_assert_ptr_nonnull(w);
    for (unsigned i = 0; i < npkts; i++)
        ck_assert_int_eq(fc_out_capture_write(w, &pkts[i]), 0);
    ck_assert_int_eq(fc_out_capture_close(w), 0);
    /* the caller's stream is still open and usable */
    ck_assert_int_eq(fputc('x', f), 'x');
    ck_assert_int_eq(fclose(f), 0);
    out.len--; /* drop the 'x' */
    return out;
}

static pcap_t *read_back(const struct written *out, u_int precision)
{
    FILE *f = fmemopen(out->bytes, out->len, "rb");
    ck_assert_ptr_nonnull(f);
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_fopen_offline_with_tstamp_precision(f, precision, err);
    ck_assert_msg(p != NULL, "libpcap: %s", err);
    return p; /* pcap_close() closes f */
}

/* The next packet libpcap reads must be exactly this one. */
static void expect_packet(pcap_t *p, const uint8_t *data, uint32_t caplen, uint32_t len,
                          int64_t sec, long frac)
{
    struct pcap_pkthdr *h;
    const u_char *d;
    ck_assert_int_eq(pcap_next_ex(p, &h, &d), 1);
    ck_assert_uint_eq(h->caplen, caplen);
    ck_assert_uint_eq(h->len, len);
    ck_assert_int_eq(h->ts.tv_sec, sec);
    ck_assert_int_eq(h->ts.tv_usec, frac);
    ck_assert_mem_eq(d, data, caplen);
}

static void expect_end(pcap_t *p)
{
    struct pcap_pkthdr *h;
    const u_char *d;
    ck_assert_int_eq(pcap_next_ex(p, &h, &d), PCAP_ERROR_BREAK);
    pcap_close(p);
}

/* pcap file header: magic, 2.4, thiszone 0, sigfigs 0, snaplen, linktype. */
static void expect_pcap_header(const struct written *out, uint32_t magic, uint32_t snaplen,
                               uint32_t linktype)
{
    struct fc_cursor c = fc_cursor_make((const uint8_t *)out->bytes, out->len);
    ck_assert_uint_eq(fc_get_32(&c, HOST_BIG_ENDIAN), magic);
    ck_assert_uint_eq(fc_get_16(&c, HOST_BIG_ENDIAN), 2);
    ck_assert_uint_eq(fc_get_16(&c, HOST_BIG_ENDIAN), 4);
    ck_assert_uint_eq(fc_get_32(&c, HOST_BIG_ENDIAN), 0);
    ck_assert_uint_eq(fc_get_32(&c, HOST_BIG_ENDIAN), 0);
    ck_assert_uint_eq(fc_get_32(&c, HOST_BIG_ENDIAN), snaplen);
    ck_assert_uint_eq(fc_get_32(&c, HOST_BIG_ENDIAN), linktype);
    ck_assert(!c.short_read);
}

static const struct fc_out_interface eth_usec = { .linktype = 1, .snaplen = 65535, .tsresol = 6 };

/* Writing p is refused with errno `err`. */
static void expect_refused(struct fc_out_capture *w, const struct fc_out_packet *p, int err)
{
    errno = 0;
    ck_assert_int_eq(fc_out_capture_write(w, p), -1);
    ck_assert_int_eq(errno, err);
}

START_TEST(usec_pcap_keeps_bytes_lengths_and_times)
{
    ck_assert_int_eq(fc_out_capture_choose(&eth_usec, 1, false), FC_OUT_PCAP_USEC);
    const struct fc_out_packet pkts[] = {
        /* 1300475167.096535 */
        { 0, UINT64_C(1300475167096535), sizeof frame_a, 60, frame_a, NULL },
        /* 1300475168.000001, caplen == len */
        { 0, UINT64_C(1300475168000001), sizeof frame_c, sizeof frame_c, frame_c, NULL },
        /* 0.999999: the epoch's last microsecond of its first second */
        { 0, UINT64_C(999999), sizeof frame_b, 1500, frame_b, NULL },
    };
    struct written out = write_file(FC_OUT_PCAP_USEC, &eth_usec, 1, pkts, 3);
    ck_assert_uint_eq(out.len, 24 + 3 * 16 + sizeof frame_a + sizeof frame_b + sizeof frame_c);
    expect_pcap_header(&out, 0xa1b2c3d4u, 65535, 1);
    pcap_t *p = read_back(&out, PCAP_TSTAMP_PRECISION_MICRO);
    ck_assert_int_eq(pcap_datalink(p), DLT_EN10MB);
    ck_assert_int_eq(pcap_snapshot(p), 65535);
    ck_assert_int_eq(pcap_get_tstamp_precision(p), PCAP_TSTAMP_PRECISION_MICRO);
    ck_assert_int_eq(pcap_major_version(p), 2);
    ck_assert_int_eq(pcap_minor_version(p), 4);
    expect_packet(p, frame_a, sizeof frame_a, 60, 1300475167, 96535);
    expect_packet(p, frame_c, sizeof frame_c, sizeof frame_c, 1300475168, 1);
    expect_packet(p, frame_b, sizeof frame_b, 1500, 0, 999999);
    expect_end(p);
    free(out.bytes);
}
END_TEST

START_TEST(nsec_pcap_from_usec_and_nsec_interfaces)
{
    const struct fc_out_interface ifs[] = {
        { .linktype = 1, .snaplen = 1500, .tsresol = 6 },
        { .linktype = 1, .snaplen = 0, .tsresol = 9 }, /* unknown snaplen: 262144 */
    };
    ck_assert_int_eq(fc_out_capture_choose(ifs, 2, false), FC_OUT_PCAP_NSEC);
    const struct fc_out_packet pkts[] = {
        /* 1300475167.096535 us -> .096535000 ns */
        { 0, UINT64_C(1300475167096535), sizeof frame_a, 60, frame_a, NULL },
        /* 1300475167.123456789 */
        { 1, UINT64_C(1300475167123456789), sizeof frame_b, sizeof frame_b, frame_b, NULL },
        /* 18446744073.709551615: the largest ns value, 2554-07-21 */
        { 1, UINT64_MAX, sizeof frame_c, sizeof frame_c, frame_c, NULL },
    };
    struct written out = write_file(FC_OUT_PCAP_NSEC, ifs, 2, pkts, 2);
    expect_pcap_header(&out, 0xa1b23c4du, 262144, 1);
    pcap_t *p = read_back(&out, PCAP_TSTAMP_PRECISION_NANO);
    ck_assert_int_eq(pcap_get_tstamp_precision(p), PCAP_TSTAMP_PRECISION_NANO);
    ck_assert_int_eq(pcap_snapshot(p), 262144);
    expect_packet(p, frame_a, sizeof frame_a, 60, 1300475167, 96535000);
    expect_packet(p, frame_b, sizeof frame_b, sizeof frame_b, 1300475167, 123456789);
    expect_end(p);
    free(out.bytes);

    /* 18446744073 s does not fit pcap's 32-bit seconds: refused, not wrapped */
    char *buf;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    struct fc_out_capture *w = fc_out_capture_open(f, FC_OUT_PCAP_NSEC, ifs, 2);
    ck_assert_ptr_nonnull(w);
    expect_refused(w, &pkts[2], EOVERFLOW);
    ck_assert_int_eq(fc_out_capture_close(w), 0);
    fclose(f);
    ck_assert_uint_eq(len, 24); /* the header alone */
    free(buf);
}
END_TEST

START_TEST(tsoffset_gives_absolute_seconds)
{
    const struct fc_out_interface ifs[] = {
        /* pcapng interface counting ns since 2001-09-09T01:46:40Z (10^9 s) */
        { .linktype = 1, .tsresol = 9, .tsoffset = 1000000000 },
        /* and one counting us since 100 s before its stored values */
        { .linktype = 1, .tsresol = 6, .tsoffset = -100 },
    };
    ck_assert_int_eq(fc_out_capture_choose(ifs, 2, false), FC_OUT_PCAP_NSEC);
    const struct fc_out_packet pkts[] = {
        /* 5.000000123 + 10^9 -> 1000000005.000000123 */
        { 0, UINT64_C(5000000123), sizeof frame_a, 60, frame_a, NULL },
        /* 1300475267.096535 - 100 -> 1300475167.096535000 */
        { 1, UINT64_C(1300475267096535), sizeof frame_b, 100, frame_b, NULL },
        /* 100.5 - 100 = 0.5: the epoch itself is fine */
        { 1, UINT64_C(100500000), sizeof frame_c, 4, frame_c, NULL },
    };
    struct written out = write_file(FC_OUT_PCAP_NSEC, ifs, 2, pkts, 3);
    pcap_t *p = read_back(&out, PCAP_TSTAMP_PRECISION_NANO);
    expect_packet(p, frame_a, sizeof frame_a, 60, 1000000005, 123);
    expect_packet(p, frame_b, sizeof frame_b, 100, 1300475167, 96535000);
    expect_packet(p, frame_c, sizeof frame_c, 4, 0, 500000000);
    expect_end(p);
    free(out.bytes);

    /* 99.999999 - 100 is before 1970: pcap cannot hold it */
    char *buf;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    struct fc_out_capture *w = fc_out_capture_open(f, FC_OUT_PCAP_NSEC, ifs, 2);
    struct fc_out_packet early = { 1, UINT64_C(99999999), sizeof frame_c, 4, frame_c, NULL };
    expect_refused(w, &early, EOVERFLOW);
    /* 2^32 - 1 s (2106-02-07T06:28:15Z) is the last second pcap holds */
    struct fc_out_packet last = { 0, UINT64_C(3294967295) * 1000000000u + 7, 4, 4, frame_c, NULL };
    ck_assert_int_eq(fc_out_capture_write(w, &last), 0);
    last.ts_units += UINT64_C(1000000000);
    expect_refused(w, &last, EOVERFLOW);
    ck_assert_int_eq(fc_out_capture_close(w), 0);
    fclose(f);
    /* the record holds 0xffffffff as unsigned seconds (libpcap would show it as -1) */
    struct fc_cursor c = fc_cursor_make((const uint8_t *)buf, len);
    fc_cursor_skip(&c, 24);
    ck_assert_uint_eq(fc_get_32(&c, HOST_BIG_ENDIAN), UINT32_MAX);
    ck_assert_uint_eq(fc_get_32(&c, HOST_BIG_ENDIAN), 7);
    ck_assert_uint_eq(fc_cursor_left(&c), 8 + 4);
    free(buf);
}
END_TEST

START_TEST(linktype_raw_keeps_101_in_the_header)
{
    const struct fc_out_interface raw = { .linktype = 101, .snaplen = 65535, .tsresol = 6 };
    const struct fc_out_packet pkt = { 0, UINT64_C(1300475167096535), sizeof frame_b,
                                       sizeof frame_b, frame_b, NULL };
    struct written out = write_file(FC_OUT_PCAP_USEC, &raw, 1, &pkt, 1);
    expect_pcap_header(&out, 0xa1b2c3d4u, 65535, 101);
    pcap_t *p = read_back(&out, PCAP_TSTAMP_PRECISION_MICRO);
    ck_assert_int_eq(pcap_datalink(p), DLT_RAW); /* 12 on Linux */
    expect_packet(p, frame_b, sizeof frame_b, sizeof frame_b, 1300475167, 96535);
    expect_end(p);
    free(out.bytes);
}
END_TEST

/* Every LINKTYPE_ value 0..65535 that the table says libpcap can write comes
 * out of libpcap unchanged; every other one is refused for pcap and goes
 * to pcapng. */
START_TEST(every_pcap_linktype_round_trips_through_libpcap)
{
    unsigned writable = 0;
    for (uint32_t lt = 0; lt <= 0xffff; lt++) {
        struct fc_out_interface i = { .linktype = lt, .snaplen = 1000, .tsresol = 6 };
        char *buf;
        size_t len;
        FILE *f = open_memstream(&buf, &len);
        struct fc_out_capture *w = fc_out_capture_open(f, FC_OUT_PCAP_USEC, &i, 1);
        if (fc_out_pcap_dlt(lt) < 0) {
            ck_assert_ptr_null(w);
            ck_assert_int_eq(errno, EINVAL);
            ck_assert_int_eq(fc_out_capture_choose(&i, 1, false), FC_OUT_PCAPNG);
        } else {
            writable++;
            ck_assert_msg(w != NULL, "linktype %u", lt);
            ck_assert_int_eq(fc_out_capture_close(w), 0);
            ck_assert_int_eq(fc_out_capture_choose(&i, 1, false), FC_OUT_PCAP_USEC);
        }
        fclose(f);
        if (w) {
            struct written out = { buf, len };
            expect_pcap_header(&out, 0xa1b2c3d4u, 1000, lt);
        }
        free(buf);
    }
    /* 0-10, 50, 51, 99, 100-103 and the matching range 104..DLT_MATCHING_MAX */
    ck_assert_uint_eq(writable, 11 + 3 + 4 + (DLT_MATCHING_MAX - 104 + 1));
    ck_assert_int_eq(fc_out_pcap_dlt(12), -1); /* DLT_RAW's own value would come out as 101 */
    ck_assert_int_eq(fc_out_pcap_dlt(106), DLT_ATM_CLIP);
}
END_TEST

START_TEST(coarse_resolution_scales_up_exactly)
{
    const struct fc_out_interface ifs[] = {
        { .linktype = 113, .snaplen = 65535, .tsresol = 3 }, /* milliseconds */
        { .linktype = 113, .snaplen = 65535, .tsresol = 0 }, /* whole seconds */
    };
    ck_assert_int_eq(fc_out_capture_choose(ifs, 2, false), FC_OUT_PCAP_USEC);
    const struct fc_out_packet pkts[] = {
        /* 1300475167.096 s -> .096000 us */
        { 0, UINT64_C(1300475167096), sizeof frame_a, 60, frame_a, NULL },
        /* 1300475167 s */
        { 1, UINT64_C(1300475167), sizeof frame_c, 4, frame_c, NULL },
        /* 0.999 */
        { 0, 999, sizeof frame_c, 4, frame_c, NULL },
    };
    struct written out = write_file(FC_OUT_PCAP_USEC, ifs, 2, pkts, 3);
    expect_pcap_header(&out, 0xa1b2c3d4u, 65535, 113);
    pcap_t *p = read_back(&out, PCAP_TSTAMP_PRECISION_MICRO);
    ck_assert_int_eq(pcap_datalink(p), DLT_LINUX_SLL);
    expect_packet(p, frame_a, sizeof frame_a, 60, 1300475167, 96000);
    expect_packet(p, frame_c, sizeof frame_c, 4, 1300475167, 0);
    expect_packet(p, frame_c, sizeof frame_c, 4, 0, 999000);
    expect_end(p);
    free(out.bytes);

    /* the same milliseconds in a nanosecond file */
    out = write_file(FC_OUT_PCAP_NSEC, ifs, 2, pkts, 1);
    p = read_back(&out, PCAP_TSTAMP_PRECISION_NANO);
    expect_packet(p, frame_a, sizeof frame_a, 60, 1300475167, 96000000);
    expect_end(p);
    free(out.bytes);
}
END_TEST

/* ---- pcapng, parsed by hand ---- */

struct block {
    uint32_t type;
    struct fc_cursor body; /* between the first total length and the trailing one */
};

/* Reads one block, checking its total length is a multiple of 4 and
 * equal at both ends. */
static struct block next_block(struct fc_cursor *c)
{
    struct block b;
    b.type = fc_get_32(c, HOST_BIG_ENDIAN);
    uint32_t total = fc_get_32(c, HOST_BIG_ENDIAN);
    ck_assert_uint_eq(total % 4, 0);
    ck_assert_uint_ge(total, 12);
    const uint8_t *body = fc_cursor_take(c, total - 12);
    ck_assert_ptr_nonnull(body);
    b.body = fc_cursor_make(body, total - 12);
    ck_assert_uint_eq(fc_get_32(c, HOST_BIG_ENDIAN), total);
    return b;
}

/* The next option must be code/value, zero-padded to 32 bits. */
static void expect_option(struct fc_cursor *c, uint16_t code, const void *value, uint16_t len)
{
    ck_assert_uint_eq(fc_get_16(c, HOST_BIG_ENDIAN), code);
    ck_assert_uint_eq(fc_get_16(c, HOST_BIG_ENDIAN), len);
    const uint8_t *v = fc_cursor_take(c, len);
    ck_assert_ptr_nonnull(v);
    ck_assert_mem_eq(v, value, len);
    for (unsigned i = len; i % 4; i++)
        ck_assert_uint_eq(fc_get_u8(c), 0);
    ck_assert(!c->short_read);
}

static void expect_end_of_options(struct fc_cursor *c)
{
    expect_option(c, 0, "", 0);
    ck_assert_uint_eq(fc_cursor_left(c), 0);
}

static void expect_shb(struct fc_cursor *file)
{
    struct block b = next_block(file);
    ck_assert_uint_eq(b.type, 0x0A0D0D0Au);
    ck_assert_uint_eq(fc_get_32(&b.body, HOST_BIG_ENDIAN), 0x1A2B3C4Du);
    ck_assert_uint_eq(fc_get_16(&b.body, HOST_BIG_ENDIAN), 1);
    ck_assert_uint_eq(fc_get_16(&b.body, HOST_BIG_ENDIAN), 0);
    uint8_t length[8];
    fc_get_bytes(&b.body, length, 8);
    ck_assert_mem_eq(length, "\xff\xff\xff\xff\xff\xff\xff\xff", 8); /* -1: not given */
    const char *userappl = "flowcase " FC_VERSION;
    expect_option(&b.body, 4, userappl, (uint16_t)strlen(userappl));
    expect_end_of_options(&b.body);
}

static struct fc_cursor expect_idb(struct fc_cursor *file, uint16_t linktype, uint32_t snaplen)
{
    struct block b = next_block(file);
    ck_assert_uint_eq(b.type, 1);
    ck_assert_uint_eq(fc_get_16(&b.body, HOST_BIG_ENDIAN), linktype);
    ck_assert_uint_eq(fc_get_16(&b.body, HOST_BIG_ENDIAN), 0);
    ck_assert_uint_eq(fc_get_32(&b.body, HOST_BIG_ENDIAN), snaplen);
    return b.body; /* the options */
}

static struct fc_cursor expect_epb(struct fc_cursor *file, uint32_t iface, uint64_t ts,
                                   const uint8_t *data, uint32_t caplen, uint32_t len)
{
    struct block b = next_block(file);
    ck_assert_uint_eq(b.type, 6);
    ck_assert_uint_eq(fc_get_32(&b.body, HOST_BIG_ENDIAN), iface);
    ck_assert_uint_eq(fc_get_32(&b.body, HOST_BIG_ENDIAN), (uint32_t)(ts >> 32));
    ck_assert_uint_eq(fc_get_32(&b.body, HOST_BIG_ENDIAN), (uint32_t)ts);
    ck_assert_uint_eq(fc_get_32(&b.body, HOST_BIG_ENDIAN), caplen);
    ck_assert_uint_eq(fc_get_32(&b.body, HOST_BIG_ENDIAN), len);
    const uint8_t *d = fc_cursor_take(&b.body, caplen);
    ck_assert_ptr_nonnull(d);
    if (caplen)
        ck_assert_mem_eq(d, data, caplen);
    for (unsigned i = caplen; i % 4; i++)
        ck_assert_uint_eq(fc_get_u8(&b.body), 0);
    return b.body; /* the options */
}

START_TEST(pcapng_with_two_link_types)
{
    const struct fc_out_interface ifs[] = {
        { .linktype = 1, .snaplen = 262144, .tsresol = 6, .name = "eth0",
          .description = "case/a.pcapng, section 1, interface 0" },
        { .linktype = 101, .snaplen = 0, .tsresol = 9, .tsoffset = 1000000000,
          .description = "case/b.pcap" },
    };
    ck_assert_int_eq(fc_out_capture_choose(ifs, 2, false), FC_OUT_PCAPNG);
    const struct fc_out_packet pkts[] = {
        { 0, UINT64_C(1300475167096535), sizeof frame_a, 60, frame_a, NULL },
        { 1, UINT64_C(5000000123), sizeof frame_b, 29, frame_b, NULL },
        { 0, 0, 0, 0, NULL, NULL }, /* an empty packet is kept too */
    };
    struct written out = write_file(FC_OUT_PCAPNG, ifs, 2, pkts, 3);
    struct fc_cursor file = fc_cursor_make((const uint8_t *)out.bytes, out.len);
    expect_shb(&file);

    struct fc_cursor o = expect_idb(&file, 1, 262144);
    expect_option(&o, 2, "eth0", 4);
    expect_option(&o, 3, ifs[0].description, (uint16_t)strlen(ifs[0].description));
    expect_end_of_options(&o); /* if_tsresol 6 is the default: left out */

    o = expect_idb(&file, 101, 0);
    expect_option(&o, 3, "case/b.pcap", 11);
    expect_option(&o, 9, "\x09", 1);
    int64_t offset = 1000000000;
    expect_option(&o, 14, &offset, 8);
    expect_end_of_options(&o);

    o = expect_epb(&file, 0, UINT64_C(1300475167096535), frame_a, sizeof frame_a, 60);
    ck_assert_uint_eq(fc_cursor_left(&o), 0); /* no options: no opt_endofopt either */
    o = expect_epb(&file, 1, UINT64_C(5000000123), frame_b, sizeof frame_b, 29);
    ck_assert_uint_eq(fc_cursor_left(&o), 0);
    o = expect_epb(&file, 0, 0, NULL, 0, 0);
    ck_assert_uint_eq(fc_cursor_left(&o), 0);
    ck_assert_uint_eq(fc_cursor_left(&file), 0);
    ck_assert(!file.short_read);
    free(out.bytes);
}
END_TEST

START_TEST(pcapng_binary_resolution_and_comments)
{
    const struct fc_out_interface ifs[] = {
        { .linktype = 1, .snaplen = 65535, .tsresol = 0x80 | 20, .name = "bin" },
        { .linktype = 1, .snaplen = 65535, .tsresol = 6 },
    };
    ck_assert_int_eq(fc_out_capture_choose(ifs, 2, false), FC_OUT_PCAPNG);
    ck_assert_int_eq(fc_out_capture_choose(&ifs[1], 1, true), FC_OUT_PCAPNG);
    /* units of 2^-20 s: 1300475167.5 s and 1300475167.25 s */
    const uint64_t half = (UINT64_C(1300475167) << 20) | (1u << 19);
    const uint64_t quarter = (UINT64_C(1300475167) << 20) | (1u << 18);
    const struct fc_out_packet pkts[] = {
        { 0, half, sizeof frame_a, 60, frame_a, "flow 7, packet 1" }, /* 16 bytes: no padding */
        { 0, quarter, sizeof frame_b, 29, frame_b, "x" },             /* 1 byte + 3 padding */
        { 1, UINT64_C(1300475167096535), sizeof frame_c, 4, frame_c, NULL },
    };
    struct written out = write_file(FC_OUT_PCAPNG, ifs, 2, pkts, 3);

    struct fc_cursor file = fc_cursor_make((const uint8_t *)out.bytes, out.len);
    expect_shb(&file);
    struct fc_cursor o = expect_idb(&file, 1, 65535);
    expect_option(&o, 2, "bin", 3);
    expect_option(&o, 9, "\x94", 1);
    expect_end_of_options(&o);
    o = expect_idb(&file, 1, 65535);
    ck_assert_uint_eq(fc_cursor_left(&o), 0);
    o = expect_epb(&file, 0, half, frame_a, sizeof frame_a, 60);
    expect_option(&o, 1, "flow 7, packet 1", 16);
    expect_end_of_options(&o);
    o = expect_epb(&file, 0, quarter, frame_b, sizeof frame_b, 29);
    expect_option(&o, 1, "x", 1);
    expect_end_of_options(&o);
    o = expect_epb(&file, 1, UINT64_C(1300475167096535), frame_c, sizeof frame_c, 4);
    ck_assert_uint_eq(fc_cursor_left(&o), 0);
    ck_assert_uint_eq(fc_cursor_left(&file), 0);

    /* libpcap reads the single-link-type pcapng: 2^-20 fractions of .5 and
     * .25 are exact in nanoseconds */
    pcap_t *p = read_back(&out, PCAP_TSTAMP_PRECISION_NANO);
    ck_assert_int_eq(pcap_datalink(p), DLT_EN10MB);
    expect_packet(p, frame_a, sizeof frame_a, 60, 1300475167, 500000000);
    expect_packet(p, frame_b, sizeof frame_b, 29, 1300475167, 250000000);
    expect_packet(p, frame_c, sizeof frame_c, 4, 1300475167, 96535000);
    expect_end(p);
    free(out.bytes);
}
END_TEST

START_TEST(choose_follows_each_rule)
{
    struct fc_out_interface i[3] = {
        { .linktype = 1, .tsresol = 6 },
        { .linktype = 1, .tsresol = 3 },
        { .linktype = 1, .tsresol = 6, .tsoffset = -5 },
    };
    ck_assert_int_eq(fc_out_capture_choose(i, 3, false), FC_OUT_PCAP_USEC);
    ck_assert_int_eq(fc_out_capture_choose(i, 3, true), FC_OUT_PCAPNG); /* comments */
    i[1].tsresol = 9;
    ck_assert_int_eq(fc_out_capture_choose(i, 3, false), FC_OUT_PCAP_NSEC);
    i[1].tsresol = 7;
    ck_assert_int_eq(fc_out_capture_choose(i, 3, false), FC_OUT_PCAP_NSEC);
    i[1].tsresol = 10; /* 10^-10: finer than ns */
    ck_assert_int_eq(fc_out_capture_choose(i, 3, false), FC_OUT_PCAPNG);
    i[1].tsresol = 0x80 | 1; /* half seconds: binary */
    ck_assert_int_eq(fc_out_capture_choose(i, 3, false), FC_OUT_PCAPNG);
    i[1].tsresol = 6;
    i[2].linktype = 101; /* two link types */
    ck_assert_int_eq(fc_out_capture_choose(i, 3, false), FC_OUT_PCAPNG);
    i[2].linktype = 1;
    i[0].linktype = i[1].linktype = i[2].linktype = 12; /* raw IP libpcap writes as 101 */
    ck_assert_int_eq(fc_out_capture_choose(i, 3, false), FC_OUT_PCAPNG);
    ck_assert_int_eq(fc_out_capture_choose(i, 0, false), FC_OUT_PCAPNG);
}
END_TEST

START_TEST(open_refuses_what_the_format_cannot_hold)
{
    char *buf;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    const struct fc_out_interface two[] = { { .linktype = 1, .tsresol = 6 },
                                            { .linktype = 113, .tsresol = 6 } };
    const struct fc_out_interface ns = { .linktype = 1, .tsresol = 9 };
    const struct fc_out_interface bin = { .linktype = 1, .tsresol = 0x80 | 10 };
    const struct fc_out_interface wide = { .linktype = 0x10000, .tsresol = 6 };
    errno = 0;
    ck_assert_ptr_null(fc_out_capture_open(f, FC_OUT_PCAP_USEC, two, 2));
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_ptr_null(fc_out_capture_open(f, FC_OUT_PCAP_USEC, &ns, 1)); /* would lose digits */
    ck_assert_ptr_null(fc_out_capture_open(f, FC_OUT_PCAP_NSEC, &bin, 1));
    ck_assert_ptr_null(fc_out_capture_open(f, FC_OUT_PCAP_NSEC, &ns, 0));
    ck_assert_ptr_null(fc_out_capture_open(f, FC_OUT_PCAPNG, &wide, 1));
    char *long_name = malloc(FC_OUT_MAX_OPTION + 2);
    memset(long_name, 'a', FC_OUT_MAX_OPTION + 1);
    long_name[FC_OUT_MAX_OPTION + 1] = '\0';
    struct fc_out_interface named = { .linktype = 1, .tsresol = 6, .name = long_name };
    errno = 0;
    ck_assert_ptr_null(fc_out_capture_open(f, FC_OUT_PCAPNG, &named, 1));
    ck_assert_int_eq(errno, EINVAL);
    fflush(f);
    ck_assert_uint_eq(len, 0); /* nothing written by a refused open */

    /* pcapng with no interface is a lone SHB; a packet then has no interface */
    struct fc_out_capture *w = fc_out_capture_open(f, FC_OUT_PCAPNG, NULL, 0);
    ck_assert_ptr_nonnull(w);
    struct fc_out_packet pkt = { 0, 0, sizeof frame_c, 4, frame_c, NULL };
    expect_refused(w, &pkt, EINVAL);
    ck_assert_int_eq(fc_out_capture_close(w), 0);

    /* a comment is refused by pcap and by pcapng when too long */
    w = fc_out_capture_open(f, FC_OUT_PCAP_USEC, &two[0], 1);
    pkt.comment = "c";
    expect_refused(w, &pkt, EINVAL);
    pkt.data = NULL; /* caplen 4 without data */
    pkt.comment = NULL;
    ck_assert_int_eq(fc_out_capture_write(w, &pkt), -1);
    ck_assert_int_eq(fc_out_capture_close(w), 0);
    w = fc_out_capture_open(f, FC_OUT_PCAPNG, &two[0], 1);
    pkt.data = frame_c;
    pkt.comment = long_name;
    ck_assert_int_eq(fc_out_capture_write(w, &pkt), -1);
    ck_assert_int_eq(errno, EINVAL);
    long_name[FC_OUT_MAX_OPTION] = '\0'; /* 65535 bytes: the longest that fits */
    ck_assert_int_eq(fc_out_capture_write(w, &pkt), 0);
    ck_assert_int_eq(fc_out_capture_close(w), 0);
    free(long_name);
    fclose(f);
    free(buf);
}
END_TEST

/* A stream that cannot be written: open fails with the write's errno, and
 * the caller's FILE is still open (libpcap never closed it). */
START_TEST(failing_stream_is_reported_and_left_open)
{
    char ro[64] = { 0 };
    const enum fc_out_format fmts[] = { FC_OUT_PCAP_USEC, FC_OUT_PCAPNG };
    for (unsigned i = 0; i < 2; i++) {
        FILE *f = fmemopen(ro, sizeof ro, "r");
        setvbuf(f, NULL, _IONBF, 0);
        errno = 0;
        ck_assert_ptr_null(fc_out_capture_open(f, fmts[i], &eth_usec, 1));
        ck_assert_int_ne(errno, 0);
        ck_assert_int_eq(fgetc(f), 0); /* still ours, still readable */
        ck_assert_int_eq(fclose(f), 0);
    }

    /* a stream that fills up after the header: write or close reports it */
    char small[40];
    FILE *f = fmemopen(small, sizeof small, "w");
    setvbuf(f, NULL, _IONBF, 0);
    struct fc_out_capture *w = fc_out_capture_open(f, FC_OUT_PCAP_USEC, &eth_usec, 1);
    ck_assert_ptr_nonnull(w);
    struct fc_out_packet pkt = { 0, 1, sizeof frame_a, 60, frame_a, NULL };
    ck_assert_int_eq(fc_out_capture_write(w, &pkt), -1);
    ck_assert_int_eq(fc_out_capture_write(w, &pkt), -1); /* stays failed */
    ck_assert_int_eq(fc_out_capture_close(w), -1);
    fclose(f);
}
END_TEST

Suite *make_out_capture_suite(void)
{
    Suite *s = suite_create("out_capture");
    TCase *tc = tcase_create("pcap");
    tcase_add_test(tc, usec_pcap_keeps_bytes_lengths_and_times);
    tcase_add_test(tc, nsec_pcap_from_usec_and_nsec_interfaces);
    tcase_add_test(tc, tsoffset_gives_absolute_seconds);
    tcase_add_test(tc, linktype_raw_keeps_101_in_the_header);
    tcase_add_test(tc, every_pcap_linktype_round_trips_through_libpcap);
    tcase_add_test(tc, coarse_resolution_scales_up_exactly);
    suite_add_tcase(s, tc);
    tc = tcase_create("pcapng");
    tcase_add_test(tc, pcapng_with_two_link_types);
    tcase_add_test(tc, pcapng_binary_resolution_and_comments);
    suite_add_tcase(s, tc);
    tc = tcase_create("api");
    tcase_add_test(tc, choose_follows_each_rule);
    tcase_add_test(tc, open_refuses_what_the_format_cannot_hold);
    tcase_add_test(tc, failing_stream_is_reported_and_left_open);
    suite_add_tcase(s, tc);
    return s;
}
