/* Capture input: format recognition and the per-stream bookkeeping. */
#include "formats/in-capture.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "formats/in-format.h"

static const struct fc_capture_format *const formats[] = {
    &fc_format_pcap,
    &fc_format_pcapng,
};

/* Magic numbers recognised only to say what a non-capture stream is. */
static const struct {
    const char *what;
    size_t offset;
    size_t len;
    const char *magic;
} known_other[] = {
    { "gzip-compressed data", 0, 2, "\x1f\x8b" },
    { "xz-compressed data", 0, 6, "\xfd" "7zXZ\x00" },
    { "zstd-compressed data", 0, 4, "\x28\xb5\x2f\xfd" },
    { "bzip2-compressed data", 0, 3, "BZh" },
    { "lz4-compressed data", 0, 4, "\x04\x22\x4d\x18" },
    { "a zip archive", 0, 4, "PK\x03\x04" },
    { "a 7z archive", 0, 6, "7z\xbc\xaf\x27\x1c" },
    { "a tar archive", 257, 5, "ustar" },
};

static const char *describe_unknown(struct fc_stream *s)
{
    size_t avail;
    fc_stream_peek(s, 262, &avail);
    const uint8_t *head = s->buf + s->start;
    for (size_t i = 0; i < sizeof known_other / sizeof known_other[0]; i++) {
        if (avail >= known_other[i].offset + known_other[i].len &&
            memcmp(head + known_other[i].offset, known_other[i].magic, known_other[i].len) == 0)
            return known_other[i].what;
    }
    return NULL;
}

static struct fc_capture *fail_open(struct fc_capture *c)
{
    fc_stream_free(&c->stream);
    free(c);
    return NULL;
}

struct fc_capture *fc_capture_open(fc_source_read read, void *ctx, struct fc_capture_info *info,
                                   uint32_t input_index, enum fc_diag_level not_capture,
                                   struct fc_diag *diag)
{
    struct fc_capture *c = calloc(1, sizeof *c);
    if (!c) {
        fc_capture_info_report(diag, info, FC_DIAG_ERROR, FC_DIAG_NO_PACKET, 0, "out of memory");
        return NULL;
    }
    c->info = info;
    c->input_index = input_index;
    c->diag = diag;
    fc_stream_init(&c->stream, read, ctx);

    size_t avail;
    const uint8_t *head = fc_stream_peek(&c->stream, 4, &avail);
    if (!head && c->stream.error) {
        fc_capture_report_at(c, FC_DIAG_ERROR, avail, "read error: %s",
                             strerror(c->stream.error));
        return fail_open(c);
    }
    for (size_t i = 0; head && i < sizeof formats / sizeof formats[0]; i++) {
        if (formats[i]->probe(head, avail)) {
            c->format = formats[i];
            break;
        }
    }
    if (!c->format) {
        const char *what = head ? describe_unknown(&c->stream) : NULL;
        info->skipped = true;
        if (!head)
            fc_capture_report_at(c, not_capture, 0,
                                 "not a capture: %zu bytes, too short for any format", avail);
        else
            fc_capture_report_at(c, not_capture, 0, "not a pcap or pcapng capture%s%s",
                                 what ? ": " : " (unknown magic number)", what ? what : "");
        return fail_open(c);
    }
    info->format = c->format->name;
    c->state = c->format->open(c);
    if (!c->state)
        return fail_open(c);
    return c;
}

bool fc_capture_next(struct fc_capture *c, struct fc_packet *p)
{
    if (!c->format->next(c, c->state, p))
        return false;
    c->records++;
    p->where.input = c->input_index;
    p->where.number = c->records;
    struct fc_capture_info *ci = c->info;
    if (ci->packets == 0 || p->ts < ci->first_ts)
        ci->first_ts = p->ts;
    if (ci->packets == 0 || p->ts > ci->last_ts)
        ci->last_ts = p->ts;
    ci->packets++;
    fc_capture_info_note_linktype(ci, p->linktype);
    return true;
}

bool fc_capture_interface(const struct fc_capture *c, uint32_t id, struct fc_capture_iface *out)
{
    return c->format->interface(c->state, id, out);
}

uint64_t fc_capture_ts_units(const struct fc_capture *c)
{
    return c->ts_units;
}

void fc_capture_set_seek(struct fc_capture *c, int (*seek)(void *ctx, uint64_t offset))
{
    c->stream.seek = seek;
}

int fc_capture_read_at(struct fc_capture *c, uint64_t offset, uint64_t number,
                       struct fc_packet *p)
{
    c->records = number ? number - 1 : 0;
    if (fc_stream_seek(&c->stream, offset) != 0) {
        fc_capture_report_at(c, FC_DIAG_ERROR, offset, "cannot %s this offset: %s",
                             offset < c->stream.offset ? "go back to" : "reach",
                             c->stream.error ? strerror(c->stream.error) : "the stream ends first");
        return -1;
    }
    c->one_block = true;
    c->block_done = false;
    bool got = c->format->next(c, c->state, p);
    c->one_block = false;
    if (got) {
        p->where.input = c->input_index;
        p->where.number = number;
        return 1;
    }
    return c->block_done ? 0 : -1;
}

uint64_t fc_capture_position(const struct fc_capture *c)
{
    return c->stream.offset;
}

void fc_capture_close(struct fc_capture *c)
{
    if (!c)
        return;
    if (c->state)
        c->format->close(c->state);
    fc_stream_free(&c->stream);
    free(c);
}
