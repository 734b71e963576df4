/*
 * Classic pcap files (https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcap/):
 * microsecond and nanosecond magic, either byte order, and the "modified"
 * (Kuznetzov) variant whose record headers carry 8 more bytes.
 *
 *   file header (24): magic | major(2) minor(2) | thiszone(4) sigfigs(4) |
 *                     snaplen(4) | linktype(4, FCS bits in the top nibbles)
 *   record (16 + caplen): ts_sec | ts_frac | caplen | len | data
 */
#include <stdlib.h>

#include "core/cursor.h"
#include "core/limits.h"
#include "formats/in-format.h"

#define PCAP_MAGIC_USEC 0xa1b2c3d4u
#define PCAP_MAGIC_NSEC 0xa1b23c4du
#define PCAP_MAGIC_MODIFIED 0xa1b2cd34u /* Alexey Kuznetzov's patched libpcap */
#define PCAP_FILE_HEADER 24u
#define PCAP_RECORD_HEADER 16u
#define PCAP_MODIFIED_RECORD_HEADER 24u /* + ifindex(4) protocol(2) pkt_type(1) pad(1) */
#define PCAP_LINKTYPE_MASK 0x03ffffffu  /* LT_LINKTYPE(): the rest is FCS information */

struct pcap_state {
    bool big_endian;
    bool nanoseconds;
    bool swap_lengths;       /* version 2.2 and older wrote len before caplen */
    bool maybe_swap_lengths; /* version 2.3: swapped when caplen > len */
    uint32_t record_header;
    uint32_t snaplen;
    uint32_t linktype;
    bool warned_frac;
    bool warned_snaplen;
};

/* The magic as it reads in either byte order. */
static bool magic_order(uint32_t le_value, bool *big_endian, uint32_t *magic)
{
    uint32_t be_value = __builtin_bswap32(le_value);
    if (le_value == PCAP_MAGIC_USEC || le_value == PCAP_MAGIC_NSEC ||
        le_value == PCAP_MAGIC_MODIFIED) {
        *big_endian = false;
        *magic = le_value;
        return true;
    }
    if (be_value == PCAP_MAGIC_USEC || be_value == PCAP_MAGIC_NSEC ||
        be_value == PCAP_MAGIC_MODIFIED) {
        *big_endian = true;
        *magic = be_value;
        return true;
    }
    return false;
}

static bool pcap_probe(const uint8_t *head, size_t n)
{
    struct fc_cursor c = fc_cursor_make(head, n);
    bool big;
    uint32_t magic;
    uint32_t v = fc_get_le32(&c);
    return !c.short_read && magic_order(v, &big, &magic);
}

static void *pcap_open(struct fc_capture *c)
{
    size_t avail;
    const uint8_t *h = fc_stream_peek(&c->stream, PCAP_FILE_HEADER, &avail);
    if (!h) {
        fc_capture_report_at(c, FC_DIAG_ERROR, 0,
                             "pcap file header cut short: %zu of %u bytes", avail,
                             PCAP_FILE_HEADER);
        return NULL;
    }
    struct pcap_state *s = calloc(1, sizeof *s);
    if (!s) {
        fc_capture_report_at(c, FC_DIAG_ERROR, 0, "out of memory");
        return NULL;
    }
    struct fc_cursor cur = fc_cursor_make(h, PCAP_FILE_HEADER);
    uint32_t magic = 0;
    magic_order(fc_get_le32(&cur), &s->big_endian, &magic);
    uint16_t major = fc_get_16(&cur, s->big_endian);
    uint16_t minor = fc_get_16(&cur, s->big_endian);
    fc_cursor_skip(&cur, 8); /* thiszone, sigfigs: always 0 in practice */
    s->snaplen = fc_get_32(&cur, s->big_endian);
    s->linktype = fc_get_32(&cur, s->big_endian) & PCAP_LINKTYPE_MASK;
    if (major != 2) {
        fc_capture_report_at(c, FC_DIAG_ERROR, 4, "unsupported pcap version %u.%u", major, minor);
        free(s);
        return NULL;
    }
    s->nanoseconds = magic == PCAP_MAGIC_NSEC;
    s->record_header =
        magic == PCAP_MAGIC_MODIFIED ? PCAP_MODIFIED_RECORD_HEADER : PCAP_RECORD_HEADER;
    s->swap_lengths = minor < 3;
    s->maybe_swap_lengths = minor == 3;
    fc_stream_consume(&c->stream, PCAP_FILE_HEADER);
    return s;
}

