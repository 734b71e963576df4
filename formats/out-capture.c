/*
 * Capture output: see out-capture.h.
 *
 * pcap goes through libpcap (pcap_open_dead_with_tstamp_precision,
 * pcap_dump_fopen, pcap_dump, pcap_dump_flush). libpcap's dumper is the
 * FILE itself (sf-pcap.c returns `(pcap_dumper_t *)f`), pcap_dump_close()
 * is fclose() of it, and pcap_dump_fopen() fcloses it too when the header
 * cannot be written. The caller owns its FILE, so libpcap is handed a
 * FILE of ours instead: an unbuffered fopencookie() stream (the relay)
 * whose writes go straight on to the caller's FILE. The relay never
 * reports a failure to libpcap (it records it in the writer), so libpcap
 * never closes it on its own; pcap_dump_close() closes the relay, and the
 * caller's FILE stays open.
 *
 * pcapng (draft-ietf-opsawg-pcapng section 4) is built here, in host byte
 * order with the byte-order magic, every block and option padded to 32 bits.
 */
#define _GNU_SOURCE /* fopencookie(): glibc and musl */
#include "formats/out-capture.h"

#include <errno.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "version.h"

#define PCAPNG_SHB 0x0A0D0D0Au
#define PCAPNG_IDB 1u
#define PCAPNG_EPB 6u
#define PCAPNG_BYTE_ORDER_MAGIC 0x1A2B3C4Du
#define PCAPNG_BLOCK_OVERHEAD 12u /* type, total length, total length again */
#define PCAPNG_SHB_BODY 16u       /* byte-order magic, major, minor, section length */
#define PCAPNG_IDB_BODY 8u        /* linktype, reserved, snaplen */
#define PCAPNG_EPB_BODY 20u       /* interface, ts high, ts low, caplen, original length */

#define OPT_ENDOFOPT 0
#define OPT_COMMENT 1
#define OPT_SHB_USERAPPL 4
#define OPT_IF_NAME 2
#define OPT_IF_DESCRIPTION 3
#define OPT_IF_TSRESOL 9
#define OPT_IF_TSOFFSET 14

#define TSRESOL_BINARY 0x80u
#define TSRESOL_DEFAULT 6u /* microseconds: an IDB without if_tsresol */
#define USERAPPL "flowcase " FC_VERSION

/* What a pcap timestamp needs from each interface. */
struct pcap_clock {
    uint8_t exp; /* units are 10^-exp seconds */
    int64_t tsoffset;
};

struct fc_out_capture {
    FILE *f;
    enum fc_out_format fmt;
    unsigned n;
    bool failed;
    /* pcap only */
    FILE *relay; /* the FILE libpcap writes to; pcap_dump_close() closes it */
    pcap_t *dead;
    pcap_dumper_t *dumper;
    unsigned out_exp; /* 6 or 9 */
    struct pcap_clock clocks[];
};

static const uint64_t pow10[] = {
    1u,         10u,         100u,         1000u,         10000u,
    100000u,    1000000u,    10000000u,    100000000u,    1000000000u,
};

/* ---- link types ---- */

/*
 * libpcap takes DLT_ values and writes dlt_to_linktype() of them
 * (pcap-common.c). This is the inverse: the DLT_ value that comes out as
 * the given LINKTYPE_. Values 0-10 and the "matching" range 104..
 * DLT_MATCHING_MAX are identical except for those below; 50, 51 and 99
 * match as well. Any other value below 104 has no DLT_ that libpcap
 * writes as it: 12 and 14 (raw IP on some systems) come out as 101.
 */
static const struct {
    uint32_t linktype;
    int dlt;
} dlt_map[] = {
    { 100, DLT_ATM_RFC1483 }, /* 11 on most systems, 13 on BSD/OS */
    { 101, DLT_RAW },         /* 12, or 14 on OpenBSD */
    { 102, DLT_SLIP_BSDOS },  /* 15 (13 on BSD/OS) */
    { 103, DLT_PPP_BSDOS },   /* 16 (14 on BSD/OS) */
    { 106, DLT_ATM_CLIP },    /* 19 */
    { 246, DLT_PFSYNC },      /* 18 on OpenBSD, NetBSD, macOS */
    { 258, DLT_PKTAP },       /* DLT_USER2 (149) on macOS */
};

