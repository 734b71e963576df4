/* The flow index and packet lists: what convert writes, extract reads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/flow.h"
#include "core/packet-list.h"
#include "fc-test.h"
#include "formats/flow-index.h"

/* Places that exercise every encoding path: a new capture, steps forward,
 * a step back (a datagram's fragments that arrived out of order), a return
 * to an earlier capture, offsets past 4 GiB. */
static const struct fc_provenance places[] = {
    { 0, 1, 24 },          { 0, 2, 100 },       { 0, 7, 900 },  { 3, 1, 24 },
    { 3, 5, 600 },         { 3, 4, 500 },       { 0, 9, 1200 }, { 1, 400000, UINT64_C(5000000000) },
    { 1, 400001, UINT64_C(5000001514) },
};
#define NPLACES (sizeof places / sizeof places[0])

START_TEST(test_packet_list_round_trip)
{
    struct fc_packet_list l = { 0 };
    for (unsigned i = 0; i < NPLACES; i++)
        fc_packet_list_add(&l, &places[i], i % 3 == 0);
    ck_assert_uint_eq(l.count, NPLACES);
    ck_assert(!l.failed);
    size_t pos = 0;
    struct fc_packet_entry e = { 0 };
    for (unsigned i = 0; i < NPLACES; i++) {
        ck_assert(fc_packet_list_next(l.buf, l.len, &pos, &e));
        ck_assert_uint_eq(e.where.input, places[i].input);
        ck_assert_uint_eq(e.where.number, places[i].number);
        ck_assert_uint_eq(e.where.offset, places[i].offset);
        ck_assert_uint_eq(e.dir, i % 3 == 0);
    }
    ck_assert_uint_eq(pos, l.len);
    ck_assert(!fc_packet_list_next(l.buf, l.len, &pos, &e));
    /* Consecutive records of one capture cost a few bytes each. */
    ck_assert_uint_le(l.len, NPLACES * 8);
    fc_packet_list_free(&l);
}
END_TEST

START_TEST(test_packet_list_truncated)
{
    struct fc_packet_list l = { 0 };
    for (unsigned i = 0; i < NPLACES; i++)
        fc_packet_list_add(&l, &places[i], 0);
    /* Cut anywhere, decoding stops at the last whole entry. */
    for (size_t cut = 0; cut < l.len; cut++) {
        size_t pos = 0;
        struct fc_packet_entry e = { 0 };
        unsigned n = 0;
        while (fc_packet_list_next(l.buf, cut, &pos, &e))
            n++;
        ck_assert_uint_lt(n, NPLACES);
        ck_assert_uint_le(pos, cut);
    }
    fc_packet_list_free(&l);
}
END_TEST

