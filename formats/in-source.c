/*
 * Evidence files through libarchive: see in-source.h.
 *
 *   file --(evidence thread: read + SHA-256)--> outer archive (filters, container)
 *        --(member blocks: member SHA-256)--> [inner archive: member's own compression]
 *        --(capture SHA-256 when decompressed)--> capture reader
 *
 * A plain pcap or pcapng file (the common case) bypasses libarchive: its
 * blocks go from the evidence thread straight to the capture reader.
 *
 * Only libarchive's built-in decoders are enabled (no external programs),
 * and only the containers flowcase documents. The zip reader is the
 * streaming one, so that zip files are read front to back in one pass; 7z
 * keeps its index at the end of the file and needs seeking, so a 7z file
 * is read through libarchive's seeking reader and hashed in a second,
 * sequential pass.
 */
#include "formats/in-source.h"

#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/async-hash.h"
#include "formats/evidence-file.h"

#define LIBARCHIVE_BLOCK 65536 /* read size of libarchive's own file reader (7z, probes) */
#define DRAIN_CHUNK 65536

struct fc_source {
    struct fc_input_info *in;
    struct fc_diag *diag;
    enum fc_source_mode mode;
    struct fc_evidence_file *file; /* NULL when libarchive reads the file itself */
    bool plain;     /* an uncompressed capture: no libarchive at all */
    const void *first; /* the file's first block, read to look at, handed to libarchive */
    ssize_t first_len;
    struct archive *outer;
    bool raw;       /* no container: the file's content is one capture stream */
    bool started;   /* the first header has been read */
    bool done;      /* no more members */
    bool hash_file_again; /* seekable formats: hash in a second pass */
    /* The member being read. */
    struct fc_capture_info *ci;
    struct fc_capture_info scratch; /* the capture info of probe mode */
    struct fc_diag quiet;           /* probe mode's diagnostics: kept, not printed */
    struct archive *inner;          /* the member's own compression, if any */
    const uint8_t *block;           /* member bytes not yet handed out */
    size_t block_len;
    bool held;      /* the first block was read to look at, and is handed out again */
    bool failed;    /* the member's data could not be read to its end */
    struct fc_async_hash *member_hash;
    struct fc_async_hash *capture_hash;
    uint64_t member_bytes;
    uint64_t capture_bytes;
};

static const char *const compression_suffixes[] = { ".gz", ".xz", ".zst", ".bz2", ".lz4",
                                                    ".lzma", ".z" };
static const char *const capture_suffixes[] = { ".pcapng", ".pcap", ".cap", ".ntar", ".dmp" };

static bool ends_with_ci(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len >= n && strncasecmp(s + len - n, suffix, n) == 0;
}

bool fc_capture_like_name(const char *name)
{
    size_t len = strlen(name);
    for (size_t i = 0; i < sizeof compression_suffixes / sizeof *compression_suffixes; i++) {
        if (ends_with_ci(name, len, compression_suffixes[i])) {
            len -= strlen(compression_suffixes[i]);
            break;
        }
    }
    while (len > 0 && isdigit((unsigned char)name[len - 1])) /* tcpdump -C/-W: dump.pcap3 */
        len--;
    for (size_t i = 0; i < sizeof capture_suffixes / sizeof *capture_suffixes; i++) {
        if (ends_with_ci(name, len, capture_suffixes[i]))
            return true;
    }
    return false;
}

static void enable_filters(struct archive *a)
{
    archive_read_support_filter_gzip(a);
    archive_read_support_filter_xz(a);
    archive_read_support_filter_lzma(a);
    archive_read_support_filter_zstd(a);
    archive_read_support_filter_bzip2(a);
    archive_read_support_filter_lz4(a);
    archive_read_support_filter_compress(a);
}

static struct archive *new_outer(void)
{
    struct archive *a = archive_read_new();
    if (!a)
        return NULL;
    enable_filters(a);
    archive_read_support_format_tar(a);
    archive_read_support_format_zip_streamable(a);
    archive_read_support_format_7zip(a);
    archive_read_support_format_cpio(a);
    archive_read_support_format_raw(a);
    archive_read_support_format_empty(a);
    return a;
}

