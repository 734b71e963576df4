/*
 * pcapng files (https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcapng/):
 * any number of sections, each with its own byte order and interfaces; each
 * interface with its own link type and timestamp resolution. libpcap 1.10
 * refuses a file whose interfaces differ in link type (libpcap issue 1259);
 * here every packet carries its interface's link type.
 *
 *   block: type(4) | total length(4) | body | total length(4)
 *   SHB body: byte-order magic 0x1A2B3C4D | major(2) minor(2) | section length(8) | options
 *   IDB body: linktype(2) reserved(2) snaplen(4) | options (if_tsresol 9, if_tsoffset 14)
 *   EPB body: interface(4) ts_high(4) ts_low(4) caplen(4) len(4) | data, padded | options
 *   SPB body: len(4) | data, padded               (interface 0, no timestamp)
 *   PB  body: interface(2) drops(2) ts_high ts_low caplen len | data (obsolete)
 *   ISB body: interface(4) ts_high ts_low | options (isb_ifdrop 5)
 */
#include <stdlib.h>

#include "core/cursor.h"
#include "core/limits.h"
#include "formats/in-format.h"

#define BT_SHB 0x0a0d0d0au
#define BT_IDB 0x00000001u
#define BT_PB 0x00000002u
#define BT_SPB 0x00000003u
#define BT_ISB 0x00000005u
#define BT_EPB 0x00000006u
#define BYTE_ORDER_MAGIC 0x1a2b3c4du
#define BLOCK_OVERHEAD 12u
#define OPT_ENDOFOPT 0
#define OPT_IF_TSRESOL 9
#define OPT_IF_TSOFFSET 14
#define OPT_ISB_IFDROP 5
/* Interfaces remembered per section; a file declaring more is hostile or
 * broken, and its packets on further interfaces are reported. */
#define MAX_INTERFACES 4096u
#define DEFAULT_TSRESOL 6 /* microseconds, when an IDB has no if_tsresol */

struct iface {
    uint32_t linktype;
    uint32_t snaplen;
    bool base2;  /* resolution 2^-exp, else 10^-exp */
    uint8_t exp;
    int64_t tsoffset_s;
    uint64_t ifdrop; /* last isb_ifdrop seen: a running total */
};

struct pcapng_state {
    bool big_endian;
    struct iface *ifaces;
    unsigned nifaces;
    unsigned sections;
    fc_time last_ts; /* for SPBs, which have no timestamp */
    bool warned_snaplen;
};

static bool pcapng_probe(const uint8_t *head, size_t n)
{
    struct fc_cursor c = fc_cursor_make(head, n);
    return fc_get_le32(&c) == BT_SHB && !c.short_read;
}

static void *pcapng_open(struct fc_capture *c)
{
    struct pcapng_state *s = calloc(1, sizeof *s);
    if (!s)
        fc_capture_report_at(c, FC_DIAG_ERROR, 0, "out of memory");
    return s;
}

static void pcapng_close(void *state)
{
    struct pcapng_state *s = state;
    free(s->ifaces);
    free(s);
}

/* A 64-bit value stored as two 32-bit words in the section's byte order. */
static uint64_t get_u64(struct fc_cursor *c, bool big)
{
    uint64_t a = fc_get_32(c, big);
    uint64_t b = fc_get_32(c, big);
    return big ? a << 32 | b : b << 32 | a;
}

/* Walks an options list, calling fn for each option's code and value. */
static void each_option(struct fc_cursor *c, bool big,
                        void (*fn)(void *arg, uint16_t code, struct fc_cursor *value),
                        void *arg)
{
    while (fc_cursor_left(c) >= 4) {
        uint16_t code = fc_get_16(c, big);
        uint16_t len = fc_get_16(c, big);
        if (code == OPT_ENDOFOPT || !fc_cursor_has(c, len))
            return;
        struct fc_cursor value = fc_cursor_make(c->p, len);
        fn(arg, code, &value);
        fc_cursor_skip(c, (len + 3u) & ~3u);
    }
}