int fc_out_pcap_dlt(uint32_t linktype)
{
    for (size_t i = 0; i < sizeof dlt_map / sizeof *dlt_map; i++) {
        if (dlt_map[i].linktype == linktype)
            return dlt_map[i].dlt;
    }
    if (linktype <= 10 || linktype == 50 || linktype == 51 || linktype == 99)
        return (int)linktype;
    if (linktype >= DLT_MATCHING_MIN && linktype <= DLT_MATCHING_MAX)
        return (int)linktype;
    return -1;
}

/* ---- format choice ---- */

static bool decimal_resolution(uint8_t tsresol, unsigned max_exp)
{
    return !(tsresol & TSRESOL_BINARY) && tsresol <= max_exp;
}

enum fc_out_format fc_out_capture_choose(const struct fc_out_interface *ifs, unsigned n, bool comments)
{
    if (comments || n == 0 || fc_out_pcap_dlt(ifs[0].linktype) < 0)
        return FC_OUT_PCAPNG;
    bool usec = true;
    for (unsigned i = 0; i < n; i++) {
        if (ifs[i].linktype != ifs[0].linktype || !decimal_resolution(ifs[i].tsresol, 9))
            return FC_OUT_PCAPNG;
        if (ifs[i].tsresol > 6)
            usec = false;
    }
    return usec ? FC_OUT_PCAP_USEC : FC_OUT_PCAP_NSEC;
}

/* ---- byte output ---- */

static size_t pad4(size_t n)
{
    return (n + 3) & ~(size_t)3;
}

static void put(struct fc_out_capture *w, const void *p, size_t n)
{
    if (n && fwrite(p, 1, n, w->f) != n)
        w->failed = true;
}

static void put16(struct fc_out_capture *w, uint16_t v)
{
    put(w, &v, sizeof v);
}

static void put32(struct fc_out_capture *w, uint32_t v)
{
    put(w, &v, sizeof v);
}

static void put_padding(struct fc_out_capture *w, size_t n)
{
    static const uint8_t zero[4];
    put(w, zero, pad4(n) - n);
}

/* ---- pcapng ---- */

static size_t option_size(size_t len)
{
    return 4 + pad4(len);
}

static size_t string_option_size(const char *s)
{
    return s ? option_size(strlen(s)) : 0;
}

static bool string_fits(const char *s)
{
    return !s || strlen(s) <= FC_OUT_MAX_OPTION;
}

static void put_option(struct fc_out_capture *w, uint16_t code, const void *v, size_t len)
{
    put16(w, code);
    put16(w, (uint16_t)len);
    put(w, v, len);
    put_padding(w, len);
}

static void put_string_option(struct fc_out_capture *w, uint16_t code, const char *s)
{
    if (s)
        put_option(w, code, s, strlen(s));
}

/* opt_endofopt closes a non-empty option list; an empty one is left out. */
static size_t end_of_options_size(size_t options)
{
    return options ? 4 : 0;
}

static void put_end_of_options(struct fc_out_capture *w, size_t options)
{
    if (options)
        put_option(w, OPT_ENDOFOPT, NULL, 0);
}

static void write_shb(struct fc_out_capture *w)
{
    size_t opts = option_size(strlen(USERAPPL));
    uint32_t total = (uint32_t)(PCAPNG_BLOCK_OVERHEAD + PCAPNG_SHB_BODY + opts +
                                end_of_options_size(opts));
    put32(w, PCAPNG_SHB);
    put32(w, total);
    put32(w, PCAPNG_BYTE_ORDER_MAGIC);
    put16(w, 1); /* major */
    put16(w, 0); /* minor */
    uint64_t unknown_length = UINT64_MAX; /* -1: the section length is not given */
    put(w, &unknown_length, sizeof unknown_length);
    put_option(w, OPT_SHB_USERAPPL, USERAPPL, strlen(USERAPPL));
    put_end_of_options(w, opts);
    put32(w, total);
}

