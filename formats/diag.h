/*
 * What flowcase learns about the evidence while reading it, and every
 * problem met in it. Problems are printed on stderr with the file (and the
 * archive member) and the packet number or byte offset, and kept for
 * stats.json and the manifest. They never stop the run; warnings and
 * errors decide its exit status.
 */
#ifndef FC_DIAG_H
#define FC_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/packet.h"
#include "formats/sha256.h"

enum fc_diag_level {
    FC_DIAG_NOTICE,  /* worth knowing, nothing lost (a skipped text file, time going back) */
    FC_DIAG_WARNING, /* the input is damaged, reading went on */
    FC_DIAG_ERROR,   /* reading this input stopped here */
};

#define FC_DIAG_KEEP 64 /* messages kept per log; the rest are only counted */
#define FC_DIAG_NO_PACKET 0

struct fc_diag_message {
    enum fc_diag_level level;
    uint64_t packet; /* 1-based, or FC_DIAG_NO_PACKET */
    uint64_t offset; /* byte offset in the capture stream (or the file) */
    char *text;
};

struct fc_diag_log {
    unsigned notices;
    unsigned warnings;
    unsigned errors;
    unsigned nmessages;
    struct fc_diag_message messages[FC_DIAG_KEEP];
};

struct fc_input_info;

/* One capture stream: an evidence file itself, or one member of an
 * archive. Flow records name it by (input path, member). */
struct fc_capture_info {
    struct fc_input_info *input;
    char *member;      /* name inside the archive; NULL for the file itself */
    char *compression; /* filters between the stored bytes and the capture, or NULL */
    bool has_member_hash;
    uint8_t member_sha256[FC_SHA256_LEN]; /* the member as extracted from its archive */
    uint64_t member_size;
    bool has_capture_hash;
    uint8_t capture_sha256[FC_SHA256_LEN]; /* the decompressed capture, when compressed */
    uint64_t capture_size;
    const char *format; /* "pcap", "pcapng", or NULL when not a capture */
    bool skipped;       /* not a capture: reported and passed over */
    uint64_t packets;
    fc_time first_ts;
    fc_time last_ts;
    uint32_t linktypes[8]; /* distinct link types, in order of appearance */
    unsigned nlinktypes;
    uint64_t if_drops;     /* drops the capturing interfaces reported (pcapng ISB) */
    uint64_t out_of_order; /* packets older than the one before them in this stream */
    /* Offsets of the pcapng blocks a packet's meaning depends on (section
     * headers, interface descriptions), for the flow index; incomplete
     * when past FC_MAX_CONTEXTS. */
    uint64_t *contexts;
    uint32_t ncontexts;
    bool contexts_overflow;
    struct fc_diag_log log;
};

/* One evidence item: a file named on the command line or found in a
 * directory named there. */
struct fc_input_info {
    char *path;        /* as given, or as found under a given directory */
    bool named;        /* given on the command line itself */
    uint64_t size;     /* bytes as stored */
    fc_time mtime;     /* last modification, when the case was opened */
    bool has_mtime;
    bool hashed;
    uint8_t sha256[FC_SHA256_LEN]; /* of the file as stored, from the reading pass */
    char *container;   /* "tar", "zip", "7zip", "cpio", or NULL */
    char *compression; /* filters applied to the whole file ("gzip"), or NULL */
    struct fc_capture_info **captures;
    size_t ncaptures;
    struct fc_diag_log log; /* problems with the file itself */
};

struct fc_diag {
    FILE *out;          /* NULL: keep quiet */
    unsigned max_print; /* messages printed per log before only counting */
    enum fc_diag_level print_from; /* lower levels are kept but not printed */
};

/* Records a problem in `log` and prints it, naming path (and member). */
void fc_diag_report(struct fc_diag *d, struct fc_diag_log *log, const char *path,
                    const char *member, enum fc_diag_level level, uint64_t packet,
                    uint64_t offset, const char *fmt, ...) __attribute__((format(printf, 8, 9)));

void fc_diag_vreport(struct fc_diag *d, struct fc_diag_log *log, const char *path,
                     const char *member, enum fc_diag_level level, uint64_t packet,
                     uint64_t offset, const char *fmt, va_list ap)
    __attribute__((format(printf, 8, 0)));

void fc_diag_log_free(struct fc_diag_log *log);

static inline bool fc_diag_log_damaged(const struct fc_diag_log *log)
{
    return log->warnings + log->errors > 0;
}

/* A problem in a capture stream (the packet being read is `packet`). */
#define fc_capture_info_report(d, ci, level, packet, offset, ...)                                  \
    fc_diag_report((d), &(ci)->log, (ci)->input->path, (ci)->member, (level), (packet),       \
                   (offset), __VA_ARGS__)

struct fc_capture_info *fc_capture_info_new(struct fc_input_info *in, const char *member);
void fc_capture_info_note_linktype(struct fc_capture_info *ci, uint32_t linktype);

#define FC_MAX_CONTEXTS 65536u
void fc_capture_info_note_context(struct fc_capture_info *ci, uint64_t offset);

/* True when the input or any of its capture streams is damaged. */
bool fc_input_damaged(const struct fc_input_info *in);
void fc_input_info_free(struct fc_input_info *in);

#endif