struct idb_options {
    struct iface *iface;
    bool big;
    bool bad_tsresol;
};

static void idb_option(void *arg, uint16_t code, struct fc_cursor *v)
{
    struct idb_options *o = arg;
    if (code == OPT_IF_TSRESOL && fc_cursor_left(v) >= 1) {
        uint8_t r = fc_get_u8(v);
        bool base2 = r & 0x80;
        uint8_t exp = r & 0x7f;
        /* 10^19 and 2^63 are the finest resolutions a 64-bit count can use. */
        if ((!base2 && exp > 19) || (base2 && exp > 63)) {
            o->bad_tsresol = true;
            return;
        }
        o->iface->base2 = base2;
        o->iface->exp = exp;
    } else if (code == OPT_IF_TSOFFSET && fc_cursor_left(v) >= 8) {
        o->iface->tsoffset_s = (int64_t)get_u64(v, o->big);
    }
}

/* Converts a timestamp in the interface's units to nanoseconds since the
 * epoch. False when the time does not fit in fc_time (1677-2262): such a
 * timestamp is damage, not a date. */
static bool iface_time(const struct iface *i, uint64_t units, fc_time *out)
{
    static const uint64_t pow10[] = { 1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u,
                                      10000000u, 100000000u, 1000000000u, 10000000000u,
                                      100000000000u, 1000000000000u, 10000000000000u,
                                      100000000000000u, 1000000000000000u,
                                      10000000000000000u, 100000000000000000u,
                                      1000000000000000000u, 10000000000000000000u };
    __int128 ns;
    if (i->base2)
        ns = (__int128)(((unsigned __int128)units * 1000000000u) >> i->exp);
    else if (i->exp <= 9)
        ns = (__int128)units * (__int128)pow10[9 - i->exp];
    else
        ns = (__int128)(units / pow10[i->exp - 9]); /* finer than 1 ns: truncated */
    ns += (__int128)i->tsoffset_s * FC_NS_PER_SEC;
    if (ns > INT64_MAX || ns < INT64_MIN)
        return false;
    *out = (fc_time)ns;
    return true;
}

/* A time in the interface's units: for simple packet blocks, which store
 * none and take the time of the packet before (exact for decimal
 * resolutions of at most 10^-9). */
static uint64_t units_of(const struct iface *i, fc_time t)
{
    __int128 ns = (__int128)t - (__int128)i->tsoffset_s * FC_NS_PER_SEC;
    if (ns < 0)
        return 0;
    if (i->base2)
        return (uint64_t)((ns << i->exp) / 1000000000);
    __int128 scale = 1;
    for (unsigned e = i->exp; e < 9; e++)
        scale *= 10;
    if (i->exp <= 9)
        return (uint64_t)(ns / scale);
    for (unsigned e = 9; e < i->exp; e++)
        ns *= 10;
    return (uint64_t)ns;
}

static bool read_shb(struct fc_capture *c, struct pcapng_state *s, struct fc_cursor *body,
                     uint64_t offset)
{
    fc_cursor_skip(body, 4); /* byte-order magic, already read */
    uint16_t major = fc_get_16(body, s->big_endian);
    uint16_t minor = fc_get_16(body, s->big_endian);
    if (body->short_read || major != 1) {
        fc_capture_report_at(c, FC_DIAG_ERROR, offset,
                             "unsupported pcapng section version %u.%u", major, minor);
        return false;
    }
    s->sections++;
    s->nifaces = 0; /* interface ids restart in every section */
    return true;
}