static void write_idb(struct fc_out_capture *w, const struct fc_out_interface *i)
{
    size_t opts = string_option_size(i->name) + string_option_size(i->description);
    if (i->tsresol != TSRESOL_DEFAULT)
        opts += option_size(1);
    if (i->tsoffset != 0)
        opts += option_size(8);
    uint32_t total = (uint32_t)(PCAPNG_BLOCK_OVERHEAD + PCAPNG_IDB_BODY + opts +
                                end_of_options_size(opts));
    put32(w, PCAPNG_IDB);
    put32(w, total);
    put16(w, (uint16_t)i->linktype);
    put16(w, 0); /* reserved */
    put32(w, i->snaplen);
    put_string_option(w, OPT_IF_NAME, i->name);
    put_string_option(w, OPT_IF_DESCRIPTION, i->description);
    if (i->tsresol != TSRESOL_DEFAULT)
        put_option(w, OPT_IF_TSRESOL, &i->tsresol, 1);
    if (i->tsoffset != 0)
        put_option(w, OPT_IF_TSOFFSET, &i->tsoffset, 8);
    put_end_of_options(w, opts);
    put32(w, total);
}

static bool pcapng_accepts(const struct fc_out_interface *ifs, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        if (ifs[i].linktype > 0xffff || !string_fits(ifs[i].name) ||
            !string_fits(ifs[i].description))
            return false;
    }
    return true;
}

static int write_epb(struct fc_out_capture *w, const struct fc_out_packet *p)
{
    if (!string_fits(p->comment)) {
        errno = EINVAL;
        return -1;
    }
    size_t opts = string_option_size(p->comment);
    uint64_t total = PCAPNG_BLOCK_OVERHEAD + PCAPNG_EPB_BODY + pad4(p->caplen) + opts +
                     end_of_options_size(opts);
    if (total > UINT32_MAX) {
        errno = EINVAL;
        return -1;
    }
    put32(w, PCAPNG_EPB);
    put32(w, (uint32_t)total);
    put32(w, p->interface);
    put32(w, (uint32_t)(p->ts_units >> 32));
    put32(w, (uint32_t)p->ts_units);
    put32(w, p->caplen);
    put32(w, p->wirelen);
    put(w, p->data, p->caplen);
    put_padding(w, p->caplen);
    put_string_option(w, OPT_COMMENT, p->comment);
    put_end_of_options(w, opts);
    put32(w, (uint32_t)total);
    return w->failed ? -1 : 0;
}

/* ---- pcap through libpcap ---- */

/* Passes libpcap's bytes on to the caller's FILE. A failure is kept in
 * w->failed (errno stays the one fwrite set) and hidden from libpcap. */
static ssize_t relay_write(void *cookie, const char *buf, size_t size)
{
    struct fc_out_capture *w = cookie;
    put(w, buf, size);
    return (ssize_t)size;
}

static bool pcap_accepts(const struct fc_out_interface *ifs, unsigned n, unsigned out_exp)
{
    if (n == 0 || fc_out_pcap_dlt(ifs[0].linktype) < 0)
        return false;
    for (unsigned i = 0; i < n; i++) {
        if (ifs[i].linktype != ifs[0].linktype || !decimal_resolution(ifs[i].tsresol, out_exp))
            return false;
    }
    return true;
}

/* The largest snaplen, an unknown one counting as libpcap's maximum. */
static int pcap_snaplen(const struct fc_out_interface *ifs, unsigned n)
{
    uint32_t max = 0;
    for (unsigned i = 0; i < n; i++) {
        uint32_t s = ifs[i].snaplen ? ifs[i].snaplen : FC_OUT_DEFAULT_SNAPLEN;
        if (s > max)
            max = s;
    }
    return max > INT_MAX ? INT_MAX : (int)max;
}

static bool open_pcap(struct fc_out_capture *w, const struct fc_out_interface *ifs, unsigned n)
{
    w->out_exp = w->fmt == FC_OUT_PCAP_NSEC ? 9 : 6;
    if (!pcap_accepts(ifs, n, w->out_exp)) {
        errno = EINVAL;
        return false;
    }
    for (unsigned i = 0; i < n; i++)
        w->clocks[i] = (struct pcap_clock){ ifs[i].tsresol, ifs[i].tsoffset };
    cookie_io_functions_t io = { .write = relay_write };
    w->relay = fopencookie(w, "w", io);
    if (!w->relay)
        return false;
    setvbuf(w->relay, NULL, _IONBF, 0); /* every libpcap write goes on at once */
    u_int precision = w->out_exp == 9 ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO;
    w->dead = pcap_open_dead_with_tstamp_precision(fc_out_pcap_dlt(ifs[0].linktype),
                                                   pcap_snaplen(ifs, n), precision);
    if (!w->dead) {
        errno = ENOMEM;
        return false;
    }
    errno = 0;
    w->dumper = pcap_dump_fopen(w->dead, w->relay);
    if (!w->dumper) { /* only a link type libpcap refuses: the relay is still ours */
        errno = EINVAL;
        return false;
    }
    if (w->failed) {
        if (errno == 0)
            errno = EIO;
        return false;
    }
    return true;
}

