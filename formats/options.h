/*
 * The options of `flowcase convert`, described once in a table that drives
 * the command line, the YAML configuration file and --print-config.
 * Precedence: built-in defaults, then --config FILE, then flags.
 */
#ifndef FC_OPTIONS_H
#define FC_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/packet.h"

#define FC_FORMAT_JSONL 0x1u
#define FC_FORMAT_CSV 0x2u
#define FC_FORMAT_IPFIX 0x4u

struct fc_options {
    char *output;      /* directory, or "-" for JSON lines on stdout */
    char *format;      /* comma-separated: jsonl, csv */
    char *filter;      /* BPF expression, or NULL */
    uint64_t max_flows;
    fc_time idle_timeout;
    fc_time active_timeout;
    fc_time tcp_close_grace;
    bool vlan_key;
    bool dedup;
    fc_time dedup_window;
    bool quiet;
    bool l7;
    uint64_t reasm_flow_cap;
    uint64_t reasm_memcap;
    char *ua_regexes; /* NULL: uap-core's from the Debian package */
    uint64_t frag_memcap;
    fc_time frag_timeout;
    bool decap;
    uint64_t tunnel_depth;
    char *decap_off;    /* comma-separated tunnel types, or NULL */
    char *tunnel_ports; /* comma-separated TYPE=PORT, or NULL */
    bool tunnel_flows;
    bool index;         /* write flows.index */
    char **inputs;
    size_t ninputs;
};

enum fc_option_kind {
    FC_OPT_STRING,
    FC_OPT_BOOL,
    FC_OPT_COUNT,   /* a positive integer */
    FC_OPT_SECONDS, /* a duration: 300, 300s, 5m, 1h, 250ms */
    FC_OPT_BYTES,   /* a size: 1048576, 64KiB, 1MiB, 2GiB */
    FC_OPT_INPUTS,  /* the list of inputs (positional on the command line) */
};

struct fc_option {
    const char *name; /* YAML key; the flag is the name with '-' for '_' */
    char short_name;  /* 0 when none */
    enum fc_option_kind kind;
    size_t offset;    /* of the member in struct fc_options */
    const char *arg;  /* argument name in --help */
    const char *help;
};

extern const struct fc_option fc_options_table[];
extern const size_t fc_options_count;

void fc_options_defaults(struct fc_options *o);
void fc_options_free(struct fc_options *o);

/* Sets one option from its text form; on a bad value returns -1 with a
 * message (not naming the option: the caller knows where it came from). */
int fc_option_set(const struct fc_option *opt, struct fc_options *o, const char *value,
                  char *err, size_t errlen);
/* Appends one input path. */
int fc_options_add_input(struct fc_options *o, const char *path);

const struct fc_option *fc_option_find(const char *name);

/* Parses and checks --format; returns the FC_FORMAT_* mask or 0 with err. */
unsigned fc_options_formats(const struct fc_options *o, char *err, size_t errlen);

/* The option's current value as text, for --print-config (buf when needed;
 * NULL for an unset string). */
const char *fc_option_text(const struct fc_option *opt, const struct fc_options *o, char *buf,
                           size_t size);

#endif
