/*
 * Diagnostics about the evidence: every problem met in an input, reported
 * on stderr with the file and the packet number or byte offset, and kept
 * per input for stats.json (and the evidence manifest). Problems in the
 * evidence never stop the run; they decide its exit status.
 */
#ifndef FC_DIAG_H
#define FC_DIAG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/packet.h"

enum fc_diag_level {
    FC_DIAG_WARNING, /* the input is damaged, reading went on */
    FC_DIAG_ERROR,   /* reading this input stopped here */
};

#define FC_DIAG_KEEP 64 /* messages kept per input; the rest are only counted */
#define FC_DIAG_NO_PACKET 0

struct fc_diag_message {
    enum fc_diag_level level;
    uint64_t packet; /* 1-based, or FC_DIAG_NO_PACKET */
    uint64_t offset; /* byte offset in the input */
    char *text;
};

/* What flowcase learnt about one input while reading it. */
struct fc_input_info {
    char *path;         /* as given */
    uint64_t size;      /* bytes, as stored */
    const char *format; /* "pcap", "pcapng", or NULL when not recognised */
    uint64_t packets;
    fc_time first_ts;
    fc_time last_ts;
    uint32_t linktypes[8]; /* distinct link types met, in order of appearance */
    unsigned nlinktypes;
    uint64_t if_drops; /* packets the capturing interfaces said they dropped (pcapng ISB) */
    unsigned warnings;
    unsigned errors;
    unsigned nmessages;
    struct fc_diag_message messages[FC_DIAG_KEEP];
};

struct fc_diag {
    FILE *out;          /* NULL: keep quiet */
    unsigned max_print; /* messages printed per input before only counting */
};

void fc_diag_report(struct fc_diag *d, struct fc_input_info *in, enum fc_diag_level level,
                    uint64_t packet, uint64_t offset, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

void fc_input_info_note_linktype(struct fc_input_info *in, uint32_t linktype);
void fc_input_info_free(struct fc_input_info *in);

static inline bool fc_input_damaged(const struct fc_input_info *in)
{
    return in->warnings + in->errors > 0;
}

#endif
