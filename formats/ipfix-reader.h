/*
 * IPFIX file reader (RFC 5655/7011): walks the messages of a file, keeps
 * templates and options templates per observation domain (withdrawals
 * included), learns element names and types from RFC 5610 records,
 * checks RFC 5655 message checksums and sequence numbers, and hands every
 * other data record to a callback as a list of field views. A damaged
 * message is reported with its offset; what was readable is kept.
 */
#ifndef FC_IPFIX_READER_H
#define FC_IPFIX_READER_H

#include <stdbool.h>
#include <stdint.h>

#include "formats/diag.h"
#include "formats/ipfix.h"

struct fc_ipfix_spec {
    uint32_t pen;
    uint16_t id;
    uint16_t length; /* FC_IPFIX_VARLEN for variable length */
};

struct fc_ipfix_template {
    uint32_t odid;
    uint16_t id;
    uint16_t scope_count; /* 0 for a plain template */
    uint16_t count;
    struct fc_ipfix_spec *fields;
};

/* One field of a data record: its specifier and its bytes. */
struct fc_ipfix_view {
    const struct fc_ipfix_spec *spec;
    const uint8_t *data;
    uint32_t len;
};

#define FC_IPFIX_MAX_FIELDS 512

struct fc_ipfix_data {
    const struct fc_ipfix_template *t;
    struct fc_ipfix_view views[FC_IPFIX_MAX_FIELDS];
    uint16_t n;
    uint64_t message_offset;
};

struct fc_ipfix_reader;

/* Element metadata learned from the file (RFC 5610), else built in. */
const struct fc_ipfix_ie *fc_ipfix_reader_ie(const struct fc_ipfix_reader *r, uint32_t pen,
                                             uint16_t id);
/* A template by observation domain and id (for sub-template lists). */
const struct fc_ipfix_template *fc_ipfix_reader_template(const struct fc_ipfix_reader *r,
                                                         uint32_t odid, uint16_t id);

/* Reports a problem with the record being read (named by its message's
 * offset) to the file's log. */
void fc_ipfix_reader_problem(const struct fc_ipfix_reader *r, enum fc_diag_level level,
                             const char *fmt, ...) __attribute__((format(printf, 3, 4)));

typedef void (*fc_ipfix_record_fn)(void *arg, const struct fc_ipfix_reader *r,
                                   const struct fc_ipfix_data *d);

/* Reads the file, calling fn for each data record that is not an RFC 5610
 * or RFC 5655 message-checksum record. Problems go to `log` (named after
 * path). Sets *flowcase (if not NULL) when the file describes flowcase's
 * flow records (RFC 5610 records for fcFlowId). Returns 0 when the file
 * could be opened. */
int fc_ipfix_read_file(const char *path, struct fc_diag *diag, struct fc_diag_log *log,
                       fc_ipfix_record_fn fn, void *arg, bool *flowcase);

/* Splits one record of template t out of [p, end): fills d, returns the
 * bytes it took, or 0 when the record does not fit. */
size_t fc_ipfix_split_record(const struct fc_ipfix_template *t, const uint8_t *p,
                             const uint8_t *end, struct fc_ipfix_data *d);

#endif