/* "gzip", "bzip2+..." : the filters libarchive found, outermost first. */
static char *filter_names(struct archive *a)
{
    char names[128] = "";
    for (int i = 0; i < archive_filter_count(a); i++) {
        const char *f = archive_filter_name(a, i);
        if (!f || strcmp(f, "none") == 0)
            continue;
        size_t used = strlen(names);
        snprintf(names + used, sizeof names - used, "%s%s", used ? "+" : "", f);
    }
    return names[0] ? strdup(names) : NULL;
}

static const char *container_name(struct archive *a)
{
    switch (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) {
    case ARCHIVE_FORMAT_TAR:
        return "tar";
    case ARCHIVE_FORMAT_ZIP:
        return "zip";
    case ARCHIVE_FORMAT_7ZIP:
        return "7zip";
    case ARCHIVE_FORMAT_CPIO:
        return "cpio";
    default:
        return NULL;
    }
}

static uint64_t file_offset(const struct fc_source *s)
{
    return fc_source_position(s);
}

/* A problem with the file itself (opening it, its container). */
static void report_file(struct fc_source *s, enum fc_diag_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void report_file(struct fc_source *s, enum fc_diag_level level, const char *fmt, ...)
{
    if (s->mode == FC_SOURCE_PROBE)
        return;
    va_list ap;
    va_start(ap, fmt);
    fc_diag_vreport(s->diag, &s->in->log, s->in->path, NULL, level, FC_DIAG_NO_PACKET,
                    file_offset(s), fmt, ap);
    va_end(ap);
}

static la_ssize_t evidence_read(struct archive *a, void *client, const void **buf)
{
    struct fc_source *s = client;
    if (s->first) {
        *buf = s->first;
        s->first = NULL;
        return s->first_len;
    }
    ssize_t n = fc_evidence_read(s->file, buf);
    if (n < 0)
        archive_set_error(a, errno, "read error: %s", strerror(errno));
    return n;
}

/* 7z is the one container that needs seeking: peek at its magic. */
bool fc_source_needs_seeking(const char *path)
{
    uint8_t magic[6];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool yes = pread(fd, magic, sizeof magic, 0) == (ssize_t)sizeof magic &&
               memcmp(magic, "7z\xbc\xaf\x27\x1c", 6) == 0;
    close(fd);
    return yes;
}

static bool capture_magic(const uint8_t *b, ssize_t n)
{
    static const uint8_t magics[][4] = {
        { 0xd4, 0xc3, 0xb2, 0xa1 }, { 0xa1, 0xb2, 0xc3, 0xd4 }, /* pcap, microseconds */
        { 0x4d, 0x3c, 0xb2, 0xa1 }, { 0xa1, 0xb2, 0x3c, 0x4d }, /* pcap, nanoseconds */
        { 0x34, 0xcd, 0xb2, 0xa1 }, { 0xa1, 0xb2, 0xcd, 0x34 }, /* modified pcap */
        { 0x0a, 0x0d, 0x0d, 0x0a },                             /* pcapng */
    };
    for (size_t i = 0; n >= 4 && i < sizeof magics / sizeof magics[0]; i++) {
        if (memcmp(b, magics[i], 4) == 0)
            return true;
    }
    return false;
}

/* Opens the reading pass over an evidence thread; plain captures skip
 * libarchive. Returns false when the file cannot be read (reported). */
static bool open_evidence(struct fc_source *s, struct fc_evidence_file *prefetched)
{
    s->file = prefetched ? prefetched : fc_evidence_open(s->in->path);
    if (!s->file) {
        report_file(s, FC_DIAG_ERROR, "cannot open: %s", strerror(errno));
        return false;
    }
    s->in->size = fc_evidence_size(s->file);
    const void *b;
    ssize_t n = fc_evidence_read(s->file, &b);
    if (n > 0 && capture_magic(b, n)) {
        s->plain = true;
        s->block = b;
        s->block_len = (size_t)n;
        return true;
    }
    s->first = n > 0 ? b : NULL;
    s->first_len = n;
    s->outer = new_outer();
    if (!s->outer) {
        report_file(s, FC_DIAG_ERROR, "out of memory");
        return false;
    }
    if (archive_read_open(s->outer, s, NULL, evidence_read, NULL) != ARCHIVE_OK) {
        report_file(s, FC_DIAG_ERROR, "cannot be read: %s", archive_error_string(s->outer));
        return false;
    }
    return true;
}

/* Probes, and 7z files, are read by libarchive's own file reader. */
static bool open_with_libarchive(struct fc_source *s)
{
    s->outer = new_outer();
    if (!s->outer) {
        report_file(s, FC_DIAG_ERROR, "out of memory");
        return false;
    }
    if (archive_read_open_filename(s->outer, s->in->path, LIBARCHIVE_BLOCK) != ARCHIVE_OK) {
        report_file(s, FC_DIAG_ERROR, "cannot be read: %s", archive_error_string(s->outer));
        return false;
    }
    return true;
}

struct fc_source *fc_source_open(struct fc_input_info *in, enum fc_source_mode mode,
                                 struct fc_diag *diag, struct fc_evidence_file *prefetched)
{
    struct fc_source *s = calloc(1, sizeof *s);
    if (!s) {
        fc_evidence_close(prefetched, NULL);
        return NULL;
    }
    s->in = in;
    s->diag = diag;
    s->mode = mode;
    bool ok;
    if (mode != FC_SOURCE_READ || (!prefetched && fc_source_needs_seeking(in->path))) {
        s->hash_file_again = mode == FC_SOURCE_READ;
        ok = open_with_libarchive(s);
    } else {
        ok = open_evidence(s, prefetched);
    }
    if (!ok) {
        s->done = true;
        fc_source_close(s);
        return NULL;
    }
    return s;
}

uint64_t fc_source_position(const struct fc_source *s)
{
    if (s->file)
        return fc_evidence_position(s->file);
    return s->outer ? (uint64_t)archive_filter_bytes(s->outer, -1) : 0;
}

/* The next block of a plain capture, straight from the evidence thread. */
static ssize_t plain_block(struct fc_source *s, const void **buf)
{
    ssize_t n = fc_evidence_read(s->file, buf);
    if (n < 0) {
        if (!s->failed)
            fc_capture_info_report(s->diag, s->ci, FC_DIAG_ERROR, FC_DIAG_NO_PACKET,
                                   s->member_bytes, "read error: %s", strerror(errno));
        s->failed = true;
    }
    return n;
}

/* The next bytes of the member as its archive stores them (after the
 * archive's own compression, before the member's). Returns the length,
 * 0 at the member's end, -1 when its data is damaged (reported). */
static ssize_t member_block(struct fc_source *s, const void **buf)
{
    if (s->held) {
        s->held = false;
        *buf = s->block;
        return (ssize_t)s->block_len;
    }
    if (s->plain)
        return plain_block(s, buf);
    size_t size;
    la_int64_t offset;
    int r = archive_read_data_block(s->outer, buf, &size, &offset);
    if (r == ARCHIVE_EOF)
        return 0;
    if (r == ARCHIVE_WARN) /* e.g. a member whose CRC does not match */
        fc_capture_info_report(s->diag, s->ci, FC_DIAG_WARNING, FC_DIAG_NO_PACKET, s->member_bytes,
                               "archive member damaged near byte %llu of the file: %s",
                               (unsigned long long)file_offset(s), archive_error_string(s->outer));
    if (r < ARCHIVE_WARN) {
        if (!s->failed)
            fc_capture_info_report(s->diag, s->ci, FC_DIAG_ERROR, FC_DIAG_NO_PACKET,
                                   s->member_bytes,
                                   "%s damaged at byte %llu of the file: %s",
                                   s->raw ? "compressed data" : "archive member",
                                   (unsigned long long)file_offset(s),
                                   archive_error_string(s->outer));
        s->failed = true;
        return -1;
    }
    if (s->member_hash)
        fc_async_hash_update(s->member_hash, *buf, size);
    s->member_bytes += size;
    return (ssize_t)size;
}

static la_ssize_t inner_read(struct archive *a, void *client, const void **buf)
{
    struct fc_source *s = client;
    ssize_t n = member_block(s, buf);
    if (n < 0)
        archive_set_error(a, EIO, "the archive member is damaged");
    return n;
}

/* The capture reader's byte source. A damaged stream reads as its end:
 * the damage has been reported here, and the reader reports the packet it
 * cut. */
static ssize_t capture_read(void *ctx, void *buf, size_t n)
{
    struct fc_source *s = ctx;
    ssize_t got = 0;
    if (s->inner) {
        got = archive_read_data(s->inner, buf, n);
        if (got < 0) {
            if (!s->failed)
                fc_capture_info_report(s->diag, s->ci, FC_DIAG_ERROR, FC_DIAG_NO_PACKET,
                                       s->capture_bytes,
                                       "compressed member damaged after %llu bytes: %s",
                                       (unsigned long long)s->capture_bytes,
                                       archive_error_string(s->inner));
            s->failed = true;
            got = 0;
        }
    } else {
        if (s->block_len == 0) {
            const void *b;
            ssize_t m = member_block(s, &b);
            if (m <= 0)
                return 0;
            s->block = b;
            s->block_len = (size_t)m;
        }
        got = (ssize_t)(n < s->block_len ? n : s->block_len);
        memcpy(buf, s->block, (size_t)got);
        s->block += got;
        s->block_len -= (size_t)got;
    }
    if (got > 0 && s->capture_hash)
        fc_async_hash_update(s->capture_hash, buf, (size_t)got);
    s->capture_bytes += (uint64_t)(got > 0 ? got : 0);
    return got;
}

static bool compressed_magic(const uint8_t *b, size_t n)
{
    static const struct {
        size_t len;
        const char *magic;
    } magics[] = { { 2, "\x1f\x8b" },         { 6, "\xfd" "7zXZ\x00" }, { 4, "\x28\xb5\x2f\xfd" },
                   { 3, "BZh" },              { 4, "\x04\x22\x4d\x18" }, { 2, "\x1f\x9d" } };
    for (size_t i = 0; i < sizeof magics / sizeof *magics; i++) {
        if (n >= magics[i].len && memcmp(b, magics[i].magic, magics[i].len) == 0)
            return true;
    }
    return false;
}

/* Looks at the member's first block; opens a decompressor over the member
 * when it is itself compressed (a .pcap.gz inside a tar). */
static void open_member(struct fc_source *s)
{
    const void *b;
    ssize_t n = member_block(s, &b);
    s->block = n > 0 ? b : NULL;
    s->block_len = n > 0 ? (size_t)n : 0;
    if (s->raw || n <= 0 || !compressed_magic(s->block, s->block_len))
        return; /* capture_read hands out s->block first */
    s->held = true; /* the decompressor reads the first block again */
    s->inner = archive_read_new();
    struct archive_entry *e;
    if (s->inner) {
        enable_filters(s->inner);
        archive_read_support_format_raw(s->inner);
        archive_read_support_format_empty(s->inner);
    }
    if (!s->inner || archive_read_open(s->inner, s, NULL, inner_read, NULL) != ARCHIVE_OK ||
        archive_read_next_header(s->inner, &e) != ARCHIVE_OK) {
        fc_capture_info_report(s->diag, s->ci, FC_DIAG_ERROR, FC_DIAG_NO_PACKET, 0,
                               "compressed member cannot be read: %s",
                               s->inner ? archive_error_string(s->inner) : "out of memory");
        s->failed = true;
        return;
    }
    s->ci->compression = filter_names(s->inner);
}

static enum fc_diag_level not_capture_level(const struct fc_source *s, const char *member)
{
    if (!member && s->in->named)
        return FC_DIAG_ERROR;
    return fc_capture_like_name(member ? member : s->in->path) ? FC_DIAG_WARNING
                                                               : FC_DIAG_NOTICE;
}

/* Notes the container and compression at the first header. */
static void describe_file(struct fc_source *s)
{
    s->started = true;
    s->raw = !container_name(s->outer);
    if (s->mode != FC_SOURCE_READ)
        return;
    const char *container = container_name(s->outer);
    s->in->container = container ? strdup(container) : NULL;
    s->in->compression = filter_names(s->outer);
}

/* Starts reading one capture stream: the member (or file) just reached. */
static struct fc_capture *open_stream(struct fc_source *s, const char *member, uint32_t index)
{
    bool reading = s->mode != FC_SOURCE_PROBE;
    bool hashing = s->mode == FC_SOURCE_READ;
    if (reading) {
        s->ci = fc_capture_info_new(s->in, member);
        if (!s->ci) {
            report_file(s, FC_DIAG_ERROR, "out of memory");
            s->done = true;
            return NULL;
        }
    } else {
        memset(&s->scratch, 0, sizeof s->scratch);
        s->scratch.input = s->in;
        s->ci = &s->scratch;
    }
    if (s->raw && s->outer && reading)
        s->ci->compression = filter_names(s->outer);
    s->member_hash = hashing && !s->raw ? fc_async_hash_start() : NULL;
    s->member_bytes = s->capture_bytes = 0;
    s->failed = false;
    if (!s->plain)
        open_member(s);
    s->capture_hash = hashing && s->ci->compression ? fc_async_hash_start() : NULL;
    return fc_capture_open(capture_read, s, s->ci, index, not_capture_level(s, member),
                           reading ? s->diag : &s->quiet);
}

/* Moves to the next regular member (or to the single stream of a file
 * without container). False at the end of the archive. */
static bool next_entry(struct fc_source *s, const char **member)
{
    for (;;) {
        struct archive_entry *entry;
        int r = archive_read_next_header(s->outer, &entry);
        if (r == ARCHIVE_EOF) {
            if (!s->started)
                report_file(s, not_capture_level(s, NULL), "empty file: not a capture");
            return false;
        }
        if (r < ARCHIVE_WARN) {
            report_file(s, FC_DIAG_ERROR, "archive damaged here: %s",
                        archive_error_string(s->outer));
            return false;
        }
        if (r == ARCHIVE_WARN)
            report_file(s, FC_DIAG_WARNING, "archive header: %s", archive_error_string(s->outer));
        if (!s->started)
            describe_file(s);
        if (s->raw || archive_entry_filetype(entry) == AE_IFREG) {
            *member = s->raw ? NULL : archive_entry_pathname(entry);
            return true;
        }
    }
}

struct fc_capture *fc_source_next(struct fc_source *s, uint32_t index)
{
    while (!s->done) {
        const char *member = NULL;
        if (s->plain) {
            s->raw = s->started = s->done = true;
        } else if (!next_entry(s, &member)) {
            s->done = true;
            break;
        }
        struct fc_capture *c = open_stream(s, member, index);
        if (c)
            return c;
        if (s->ci)
            fc_source_end_capture(s, NULL);
    }
    return NULL;
}

void fc_source_end_capture(struct fc_source *s, struct fc_capture *c)
{
    fc_capture_close(c);
    if (s->mode == FC_SOURCE_READ) {
        /* The rest of the stream still belongs in its hashes. */
        char *scratch = malloc(DRAIN_CHUNK);
        while (scratch && !s->failed && capture_read(s, scratch, DRAIN_CHUNK) > 0)
            ;
        const void *b;
        while (!s->failed && member_block(s, &b) > 0)
            ;
        free(scratch);
    }
    struct fc_capture_info *ci = s->ci;
    if (ci == &s->scratch) {
        fc_diag_log_free(&ci->log);
        free(ci->contexts);
        free(ci->compression);
    }
    if (s->member_hash) {
        fc_async_hash_finish(s->member_hash, ci->member_sha256);
        ci->has_member_hash = !s->failed;
        ci->member_size = s->member_bytes;
    }
    if (s->capture_hash) {
        fc_async_hash_finish(s->capture_hash, ci->capture_sha256);
        ci->has_capture_hash = !s->failed;
        ci->capture_size = s->capture_bytes;
    }
    s->member_hash = s->capture_hash = NULL;
    if (s->inner)
        archive_read_free(s->inner);
    s->inner = NULL;
    s->block = NULL;
    s->block_len = 0;
    s->held = false;
    s->ci = NULL;
}

void fc_source_close(struct fc_source *s)
{
    if (!s)
        return;
    if (s->ci)
        fc_source_end_capture(s, NULL);
    if (s->mode == FC_SOURCE_READ && (s->outer || s->plain)) {
        /* Members never reached (after an early stop) still count in the
         * file's hash, which the evidence thread computes as it drains. */
        struct fc_capture *c;
        while (!s->done && (c = fc_source_next(s, UINT32_MAX)))
            fc_source_end_capture(s, c);
    }
    if (s->outer)
        archive_read_free(s->outer);
    struct fc_input_info *in = s->in;
    if (s->file) {
        if (fc_evidence_close(s->file, in->sha256) == 0)
            in->hashed = true;
        else
            fc_diag_report(s->diag, &in->log, in->path, NULL, FC_DIAG_ERROR, FC_DIAG_NO_PACKET,
                           0, "read error while hashing: %s", strerror(errno));
    } else if (s->hash_file_again) {
        if (fc_sha256_file(in->path, in->sha256, &in->size) == 0)
            in->hashed = true;
        else
            fc_diag_report(s->diag, &in->log, in->path, NULL, FC_DIAG_ERROR, FC_DIAG_NO_PACKET,
                           0, "cannot be read for hashing: %s", strerror(errno));
    }
    free(s);
}

/* A byte source over a buffer, for probing the start of a plain capture. */
struct memory_source {
    const uint8_t *buf;
    size_t len;
    size_t pos;
};

static ssize_t memory_read(void *ctx, void *buf, size_t n)
{
    struct memory_source *m = ctx;
    size_t take = m->len - m->pos < n ? m->len - m->pos : n;
    memcpy(buf, m->buf + m->pos, take);
    m->pos += take;
    return (ssize_t)take;
}

#define PROBE_BYTES 65536 /* enough for the header and first packet of nearly any capture */

/* Plain captures, most inputs, are probed from one read of their start. */
static bool probe_plain(struct fc_input_info *in, fc_time *first)
{
    uint8_t *buf = malloc(PROBE_BYTES);
    int fd = buf ? open(in->path, O_RDONLY | O_CLOEXEC) : -1;
    ssize_t n = fd >= 0 ? pread(fd, buf, PROBE_BYTES, 0) : -1;
    if (fd >= 0)
        close(fd);
    bool known = false;
    if (n > 0 && capture_magic(buf, n)) {
        struct memory_source m = { buf, (size_t)n, 0 };
        struct fc_capture_info scratch = { .input = in };
        struct fc_diag quiet = { 0 };
        struct fc_capture *c =
            fc_capture_open(memory_read, &m, &scratch, 0, FC_DIAG_NOTICE, &quiet);
        struct fc_packet p;
        if (c && fc_capture_next(c, &p)) {
            *first = p.ts;
            known = true;
        }
        fc_capture_close(c);
        fc_diag_log_free(&scratch.log);
        free(scratch.contexts);
    }
    free(buf);
    return known;
}

fc_time fc_source_first_time(struct fc_input_info *in)
{
    fc_time first = INT64_MAX;
    if (probe_plain(in, &first))
        return first;
    struct fc_diag quiet = { 0 };
    struct fc_source *s = fc_source_open(in, FC_SOURCE_PROBE, &quiet, NULL);
    struct fc_capture *c;
    while (s && first == INT64_MAX && (c = fc_source_next(s, 0))) {
        struct fc_packet p;
        if (fc_capture_next(c, &p))
            first = p.ts;
        fc_source_end_capture(s, c);
    }
    fc_source_close(s);
    return first;
}
