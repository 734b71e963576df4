/*
 * Record writers: each output format implements write and close. The
 * convert command fans every record out to the writers it opened.
 */
#ifndef FC_WRITER_H
#define FC_WRITER_H

#include <stdio.h>

#include "formats/fields.h"

struct fc_writer;

struct fc_writer_ops {
    /* Returns 0, or -1 when the output cannot be written (errno set). */
    int (*write)(struct fc_writer *w, const struct fc_row *row);
    /* Flushes and releases the writer; -1 when a write failed. */
    int (*close)(struct fc_writer *w);
};

struct fc_writer {
    const struct fc_writer_ops *ops;
    FILE *out;
    bool owns_out; /* close `out` with the writer (not for stdout) */
};

struct fc_writer *fc_jsonl_writer_open(FILE *out, bool owns_out);
struct fc_writer *fc_csv_writer_open(FILE *out, bool owns_out);
/* A section's CSV file (http.csv, ...): one row per item of the records
 * written. */
struct fc_section;
struct fc_writer *fc_section_csv_writer_open(FILE *out, bool owns_out,
                                             const struct fc_section *s);
struct fc_writer *fc_ipfix_writer_open(FILE *out, bool owns_out);

/* Shared by the writers: allocates a writer of `size` bytes (a struct
 * that begins with struct fc_writer). */
struct fc_writer *fc_writer_new(const struct fc_writer_ops *ops, FILE *out, bool owns_out,
                                size_t size);
/* Shared by the writers: flushes and closes `out` if owned, frees w. */
int fc_writer_release(struct fc_writer *w);

#endif