/* A record with the given id, tuple and packet list. */
static void make_record(struct fc_flow_record *r, const char *id, uint8_t last_octet,
                        struct fc_packet_list *l, uint64_t packets)
{
    memset(r, 0, sizeof *r);
    strcpy(r->flow_id, id);
    strcpy(r->community_id, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
    r->key.ip_version = 4;
    r->key.proto = 6;
    r->key.addr[0][0] = 10;
    r->key.addr[0][3] = 1;
    r->key.addr[1][0] = 10;
    r->key.addr[1][3] = last_octet;
    r->key.port[0] = 1234;
    r->key.port[1] = 80;
    r->src_end = 1;
    r->first_ts = 1000;
    r->last_ts = 2000 + last_octet;
    r->dir[0].packets = packets / 2;
    r->dir[1].packets = packets - packets / 2;
    r->packets = l;
}

static char *write_index(struct fc_packet_list *big)
{
    char *path = strdup("/tmp/fc-index-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "wb");
    struct fc_index_writer *w = fc_index_writer_open(f);
    ck_assert_ptr_nonnull(w);
    struct fc_flow_record r;
    struct fc_packet_list small = { 0 };
    fc_packet_list_add(&small, &places[0], 0);
    fc_packet_list_add(&small, &places[1], 1);
    make_record(&r, "ffff00000000000000000001", 2, &small, 2);
    fc_index_add(w, &r);
    /* A long flow: spilled in parts, as the flow table does past
     * FC_PACKET_LIST_PART bytes. */
    for (uint64_t i = 0; i < 100000; i++) {
        struct fc_provenance p = { 2, i + 1, 24 + i * 100 };
        fc_packet_list_add(big, &p, (unsigned)(i & 1));
        if (big->len >= FC_PACKET_LIST_PART)
            fc_index_spill(w, big);
    }
    make_record(&r, "0123456789abcdef01234567", 3, big, 100000);
    fc_index_add(w, &r);
    uint64_t contexts[] = { 0, 28 };
    struct fc_index_capture caps[] = { { "case/a.tar", 0, 10, NULL, 0, false },
                                       { "case/a.tar", 1, 20, contexts, 2, false },
                                       { "case/b.pcap", 0, 100000, NULL, 0, true } };
    ck_assert_int_eq(fc_index_writer_close(w, caps, 3), 0);
    fc_packet_list_free(&small);
    return path;
}

START_TEST(test_index_round_trip)
{
    struct fc_packet_list big = { 0 };
    char *path = write_index(&big);
    char err[256];
    struct fc_index *x = fc_index_open(path, err, sizeof err);
    ck_assert_msg(x != NULL, "%s", err);
    ck_assert_uint_eq(fc_index_nflows(x), 2);
    ck_assert_uint_eq(fc_index_ncaptures(x), 3);
    const struct fc_index_capture *c = fc_index_capture(x, 1);
    ck_assert_str_eq(c->path, "case/a.tar");
    ck_assert_uint_eq(c->capture, 1);
    ck_assert_uint_eq(c->packets, 20);
    ck_assert_uint_eq(c->ncontexts, 2);
    ck_assert_uint_eq(c->contexts[1], 28);
    ck_assert(fc_index_capture(x, 2)->contexts_overflow);
    ck_assert_str_eq(fc_index_capture(x, 2)->path, "case/b.pcap");

    /* Sorted by flow_id: the long flow first. */
    struct fc_index_flow f;
    ck_assert_int_eq(fc_index_flow_at(x, 0, &f, err, sizeof err), 0);
    ck_assert_uint_eq(f.id[0], 0x01);
    ck_assert_int_eq(fc_index_flow_at(x, 2, &f, err, sizeof err), 1);

    uint8_t id[FC_INDEX_ID_LEN];
    ck_assert(fc_index_id_parse("0123456789ABCDEF01234567", id));
    ck_assert_int_eq(fc_index_find(x, id, &f, err, sizeof err), 0);
    ck_assert_uint_eq(f.packets, 100000);
    ck_assert(!f.incomplete);
    ck_assert_uint_eq(f.src[3], 3); /* src_end 1: the second key endpoint */
    ck_assert_uint_eq(f.sport, 80);
    ck_assert_uint_eq(f.last_ts, 2003);
    ck_assert_str_eq(f.community_id, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
    uint64_t n = 0;
    struct fc_packet_entry *e = fc_index_packets(x, &f, &n, err, sizeof err);
    ck_assert_msg(e != NULL, "%s", err);
    ck_assert_uint_eq(n, 100000);
    for (uint64_t i = 0; i < n; i++) {
        ck_assert_uint_eq(e[i].where.input, 2);
        ck_assert_uint_eq(e[i].where.number, i + 1);
        ck_assert_uint_eq(e[i].where.offset, 24 + i * 100);
        ck_assert_uint_eq(e[i].dir, i & 1);
    }
    free(e);

    ck_assert(fc_index_id_parse("ffff00000000000000000001", id));
    ck_assert_int_eq(fc_index_find(x, id, &f, err, sizeof err), 0);
    e = fc_index_packets(x, &f, &n, err, sizeof err);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(e[1].where.offset, places[1].offset);
    free(e);

    ck_assert(fc_index_id_parse("0123456789abcdef01234568", id));
    ck_assert_int_eq(fc_index_find(x, id, &f, err, sizeof err), 1);
    ck_assert(!fc_index_id_parse("0123456789abcdef0123456", id));
    ck_assert(!fc_index_id_parse("0123456789abcdef0123456g", id));
    fc_index_close(x);
    unlink(path);
    free(path);
    fc_packet_list_free(&big);
}
END_TEST

/* A cut or altered index is refused or reports damage, never read past. */
START_TEST(test_index_damaged)
{
    struct fc_packet_list big = { 0 };
    char *path = write_index(&big);
    FILE *f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    uint8_t *bytes = malloc((size_t)size);
    rewind(f);
    ck_assert_uint_eq(fread(bytes, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    char err[256];
    for (long cut = 0; cut < size; cut += cut < 200 || size - cut < 400 ? 1 : 997) {
        f = fopen(path, "wb");
        fwrite(bytes, 1, (size_t)cut, f);
        fclose(f);
        ck_assert_ptr_null(fc_index_open(path, err, sizeof err));
    }
    /* Flip bytes across the file, densely in the header, the long flow's
     * part headers, the record entries and the tables at the end: whatever
     * opens must decode or fail. */
    for (long at = 0; at < size; at += at < 300 || size - at < 1200 ? 7 : 3001) {
        uint8_t saved = bytes[at];
        bytes[at] ^= 0x5a;
        f = fopen(path, "wb");
        fwrite(bytes, 1, (size_t)size, f);
        fclose(f);
        bytes[at] = saved;
        struct fc_index *x = fc_index_open(path, err, sizeof err);
        struct fc_index_flow fl;
        for (uint64_t i = 0; x && fc_index_flow_at(x, i, &fl, err, sizeof err) == 0; i++) {
            uint64_t n;
            free(fc_index_packets(x, &fl, &n, err, sizeof err));
        }
        fc_index_close(x);
    }
    free(bytes);
    unlink(path);
    free(path);
    fc_packet_list_free(&big);
}
END_TEST

Suite *make_flow_index_suite(void)
{
    Suite *s = suite_create("flow_index");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_packet_list_round_trip);
    tcase_add_test(tc, test_packet_list_truncated);
    tcase_add_test(tc, test_index_round_trip);
    tcase_add_test(tc, test_index_damaged);
    suite_add_tcase(s, tc);
    return s;
}