static bool pcap_next(struct fc_capture *c, void *state, struct fc_packet *p)
{
    struct pcap_state *s = state;
    uint64_t offset = c->stream.offset;
    size_t avail;
    const uint8_t *h = fc_stream_peek(&c->stream, s->record_header, &avail);
    if (!h) {
        if (c->stream.error)
            fc_capture_report(c, FC_DIAG_ERROR, offset, "read error");
        else if (avail > 0)
            fc_capture_report(c, FC_DIAG_ERROR, offset,
                              "file cut short in a record header: %zu of %u bytes", avail,
                              s->record_header);
        return false;
    }
    struct fc_cursor cur = fc_cursor_make(h, s->record_header);
    uint32_t sec = fc_get_32(&cur, s->big_endian);
    uint32_t frac = fc_get_32(&cur, s->big_endian);
    uint32_t caplen = fc_get_32(&cur, s->big_endian);
    uint32_t len = fc_get_32(&cur, s->big_endian);
    if (s->swap_lengths || (s->maybe_swap_lengths && caplen > len)) {
        uint32_t t = caplen;
        caplen = len;
        len = t;
    }
    if (caplen > FC_MAX_CAPLEN) {
        fc_capture_report(c, FC_DIAG_ERROR, offset,
                          "capture length %u exceeds %u bytes: the file is damaged here, "
                          "reading stops",
                          caplen, FC_MAX_CAPLEN);
        return false;
    }
    if (s->snaplen != 0 && caplen > s->snaplen && !s->warned_snaplen) {
        s->warned_snaplen = true;
        fc_capture_report(c, FC_DIAG_WARNING, offset,
                          "capture length %u exceeds the file's snaplen %u (packet kept; "
                          "reported once per file)",
                          caplen, s->snaplen);
    }
    uint32_t frac_limit = s->nanoseconds ? 1000000000u : 1000000u;
    if (frac >= frac_limit && !s->warned_frac) {
        s->warned_frac = true;
        fc_capture_report(c, FC_DIAG_WARNING, offset,
                          "timestamp fraction %u is not below %u (carried into the seconds; "
                          "reported once per file)",
                          frac, frac_limit);
    }
    const uint8_t *rec = fc_stream_peek(&c->stream, s->record_header + caplen, &avail);
    if (!rec) {
        fc_capture_report(c, FC_DIAG_ERROR, offset,
                          "file cut short in the middle of a packet: %zu of %u data bytes",
                          avail - s->record_header, caplen);
        return false;
    }
    p->ts = (fc_time)sec * FC_NS_PER_SEC + (fc_time)frac * (s->nanoseconds ? 1 : 1000);
    c->ts_units = (uint64_t)sec * (s->nanoseconds ? 1000000000u : 1000000u) + frac;
    p->data = rec + s->record_header;
    p->caplen = caplen;
    p->wirelen = len < caplen ? caplen : len;
    p->linktype = s->linktype;
    p->interface = 0;
    p->where.offset = offset;
    fc_stream_consume(&c->stream, s->record_header + caplen);
    return true;
}

static bool pcap_interface(const void *state, uint32_t id, struct fc_capture_iface *out)
{
    const struct pcap_state *s = state;
    *out = (struct fc_capture_iface){
        .linktype = s->linktype,
        .snaplen = s->snaplen,
        .tsresol = s->nanoseconds ? 9 : 6,
    };
    return id == 0;
}

static void pcap_close(void *state)
{
    free(state);
}

const struct fc_capture_format fc_format_pcap = {
    .name = "pcap",
    .probe = pcap_probe,
    .open = pcap_open,
    .next = pcap_next,
    .interface = pcap_interface,
    .close = pcap_close,
};