/* Absolute seconds and a fraction in 10^-out_exp s, exactly: units of
 * 10^-exp s (exp <= out_exp) split by integer division, the remainder
 * scaled up by a power of ten. */
static int pcap_time(const struct pcap_clock *c, uint64_t units, unsigned out_exp,
                     struct timeval *tv)
{
    uint64_t whole = units / pow10[c->exp];
    uint64_t frac = units % pow10[c->exp] * pow10[out_exp - c->exp];
    int64_t sec;
    if (whole > INT64_MAX || __builtin_add_overflow((int64_t)whole, c->tsoffset, &sec) ||
        sec < 0 || sec > (int64_t)UINT32_MAX) {
        errno = EOVERFLOW;
        return -1;
    }
    tv->tv_sec = (time_t)sec;
    tv->tv_usec = (suseconds_t)frac; /* nanoseconds in a nanosecond file */
    return 0;
}

static int write_pcap_record(struct fc_out_capture *w, const struct fc_out_packet *p)
{
    if (p->comment) {
        errno = EINVAL;
        return -1;
    }
    struct pcap_pkthdr h = { .caplen = p->caplen, .len = p->wirelen };
    if (pcap_time(&w->clocks[p->interface], p->ts_units, w->out_exp, &h.ts) < 0)
        return -1;
    errno = 0;
    pcap_dump((u_char *)w->dumper, &h, p->data);
    if (w->failed) {
        if (errno == 0)
            errno = EIO;
        return -1;
    }
    return 0;
}

/* ---- public ---- */

struct fc_out_capture *fc_out_capture_open(FILE *f, enum fc_out_format fmt,
                                           const struct fc_out_interface *ifs, unsigned n)
{
    bool pcap = fmt == FC_OUT_PCAP_USEC || fmt == FC_OUT_PCAP_NSEC;
    if (!f || (n && !ifs) || (!pcap && fmt != FC_OUT_PCAPNG) ||
        (!pcap && !pcapng_accepts(ifs, n))) {
        errno = EINVAL;
        return NULL;
    }
    struct fc_out_capture *w = calloc(1, sizeof *w + (pcap ? n : 0) * sizeof w->clocks[0]);
    if (!w)
        return NULL;
    w->f = f;
    w->fmt = fmt;
    w->n = n;
    bool opened;
    if (pcap) {
        opened = open_pcap(w, ifs, n);
    } else {
        write_shb(w);
        for (unsigned i = 0; i < n; i++)
            write_idb(w, &ifs[i]);
        opened = !w->failed;
    }
    if (opened)
        return w;
    int e = errno;
    fc_out_capture_close(w);
    errno = e;
    return NULL;
}

int fc_out_capture_write(struct fc_out_capture *w, const struct fc_out_packet *p)
{
    if (p->interface >= w->n || (p->caplen && !p->data)) {
        errno = EINVAL;
        return -1;
    }
    if (w->failed) { /* the stream already failed: the file is damaged */
        errno = EIO;
        return -1;
    }
    if (w->fmt == FC_OUT_PCAPNG)
        return write_epb(w, p);
    return write_pcap_record(w, p);
}

int fc_out_capture_close(struct fc_out_capture *w)
{
    if (!w)
        return 0;
    if (w->dumper) {
        pcap_dump_flush(w->dumper); /* the relay is unbuffered: failures show in w->failed */
        pcap_dump_close(w->dumper); /* closes the relay, not f */
    } else if (w->relay) {
        fclose(w->relay);
    }
    if (w->dead)
        pcap_close(w->dead);
    bool ok = !w->failed && fflush(w->f) == 0 && !ferror(w->f);
    free(w);
    return ok ? 0 : -1;
}
