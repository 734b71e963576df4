/* The interface between in-capture.c and each capture format reader. */
#ifndef FC_IN_FORMAT_H
#define FC_IN_FORMAT_H

#include "formats/in-capture.h"
#include "formats/stream.h"

struct fc_capture {
    struct fc_stream stream;
    struct fc_capture_info *info;
    uint32_t input_index;
    struct fc_diag *diag;
    const struct fc_capture_format *format;
    void *state;
    uint64_t records; /* packet records read so far: the last packet's number */
    uint64_t ts_units; /* the last packet's timestamp as stored, in its interface's units */
    bool one_block;   /* fc_capture_read_at: next() reads one block, packet or not */
    bool block_done;  /* ... and it was read, but held no packet */
};

struct fc_capture_format {
    const char *name;
    /* Recognises the format from the first bytes (at least 4). */
    bool (*probe)(const uint8_t *head, size_t n);
    /* Reads the file header; returns the reader state or NULL (reported). */
    void *(*open)(struct fc_capture *c);
    /* Fills the capture fields of p; sets p->where.offset. false at the end. */
    bool (*next)(struct fc_capture *c, void *state, struct fc_packet *p);
    /* Describes interface `id` of the current section; false when unknown. */
    bool (*interface)(const void *state, uint32_t id, struct fc_capture_iface *out);
    void (*close)(void *state);
};

extern const struct fc_capture_format fc_format_pcap;
extern const struct fc_capture_format fc_format_pcapng;

/* Reports a problem at the current packet (the one being read). */
#define fc_capture_report(c, level, offset, ...)                                                   \
    fc_capture_info_report((c)->diag, (c)->info, (level), (c)->records + 1, (offset), __VA_ARGS__)

/* Reports a problem with the file's structure, not with one packet. */
#define fc_capture_report_at(c, level, offset, ...)                                                \
    fc_capture_info_report((c)->diag, (c)->info, (level), FC_DIAG_NO_PACKET, (offset),          \
                           __VA_ARGS__)

#endif
