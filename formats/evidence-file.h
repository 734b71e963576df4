/*
 * One evidence file read once, front to back, with its SHA-256 computed
 * from the same bytes: a reader thread fills a small ring of blocks and
 * hashes each as it goes, while the caller (libarchive) decodes them. The
 * hash of a terabyte case thus costs no second read, and on two cores no
 * time on the decoding path.
 */
#ifndef FC_EVIDENCE_FILE_H
#define FC_EVIDENCE_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "formats/sha256.h"

struct fc_evidence_file;

/* Opens path and starts reading. NULL with errno set on failure. */
struct fc_evidence_file *fc_evidence_open(const char *path);

/* The next block of the file: returns its length and points *block at it
 * (valid until the next call), 0 at the end, -1 on a read error (errno). */
ssize_t fc_evidence_read(struct fc_evidence_file *f, const void **block);

uint64_t fc_evidence_size(const struct fc_evidence_file *f);
/* Bytes handed out so far. */
uint64_t fc_evidence_position(const struct fc_evidence_file *f);

/* Reads and hashes whatever the caller did not consume, stops the thread
 * and frees f (NULL is ignored). Returns 0 with the digest (when sha256 is
 * not NULL), or -1 when the file could not be read to its end (errno). */
int fc_evidence_close(struct fc_evidence_file *f, uint8_t sha256[FC_SHA256_LEN]);

#endif