static void read_idb(struct fc_capture *c, struct pcapng_state *s, struct fc_cursor *body,
                     uint64_t offset)
{
    struct iface i = { .exp = DEFAULT_TSRESOL };
    i.linktype = fc_get_16(body, s->big_endian);
    fc_cursor_skip(body, 2);
    i.snaplen = fc_get_32(body, s->big_endian);
    if (body->short_read) {
        fc_capture_report_at(c, FC_DIAG_WARNING, offset,
                             "interface description block too short: interface %u ignored",
                             s->nifaces);
        return;
    }
    struct idb_options o = { &i, s->big_endian, false };
    each_option(body, s->big_endian, idb_option, &o);
    if (o.bad_tsresol)
        fc_capture_report_at(c, FC_DIAG_WARNING, offset,
                             "interface %u: impossible if_tsresol, microseconds assumed",
                             s->nifaces);
    if (s->nifaces == MAX_INTERFACES) {
        fc_capture_report_at(c, FC_DIAG_WARNING, offset,
                             "more than %u interfaces in one section: the rest are ignored",
                             MAX_INTERFACES);
        return;
    }
    if (!s->ifaces) {
        s->ifaces = calloc(MAX_INTERFACES, sizeof *s->ifaces);
        if (!s->ifaces) {
            fc_capture_report_at(c, FC_DIAG_WARNING, offset, "out of memory for interfaces");
            return;
        }
    }
    s->ifaces[s->nifaces++] = i;
}

struct isb_options {
    bool big;
    bool has_ifdrop;
    uint64_t ifdrop;
};

static void isb_option(void *arg, uint16_t code, struct fc_cursor *v)
{
    struct isb_options *o = arg;
    if (code == OPT_ISB_IFDROP && fc_cursor_left(v) >= 8) {
        o->ifdrop = get_u64(v, o->big);
        o->has_ifdrop = true;
    }
}

/* Interface statistics: the drops the capturing interface admitted to
 * belong in the evidence record (packets that never reached the file). */
static void read_isb(struct fc_capture *c, struct pcapng_state *s, struct fc_cursor *body)
{
    uint32_t id = fc_get_32(body, s->big_endian);
    fc_cursor_skip(body, 8); /* timestamp */
    if (body->short_read || id >= s->nifaces)
        return;
    struct isb_options o = { .big = s->big_endian };
    each_option(body, s->big_endian, isb_option, &o);
    struct iface *i = &s->ifaces[id];
    if (o.has_ifdrop && o.ifdrop > i->ifdrop) {
        c->info->if_drops += o.ifdrop - i->ifdrop;
        i->ifdrop = o.ifdrop;
    }
}

/* The fixed part of the three packet block kinds, normalised. */
struct packet_fields {
    uint32_t iface;
    uint64_t units; /* timestamp in interface units */
    bool has_ts;
    uint32_t caplen;
    uint32_t len;
};

static void read_packet_fields(uint32_t type, struct fc_cursor *body, bool big,
                               struct packet_fields *f)
{
    if (type == BT_SPB) {
        f->iface = 0;
        f->len = fc_get_32(body, big);
        /* The block length bounds the data; caplen is what it holds. */
        uint32_t room = (uint32_t)fc_cursor_left(body);
        f->caplen = f->len < room ? f->len : room;
        return;
    }
    if (type == BT_PB) {
        f->iface = fc_get_16(body, big);
        fc_cursor_skip(body, 2); /* drops count */
    } else {
        f->iface = fc_get_32(body, big);
    }
    uint64_t hi = fc_get_32(body, big);
    uint64_t lo = fc_get_32(body, big);
    f->units = hi << 32 | lo;
    f->has_ts = true;
    f->caplen = fc_get_32(body, big);
    f->len = fc_get_32(body, big);
}

/* Fills p from a packet block; false (and reported) when the block cannot
 * give a packet, in which case the block is skipped. */
