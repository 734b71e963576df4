/*
 * One evidence file opened through libarchive: plain, compressed (gzip,
 * xz, zstd, bzip2, lz4) or an archive (tar, zip, 7z, cpio, themselves
 * compressed or not) whose members may be compressed captures too. It
 * yields the capture streams in the order they are stored, streamed, with
 * no temporary copies: the file's SHA-256 comes from the reading pass, each
 * member's and each decompressed capture's from the bytes as they pass.
 */
#ifndef FC_IN_SOURCE_H
#define FC_IN_SOURCE_H

#include "formats/diag.h"
#include "formats/in-capture.h"

struct fc_source;

enum fc_source_mode {
    FC_SOURCE_PROBE, /* peek at the first packet: no hashing, nothing recorded */
    FC_SOURCE_READ,  /* the reading pass: hashes, diagnostics */
    FC_SOURCE_FETCH, /* the extractor: diagnostics, capture infos, but no hashing, and
                        nothing read beyond what the caller asks for */
};

struct fc_evidence_file;

/* Opens in->path. In read mode, `prefetched` is the file already opened
 * (fc_evidence_open) to read ahead, or NULL; the source takes it over.
 * NULL when the file cannot be opened as any supported format; the reason
 * has been reported in in->log. */
struct fc_source *fc_source_open(struct fc_input_info *in, enum fc_source_mode mode,
                                 struct fc_diag *diag, struct fc_evidence_file *prefetched);

/* True for formats that libarchive must seek in (7z): these are not read
 * through an evidence thread, so they cannot be prefetched. */
bool fc_source_needs_seeking(const char *path);

/* Opens the next capture stream of the file, giving its packets the
 * provenance index `index`; non-capture members are reported and passed.
 * NULL at the end of the file. */
struct fc_capture *fc_source_next(struct fc_source *s, uint32_t index);

/* Ends the stream fc_source_next() opened last: what its reader left is
 * read and hashed, and its digests are stored in its capture info. */
void fc_source_end_capture(struct fc_source *s, struct fc_capture *c);

/* Bytes of the stored file read so far. */
uint64_t fc_source_position(const struct fc_source *s);

/* Reads and hashes the rest of the file, records its SHA-256, container
 * and compression in its input info, and frees s. */
void fc_source_close(struct fc_source *s);

/* The time of the file's first packet, or INT64_MAX when it has none;
 * reads only the start of the file, and reports nothing. */
fc_time fc_source_first_time(struct fc_input_info *in);

/* A file name that promises a capture (.pcap, .pcapng, .cap ..., also
 * compressed): when such a file is not a capture, that is damage. */
bool fc_capture_like_name(const char *name);

#endif