static bool read_packet(struct fc_capture *c, struct pcapng_state *s, uint32_t type,
                        struct fc_cursor *body, uint64_t offset, struct fc_packet *p)
{
    struct packet_fields f = { 0 };
    read_packet_fields(type, body, s->big_endian, &f);
    if (body->short_read) {
        fc_capture_report(c, FC_DIAG_WARNING, offset, "packet block too short: skipped");
        return false;
    }
    if (f.iface >= s->nifaces) {
        fc_capture_report(c, FC_DIAG_WARNING, offset,
                          "packet on interface %u, which no interface description block "
                          "declared: skipped",
                          f.iface);
        return false;
    }
    const struct iface *i = &s->ifaces[f.iface];
    if (type == BT_SPB && i->snaplen != 0 && f.caplen > i->snaplen)
        f.caplen = i->snaplen;
    if (f.caplen > FC_MAX_CAPLEN || !fc_cursor_has(body, f.caplen)) {
        fc_capture_report(c, FC_DIAG_WARNING, offset,
                          "capture length %u %s: skipped", f.caplen,
                          f.caplen > FC_MAX_CAPLEN ? "exceeds 262144 bytes"
                                                   : "runs past the end of its block");
        return false;
    }
    if (i->snaplen != 0 && f.caplen > i->snaplen && !s->warned_snaplen) {
        s->warned_snaplen = true;
        fc_capture_report(c, FC_DIAG_WARNING, offset,
                          "capture length %u exceeds the interface's snaplen %u (packet kept; "
                          "reported once per file)",
                          f.caplen, i->snaplen);
    }
    p->ts = s->last_ts;
    if (f.has_ts && !iface_time(i, f.units, &p->ts)) {
        fc_capture_report(c, FC_DIAG_WARNING, offset,
                          "timestamp beyond the years 1677-2262 (interface %u): skipped",
                          f.iface);
        return false;
    }
    s->last_ts = p->ts;
    c->ts_units = f.has_ts ? f.units : units_of(i, p->ts);
    p->data = fc_cursor_take(body, f.caplen);
    p->caplen = f.caplen;
    p->wirelen = f.len < f.caplen ? f.caplen : f.len;
    p->linktype = i->linktype;
    p->interface = f.iface;
    p->where.offset = offset;
    return true;
}

/* Reads the block type and length, learning a section's byte order from
 * its SHB. Returns the total length, or 0 at a clean end or after an error
 * (reported; reading stops, since the block framing is lost). */
static uint32_t block_header(struct fc_capture *c, struct pcapng_state *s, uint32_t *type)
{
    uint64_t offset = c->stream.offset;
    size_t avail;
    const uint8_t *h = fc_stream_peek(&c->stream, 8, &avail);
    if (!h) {
        if (avail > 0 || c->stream.error)
            fc_capture_report_at(c, FC_DIAG_ERROR, offset, "file cut short in a block header");
        return 0;
    }
    struct fc_cursor cur = fc_cursor_make(h, 8);
    *type = fc_get_32(&cur, s->big_endian); /* the SHB type reads the same both ways */
    if (*type == BT_SHB) {
        const uint8_t *shb = fc_stream_peek(&c->stream, 12, &avail);
        struct fc_cursor m = fc_cursor_make(shb ? shb + 8 : h, shb ? 4 : 0);
        uint32_t magic = fc_get_le32(&m);
        if (!shb || (magic != BYTE_ORDER_MAGIC && magic != __builtin_bswap32(BYTE_ORDER_MAGIC))) {
            fc_capture_report_at(c, FC_DIAG_ERROR, offset,
                                 "section header block without a valid byte-order magic");
            return 0;
        }
        s->big_endian = magic != BYTE_ORDER_MAGIC;
        cur = fc_cursor_make(shb + 4, 4);
        return fc_get_32(&cur, s->big_endian);
    }
    if (s->sections == 0) {
        fc_capture_report_at(c, FC_DIAG_ERROR, offset, "block before any section header");
        return 0;
    }
    return fc_get_32(&cur, s->big_endian);
}

static bool is_packet_block(uint32_t type)
{
    return type == BT_EPB || type == BT_SPB || type == BT_PB;
}

static bool pcapng_next(struct fc_capture *c, void *state, struct fc_packet *p)
{
    struct pcapng_state *s = state;
    for (;;) {
        uint64_t offset = c->stream.offset;
        uint32_t type = 0;
        uint32_t total = block_header(c, s, &type);
        if (total == 0)
            return false;
        if (total < BLOCK_OVERHEAD || total % 4 != 0) {
            fc_capture_report_at(c, FC_DIAG_ERROR, offset,
                                 "block of type 0x%08x has an invalid length %u: reading stops",
                                 type, total);
            return false;
        }
        if (total > FC_MAX_BLOCK) {
            if (is_packet_block(type) || type == BT_SHB || type == BT_IDB) {
                fc_capture_report_at(c, FC_DIAG_ERROR, offset,
                                     "block of type 0x%08x claims %u bytes, more than %u: "
                                     "reading stops",
                                     type, total, FC_MAX_BLOCK);
                return false;
            }
            if (fc_stream_skip(&c->stream, total) != total) {
                fc_capture_report_at(c, FC_DIAG_ERROR, offset, "file cut short in a block");
                return false;
            }
            continue;
        }
        size_t avail;
        const uint8_t *b = fc_stream_peek(&c->stream, total, &avail);
        if (!b && is_packet_block(type)) {
            fc_capture_report(c, FC_DIAG_ERROR, offset,
                              "file cut short in the middle of a packet block: %zu of %u bytes",
                              avail, total);
            return false;
        }
        if (!b) {
            fc_capture_report_at(c, FC_DIAG_ERROR, offset,
                                 "file cut short in a block of type 0x%08x: %zu of %u bytes",
                                 type, avail, total);
            return false;
        }
        struct fc_cursor trailer = fc_cursor_make(b + total - 4, 4);
        uint32_t total2 = fc_get_32(&trailer, s->big_endian);
        if (total2 != total) {
            fc_capture_report_at(c, FC_DIAG_ERROR, offset,
                                 "block of type 0x%08x ends with length %u instead of %u: "
                                 "reading stops",
                                 type, total2, total);
            return false;
        }
        struct fc_cursor body = fc_cursor_make(b + 8, total - BLOCK_OVERHEAD);
        bool got_packet = false;
        switch (type) {
        case BT_SHB:
            if (!read_shb(c, s, &body, offset))
                return false;
            fc_capture_info_note_context(c->info, offset);
            break;
        case BT_IDB:
            read_idb(c, s, &body, offset);
            fc_capture_info_note_context(c->info, offset);
            break;
        case BT_ISB:
            read_isb(c, s, &body);
            break;
        case BT_EPB:
        case BT_SPB:
        case BT_PB:
            got_packet = read_packet(c, s, type, &body, offset, p);
            if (!got_packet)
                c->records++; /* a skipped packet keeps its number */
            break;
        default:
            break; /* name resolution, decryption secrets, custom ...: not needed */
        }
        /* Consuming leaves p->data valid until the next peek. */
        fc_stream_consume(&c->stream, total);
        if (got_packet)
            return true;
        if (c->one_block) {
            c->block_done = true;
            return false;
        }
    }
}

static bool pcapng_interface(const void *state, uint32_t id, struct fc_capture_iface *out)
{
    const struct pcapng_state *s = state;
    if (id >= s->nifaces)
        return false;
    const struct iface *i = &s->ifaces[id];
    *out = (struct fc_capture_iface){
        .linktype = i->linktype,
        .snaplen = i->snaplen,
        .tsresol = (uint8_t)((i->base2 ? 0x80 : 0) | i->exp),
        .tsoffset = i->tsoffset_s,
        .section = s->sections,
    };
    return true;
}

const struct fc_capture_format fc_format_pcapng = {
    .name = "pcapng",
    .probe = pcapng_probe,
    .open = pcapng_open,
    .next = pcapng_next,
    .interface = pcapng_interface,
    .close = pcapng_close,
};
